import assert from "node:assert/strict";
import { findCutTableRows, findRawMath } from "./markup_damage.ts";
import { renderMarkdown } from "./markdown.ts";

const render = (md: string) => renderMarkdown(md, "planted.md", () => null).html;

Deno.test("markup damage: a formula whose wrapped line became a list item is found as raw math", () => {
  // a wrap put "- \lambda..." at the start of a line: markdown reads a list item, the $ pair is cut
  const planted =
    "The tail is at most $B\\big(\\frac{1}{1-\\lambda}\n- \\lambda^{K+1}\\big)$ in all.";
  const found = findRawMath(render(planted));
  assert.ok(found.length >= 1 && found.every((d) => d.kind === "raw math"), JSON.stringify(found));
  assert.deepEqual(findRawMath(render("The tail is at most $B\\lambda^{K+1}$ in all.")), []);
});

Deno.test("markup damage: a | inside a code span of a table row is found, an escaped one is not", () => {
  const header = "| claim | check | control |\n| ----- | ----- | ------- |\n";
  const cut = findCutTableRows(`${header}| 05a | \`E[A(s, a) | s] = 0\` | shifted |`);
  assert.equal(cut.length, 1);
  assert.equal(cut[0]!.kind, "table row");
  assert.deepEqual(findCutTableRows(`${header}| 05a | $E[A \\mid s] = 0$ | shifted |`), []);
  assert.deepEqual(findCutTableRows(`${header}| 05a | $\\lvert x \\rvert$ \\| y | shifted |`), []);
});

Deno.test("markup damage: math and code that render properly are not reported", () => {
  const html = render(
    "Inline $\\sum_t \\gamma^t r_t$, `code $x` and\n\n$$\\frac{a}{b}$$\n\n```ts\nconst d = '$';\n```",
  );
  assert.deepEqual(findRawMath(html), []);
});
