import assert from "node:assert/strict";
import MarkdownIt from "markdown-it";
import { mathPlugin, MathRenderError, renderMath } from "./math.ts";

const md = new MarkdownIt().use(mathPlugin);
const render = (src: string) => md.render(src, { file: "problems/99_x/README.md" });

Deno.test("math: inline formulas keep TeX underscores and stars away from emphasis", () => {
  const html = render("Let $a_1 * b_2$ and $c_3 * d_4$ be given.");
  assert.equal((html.match(/class="katex"/g) ?? []).length, 2);
  assert.doesNotMatch(html, /<em>/);
});

Deno.test("math: a $$ block may interrupt a paragraph and span lines", () => {
  const html = render("text before\n$$\n\\sum_{a} \\pi(a\\mid s)\n= 1\n$$\ntext after");
  assert.match(html, /<div class="math-display"><span class="katex-display">/);
  assert.match(html, /text before/);
  assert.match(html, /text after/);
});

Deno.test("math: one-line display $$x$$ and inline display inside text", () => {
  assert.match(render("$$x^2$$"), /katex-display/);
  assert.match(render("so $$x^2$$ holds"), /katex-display/);
});

Deno.test("math: dollars inside code spans and fences are not math", () => {
  const html = render("`$x$` and\n\n```ts\nconst s = `$${1}$`;\n```\n");
  assert.doesNotMatch(html, /katex/);
  assert.match(html, /<code>\$x\$<\/code>/);
});

Deno.test("math: an escaped dollar and a lone dollar stay text", () => {
  const html = render("costs \\$5, and a lone $ sign");
  assert.doesNotMatch(html, /katex/);
  assert.match(html, /\$5/);
});

Deno.test("math: a space before the closing dollar still closes the formula", () => {
  const html = render("take $X_1 = $ the second outcome and $\\hat D < 0$");
  assert.equal((html.match(/class="katex"/g) ?? []).length, 2);
});

Deno.test("math: a formula KaTeX rejects fails with the file and the formula", () => {
  assert.throws(
    () => render("bad: $\\frac{1}{$ here"),
    (e: unknown) =>
      e instanceof MathRenderError && e.file === "problems/99_x/README.md" &&
      e.formula === "\\frac{1}{" && /problems\/99_x\/README\.md/.test(e.message),
  );
  assert.throws(() => renderMath("\\notacommand", true, "f.md"), /f\.md: .* \$\\notacommand\$/);
});

Deno.test("math: aligned environments render, align* is KaTeX's too", () => {
  assert.match(
    renderMath("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", true, "f"),
    /katex/,
  );
});
