import assert from "node:assert/strict";
import { buildGraph, dependentsOf, docBlocks, localImports } from "./graph.ts";

Deno.test("graph: relative imports and re-exports resolve; packages and type-free text are ignored", () => {
  const src = [
    'import { a } from "./a.ts";',
    'import type { T } from "../../shared/mdp/mod.ts";',
    'export { b } from "./sub/b.ts";',
    'import fc from "fast-check";',
    'const x = "./not_an_import.ts";',
  ].join("\n");
  assert.deepEqual(localImports("problems/04_x/mod.ts", src), [
    "problems/04_x/a.ts",
    "shared/mdp/mod.ts",
    "problems/04_x/sub/b.ts",
  ]);
});

Deno.test("graph: doc blocks come from ts fences of JSDoc and Markdown, not ignored or other fences", () => {
  const jsdoc = [
    "/**",
    " * @example",
    " * ```ts",
    ' * import { f } from "./m.ts";',
    " * ```",
    " * ```ts ignore",
    ' * import { g } from "./g.ts";',
    " * ```",
    " */",
  ].join("\n");
  assert.deepEqual(docBlocks(jsdoc, true), ['import { f } from "./m.ts";']);
  const md = "```sh\ndeno task verify\n```\n\n```typescript\nconst y = 1;\n```\n";
  assert.deepEqual(docBlocks(md), ["const y = 1;"]);
});

Deno.test("graph: dependents are found through chains of imports, doc blocks and READMEs", () => {
  const files = new Map([
    ["shared/mdp/model.ts", "export const m = 1;"],
    ["shared/mdp/mod.ts", 'export * from "./model.ts";'],
    ["shared/mdp/model_test.ts", 'import "./model.ts";'],
    [
      "problems/01_a/mod.ts",
      'import "../../shared/mdp/mod.ts";\n/**\n * ```ts\n * import "./mod.ts";\n * ```\n */',
    ],
    ["problems/01_a/claims.ts", 'import "./mod.ts";'],
    ["problems/01_a/mod_test.ts", 'import "./claims.ts";'],
    ["problems/01_a/README.md", '```ts\nimport { x } from "./mod.ts";\n```\n'],
    ["problems/02_b/mod.ts", "export const z = 0;"],
    ["problems/02_b/claims.ts", 'import "./mod.ts";'],
    ["tools/mutate/x_test.ts", 'import "../../shared/mdp/model.ts";'],
  ]);
  const d = dependentsOf(buildGraph(files), ["shared/mdp/model.ts", "problems/02_b/mod.ts"]);
  assert.deepEqual(d.get("shared/mdp/model.ts"), {
    claimProblems: [1],
    testFiles: ["problems/01_a/mod_test.ts", "shared/mdp/model_test.ts"],
    docFiles: ["problems/01_a/README.md", "problems/01_a/mod.ts"],
  });
  assert.deepEqual(d.get("problems/02_b/mod.ts"), {
    claimProblems: [2],
    testFiles: [],
    docFiles: [],
  });
});
