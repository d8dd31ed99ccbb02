import assert from "node:assert/strict";
import { makeMdp, MdpInputError } from "./model.ts";
import {
  evaluateActionValues,
  evaluatePolicy,
  ImproperPolicyError,
  optimalValues,
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

Deno.test("value iteration stops at the first sweep whose bound equals the tolerance exactly, and one sweep later for a tolerance just below it", () => {
  // one state, one action, reward 1, γ = 1/2, from V_0 = 0: V_k = 2 − 2^(1−k), the residual
  // is 2^(1−k) and γ/(1 − γ) = 1, so the bounds are 1, 1/2, 1/4, 1/8, … exactly in binary
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  const atBound = valueIteration(mdp, { tolerance: 0.25 });
  assert.deepEqual(
    [atBound.iterations, atBound.V, atBound.residual, atBound.errorBound],
    [3, [1.75], 0.25, 0.25],
  );
  // the largest double below 1/4: sweep 3's bound 1/4 is above it, sweep 4's 1/8 is not
  const below = valueIteration(mdp, { tolerance: 0.25 * (1 - 2 ** -53) });
  assert.deepEqual(
    [below.iterations, below.V, below.residual, below.errorBound],
    [4, [1.875], 0.125, 0.125],
  );
  // the first sweep's bound 1 meets a tolerance of exactly 1
  assert.equal(valueIteration(mdp, { tolerance: 1 }).iterations, 1);
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

Deno.test("value iteration never reports a sweep that overflowed to NaN as converged, even under an infinite tolerance, at γ = 1 as at γ < 1", () => {
  // From the finite start (0, M, −M) with M = 1.7e308, state 0's lookahead is
  // ½(1e308 + γM) + ½(−1e308 − γM) = ∞ − ∞ = NaN for γ = 1 and γ = 1/2 alike, so the first
  // sweep's residual is NaN: it is not ≤ ∞, so with one sweep allowed the cap error follows.
  const M = 1.7e308;
  const split = (gamma: number) =>
    makeMdp({
      gamma,
      outcomes: [
        [[{ next: 1, reward: 1e308, prob: 0.5 }, { next: 2, reward: -1e308, prob: 0.5 }]],
        [[{ next: 1, reward: 0, prob: 1 }]],
        [[{ next: 2, reward: 0, prob: 1 }]],
      ],
    });
  for (const gamma of [1, 0.5]) {
    assert.throws(
      () =>
        valueIteration(split(gamma), {
          tolerance: Infinity,
          initial: [0, M, -M],
          maxIterations: 1,
        }),
      /did not reach tolerance Infinity in 1 sweeps/,
      `γ = ${gamma}`,
    );
  }
  // the same infinite tolerance accepts the first finite sweep at either γ
  for (const gamma of [1, 0.5]) {
    const r = valueIteration(split(gamma), { tolerance: Infinity, maxIterations: 1 });
    assert.deepEqual([r.V, r.iterations, r.residual], [[0, 0, 0], 1, 0]);
  }
});

Deno.test("optimalValues counts its policy evaluations: 1 from an optimal start, 2 after one switch, 3 after two rounds", () => {
  // one state, arms paying 0 and 1, γ = 1/2: from arm 1 the first evaluation confirms it; from
  // arm 0 one evaluation switches to arm 1 and a second confirms it (V* = 1/(1 − 1/2) = 2)
  const arms = makeMdp({
    gamma: 0.5,
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  });
  const confirmed = optimalValues(arms, [1]);
  assert.deepEqual([confirmed.actions, confirmed.V, confirmed.iterations], [[1], [2], 1]);
  const switched = optimalValues(arms);
  assert.deepEqual([switched.actions, switched.V, switched.iterations], [[1], [2], 2]);
  // s0 → terminal s2 paying 5, or s0 → s1 paying 0; s1 → s2 paying 0 or 10, at γ = 1: s0's
  // detour only pays once s1 has switched, so the improvement takes two rounds
  const chain = twoRoundChain();
  // round 1 at (0, 0): Q(s0) = (5, 0), Q(s1) = (0, 10) → (0, 1); round 2: Q(s0) = (5, 10) → (1, 1);
  // round 3 confirms, V* = (10, 10, 0)
  const twoRounds = optimalValues(chain);
  assert.deepEqual([twoRounds.actions, twoRounds.V, twoRounds.iterations], [
    [1, 1, 0],
    [10, 10, 0],
    3,
  ]);
});

Deno.test("optimalValues switches action only for an improvement above 1e-12·(1 + |Q(s, current)|): just above switches, just below keeps", () => {
  // s0 → terminal s1 at γ = 1/2 by either action, paying base (action 0, the start) or
  // base + gap (action 1): Q(s0) = (base, base + gap) since V(s1) = 0, so the threshold is
  // 1e-12·(1 + |base|) — 1e-12 at base 0 and 2e-12 at base 1
  const chosen = (base: number, gap: number) =>
    optimalValues(makeMdp({
      gamma: 0.5,
      terminal: [1],
      outcomes: [
        [[{ next: 1, reward: base, prob: 1 }], [{ next: 1, reward: base + gap, prob: 1 }]],
        [],
      ],
    })).actions[0];
  assert.equal(chosen(0, 1.5e-12), 1);
  assert.equal(chosen(0, 0.5e-12), 0);
  assert.equal(chosen(1, 2.5e-12), 1);
  assert.equal(chosen(1, 1.5e-12), 0);
});

Deno.test("optimalValuesExact starts from action 0 everywhere: a one-action MDP, and a γ = 1 MDP whose action 1 never terminates, are solved without a start", () => {
  // reward 1 forever at γ = 1/2: V* = 2, the only action is the argmax
  const single = optimalValuesExact(
    makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] }),
  );
  assert.deepEqual([single.V.map(String), single.argmax], [["2"], [[0]]]);
  // s0: action 0 ends in terminal s1 paying 2, action 1 pays −1 and stays (improper at γ = 1,
  // so it cannot be evaluated): from action 0, V* = (2, 0) and Q*(s0) = (2, −1 + 2)
  const proper = optimalValuesExact(
    makeMdp({
      gamma: 1,
      terminal: [1],
      outcomes: [[[{ next: 1, reward: 2, prob: 1 }], [{ next: 0, reward: -1, prob: 1 }]], []],
    }),
  );
  assert.deepEqual(proper.V.map(String), ["2", "0"]);
  assert.deepEqual(proper.Q.map((row) => row.map(String)), [["2", "1"], ["0", "0"]]);
  assert.deepEqual(proper.argmax, [[0], [0, 1]]);
});

