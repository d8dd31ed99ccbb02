import assert from "node:assert/strict";
import {
  ArgumentError,
  globToRegExp,
  groupOf,
  isMutationTarget,
  parseOnly,
  selectTargets,
} from "./targets.ts";

Deno.test("targets: implementation files of problems and the shared math modules only", () => {
  const yes = [
    "problems/04_optimal_policies_convex/mod.ts",
    "problems/21_qk_scaling/monte_carlo.ts",
    "shared/mdp/bellman.ts",
    "shared/random/mod.ts",
    "problems/18_deep_pg/returns_claims.ts",
  ];
  const no = [
    "problems/04_optimal_policies_convex/claims.ts",
    "problems/11_gae/claims_oracles.ts",
    "problems/04_optimal_policies_convex/mod_test.ts",
    "problems/04_optimal_policies_convex/README.md",
    "problems/28_dr_grpo/arbitraries.ts",
    "shared/mdp/arbitraries.ts",
    "shared/testing/claims.ts",
    "shared/tf/mod.ts",
    "shared/attention/attention_bench.ts",
    "book/build.ts",
    "bench/attention_cases.ts",
    "main.ts",
    "tools/mutate/operators.ts",
  ];
  for (const p of yes) assert.ok(isMutationTarget(p), p);
  for (const p of no) assert.ok(!isMutationTarget(p), p);
  assert.equal(groupOf("problems/04_x/sub/a.ts"), "04");
  assert.equal(groupOf("shared/qnet/network.ts"), "shared/qnet");
});

Deno.test("targets: --only takes numbers, ranges, shared and shared/<module>", () => {
  assert.deepEqual([...parseOnly("4").problems], [4]);
  assert.deepEqual([...parseOnly("01..03, 07").problems], [1, 2, 3, 7]);
  assert.equal(parseOnly("shared").shared.size, 10);
  assert.deepEqual([...parseOnly("shared/stats").shared], ["stats"]);
  for (const bad of ["", "x", "1..", "3..1", "shared/", "shared/testing", "0"]) {
    assert.throws(() => parseOnly(bad), ArgumentError, bad);
  }
});

Deno.test("targets: globs match within a segment (*) or across folders (**)", () => {
  assert.ok(globToRegExp("problems/0*/mod.ts").test("problems/04_x/mod.ts"));
  assert.ok(!globToRegExp("problems/0*/mod.ts").test("problems/04_x/sub/mod.ts"));
  assert.ok(globToRegExp("**/mod.ts").test("mod.ts"));
  assert.ok(globToRegExp("shared/**").test("shared/mdp/model.ts"));
  assert.ok(globToRegExp("a?.ts").test("ab.ts") && !globToRegExp("a?.ts").test("a/.ts"));
  assert.ok(!globToRegExp("a.ts").test("abts"), "a dot is literal");
});

Deno.test("targets: selection intersects the targets with --only and --files, sorted", () => {
  const all = [
    "shared/stats/bands.ts",
    "problems/05_y/mod.ts",
    "problems/04_x/mod.ts",
    "problems/04_x/claims.ts",
    "problems/04_x/extra.ts",
    "shared/tf/mod.ts",
  ];
  assert.deepEqual(selectTargets(all), [
    "problems/04_x/extra.ts",
    "problems/04_x/mod.ts",
    "problems/05_y/mod.ts",
    "shared/stats/bands.ts",
  ]);
  assert.deepEqual(selectTargets(all, parseOnly("04")), [
    "problems/04_x/extra.ts",
    "problems/04_x/mod.ts",
  ]);
  assert.deepEqual(selectTargets(all, parseOnly("04"), "**/mod.ts"), ["problems/04_x/mod.ts"]);
  assert.deepEqual(selectTargets(all, parseOnly("shared/stats")), ["shared/stats/bands.ts"]);
  assert.deepEqual(selectTargets(all, undefined, "nothing/*"), []);
});
