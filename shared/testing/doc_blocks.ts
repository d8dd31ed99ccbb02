/**
 * The runnable code blocks of the documentation: every TypeScript fence inside a JSDoc comment
 * of a TypeScript file, and every TypeScript fence of a markdown file (the proofs' blocks). The test
 * `doc_blocks_test.ts` runs them all in one process, so that each block costs its own work
 * only, not a fresh load of tfjs, mathjs and fast-check as a separate module would.
 *
 * A fence whose info string says `ignore` is documentation only and is not collected.
 *
 * @module
 */

/** One runnable block. */
export interface DocBlock {
  /** The file's path relative to the root, e.g. `shared/mdp/bellman.ts`. */
  file: string;
  /** 1-based line of the opening fence. */
  startLine: number;
  /** 1-based line of the closing fence. */
  endLine: number;
  /** The code, with the JSDoc margin (` * `) removed. */
  code: string;
}

const LANGUAGES = new Set(["ts", "typescript", "js", "javascript", "mts", "tsx", "jsx"]);

/**
 * Finds the runnable fences in a file's text.
 *
 * @param file the path to record in each block
 * @param text the file's contents
 * @returns the blocks in order; for a `.ts` file only those inside JSDoc comments
 * @example
 * ```ts
 * import { extractDocBlocks } from "./doc_blocks.ts";
 * const fence = "`".repeat(3);
 * const src = [
 *   "/**", " * @example", ` * ${fence}ts`, " * const x = 1;", ` * ${fence}`, " *" + "/",
 *   "// " + fence + "ts (not in JSDoc)",
 * ].join("\n");
 * const blocks = extractDocBlocks("a.ts", src);
 * if (blocks.length !== 1 || blocks[0]!.code !== "const x = 1;" || blocks[0]!.startLine !== 3) {
 *   throw new Error(JSON.stringify(blocks));
 * }
 * ```
 */
export function extractDocBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split("\n");
  const markdown = file.endsWith(".md");
  const blocks: DocBlock[] = [];
  let inJsDoc = false;
  let open: { startLine: number; code: string[]; run: boolean } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    let line = raw;
    if (!markdown) {
      if (!inJsDoc) {
        if (/^\s*\/\*\*/.test(raw)) inJsDoc = true;
        else continue;
      }
      if (/\*\/\s*$/.test(raw) && open === undefined) {
        inJsDoc = false;
        continue;
      }
      // strip the JSDoc margin: indentation, "*", and one space
      line = raw.replace(/^\s*\/?\*\*?\s?/, "");
    }
    const fence = /^\s*```\s*([A-Za-z]*)\s*(.*)$/.exec(line);
    if (open === undefined) {
      if (fence && fence[1] !== undefined) {
        const lang = fence[1].toLowerCase();
        // in JSDoc an unlabelled fence is TypeScript, as `deno test --doc` reads it
        const runnable = LANGUAGES.has(lang) || (!markdown && lang === "");
        open = { startLine: i + 1, code: [], run: runnable && !/\bignore\b/.test(fence[2] ?? "") };
      }
      continue;
    }
    if (fence && fence[1] === "" && (fence[2] ?? "") === "") {
      if (open.run) {
        blocks.push({
          file,
          startLine: open.startLine,
          endLine: i + 1,
          code: open.code.join("\n"),
        });
      }
      open = undefined;
      continue;
    }
    open.code.push(line);
  }
  return blocks;
}

/**
 * Makes a block loadable from anywhere: every relative module specifier (`"./mod.ts"`,
 * `"../x.ts"`) becomes an absolute URL resolved against the block's own file, and
 * `import.meta.url` becomes that file's URL, as if the block sat in the file. Only code is
 * rewritten: an import statement written inside a string or a comment (as the examples of
 * a source scanner have) stays as it is.
 *
 * @param code the block's code
 * @param fileUrl the URL of the file the block sits in
 * @returns the code with absolute specifiers
 * @example
 * ```ts
 * import { absolutiseImports } from "./doc_blocks.ts";
 * const src = 'import { a } from "./mod.ts"; const u = import.meta.url; // from "./b.ts"\n' +
 *   `const s = 'import "./c.ts"';`;
 * const out = absolutiseImports(src, new URL("file:///p/x/y.ts"));
 * const want = 'import { a } from "file:///p/x/mod.ts"; const u = "file:///p/x/y.ts"; // from "./b.ts"\n' +
 *   `const s = 'import "./c.ts"';`;
 * if (out !== want) throw new Error(out);
 * ```
 */
export function absolutiseImports(code: string, fileUrl: URL): string {
  const isCode = codeMask(code);
  return code.replace(
    /\bimport\.meta\.url\b|(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}\/[^"'\n]*)\2/g,
    (match: string, head: string | undefined, quote: string, spec: string, at: number) => {
      if (!isCode[at]) return match;
      if (head === undefined) return JSON.stringify(fileUrl.href);
      return `${head}${quote}${new URL(spec, fileUrl).href}${quote}`;
    },
  );
}

/**
 * Marks which characters of TypeScript source are code, as opposed to the inside of a
 * string, a template's text or a comment (a small scanner: enough for example code, which
 * has no regular expressions containing quotes).
 */
function codeMask(code: string): Uint8Array {
  const mask = new Uint8Array(code.length);
  // a stack of open templates: the brace depth of each `${` that interrupted one
  const templates: number[] = [];
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === "/" && code[i + 1] === "/") {
      while (i < code.length && code[i] !== "\n") i++;
    } else if (c === "/" && code[i + 1] === "*") {
      const close = code.indexOf("*/", i + 2);
      i = close < 0 ? code.length : close + 1;
    } else if (c === '"' || c === "'") {
      mask[i] = 1; // the opening quote belongs to the statement that holds it
      for (i++; i < code.length && code[i] !== c && code[i] !== "\n"; i++) {
        if (code[i] === "\\") i++;
      }
    } else if (c === "`" || (c === "}" && templates.length > 0 && depth === templates.at(-1))) {
      if (c === "}") templates.pop();
      // template text up to its end or the next `${`
      for (i++; i < code.length && code[i] !== "`"; i++) {
        if (code[i] === "\\") i++;
        else if (code[i] === "$" && code[i + 1] === "{") {
          templates.push(depth);
          i++;
          break;
        }
      }
    } else {
      if (c === "{") depth++;
      else if (c === "}") depth--;
      mask[i] = 1;
    }
  }
  return mask;
}

