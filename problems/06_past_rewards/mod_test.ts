import assert from "node:assert/strict";
import { makeMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { assertAllClose, registerClaimTests } from "../../shared/testing/mod.ts";
import { claims, pinnedCase } from "./claims.ts";
import {
  finiteDifferenceGradients,
  maxAbs,
  perturbedExpectation,
  rewardSum,
  scoreWeightedExpectation,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("06 one-state check in closed form: d/dδ E[r_k] = π(1)(1 − π(1)) for reward = action", () => {
  const mdp = makeMdp({
    gamma: 1,
    initial: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  });
  const setting = { mdp, theta: [[0, Math.log(3)]], k: 2, horizon: 3 };
  const [g] = finiteDifferenceGradients(setting, [(p) => p.rewards[2]!]);
  const exact = scoreWeightedExpectation(setting, (p) => p.rewards[2]!);
  assertAllClose(exact, [[-3 / 16, 3 / 16]], { abs: 1e-15, rel: 0 }, "score side");
  assertAllClose(g!, [[-3 / 16, 3 / 16]], { abs: 1e-8, rel: 0 }, "central differences");
  // rewards before k do not move: E[r_0 + r_1] = 2 · 3/4 for every δ
  assert.equal(perturbedExpectation(setting, [[0, 5]], (p) => rewardSum(p, 0, 2)), 1.5);
});

Deno.test("06 central differences at δ0 ≠ 0 differentiate at δ0: d/dδ σ(log 3 + δ) at δ = 1", () => {
  const mdp = makeMdp({
    gamma: 1,
    initial: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  });
  const setting = { mdp, theta: [[0, Math.log(3)]], k: 1, horizon: 2 };
  const [g] = finiteDifferenceGradients(setting, [(p) => p.rewards[1]!], 1e-4, [[0, 1]]);
  const p1 = 3 * Math.E / (1 + 3 * Math.E); // π_{θ+δ0}(1)
  assertAllClose(g!, [[-p1 * (1 - p1), p1 * (1 - p1)]], { abs: 1e-8, rel: 0 }, "gradient at δ0");
});

Deno.test("06 the pinned counterexample: r_k is correlated with the score at time k", () => {
  const g = scoreWeightedExpectation(pinnedCase.setting, (p) => rewardSum(p, 0, 2));
  assert.ok(maxAbs(g) > 0.1, `E[(r_0 + r_1) score] = ${JSON.stringify(g)}`);
  const before = scoreWeightedExpectation(pinnedCase.setting, (p) => rewardSum(p, 0, 1));
  assert.equal(maxAbs(before), 0);
});

Deno.test("06 maxAbs is the largest |entry|, and 0 for a table without entries", () => {
  assert.equal(maxAbs([[0.5], [-2, 1.5]]), 2);
  assert.equal(maxAbs([[-0, 0]]), 0);
  // no entries at all, with and without rows: the bound is 0, never negative
  assert.equal(maxAbs([]), 0);
  assert.equal(maxAbs([[], []]), 0);
});

Deno.test("06 bad input gets a clear error naming the problem", () => {
  const mdp = pinnedCase.setting.mdp;
  const theta = [[0, 0], [0, 0]];
  const zero = [[0, 0], [0, 0]];
  const h = () => 1;
  assert.throws(
    () => perturbedExpectation({ mdp, theta, k: 0, horizon: 2 }, zero, h),
    /k must be a positive integer, got 0/,
  );
  assert.throws(
    () => perturbedExpectation({ mdp, theta, k: 2, horizon: 2 }, zero, h),
    (e: unknown) => e instanceof MdpInputError && /horizon must be ≥ k \+ 1 = 3/.test(e.message),
  );
  assert.throws(
    () => perturbedExpectation({ mdp, theta: [[0, 0]], k: 1, horizon: 2 }, zero, h),
    /θ must be 2 × 2/,
  );
  const ending = makeMdp({
    gamma: 1,
    initial: [1, 0],
    terminal: [1],
    outcomes: [[[{ next: 1, reward: 0, prob: 1 }]], []],
  });
  assert.throws(
    () => scoreWeightedExpectation({ mdp: ending, theta: [[0], [0]], k: 1, horizon: 2 }, h),
    /trajectories are infinite: state 1 is terminal/,
  );
  assert.throws(
    () => perturbedExpectation({ mdp, theta, k: 1, horizon: 2 }, [[0]], h),
    /δ must have the shape of θ/,
  );
  assert.throws(
    () => perturbedExpectation({ mdp, theta: [[0, NaN], [0, 0]], k: 1, horizon: 2 }, zero, h),
    /logit θ\[0\]\[1\] = NaN is not finite/,
  );
});

Deno.test("06 a terminal state is refused at every index, state 0 included", () => {
  // indexOf returns 0 for a terminal first state: the refusal must not read 0 as "none found"
  const h = () => 1;
  const firstEnds = makeMdp({
    gamma: 1,
    initial: [0, 1],
    terminal: [0],
    outcomes: [[], [[{ next: 0, reward: 0, prob: 1 }]]],
  });
  assert.throws(
    () => scoreWeightedExpectation({ mdp: firstEnds, theta: [[0], [0]], k: 1, horizon: 2 }, h),
    (e: unknown) =>
      e instanceof MdpInputError &&
      /trajectories are infinite: state 0 is terminal/.test(e.message),
  );
});

Deno.test("06 δ must match θ, and θ the MDP, both in the number of rows and in every row's length", () => {
  const mdp = pinnedCase.setting.mdp;
  const setting = { mdp, theta: [[0, 0], [0, 0]], k: 1, horizon: 2 };
  const h = () => 1;
  // right number of rows, one of them short; and every row right but one row missing
  for (const delta of [[[0, 0], [0]], [[0, 0]]]) {
    assert.throws(
      () => perturbedExpectation(setting, delta, h),
      (e: unknown) => e instanceof MdpInputError && /δ must have the shape of θ/.test(e.message),
      JSON.stringify(delta),
    );
  }
  // the matching shape is accepted: E[1] = 1
  assert.equal(perturbedExpectation(setting, [[0, 0], [0, 0]], h), 1);
  // θ against the 2-state, 2-action MDP: the right number of rows with one short
  assert.throws(
    () => perturbedExpectation({ ...setting, theta: [[0, 0], [0]] }, [[0, 0], [0]], h),
    (e: unknown) => e instanceof MdpInputError && /θ must be 2 × 2/.test(e.message),
  );
});
