import assert from "node:assert/strict";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import {
  BottleneckInputError,
  circleRows,
  descend,
  distribution,
  HALF_HALF,
  HALF_ZERO_HALF,
  halfHalfVector,
  l1Distance,
  oneHotVector,
  separation,
  softmax,
  supDistance,
  validateUnitRows,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("26 bad input is refused with a message naming what and where", () => {
  const refuses = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof BottleneckInputError && re.test(e.message));
  refuses(() => separation([[1, 0], [0, 2]], 0), /row 1 has norm 2, not 1/);
  refuses(() => separation([[1, 0], [0, 1], [1, 0]], 0), /rows 0 and 2 are equal/);
  refuses(() => separation([[1, 0], [0, 1, 0]], 0), /row 1 has length 3, expected 2/);
  refuses(() => separation([[1, 0], [0, 1]], 2), /token index 2 is not in 0\.\.1/);
  refuses(() => separation([[1, 0], [0, 1]], -1), /token index -1 is not in 0\.\.1/);
  refuses(() => separation([[1, 0], [0, 1]], 0.5), /token index 0.5 is not in 0\.\.1/);
  refuses(() => separation([[], []], 0), /row 0 has length 0, expected 0 ≥ 1/);
  // one token has no other row to be separated from (two rows are accepted, below)
  refuses(() => separation([[1]], 0), /B needs at least 2 rows, got 1/);
  refuses(() => validateUnitRows([]), /B needs at least 2 rows, got 0/);
  refuses(() => oneHotVector([[1, 0], [0, 1]], 0, 0), /ε = 0 is not in \(0, 2\)/);
  refuses(() => softmax([0, NaN]), /logit 1 is NaN/);
  refuses(() => l1Distance([1], [0.5, 0.5]), /lengths differ: 1 vs 2/);
});

Deno.test("26 a row's norm may differ from 1 by up to 1e-12 and no more", () => {
  // hypot of [x, 0] is |x| exactly, so these rows have norm x
  for (const x of [1 + 0.9e-12, 1 - 0.9e-12]) {
    assert.equal(separation([[x, 0], [0, 1]], 1), 1, `norm ${x} is within the tolerance`);
  }
  for (const x of [1 + 1.1e-12, 1 - 1.1e-12]) {
    assert.throws(
      () => separation([[x, 0], [0, 1]], 1),
      (e: unknown) => e instanceof BottleneckInputError && /row 0 has norm/.test(e.message),
    );
  }
});

Deno.test("26 the smallest inputs are accepted: two rows, h = 1, the first and last token", () => {
  assert.equal(separation([[1], [-1]], 0), 2);
  assert.equal(separation([[1], [-1]], 1), 2);
});

Deno.test("26a the unit-norm assumption is needed: a longer aligned row takes the mass", () => {
  // b_1 = (1, 0) but b_2 = (2, 0.1) is longer and nearly aligned: μ(t·B b_1) → e_2.
  const rows = [[1, 0], [2, 0.1], [0, 1], [-1, 0]];
  const mu = distribution(rows, [50, 0]);
  assert.ok(mu[1]! > 0.999, `μ = ${mu}`);
});

Deno.test("26a the construction's accuracy improves with ε as the proof's bound says", () => {
  const rows = circleRows();
  for (const eps of [1e-2, 1e-4, 1e-8]) {
    const d = l1Distance(distribution(rows, oneHotVector(rows, 4, eps)), [0, 0, 0, 0, 1, 0, 0, 0]);
    // Two neighbours at cos(π/4) dominate: d ≈ 2·2e^{−tg}/(1+…) ≈ (2/7)·ε, well inside ε.
    assert.ok(d <= eps && d >= eps / 10, `ε = ${eps}: d = ${d}`);
  }
});

Deno.test("26b gradient descent from 0 also finds (1/2, 1/2, 0, …), cross-checking the construction", () => {
  const r = descend(circleRows(), HALF_HALF, [0, 0], { steps: 3000, learningRate: 1 });
  assert.ok(r.bestSupDistance < 0.01, `best ${r.bestSupDistance}`);
  const angle = Math.atan2(r.v[1]!, r.v[0]!);
  const explicit = halfHalfVector(0.1);
  assert.ok(Math.abs(angle - Math.atan2(explicit[1]!, explicit[0]!)) < 1e-6, `angle ${angle}`);
});

