/**
 * Problem 9's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  arbGamma,
  arbMdp,
  arbPolicy,
  evaluatePolicy,
  type FiniteMdp,
  makeMdp,
  type Outcome,
  type Policy,
} from "../../shared/mdp/mod.ts";
import { discountedSum, type Prefix, rewardAt, stateAt } from "../../shared/trajectories/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import { softmaxPolicy, softmaxScore } from "../../shared/softmax/mod.ts";
import {
  conditionalMeans,
  monteCarloReturn,
  oneStepTarget,
  sarsaTarget,
  type Target,
  twoStepTarget,
  type Values,
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

/**
 * The series W must have reached its stated remainder 1e-12 (1 + R): a loose remainder would
 * widen the tolerance of 9a until it could not fail. And the stated remainder must bound
 * what W leaves out: |V^π − W| ≤ remainder at every state, V^π from the linear solve (an
 * independent oracle), up to the float64 rounding of the two computations. Both are sums of
 * terms of size ≤ R q^j (q = γρ < 1, ρ the largest chance of not terminating in one step),
 * each term carrying ≲ (S + 2) ε of relative error per product by P^π, so together they
 * round by ≲ (S + 2) ε (1 + R) / (1 − q)²; four times that is allowed (the cases of 9a and 9e
 * use at most 2% of it, at γ = 0.999).
 */
function assertSeriesConverged(
  mdp: FiniteMdp,
  pi: Policy,
  values: Values,
  remainderBound: number,
): void {
  if (!(remainderBound <= 1e-12 * (1 + mdp.rewardBound))) {
    throw new ClaimViolation(`the truncated series stopped with remainder bound ${remainderBound}`);
  }
  let rho = 0;
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.isTerminal[s]) continue;
    let live = 0;
    mdp.outcomes[s]!.forEach((list, a) =>
      list.forEach((o) => (live += mdp.isTerminal[o.next] ? 0 : pi[s]![a]! * o.prob))
    );
    rho = Math.max(rho, live);
  }
  const q = mdp.gamma * rho;
  const rounding = (4 * (mdp.nStates + 2) * Number.EPSILON * (1 + mdp.rewardBound)) / (1 - q) ** 2;
  values.W.forEach((w, s) => {
    const gap = Math.abs(values.V[s]! - w);
    if (!(gap <= remainderBound + rounding)) {
      throw new ClaimViolation(
        `the truncated series misses V^π(s=${s}) by ${gap}, beyond its remainder bound ` +
          `${remainderBound} and rounding ${rounding}`,
      );
    }
  });
}

/** Margin of "E[Q̂_t | τ^(t), a_t] = Q^π(s_t, a_t) for every history". */
function unbiasedMargin(c: Case, target: Target, remainder: boolean): number {
  const { values, remainderBound } = valuesFor(c.mdp, c.pi);
  if (remainder) assertSeriesConverged(c.mdp, c.pi, values, remainderBound);
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
  if (remainder) assertSeriesConverged(c.mdp, piTheta, values, remainderBound);
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

/** A case whose trajectories all end: the MDP, μ, π, t, and the number of live layers. */
interface EndingCase {
  mdp: FiniteMdp;
  behaviour: Policy;
  pi: Policy;
  t: number;
  /** D: every trajectory reaches the terminal state by time D. */
  depth: number;
}

const quarterReward = fc.integer({ min: -8, max: 8 }).map((x) => x / 4);

/**
 * MDPs whose trajectories all end by a fixed time: D = t + 1 or t + 2 layers of 1–2 states
 * each; from layer l every action leads to layer l + 1 (integer weights 0–4 over its
 * states, plus weight 0–1 on early termination), from the last layer to the terminal
 * state. Rewards are multiples of 1/4 in [−2, 2], one per successor or (random rewards)
 * two, split 1:1; γ ∈ (0, 1] with 0.001, 0.5, 0.999 and 1 frequent; 1–2 actions; p0
 * uniform on the first layer; random μ and π with zeros.
 */
const arbEndingCase: fc.Arbitrary<EndingCase> = fc.record({
  t: fc.integer({ min: 1, max: 2 }),
  extra: fc.integer({ min: 1, max: 2 }),
  width: fc.integer({ min: 1, max: 2 }),
  nActions: fc.integer({ min: 1, max: 2 }),
  randomRewards: fc.boolean(),
  gamma: fc.oneof(arbGamma(), fc.constant(1)),
}).chain(({ t, extra, width, nActions, randomRewards, gamma }) => {
  const depth = t + extra;
  const terminal = depth * width;
  const nStates = terminal + 1;
  const successors = (layer: number) =>
    layer === depth - 1
      ? [terminal]
      : [...Array.from({ length: width }, (_, i) => (layer + 1) * width + i), terminal];
  const arbOutcomes = (layer: number): fc.Arbitrary<Outcome[]> => {
    const next = successors(layer);
    return fc.tuple(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: next.length, maxLength: next.length }),
      fc.array(fc.tuple(quarterReward, quarterReward), {
        minLength: next.length,
        maxLength: next.length,
      }),
    ).map(([ws, rs]) => {
      // early termination gets weight ≤ 1; a row without weight goes to its first successor
      const weights = ws.map((w, i) => (next[i] === terminal && next.length > 1 ? w % 2 : w));
      if (!weights.some((w) => w > 0)) weights[0] = 1;
      const total = weights.reduce((a, b) => a + b, 0);
      return next.flatMap((s, i) => {
        const p = weights[i]! / total;
        if (p === 0) return [];
        const [r1, r2] = rs[i]!;
        return randomRewards
          ? [{ next: s, reward: r1, prob: p / 2 }, { next: s, reward: r2, prob: p / 2 }]
          : [{ next: s, reward: r1, prob: p }];
      });
    });
  };
  const rows = Array.from(
    { length: terminal },
    (_, s) =>
      fc.array(arbOutcomes(Math.floor(s / width)), { minLength: nActions, maxLength: nActions }),
  );
  return fc.record({
    outcomes: fc.tuple(...rows),
    behaviour: arbPolicy(nStates, nActions),
    pi: arbPolicy(nStates, nActions),
  }).map(({ outcomes, behaviour, pi }) => ({
    mdp: makeMdp({
      gamma,
      nActions,
      rewardBound: 2,
      outcomes: [...outcomes, []],
      terminal: [terminal],
      initial: Array.from({ length: nStates }, (_, s) => (s < width ? 1 / width : 0)),
    }),
    behaviour,
    pi,
    t,
    depth,
  }));
});