Deno.test("optimalValuesExact keeps the current action on an exact tie: at γ = 1 a free self-loop tied with stopping is never chosen", () => {
  // s0: action 0 ends in terminal s1 paying 0, action 1 pays 0 and stays. From action 0,
  // V = (0, 0) and Q(s0) = (0, 0 + V(s0)) = (0, 0): an exact tie. Switching only to a strictly
  // better action keeps action 0; switching to the loop would give an improper policy whose
  // γ = 1 system I − P is singular.
  const mdp = makeMdp({
    gamma: 1,
    terminal: [1],
    outcomes: [[[{ next: 1, reward: 0, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]], []],
  });
  const best = optimalValuesExact(mdp);
  assert.deepEqual(best.V.map(String), ["0", "0"]);
  assert.deepEqual(best.Q.map((row) => row.map(String)), [["0", "0"], ["0", "0"]]);
  assert.deepEqual(best.argmax, [[0, 1], [0, 1]]);
  // the same from an explicit start at action 0
  assert.deepEqual(optimalValuesExact(mdp, [0, 0]).argmax, [[0, 1], [0, 1]]);
  // the loop itself never terminates, so every evaluator refuses it although 0 solves the
  // (singular, consistent) system
  const loop = [[0, 1], [1, 0]];
  assert.throws(
    () => evaluatePolicyExact(mdp, loop),
    /never reaches a terminal state from state 0/,
  );
  assert.throws(() => evaluatePolicy(mdp, loop), ImproperPolicyError);
  assert.throws(() => evaluateActionValues(mdp, loop), ImproperPolicyError);
});

Deno.test("optimalValuesExact counts its policy evaluations and honours a cap on them exactly: 3 suffice where 3 are needed, 2 do not", () => {
  // the two-round chain: s0 → terminal s2 paying 5, or s0 → s1 paying 0; s1 → s2 paying 0 or
  // 10, γ = 1. By hand: (0, 0, 0) has Q(s0) = (5, 0), Q(s1) = (0, 10) → (0, 1, 0); then
  // Q(s0) = (5, 10) → (1, 1, 0); the third evaluation confirms V* = (10, 10, 0), with every
  // action tied at the terminal s2
  const chain = twoRoundChain();
  for (const options of [undefined, { maxEvaluations: 3 }, { maxEvaluations: Infinity }]) {
    const sol = optimalValuesExact(chain, undefined, options);
    assert.deepEqual(
      [sol.V.map(String), sol.argmax, sol.iterations],
      [["10", "10", "0"], [[1], [1], [0, 1]], 3],
      JSON.stringify(options),
    );
  }
  assert.throws(
    () => optimalValuesExact(chain, undefined, { maxEvaluations: 2 }),
    /did not stabilise in 2 policy evaluations/,
  );
  // from the optimal policy one evaluation confirms it, so a cap of 1 is enough there
  assert.equal(optimalValuesExact(chain, [1, 1, 0], { maxEvaluations: 1 }).iterations, 1);
  assert.throws(
    () => optimalValuesExact(chain, [0, 0, 0], { maxEvaluations: 1 }),
    /did not stabilise in 1 policy evaluations/,
  );
  for (const maxEvaluations of [0, -1, 2.5, NaN, -Infinity]) {
    assert.throws(
      () => optimalValuesExact(chain, undefined, { maxEvaluations }),
      (e: unknown) => e instanceof MdpInputError && /maxEvaluations must be/.test(e.message),
      `maxEvaluations ${maxEvaluations}`,
    );
  }
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

Deno.test("mdp evaluation accepts a value exactly at the bound 10^12 · (1 + R), on both routes", () => {
  // Action 1 pays 1 into a terminal state, so R = 1 and the bound is 2 · 10¹² exactly. Action
  // 0 loops on state 0 paying r = 244140625 · 2⁻²⁸ (exact: 2 · 10¹² = 244140625 · 2¹³) with
  // γ = 1 − 2⁻⁴¹, so the systems solve without rounding to r · 2⁴¹ = 2 · 10¹², the bound itself.
  const r = 244140625 * 2 ** -28;
  const mdp = makeMdp({
    gamma: 1 - 2 ** -41,
    outcomes: [
      [[{ next: 0, reward: r, prob: 1 }], [{ next: 1, reward: 1, prob: 1 }]],
      [],
    ],
    terminal: [1],
  });
  assert.equal(mdp.rewardBound, 1);
  assert.equal(r * 2 ** 41, 2e12);
  const loop = [[1, 0], [1, 0]];
  assert.equal(evaluatePolicy(mdp, loop).V[0], 2e12);
  assert.deepEqual(evaluateActionValues(mdp, loop)[0], [2e12, 1]);
});

/**
 * s0 → terminal s2 paying 5, or s0 → s1 paying 0; s1 → s2 paying 0 or 10; γ = 1. From the
 * all-zeros policy, policy improvement needs two rounds: s0's detour pays only once s1 switched.
 */
function twoRoundChain() {
  return makeMdp({
    gamma: 1,
    terminal: [2],
    outcomes: [
      [[{ next: 2, reward: 5, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
      [[{ next: 2, reward: 0, prob: 1 }], [{ next: 2, reward: 10, prob: 1 }]],
      [],
    ],
  });
}
