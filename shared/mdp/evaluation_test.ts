import assert from "node:assert/strict";
import { makeMdp, MdpInputError } from "./model.ts";
import {
  evaluateActionValues,
  evaluatePolicy,
  ImproperPolicyError,
  valueIteration,
} from "./evaluation.ts";
import { evaluatePolicyExact, optimalValuesExact } from "./exact.ts";

Deno.test("value iteration starts from V = 0 unless told otherwise, and stops at the first sweep whose bound meets the tolerance", () => {
  // one state, one action, reward 1, γ = 1/2: from V_0 = 0, V_k = 2(1 − 2^−k) exactly in
  // binary, the residual is 2^−(k−1) and the bound γ/(1 − γ)·residual equals it; the first
  // k with 2^−(k−1) ≤ 1e-10 is k = 35
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  const r = valueIteration(mdp);
  assert.equal(r.iterations, 35);
  assert.equal(r.V[0], 2 - 2 ** -34);
  assert.equal(r.residual, 2 ** -34);
  assert.equal(r.errorBound, 2 ** -34);
  // from V_0 = −1 the iterates are 2 − 3·2^−k instead
  assert.equal(valueIteration(mdp, { initial: [-1] }).V[0], 2 - 3 * 2 ** -35);
});

Deno.test("value iteration's sweep cap is honoured exactly (35 sweeps suffice where 35 are needed, 34 do not), and a tolerance must be > 0", () => {
  // the same MDP as above needs exactly 35 sweeps for the default tolerance 1e-10
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  assert.equal(valueIteration(mdp, { maxIterations: 35 }).iterations, 35);
  assert.throws(() => valueIteration(mdp, { maxIterations: 34 }), /tolerance 1e-10 in 34 sweeps/);
  for (const tolerance of [0, -1e-10, NaN]) {
    assert.throws(
      () => valueIteration(mdp, { tolerance }),
      (e: unknown) => e instanceof MdpInputError && /tolerance must be > 0/.test(e.message),
      `tolerance ${tolerance}`,
    );
  }
});

Deno.test("value iteration at γ = 1 has no error bound (Infinity), also on a sweep whose residual is exactly 0; at γ < 1 that sweep's bound is 0", () => {
  // s0 → s1 → terminal s2 with rewards 1 and 2: V* = (3, 2, 0) at γ = 1 and (2, 2, 0) at
  // γ = 1/2, both reached on sweep 2, so sweep 3 changes nothing (residual 0)
  const chain = (gamma: number) =>
    makeMdp({
      gamma,
      outcomes: [[[{ next: 1, reward: 1, prob: 1 }]], [[{ next: 2, reward: 2, prob: 1 }]], []],
      terminal: [2],
    });
  const undiscounted = valueIteration(chain(1));
  assert.deepEqual(undiscounted.V, [3, 2, 0]);
  assert.equal(undiscounted.iterations, 3);
  assert.equal(undiscounted.residual, 0);
  // γ/(1 − γ) is infinite at γ = 1: the bound is "none", not ∞ · 0 = NaN
  assert.equal(undiscounted.errorBound, Infinity);
  const discounted = valueIteration(chain(0.5));
  assert.deepEqual(discounted.V, [2, 2, 0]);
  assert.equal(discounted.iterations, 3);
  assert.equal(discounted.errorBound, 0);
});

Deno.test("an MDP whose every state is terminal is worth 0 everywhere, by every evaluator (nothing to solve)", () => {
  // terminal states are absorbing and worth 0 by convention; with no live state the linear
  // systems are empty and must not be handed to a solver
  for (const gamma of [0.5, 1]) {
    const mdp = makeMdp({ gamma, outcomes: [[], []], terminal: [0, 1], nActions: 2 });
    const pi = [[1, 0], [0.5, 0.5]];
    const { V, Q } = evaluatePolicy(mdp, pi);
    assert.deepEqual(V, [0, 0]);
    assert.deepEqual(Q, [[0, 0], [0, 0]]);
    assert.deepEqual(evaluateActionValues(mdp, pi), [[0, 0], [0, 0]]);
    const exact = evaluatePolicyExact(mdp, pi);
    assert.deepEqual(exact.V.map(String), ["0", "0"]);
    assert.deepEqual(exact.Q.map((row) => row.map(String)), [["0", "0"], ["0", "0"]]);
    const best = optimalValuesExact(mdp);
    assert.deepEqual(best.V.map(String), ["0", "0"]);
    assert.deepEqual(best.argmax, [[0, 1], [0, 1]]);
  }
});

Deno.test("mdp evaluation accepts values up to 10^12 · (1 + R) in magnitude and refuses the first ones beyond, on both routes", () => {
  // One state, one action, a self-loop paying R with γ = 1 − 2⁻⁴¹: 1 − γ = 2⁻⁴¹ exactly, so the
  // 1 × 1 systems solve to V = Q = R · 2⁴¹ without rounding. R is chosen so that R · 2⁴¹ lies
  // half a unit inside, then half a unit outside, the documented bound 10¹² · (1 + R).
  const gamma = 1 - 2 ** -41;
  const t = 2 ** 41;
  const loop = (R: number) => makeMdp({ gamma, outcomes: [[[{ next: 0, reward: R, prob: 1 }]]] });
  const inside = (1e12 - 0.5) / (t - 1e12), outside = (1e12 + 0.5) / (t - 1e12);
  assert.ok(inside * t <= 1e12 * (1 + inside) && outside * t > 1e12 * (1 + outside));
  assert.equal(evaluatePolicy(loop(inside), [[1]]).V[0], inside * t);
  assert.equal(evaluateActionValues(loop(inside), [[1]])[0]![0], inside * t);
  assert.throws(() => evaluatePolicy(loop(outside), [[1]]), ImproperPolicyError);
  assert.throws(() => evaluateActionValues(loop(outside), [[1]]), ImproperPolicyError);
});
