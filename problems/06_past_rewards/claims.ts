/**
 * Problem 6's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { arbMdp, type FiniteMdp, makeMdp } from "../../shared/mdp/mod.ts";
import { type Prefix, stateAt } from "../../shared/trajectories/mod.ts";
import { checkProperty, type Claim, defineClaims, pinVariant } from "../../shared/testing/mod.ts";
import {
  finiteDifferenceGradients,
  type Logits,
  maxAbs,
  perturbedExpectation,
  perturbedExpectations,
  type PerturbedSetting,
  rewardSum,
  scoreWeightedExpectation,
} from "./mod.ts";

/** A case: the setting (MDP, θ, k, horizon L), per-state weights u for test functions, a δ. */
interface Case {
  setting: PerturbedSetting;
  u: number[];
  delta: number[][];
}

/** Logits and perturbations: multiples of 1/4 in [−2, 2] (0 and ties occur often). */
const arbTable = (nS: number, nA: number) =>
  fc.array(
    fc.array(fc.integer({ min: -8, max: 8 }).map((x) => x / 4), { minLength: nA, maxLength: nA }),
    { minLength: nS, maxLength: nS },
  );

/**
 * Random MDPs without terminal states (1–3 states, 1–3 actions, every transition kind,
 * fixed or random rewards in [−2, 2]), a full-support p0, random θ, k ∈ {1, 2} and a
 * horizon L ∈ {k + 1, …, 3} (enumeration stays below ~10⁴ prefixes), u ∈ [−2, 2]^S.
 */
const arbCase: fc.Arbitrary<Case> = arbMdp({
  maxStates: 3,
  maxActions: 3,
  withInitial: true,
  rewardBound: 2,
}).chain((mdp) =>
  fc.record({
    theta: arbTable(mdp.nStates, mdp.nActions),
    delta: arbTable(mdp.nStates, mdp.nActions),
    u: fc.array(fc.integer({ min: -8, max: 8 }).map((x) => x / 4), {
      minLength: mdp.nStates,
      maxLength: mdp.nStates,
    }),
    k: fc.integer({ min: 1, max: 2 }),
  }).chain(({ theta, delta, u, k }) =>
    fc.integer({ min: k + 1, max: 3 }).map((horizon) => ({
      setting: { mdp, theta, k, horizon },
      u,
      delta,
    }))
  )
);

const OVER = "random MDPs without terminal states (1–3 states, 1–3 actions, dense/sparse/" +
  "deterministic transitions, fixed or random rewards in [−2, 2]), full-support p0, θ and δ " +
  "in [−2, 2]^{S×A}, k ∈ {1, 2}, horizons L ∈ {k+1, …, 3}";

