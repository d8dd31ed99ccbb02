/**
 * Syntax highlighting for the book with highlight.js, split into lines so every line can
 * carry an anchor (`#mod.ts-L12`) and exported definitions can be linked by name.
 *
 * @module
 */
import hljs from "highlight.js/lib/core";
import typescript from "highlight.js/lib/languages/typescript";
import bash from "highlight.js/lib/languages/bash";
import json from "highlight.js/lib/languages/json";

hljs.registerLanguage("typescript", typescript);
hljs.registerLanguage("bash", bash);
hljs.registerLanguage("json", json);

const ALIASES: Record<string, string> = {
  ts: "typescript",
  typescript: "typescript",
  js: "typescript",
  javascript: "typescript",
  sh: "bash",
  bash: "bash",
  shell: "bash",
  json: "json",
};

/**
 * Escapes text for HTML.
 *
 * @param text any text
 * @returns the text with `&`, `<`, `>`, `"` and `'` escaped
 * @example
 * ```ts
 * import { escapeHtml } from "./highlight.ts";
 * if (escapeHtml("<a & 'b'>") !== "&lt;a &amp; &#39;b&#39;&gt;") throw new Error();
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * Highlights code as HTML (highlight.js classes); unknown languages are escaped only.
 *
 * @param code the source
 * @param lang a fence language such as `ts` or `sh` (optional)
 * @returns HTML for the inside of a `<code>` element
 * @example
 * ```ts
 * import { highlight } from "./highlight.ts";
 * if (!highlight("const x = 1;", "ts").includes('<span class="hljs-keyword">const</span>')) {
 *   throw new Error("keywords are marked");
 * }
 * ```
 */
export function highlight(code: string, lang?: string): string {
  const language = ALIASES[(lang ?? "").toLowerCase()];
  if (!language) return escapeHtml(code);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/**
 * Splits highlighted HTML into lines, closing the spans still open at each line break and
 * reopening them on the next line, so every line is balanced HTML on its own.
 *
 * @param html highlighted HTML as returned by {@link highlight}
 * @returns one balanced HTML string per source line
 * @example
 * ```ts
 * import { splitHighlightedLines } from "./highlight.ts";
 * const lines = splitHighlightedLines('<span class="c">a\nb</span>');
 * if (lines[0] !== '<span class="c">a</span>') throw new Error(lines[0]);
 * if (lines[1] !== '<span class="c">b</span>') throw new Error(lines[1]);
 * ```
 */
export function splitHighlightedLines(html: string): string[] {
  const lines: string[] = [];
  const open: string[] = []; // opening tags of the spans currently open
  let current = "";
  const tag = /<span[^>]*>|<\/span>|\n/g;
  let last = 0;
  for (const m of html.matchAll(tag)) {
    current += html.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0] === "\n") {
      lines.push(current + "</span>".repeat(open.length));
      current = open.join("");
    } else if (m[0] === "</span>") {
      open.pop();
      current += m[0];
    } else {
      open.push(m[0]);
      current += m[0];
    }
  }
  lines.push(current + html.slice(last));
  return lines;
}

/** A name defined at the top level of a module with `export`. */
export interface ExportedName {
  /** The exported identifier. */
  name: string;
  /** 1-based line of the `export` keyword. */
  line: number;
  /** 1-based line where its JSDoc comment starts (the export line if there is none). */
  docLine: number;
}

/**
 * Finds the top-level exported declarations of a TypeScript module (functions, classes,
 * constants, interfaces, types, enums), with the line where each one's JSDoc begins.
 *
 * @param source the module's source
 * @returns its exported names in source order
 * @example
 * ```ts
 * import { exportedNames } from "./highlight.ts";
 * const names = exportedNames("/** doc *\/\nexport function f() {}\nexport const g = 1;");
 * if (names.map((n) => `${n.name}@${n.docLine}`).join() !== "f@1,g@3") throw new Error();
 * ```
 */
export function exportedNames(source: string): ExportedName[] {
  const lines = source.split("\n");
  const out: ExportedName[] = [];
  const decl =
    /^export\s+(?:default\s+)?(?:declare\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/;
  lines.forEach((text, i) => {
    const m = decl.exec(text);
    if (!m) return;
    let docLine = i + 1;
    if (i > 0 && lines[i - 1]!.trim().endsWith("*/")) {
      for (let j = i - 1; j >= 0; j--) {
        if (lines[j]!.trim().startsWith("/**")) {
          docLine = j + 1;
          break;
        }
      }
    }
    out.push({ name: m[1]!, line: i + 1, docLine });
  });
  return out;
}

/** Options of {@link renderCodeBlock}. */
export interface CodeBlockOptions {
  /** Prefix of the line anchors: line n gets the id `${prefix}-L${n}`. */
  anchorPrefix: string;
  /** Extra ids to place on given 1-based lines, e.g. an exported name on its JSDoc line. */
  lineIds?: Map<number, string[]>;
  /** The fence language, `ts` by default. */
  lang?: string;
}

/**
 * Renders a whole source file as a highlighted block with a numbered, linkable line each.
 *
 * @param code the file's text
 * @param options anchor prefix, extra ids and language
 * @returns a `<pre class="code-file">` element
 * @example
 * ```ts
 * import { renderCodeBlock } from "./highlight.ts";
 * const html = renderCodeBlock("let a = 1;\nlet b = 2;", {
 *   anchorPrefix: "mod.ts", lineIds: new Map([[2, ["mod.ts-b"]]]),
 * });
 * if (!html.includes('id="mod.ts-L2"') || !html.includes('id="mod.ts-b"')) throw new Error(html);
 * ```
 */
export function renderCodeBlock(code: string, options: CodeBlockOptions): string {
  const text = code.endsWith("\n") ? code.slice(0, -1) : code;
  const lines = splitHighlightedLines(highlight(text, options.lang ?? "ts"));
  const rows = lines.map((html, i) => {
    const n = i + 1;
    const id = `${options.anchorPrefix}-L${n}`;
    const extra = (options.lineIds?.get(n) ?? []).map((x) => `<span id="${escapeHtml(x)}"></span>`)
      .join("");
    return `<span class="line" id="${escapeHtml(id)}">${extra}<a class="ln" href="#${
      escapeHtml(id)
    }">${n}</a>${html === "" ? " " : html}</span>`;
  });
  // each line is a block of its own: no newline between them, or they would show doubled
  return `<pre class="code-file hljs"><code>${rows.join("")}</code></pre>`;
}
