import assert from "node:assert/strict";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { softmax, SoftmaxInputError } from "../../shared/softmax/mod.ts";
import { claims } from "./claims.ts";
import {
  explicitStep,
  logPolicyByFormula,
  policy,
  policyGradientDirection,
  probabilityChange,
  scoreAutodiff,
  thetaShape,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("08 softmax and the log-probability formula stay finite for huge logits", () => {
  const p = softmax([1000, 0]);
  assert.ok(
    Number.isFinite(p[0]!) && Number.isFinite(p[1]!) && Math.abs(p[0]! + p[1]! - 1) < 1e-15,
  );
  assert.ok(
    Math.abs(logPolicyByFormula([[1000], [999]], 1, 0) - Math.log(1 / (1 + Math.E))) < 1e-12,
  );
});

Deno.test("08 with k = 1 the only action has probability 1 and its score is 0 (why 08d and 08e need k ≥ 2; 08f is vacuous)", async () => {
  assert.deepEqual(policy([[3, -2]], 1), [1]);
  // 08f's hypothesis C_1 > C̄ cannot hold: C̄ = π_1 C_1 = C_1, and g vanishes
  assert.deepEqual(policyGradientDirection([[3, -2]], 1, [5]), [[0, 0]]);
  await withNoTensorLeak(
    "08 k = 1",
    () => assert.deepEqual(scoreAutodiff([[3, -2]], 0, 1), [[0, 0]]),
  );
  const flat = explicitStep([0.7], [1], 0);
  assert.deepEqual([flat.derivative, flat.spread, flat.alpha, flat.guaranteedGain], [0, 0, 0, 0]);
});

Deno.test("08d the rise holds for every α > 0, not only small ones, when g_1 dominates", () => {
  for (const alpha of [1e-3, 0.1, 1, 10]) {
    assert.ok(probabilityChange([0.5, -1, 2], [1, 0.5, -3], 0, alpha) > 0, `α = ${alpha}`);
  }
});

Deno.test("08h in the example π(a=2) rises for small α but falls for large α (so 'small' matters)", () => {
  const g = [7 / 9, 1 / 9, -8 / 9];
  assert.ok(probabilityChange([0, 0, 0], g, 1, 4 / 75) > 0);
  assert.ok(probabilityChange([0, 0, 0], g, 1, 20) < 0);
  const fromTable = policyGradientDirection([[0], [0], [0]], 0, [1, -1, -4]).map((r) => r[0]!);
  fromTable.forEach((x, j) => assert.ok(Math.abs(x - g[j]!) < 1e-15));
});

Deno.test("08 the probability change keeps its relative accuracy when μ_i is within 1e-17 of 1", () => {
  // μ_1(40, 0) = 1 − e^{−40}/(1 + e^{−40}) rounds to 1; the change to (41, 0) is
  // e^{−40}/(1 + e^{−40}) − e^{−41}/(1 + e^{−41}), about 2.7e-18, which a plain difference loses
  const exact = Math.exp(-40) / (1 + Math.exp(-40)) - Math.exp(-41) / (1 + Math.exp(-41));
  const change = probabilityChange([40, 0], [1, 0], 0, 1);
  assert.ok(Math.abs(change - exact) <= 1e-12 * exact, `${change} vs ${exact}`);
});

Deno.test("08 bad input gets a clear error naming what and where", () => {
  assert.throws(() => policy([], 0), /Θ must be a non-empty array of rows/);
  assert.throws(() => policy([[]], 0), /at least one column/);
  assert.throws(() => policy([[0, 1]], -1), /state -1 is not in \[0, 2\)/);
  assert.throws(() => logPolicyByFormula([[0], [0]], -1, 0), /action -1 is not in \[0, 2\)/);
  assert.throws(() => explicitStep([0, 0], [1, 0], 2), /coordinate 2 is not in \[0, 2\)/);
  assert.throws(
    () => policy([[0, 1], [2]], 0),
    (e: unknown) =>
      e instanceof SoftmaxInputError && /row a=1 has 1 entries, expected 2/.test(e.message),
  );
  assert.throws(() => policy([[0, NaN]], 1), /Θ\[a=0\]\[s=1\] = NaN is not finite/);
  assert.throws(() => policy([[0]], 1), /state 1 is not in \[0, 1\)/);
  assert.throws(() => logPolicyByFormula([[0], [0]], 2, 0), /action 2 is not in \[0, 2\)/);
  assert.throws(
    () => policyGradientDirection([[0], [0]], 0, [1]),
    /C has 1 entries, expected k = 2/,
  );
  assert.throws(() => explicitStep([0, 0], [1], 0), /direction has 1 entries, logits have 2/);
  // an index must be an integer, not only within the range
  assert.throws(() => policy([[0, 1]], 0.5), /state 0\.5 is not in \[0, 2\)/);
  // every entry of C must be finite: the direction would be NaN or infinite
  for (const bad of [NaN, Infinity]) {
    assert.throws(
      () => policyGradientDirection([[0], [0]], 0, [1, bad]),
      (e: unknown) =>
        e instanceof SoftmaxInputError &&
        new RegExp(`C\\[1\\] = ${bad} is not finite`).test(e.message),
    );
  }
});

Deno.test("08 a Θ whose first row is missing has no columns: refused as such, never with a negative width", () => {
  // ℓ is read from row 0; from untyped callers row 0 can be undefined or null
  for (const first of [undefined, null]) {
    const theta = [first, [1, 2]] as unknown as number[][];
    assert.throws(
      () => thetaShape(theta),
      (e: unknown) =>
        e instanceof SoftmaxInputError && /at least one column/.test(e.message) &&
        !/-\d/.test(e.message),
      String(first),
    );
  }
  // the same rows in the other order name the bad row against the width of row 0
  assert.throws(
    () => thetaShape([[1, 2], null] as unknown as number[][]),
    /row a=1 .*expected 2/,
  );
});

Deno.test("08 the probability change keeps its relative accuracy when μ_i is within 1e-17 of 0", () => {
  // μ_0(−40, 0) = e^{−40}/(1 + e^{−40}), about 4e-18, so 1 − μ_0 rounds to 1 before and after
  // the step to (−39, 0); the change σ(−39) − σ(−40), about 7e-18, must come from μ_0 itself
  const exact = Math.exp(-39) / (1 + Math.exp(-39)) - Math.exp(-40) / (1 + Math.exp(-40));
  const change = probabilityChange([-40, 0], [1, 0], 0, 1);
  assert.ok(Math.abs(change - exact) <= 1e-12 * exact, `${change} vs ${exact}`);
});