Deno.test("26c v = 0 gives the uniform distribution, at sup-distance 3/8 from the target", () => {
  // v = 0 gives the uniform distribution: sup-distance 1/2 − 1/8 = 3/8.
  assert.equal(supDistance(distribution(circleRows(), [0, 0]), HALF_ZERO_HALF), 0.375);
});

Deno.test("26c descend takes exactly `steps` steps v ← v − η·Bᵀ(μ(Bv) − T), the start included in the search", () => {
  const rows = [[1, 0], [0, 1]];
  // from v = 0: μ = (1/2, 1/2), μ − T = (−1/2, 1/2), so one step with η = 2 gives v = (1, −1)
  const none = descend(rows, [1, 0], [0, 0], { steps: 0, learningRate: 2 });
  assert.deepEqual(none, { v: [0, 0], bestSupDistance: 0.5, bestV: [0, 0] });
  const one = descend(rows, [1, 0], [0, 0], { steps: 1, learningRate: 2 });
  assert.deepEqual(one.v, [1, -1]);
  const e2 = Math.exp(2);
  assert.ok(Math.abs(one.bestSupDistance - 1 / (1 + e2)) < 1e-15, `${one.bestSupDistance}`);
  assert.deepEqual(one.bestV, [1, -1]);
});

Deno.test("26 descend reports the first iterate reaching the best distance: steps that do not improve leave the start", () => {
  // at v = 40 the logits (40, −40) give μ = (1, 0) exactly in float64 (e^−80 < 2^−53), so
  // every step (v ← v − 1·(μ_0 − μ_1) = v − 1) keeps the sup-distance at 1/2: no iterate
  // improves on the start, which is the one reported
  const r = descend([[1], [-1]], [0.5, 0.5], [40], { steps: 3, learningRate: 1 });
  assert.deepEqual(r.v, [37]);
  assert.equal(r.bestSupDistance, 0.5);
  assert.deepEqual(r.bestV, [40]);
});

Deno.test("26 ε must lie in (0, 2): 0 and 2 are refused, values just inside give the promised ℓ1 accuracy", () => {
  // 2 is the largest ℓ1 distance between two distributions, so an accuracy ε ≥ 2 promises
  // nothing; ε ≤ 0 cannot be met
  const rows = circleRows();
  for (const eps of [0, 2]) {
    assert.throws(() => oneHotVector(rows, 3, eps), new RegExp(`ε = ${eps} is not in \\(0, 2\\)`));
    assert.throws(() => halfHalfVector(eps), new RegExp(`ε = ${eps} is not in \\(0, 2\\)`));
  }
  const target = [0, 0, 0, 1, 0, 0, 0, 0];
  for (const eps of [1e-300, 1.999]) {
    const d = l1Distance(distribution(rows, oneHotVector(rows, 3, eps)), target);
    assert.ok(d <= eps, `one-hot, ε = ${eps}: ℓ1 distance ${d}`);
    const h = l1Distance(distribution(rows, halfHalfVector(eps)), HALF_HALF);
    assert.ok(h <= eps, `half-half, ε = ${eps}: ℓ1 distance ${h}`);
  }
});

Deno.test("26 a separation that rounds to 0 or below is refused; a tiny positive one is returned as computed", () => {
  const notSeparated = (f: () => unknown) =>
    assert.throws(
      f,
      (e: unknown) =>
        e instanceof BottleneckInputError &&
        e.message === "row 0 is not separated from the others in float64",
    );
  // distinct rows whose norms round to 1 and whose dot product rounds to exactly 1: g = 0
  notSeparated(() => separation([[1, 0], [1, 1e-9]], 0));
  // rows of norm 1 + 4e-13 (within the tolerance) with dot product about 1 + 8e-13: g < 0
  const x = 1 + 4e-13;
  notSeparated(() => separation([[x, 0], [x, 1e-9], [0, 1]], 0));
  // the other side of the boundary: g = 1 − cos θ > 0 for θ = 1e-6 is accepted as computed
  const theta = 1e-6;
  const g = separation([[1, 0], [Math.cos(theta), Math.sin(theta)]], 0);
  // 1 − cos θ = θ²/2 − θ⁴/24 + …; the rounded cosine errs by at most 2^−53 and 1 − c is exact
  assert.ok(g > 0 && Math.abs(g - theta ** 2 / 2) <= 2 ** -53 + theta ** 4 / 24, `g = ${g}`);
});