const OVER_ENDING = "MDPs whose trajectories all end by time D = t + 1 or t + 2 (layers of 1–2 " +
  "states, 1–2 actions, early termination, fixed or random rewards in [−2, 2], γ ∈ (0, 1] incl. " +
  "1), random μ and π with zeros, t ∈ {1, 2}: whole trajectories, every history";

/** The full discounted return from time t, or (the control) with the past rewards added. */
function wholeReturn(p: Prefix, t: number, gamma: number, pastIncluded: boolean): number {
  let past = 0;
  for (let u = 0; pastIncluded && u < t; u++) past += rewardAt(p, u);
  return past + discountedSum(p, gamma, t);
}

/**
 * 9a's oracle: every whole trajectory is enumerated, its return Σ_{j≥0} γ^j r_{t+j} summed
 * along the path itself (no value table stands in for any part of it), and averaged within
 * each history; the average must be Q^π(s_t, a_t) from the linear solve.
 */
function wholeReturnMargin(c: EndingCase, pastIncluded: boolean): number {
  const { Q } = evaluatePolicy(c.mdp, c.pi);
  const means = conditionalMeans(
    { ...c, horizon: c.depth },
    (p) => [wholeReturn(p, c.t, c.mdp.gamma, pastIncluded)],
  );
  const tol = tolerance(c.mdp, Q);
  let worst = Infinity;
  for (const m of means) worst = Math.min(worst, tol - Math.abs(m.mean[0]! - Q[m.s]![m.a]!));
  return worst;
}

/** Two layers of two states, random rewards, γ = 1, t = 1, μ ≠ π: the 9a control's pinned case. */
const pinnedEnding: EndingCase = {
  mdp: makeMdp({
    gamma: 1,
    initial: [0.5, 0.5, 0, 0, 0],
    rewardBound: 2,
    terminal: [4],
    outcomes: [
      [[{ next: 2, reward: 1, prob: 0.5 }, { next: 3, reward: -1, prob: 0.5 }], [{
        next: 3,
        reward: 2,
        prob: 1,
      }]],
      [[{ next: 2, reward: 0, prob: 1 }], [{ next: 3, reward: 0.5, prob: 0.5 }, {
        next: 4,
        reward: -2,
        prob: 0.5,
      }]],
      [[{ next: 4, reward: 1.5, prob: 0.5 }, { next: 4, reward: -0.5, prob: 0.5 }], [{
        next: 4,
        reward: 0,
        prob: 1,
      }]],
      [[{ next: 4, reward: -1, prob: 1 }], [{ next: 4, reward: 2, prob: 1 }]],
      [],
    ],
  }),
  behaviour: [[0.25, 0.75], [1, 0], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]],
  pi: [[0.5, 0.5], [0.5, 0.5], [1, 0], [0.25, 0.75], [0.5, 0.5]],
  t: 1,
  depth: 2,
};

/**
 * 9a: whole trajectories on MDPs that end (the oracle), then the general infinite-horizon
 * MDPs, where the part after s_{t+2} is the truncated series W with its remainder bound.
 */
function monteCarloMargin(seed: number, pastIncluded: boolean) {
  const ending = checkProperty(
    { seed, over: OVER_ENDING, numRuns: 60, examples: [pinnedEnding] },
    arbEndingCase,
    (c) => wholeReturnMargin(c, pastIncluded),
  );
  const general = checkProperty(
    opts(seed),
    arbCase,
    (c) => unbiasedMargin(c, pastIncluded ? withPastRewards : monteCarloReturn, true),
  );
  return {
    over: `${OVER_ENDING}; then ${OVER}`,
    cases: ending.cases + general.cases,
    worstMargin: Math.min(ending.worstMargin, general.worstMargin),
  };
}

/** The claims of Problem 9. */
export const claims: Claim[] = defineClaims(9, [
  {
    id: "09a",
    statement:
      "the Monte Carlo return r_t + γ r_{t+1} + … has conditional mean Q^π(s_t, a_t) given (τ^(t), a_t)",
    check: (ctx) => monteCarloMargin(ctx.seed, false),
    negativeControl: {
      variant: "the return counted from time 0 (past rewards included)",
      check: (ctx) => monteCarloMargin(ctx.seed, true),
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
