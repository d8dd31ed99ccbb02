/**
 * Problem 9's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { arbMdp, arbPolicy, type FiniteMdp, makeMdp, type Policy } from "../../shared/mdp/mod.ts";
import { rewardAt, stateAt } from "../../shared/trajectories/mod.ts";
import { checkProperty, type Claim, defineClaims } from "../../shared/testing/mod.ts";
import { softmaxPolicy, softmaxScore } from "../../shared/softmax/mod.ts";
import {
  conditionalMeans,
  monteCarloReturn,
  oneStepTarget,
  sarsaTarget,
  type Target,
  twoStepTarget,
  valuesFor,
} from "./mod.ts";

/** A case: MDP (with p0), behaviour μ, policy π, logits θ (for 9e), baseline b, time t. */
interface Case {
  mdp: FiniteMdp;
  behaviour: Policy;
  pi: Policy;
  theta: number[][];
  baseline: number[];
  t: number;
}

const quarter = fc.integer({ min: -8, max: 8 }).map((x) => x / 4);

/**
 * Random MDPs with random rewards and no terminal state, γ ∈ (0, 1) incl. 0.001 and 0.999
 * (1–3 states, 1–2 actions), or proper terminating MDPs with γ = 1 (1–2 live states); a
 * full-support p0; random μ and π with zeros; θ, b ∈ [−2, 2]; t ∈ {1, 2}.
 */
const arbCase: fc.Arbitrary<Case> = fc.oneof(
  arbMdp({ maxStates: 3, maxActions: 2, withInitial: true }),
  arbMdp({
    maxStates: 2,
    maxActions: 2,
    withInitial: true,
    terminating: true,
    gamma: fc.constant(1),
  }),
).chain((mdp) =>
  fc.record({
    mdp: fc.constant(mdp),
    behaviour: arbPolicy(mdp.nStates, mdp.nActions),
    pi: arbPolicy(mdp.nStates, mdp.nActions),
    theta: fc.array(fc.array(quarter, { minLength: mdp.nActions, maxLength: mdp.nActions }), {
      minLength: mdp.nStates,
      maxLength: mdp.nStates,
    }),
    baseline: fc.array(quarter, { minLength: mdp.nStates, maxLength: mdp.nStates }),
    t: fc.integer({ min: 1, max: 2 }),
  })
);

const OVER = "random MDPs with random rewards (1–3 states, 1–2 actions, every transition kind, " +
  "γ ∈ (0, 1) incl. 0.001 and 0.999; or proper terminating MDPs with γ = 1), full-support p0, " +
  "random behaviour μ for the history and π afterwards (zeros allowed), t ∈ {1, 2}; every history";

/** Two states with action-dependent, random rewards; uniform μ and π; γ = 1/2; t = 1. */
const pinned: Case = {
  mdp: makeMdp({
    gamma: 0.5,
    initial: [1, 0],
    outcomes: [
      [[{ next: 1, reward: 1, prob: 1 }], [{ next: 0, reward: 0, prob: 0.5 }, {
        next: 1,
        reward: 2,
        prob: 0.5,
      }]],
      [[{ next: 0, reward: -1, prob: 1 }], [{ next: 1, reward: 3, prob: 0.5 }, {
        next: 0,
        reward: 0,
        prob: 0.5,
      }]],
    ],
  }),
  behaviour: [[0.5, 0.5], [0.5, 0.5]],
  pi: [[0.5, 0.5], [0.5, 0.5]],
  theta: [[0, 0], [0, 0]],
  baseline: [0.5, -1],
  t: 1,
};

/**
 * Float64 tolerance: V^π, Q^π from one LU solve (condition number ≲ 1/(1 − γ) ≤ 10³) and
 * conditional means of ≤ 10⁵ terms; 1e-9 of the value scale leaves a wide margin.
 */
function tolerance(mdp: FiniteMdp, Q: readonly (readonly number[])[]): number {
  const maxQ = Math.max(0, ...Q.map((row) => Math.max(0, ...row.map(Math.abs))));
  return 1e-9 * (1 + mdp.rewardBound + maxQ);
}

/** Margin of "E[Q̂_t | τ^(t), a_t] = Q^π(s_t, a_t) for every history". */
function unbiasedMargin(c: Case, target: Target, remainder: boolean): number {
  const { values, remainderBound } = valuesFor(c.mdp, c.pi);
  const tol = tolerance(c.mdp, values.Q) + (remainder ? c.mdp.gamma ** 2 * remainderBound : 0);
  const means = conditionalMeans(c, (p) => [target(p, c.t, values)]);
  let worst = Infinity;
  for (const m of means) {
    worst = Math.min(worst, tol - Math.abs(m.mean[0]! - values.Q[m.s]![m.a]!));
  }
  return worst;
}

/**
 * Margin of 9e for one target: for every history, E[∇ log π_θ(a_t|s_t) γ^t (Q̂_t − b(s_t)) | h]
 * equals ∇ log π_θ(a_t|s_t) γ^t (Q^π(s_t, a_t) − b(s_t)), with π = π_θ after t.
 */
