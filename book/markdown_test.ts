import assert from "node:assert/strict";
import { renderMarkdown, slugify } from "./markdown.ts";

Deno.test("markdown: title, heading ids, tables and formula count", () => {
  const r = renderMarkdown(
    "# Problem 9 — $\\pi$ and $V^\\pi$\n\n## Proofs\n\n## Proofs\n\n| a | $b$ |\n| - | - |\n| 1 | 2 |\n",
    "x.md",
  );
  assert.equal(r.title, "Problem 9 — π and V^π");
  assert.equal(r.formulas, 3);
  assert.match(r.html, /<h2 id="proofs">/);
  assert.match(r.html, /<h2 id="proofs-2">/);
  assert.match(r.html, /<table>/);
});

Deno.test("markdown: formulas in titles become readable text", () => {
  const r = renderMarkdown("# Why logits are divided by $\\sqrt{d_K}$ in $\\mathcal A$\n", "x.md");
  assert.equal(r.title, "Why logits are divided by √d_K in A");
});

Deno.test("markdown: ts fences are highlighted by highlight.js", () => {
  const r = renderMarkdown("```ts\nconst a = 1;\n```\n", "x.md");
  assert.match(r.html, /<pre class="hljs fence"><code><span class="hljs-keyword">const/);
});

Deno.test("markdown: links are resolved, unknown files keep their text", () => {
  const r = renderMarkdown(
    "[code](./mod.ts), [shared](../../shared/mdp/mod.ts), [web](https://example.org)",
    "x.md",
    (href) => (href === "./mod.ts" ? "#mod.ts" : null),
  );
  assert.match(r.html, /<a href="#mod\.ts">code<\/a>/);
  assert.match(r.html, /<a class="repo-path" title="\.\.\/\.\.\/shared\/mdp\/mod\.ts">shared<\/a>/);
  assert.match(r.html, /href="https:\/\/example\.org"/);
});

Deno.test("markdown: raw HTML in a README is shown as text, not injected", () => {
  const r = renderMarkdown("<script>alert(1)</script>", "x.md");
  assert.doesNotMatch(r.html, /<script>/);
});

Deno.test("markdown: slugs", () => {
  assert.equal(slugify("Claims & proofs (01a)"), "claims-proofs-01a");
  assert.equal(slugify("∑"), "section");
});
