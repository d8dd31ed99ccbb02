import assert from "node:assert/strict";
import {
  escapeHtml,
  exportedNames,
  highlight,
  renderCodeBlock,
  splitHighlightedLines,
} from "./highlight.ts";

Deno.test("highlight: TypeScript keywords, strings and comments are marked", () => {
  const html = highlight('// why\nconst s: string = "a";', "ts");
  assert.match(html, /hljs-comment/);
  assert.match(html, /<span class="hljs-keyword">const<\/span>/);
  assert.match(html, /hljs-string/);
});

Deno.test("highlight: unknown languages are escaped, not highlighted", () => {
  assert.equal(highlight("<b>&</b>", "cobol"), "&lt;b&gt;&amp;&lt;/b&gt;");
  assert.equal(escapeHtml(`"'`), "&quot;&#39;");
});

Deno.test("highlight: a multi-line comment is split into balanced lines", () => {
  const code = "/**\n * doc\n */\nexport const x = 1;";
  const lines = splitHighlightedLines(highlight(code, "ts"));
  assert.equal(lines.length, 4);
  for (const line of lines) {
    const opened = (line.match(/<span/g) ?? []).length;
    const closed = (line.match(/<\/span>/g) ?? []).length;
    assert.equal(opened, closed, `unbalanced line: ${line}`);
  }
  assert.match(lines[1]!, /^<span class="hljs-comment">/);
});

Deno.test("highlight: exported names anchor at their JSDoc", () => {
  const src = [
    "import x from 'y';",
    "/**",
    " * f does things",
    " */",
    "export function f() {}",
    "export async function g() {}",
    "export interface I {}",
    "export type T = number;",
    "export class C {}",
    "export { f as h };",
    "const notExported = 1;",
  ].join("\n");
  assert.deepEqual(
    exportedNames(src).map((e) => [e.name, e.line, e.docLine]),
    [["f", 5, 2], ["g", 6, 6], ["I", 7, 7], ["T", 8, 8], ["C", 9, 9]],
  );
});

Deno.test("highlight: a code block has one numbered, linkable line per source line", () => {
  const html = renderCodeBlock("a\n\nb\n", {
    anchorPrefix: "mod.ts",
    lineIds: new Map([[3, ["def-b"]]]),
  });
  assert.equal((html.match(/class="line"/g) ?? []).length, 3);
  assert.match(
    html,
    /id="mod\.ts-L3"><span id="def-b"><\/span><a class="ln" href="#mod\.ts-L3">3<\/a>/,
  );
});