function scoreMargin(c: Case, target: Target, remainder: boolean): number {
  const piTheta = softmaxPolicy(c.theta);
  const setting = { ...c, pi: piTheta };
  const { values, remainderBound } = valuesFor(c.mdp, piTheta);
  const g = c.mdp.gamma;
  // |score entries| ≤ 1 and γ^t ≤ 1, so the scalar tolerance carries over entrywise
  const tol = tolerance(c.mdp, values.Q) + (remainder ? g ** 2 * remainderBound : 0);
  const means = conditionalMeans(setting, (p) => {
    const s = p.states[c.t]!;
    const a = p.actions[c.t]!;
    const weight = g ** c.t * (target(p, c.t, values) - c.baseline[s]!);
    return softmaxScore(c.theta, s, a).flat().map((x) => x * weight);
  });
  let worst = Infinity;
  for (const m of means) {
    const rhs = softmaxScore(c.theta, m.s, m.a).flat().map((x) =>
      x * g ** c.t * (values.Q[m.s]![m.a]! - c.baseline[m.s]!)
    );
    rhs.forEach((x, i) => (worst = Math.min(worst, tol - Math.abs(m.mean[i]! - x))));
  }
  return worst;
}

/** False variant of 9a: the return counted from time 0 (past rewards r_0 … r_{t−1} added). */
const withPastRewards: Target = (p, t, v) => {
  let past = 0;
  for (let u = 0; u < t; u++) past += rewardAt(p, u);
  return past + monteCarloReturn(p, t, v);
};
/** False variant of 9b: bootstrap with max_a Q^π(s_{t+1}, a) instead of the sampled a_{t+1}. */
const greedyBootstrap: Target = (p, t, v) =>
  rewardAt(p, t) +
  v.gamma * (p.actions.length > t + 1 ? Math.max(...v.Q[p.states[t + 1]!]!) : 0);
/** False variant of 9c and 9e: bootstrap from the current state s_t instead of s_{t+1}. */
const currentStateBootstrap: Target = (p, t, v) => rewardAt(p, t) + v.gamma * v.V[stateAt(p, t)]!;
/** False variant of 9d: discount the bootstrap by γ instead of γ². */
const wrongDiscount: Target = (p, t, v) =>
  rewardAt(p, t) + v.gamma * rewardAt(p, t + 1) + v.gamma * v.V[stateAt(p, t + 2)]!;

const opts = (seed: number, numRuns = 60) => ({ seed, over: OVER, numRuns, examples: [pinned] });

/** The claims of Problem 9. */
export const claims: Claim[] = defineClaims(9, [
  {
    id: "09a",
    statement:
      "the Monte Carlo return r_t + γ r_{t+1} + … has conditional mean Q^π(s_t, a_t) given (τ^(t), a_t)",
    check: (ctx) =>
      checkProperty(opts(ctx.seed), arbCase, (c) => unbiasedMargin(c, monteCarloReturn, true)),
    negativeControl: {
      variant: "the return counted from time 0 (past rewards included)",
      check: (ctx) =>
        checkProperty(opts(ctx.seed), arbCase, (c) => unbiasedMargin(c, withPastRewards, true)),
    },
  },
  {
    id: "09b",
    statement:
      "r_t + γ Q^π(s_{t+1}, a_{t+1}) has conditional mean Q^π(s_t, a_t) given (τ^(t), a_t)",
    check: (ctx) =>
      checkProperty(opts(ctx.seed), arbCase, (c) => unbiasedMargin(c, sarsaTarget, false)),
    negativeControl: {
      variant: "r_t + γ max_a Q^π(s_{t+1}, a) (greedy bootstrap)",
      check: (ctx) =>
        checkProperty(opts(ctx.seed), arbCase, (c) => unbiasedMargin(c, greedyBootstrap, false)),
    },
  },
  {
    id: "09c",
    statement: "r_t + γ V^π(s_{t+1}) has conditional mean Q^π(s_t, a_t) given (τ^(t), a_t)",
    check: (ctx) =>
      checkProperty(opts(ctx.seed), arbCase, (c) => unbiasedMargin(c, oneStepTarget, false)),
    negativeControl: {
      variant: "r_t + γ V^π(s_t) (bootstrap from the current state)",
      check: (ctx) =>
        checkProperty(
          opts(ctx.seed),
          arbCase,
          (c) => unbiasedMargin(c, currentStateBootstrap, false),
        ),
    },
  },
  {
    id: "09d",
    statement:
      "r_t + γ r_{t+1} + γ² V^π(s_{t+2}) has conditional mean Q^π(s_t, a_t) given (τ^(t), a_t)",
    check: (ctx) =>
      checkProperty(opts(ctx.seed), arbCase, (c) => unbiasedMargin(c, twoStepTarget, false)),
    negativeControl: {
      variant: "r_t + γ r_{t+1} + γ V^π(s_{t+2}) (bootstrap discounted once)",
      check: (ctx) =>
        checkProperty(opts(ctx.seed), arbCase, (c) => unbiasedMargin(c, wrongDiscount, false)),
    },
  },
  {
    id: "09e",
    statement:
      "E[∇ log π_θ(a_t|s_t) γ^t (Q̂_t − b(s_t)) | τ^(t), a_t] = ∇ log π_θ(a_t|s_t) γ^t (Q^π(s_t, a_t) − b(s_t)) for each Q̂ of 9a–9d",
    check: (ctx) =>
      checkProperty(opts(ctx.seed, 40), arbCase, (c) =>
        Math.min(
          scoreMargin(c, monteCarloReturn, true),
          scoreMargin(c, sarsaTarget, false),
          scoreMargin(c, oneStepTarget, false),
          scoreMargin(c, twoStepTarget, false),
        )),
    negativeControl: {
      variant: "the same identity for Q̂_t = r_t + γ V^π(s_t), which violates the requirement",
      check: (ctx) =>
        checkProperty(
          opts(ctx.seed, 40),
          arbCase,
          (c) => scoreMargin(c, currentStateBootstrap, false),
        ),
    },
  },
]);

/** The pinned case (two states, uniform policies, γ = 1/2, t = 1), for the unit tests. */
export const pinnedCase: Case = pinned;