/** Two states, two actions, rewards that depend on the action at every state, θ = 0. */
const pinnedMdp: FiniteMdp = makeMdp({
  gamma: 1,
  initial: [1, 0],
  outcomes: [
    [[{ next: 1, reward: 1, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]],
    [[{ next: 0, reward: 2, prob: 1 }], [{ next: 1, reward: -1, prob: 1 }]],
  ],
});
const pinned: Case = {
  setting: { mdp: pinnedMdp, theta: [[0, 0], [0, 0]], k: 1, horizon: 2 },
  u: [1, -1],
  delta: [[0.5, -0.5], [1, 0]],
};

/** The test functions H of 06b: before k, after k, and of the whole prefix. */
function testFunctions(c: Case): { name: string; h: (p: Prefix) => number }[] {
  const { k, horizon: L } = c.setting;
  const u = c.u;
  return [
    { name: "Σ_{t<k} r_t", h: (p) => rewardSum(p, 0, k) },
    {
      name: "(Σ_{t<k} r_t)² + u(s_0) u(s_k)",
      h: (p) => rewardSum(p, 0, k) ** 2 + u[p.states[0]!]! * u[stateAt(p, k)]!,
    },
    { name: "Σ_{t=k}^{L−1} r_t + u(s_L)", h: (p) => rewardSum(p, k, L) + u[stateAt(p, L)]! },
    {
      name: "(Σ_{t<L} r_t) u(s_k) + u(s_L)²",
      h: (p) => rewardSum(p, 0, L) * u[stateAt(p, k)]! + u[stateAt(p, L)]! ** 2,
    },
    { name: "1[a_k = 0] u(s_k)", h: (p) => (p.actions[k] === 0 ? u[stateAt(p, k)]! : 0) },
  ];
}

/** Largest |H| over these test functions: (L R)² + R L · 2 + 4 ≤ bound used for tolerances. */
function scaleOf(c: Case): number {
  const LR = c.setting.horizon * c.setting.mdp.rewardBound;
  return 1 + LR * LR + 2 * LR + 8;
}

/**
 * 06a margin: E_δ[Σ_{t<k'} r_t] does not move with δ (compared at δ = 0 and a random δ)
 * and its central-difference gradient at 0 and at δ vanishes. With k' = k + 1 (the
 * control) the sum includes r_k.
 */
function margin06a(c: Case, upTo: number): number {
  const h = (p: Prefix) => rewardSum(p, 0, upTo);
  const zero = c.setting.theta.map((row) => row.map(() => 0));
  const [at0] = perturbedExpectations(c.setting, zero, [h]);
  const [atDelta] = perturbedExpectations(c.setting, c.delta, [h]);
  const scale = 1 + upTo * c.setting.mdp.rewardBound;
  // a constant function: its values agree to the rounding of sums of ≤ 10⁴ terms (≲ 1e-12 of
  // the scale; 1e-10 allowed) and its central differences are rounding noise divided by the
  // step (≲ 1e-11 of the scale; 1e-9 allowed)
  const [g0] = finiteDifferenceGradients(c.setting, [h]);
  const [gDelta] = finiteDifferenceGradients(c.setting, [h], 1e-4, c.delta);
  return Math.min(
    1e-10 * scale - Math.abs(at0! - atDelta!),
    1e-9 * scale - maxAbs(g0!),
    1e-9 * scale - maxAbs(gDelta!),
  );
}

/** 06b margin: central differences of E_δ[H] at 0 against E[H · score(a_k | s_k)]. */
function margin06b(c: Case, score?: (theta: Logits, s: number, a: number) => number[][]): number {
  const fs = testFunctions(c);
  const fd = finiteDifferenceGradients(c.setting, fs.map((f) => f.h));
  // central differences with step 1e-4: truncation ≈ 1e-8 · |E'''| ≲ 1e-8 · scale, rounding
  // ≈ 1e-12 · scale; 1e-6 · scale leaves a wide safety factor
  const tol = 1e-6 * scaleOf(c);
  let worst = Infinity;
  fs.forEach((f, i) => {
    const exact = scoreWeightedExpectation(c.setting, f.h, score);
    // Walk the independent side's shape: an exact table with missing entries reads as NaN
    // and fails, instead of leaving nothing to compare.
    fd[i]!.forEach((row, s) =>
      row.forEach((x, a) => (worst = Math.min(worst, tol - Math.abs(exact[s]?.[a]! - x))))
    );
  });
  return worst;
}

/** The false score of the 06b control: ∂θ[s][a] of the logit alone, without −π(b | s). */
function logitOnlyScore(theta: Logits, s: number, a: number): number[][] {
  return theta.map((row, u) => row.map((_, b) => (u === s && b === a ? 1 : 0)));
}

/** 06c margin: every entry of E[(Σ_{t<upTo} r_t) ∇_θ log π_θ(a_k | s_k)] is 0. */
function margin06c(c: Case, upTo: number): number {
  const g = scoreWeightedExpectation(c.setting, (p) => rewardSum(p, 0, upTo));
  // A table of the wrong shape would have a vacuous maximum: it fails outright.
  const { theta } = c.setting;
  if (g.length !== theta.length || g.some((row, s) => row.length !== theta[s]!.length)) {
    return -Infinity;
  }
  // exact zero up to rounding of a sum of ≤ 10⁴ terms of size ≤ (1 + k R) (≲ 1e-12 of it)
  return 1e-10 * (1 + upTo * c.setting.mdp.rewardBound) - maxAbs(g);
}

/**
 * The pinned case of the controls, worked out by hand: one state, reward = action, θ = (0,
 * log 3), so π(1) = 3/4; k = 1 and L = 2. Then E[r_0 + r_1] = 3/4 + 3/4 = 3/2, the reward at
 * the perturbed step moves at d/dδ_1 E[r_1] = π(1)(1 − π(1)) = 3/16, and
 * E[(r_0 + r_1) ∇ log π(a_1)] = E[r_1 ∇ log π(a_1)] = (−3/16, 3/16) (r_0 is independent of
 * a_1 and E[∇ log π] = 0).
 */
const controlPin: PerturbedSetting = {
  mdp: makeMdp({
    gamma: 1,
    initial: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  }),
  theta: [[0, Math.log(3)]],
  k: 1,
  horizon: 2,
};

/**
 * Stops a control whose variant (the sum through r_k) is computed wrongly: its value and
 * its δ-derivative on the pinned case, and its score-weighted expectation.
 */
function pinControls(): void {
  const through = (p: Prefix) => rewardSum(p, 0, 2);
  const zero = [[0, 0]];
  pinVariant("E[r_0 + r_1]", perturbedExpectation(controlPin, zero, through), 1.5, 1e-12);
  pinVariant(
    "d/dδ E[r_0 + r_1]",
    finiteDifferenceGradients(controlPin, [through])[0]!,
    [[-3 / 16, 3 / 16]],
    1e-8,
  );
  pinVariant(
    "E[(r_0 + r_1) ∇ log π(a_1)]",
    scoreWeightedExpectation(controlPin, through),
    [[-3 / 16, 3 / 16]],
    1e-12,
  );
}

/** The claims of Problem 6. */
export const claims: Claim[] = defineClaims(6, [
  {
    id: "06a",
    statement: "∇_δ E[r_0 + … + r_{k−1}] = 0 when only the action at time k uses π_{θ+δ}",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER, numRuns: 60, examples: [pinned] },
        arbCase,
        (c) => margin06a(c, c.setting.k),
      ),
    negativeControl: {
      variant: "the same for r_0 + … + r_k (the reward at the perturbed step included)",
      check: (ctx) => {
        pinControls();
        return checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 60, examples: [pinned] },
          arbCase,
          (c) => margin06a(c, c.setting.k + 1),
        );
      },
    },
  },
  {
    id: "06b",
    statement:
      "∇_δ E_δ[H(τ)] at δ = 0 equals E[H(τ) ∇_θ log π_θ(a_k | s_k)] (H before k, after k, or of the whole prefix)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: `${OVER}; five test functions H`, numRuns: 40, examples: [pinned] },
        arbCase,
        (c) => margin06b(c),
      ),
    negativeControl: {
      variant: "the score without its normaliser term (∇_θ of the logit θ[s_k][a_k] only)",
      check: (ctx) =>
        checkProperty(
          {
            seed: ctx.seed,
            over: `${OVER}; five test functions H`,
            numRuns: 40,
            examples: [pinned],
          },
          arbCase,
          (c) => margin06b(c, logitOnlyScore),
        ),
    },
  },
  {
    id: "06c",
    statement: "E[(r_0 + … + r_{k−1}) ∇_θ log π_θ(a_k | s_k)] = 0 under π_θ",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER, numRuns: 150, examples: [pinned] },
        arbCase,
        (c) => margin06c(c, c.setting.k),
      ),
    negativeControl: {
      variant: "the same with r_k included: E[(r_0 + … + r_k) ∇_θ log π_θ(a_k | s_k)] = 0",
      check: (ctx) => {
        pinControls();
        return checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 150, examples: [pinned] },
          arbCase,
          (c) => margin06c(c, c.setting.k + 1),
        );
      },
    },
  },
]);

/** The pinned case (two states, θ = 0, k = 1, L = 2), for the unit tests. */
export const pinnedCase: Case = pinned;