/**
 * The names a module exports by declaration (`export function f`, `export const c`,
 * `export class K`, `export { a, b as c }`); types and interfaces are left out because a
 * block only ever needs values from the module it documents.
 *
 * @param text the module's source
 * @returns the exported value names
 * @example
 * ```ts
 * import { exportedValueNames } from "./doc_blocks.ts";
 * const names = exportedValueNames("export function f() {}\nexport const c = 1;\nexport interface I {}");
 * if (names.join() !== "f,c") throw new Error(names.join());
 * ```
 */
export function exportedValueNames(text: string): string[] {
  const names: string[] = [];
  const declared =
    /^export\s+(?:async\s+)?(?:function\*?|const|let|var|class|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/gm;
  for (const m of text.matchAll(declared)) names.push(m[1]!);
  for (const m of text.matchAll(/^export\s*\{([^}]*)\}\s*(?:from\s*["'][^"']*["'])?;?/gm)) {
    for (const part of m[1]!.split(",")) {
      const p = part.trim();
      if (p === "" || p.startsWith("type ")) continue;
      names.push(p.split(/\s+as\s+/).pop()!.trim());
    }
  }
  return [...new Set(names)];
}

/**
 * As `deno test --doc` does for a JSDoc example: the module's exported values that the
 * block uses without importing or declaring them are imported from the module itself.
 *
 * @param code the block's code (specifiers already absolute)
 * @param moduleUrl the documented module
 * @param exported its exported value names
 * @returns the code with one import line added in front, if any name was missing
 * @example
 * ```ts
 * import { importDocumentedNames } from "./doc_blocks.ts";
 * const out = importDocumentedNames("if (f() !== 1) throw new Error();", new URL("file:///m.ts"), ["f", "g"]);
 * if (!out.startsWith('import { f } from "file:///m.ts";')) throw new Error(out);
 * ```
 */
export function importDocumentedNames(code: string, moduleUrl: URL, exported: string[]): string {
  const bound = new Set<string>();
  for (const m of code.matchAll(/\bimport\s*(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name) bound.add(name);
    }
  }
  for (const m of code.matchAll(/\bimport\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)/g)) bound.add(m[1]!);
  for (const m of code.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)) {
    bound.add(m[1]!);
  }
  const missing = exported.filter((n) =>
    !bound.has(n) && new RegExp(`(?<![\\w$.])${n.replace(/\$/g, "\\$")}(?![\\w$])`).test(code)
  );
  if (missing.length === 0) return code;
  return `import { ${missing.join(", ")} } from "${moduleUrl.href}";\n${code}`;
}
