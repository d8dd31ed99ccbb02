/**
 * Problem 10's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  arbMdp,
  arbPolicy,
  evaluatePolicy,
  type FiniteMdp,
  makeMdp,
  type Policy,
} from "../../shared/mdp/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import {
  enumeratePrefixes,
  type Prefix,
  returnMoments,
  stateAt,
  stateDistributionAt,
  TrajectoryLimitError,
} from "../../shared/trajectories/mod.ts";
import { tdTargetVariances } from "./mod.ts";

/** A case: an MDP, a policy π, the initial distribution p0 (in the MDP) and the time t. */
type Case = [FiniteMdp, Policy, number];

/**
 * Random MDPs with random rewards: non-terminating ones with γ ∈ (0, 1) (including 0.001
 * and 0.999), and proper terminating ones with γ = 1; a random p0 of full support on the
 * live states, a random policy (zeros allowed) and t ∈ {1, 2, 3}.
 */
const arbCase: fc.Arbitrary<Case> = fc.oneof(
  arbMdp({ maxStates: 4, maxActions: 3, withInitial: true }),
  arbMdp({
    maxStates: 3,
    maxActions: 3,
    withInitial: true,
    terminating: true,
    gamma: fc.constant(1),
  }),
).chain((mdp) =>
  fc.tuple(fc.constant(mdp), arbPolicy(mdp.nStates, mdp.nActions), fc.integer({ min: 1, max: 3 }))
);

const OVER = "random MDPs (1–4 states, 1–3 actions, dense/sparse/deterministic transitions, " +
  "fixed or random rewards, γ ∈ (0, 1) incl. 0.001 and 0.999; or proper terminating MDPs with " +
  "γ = 1), random policies, s_t ~ p0 (P^π)^t for t ∈ {1, 2, 3}";

/** One state, reward −1 or +1 by a fair coin, γ = 1/2: Var TD(1) = 1 < Var TD(2) = 5/4 < Var TD(∞) = 4/3. */
const coinFlip: Case = [
  makeMdp({
    gamma: 0.5,
    initial: [1],
    outcomes: [[[{ next: 0, reward: -1, prob: 0.5 }, { next: 0, reward: 1, prob: 0.5 }]]],
  }),
  [[1]],
  1,
];

/** One state, two actions with rewards 0 and 1, uniform π, γ = 1/2: Var TD(1) = 1/4 < Var TD(1.5) = 5/16. */
const twoArms: Case = [
  makeMdp({
    gamma: 0.5,
    initial: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  }),
  [[0.5, 0.5]],
  1,
];

/**
 * The boundary where the episode is over before t: every state terminal (γ = 1), so s_t is
 * terminal, no step follows, and every target and every moment is 0 (the return from a
 * terminal state is 0; Sobel's system has no live state to solve for).
 */
const allOver: Case = [
  makeMdp({
    gamma: 1,
    terminal: [0, 1],
    initial: [0.5, 0.5],
    // an MDP needs an action: its outcome lists are given but never taken
    outcomes: [[[{ next: 1, reward: 1, prob: 1 }]], [[{ next: 0, reward: 1, prob: 1 }]]],
  }),
  [[1], [1]],
  1,
];

/**
 * Relative float64 tolerance: linear solves with condition number ≲ 1/(1 − γ²) ≤ 10³
 * and sums of a few thousand terms lose far less than 1e-9 of the second-moment scale.
 */
const REL = 1e-9;

/**
 * The scale the tolerances are relative to: (1 + R + max|V^π|)² + max_s E[G² | s] bounds the
 * second moment of every target (a tolerance of the check, so it lives here, not in the code
 * the claims verify).
 */
function momentScale(mdp: FiniteMdp, pi: Policy): number {
  const m = returnMoments(mdp, pi);
  const maxV = Math.max(0, ...m.V.map(Math.abs));
  return (1 + mdp.rewardBound + maxV) ** 2 + Math.max(0, ...m.secondV);
}

/**
 * The exact law the targets' moments are taken under: the prefixes (s_t, a_t, r_t, s_{t+1},
 * a_{t+1}, r_{t+1}, s_{t+2}) that enumeration lists must be exactly those of positive probability,
 * each with probability d(s_t) π(a_t | s_t) p(r_t, s_{t+1} | s_t, a_t) ⋯ recomputed from the MDP
 * along the prefix, summing to 1, stopped exactly at terminal states; and the enumeration must
 * build all of them under a limit equal to their number and refuse one less (a truncated law
 * would be wrong silently).
 */
function checkPrefixLaw(mdp: FiniteMdp, pi: Policy, d: readonly number[]): void {
  const dist = enumeratePrefixes(mdp, { horizon: 2, policy: pi, initial: d });
  const fail = (why: string) => {
    throw new ClaimViolation(`enumerated prefixes to horizon 2: ${why}`);
  };
  // an outcome list may repeat (s', r): such prefixes are listed apart, so compare per path
  const byPath = new Map<string, { prefix: Prefix; prob: number }>();
  let total = 0;
  for (const { prefix, prob } of dist.prefixes) {
    if (!(prob > 0)) fail(`a prefix of probability ${prob} is listed`);
    const key = JSON.stringify([prefix.states, prefix.actions, prefix.rewards, prefix.terminated]);
    byPath.set(key, { prefix, prob: (byPath.get(key)?.prob ?? 0) + prob });
    total += prob;
  }
  for (const { prefix, prob } of byPath.values()) {
    const { states, actions, rewards, terminated } = prefix;
    let expected = d[states[0]!]!;
    for (let k = 0; k < actions.length; k++) {
      const [s, a, next] = [states[k]!, actions[k]!, states[k + 1]!];
      const outcome = mdp.outcomes[s]![a]!
        .filter((o) => o.next === next && o.reward === rewards[k])
        .reduce((acc, o) => acc + o.prob, 0);
      expected *= pi[s]![a]! * outcome;
    }
    const last = states.at(-1)!;
    if (Math.abs(prob - expected) > 1e-12) fail(`${states} has ${prob}, not ${expected}`);
    if (rewards.length !== actions.length || states.length !== actions.length + 1) {
      fail(`${states} / ${actions} / ${rewards} do not line up`);
    }
    if (terminated !== mdp.isTerminal[last]) fail(`${states}: terminated = ${terminated}`);
    if (!terminated && actions.length !== 2) fail(`${states} stops before s_{t+2}`);
    if (states.slice(0, -1).some((s) => mdp.isTerminal[s])) fail(`${states} passes a terminal`);
  }
  if (Math.abs(total - 1) > 1e-12) fail(`probabilities sum to ${total}`);
  const n = dist.prefixes.length;
  enumeratePrefixes(mdp, { horizon: 2, policy: pi, initial: d, maxPrefixes: n });
  try {
    enumeratePrefixes(mdp, { horizon: 2, policy: pi, initial: d, maxPrefixes: n - 1 });
  } catch (e) {
    if (e instanceof TrajectoryLimitError) return;
    throw e;
  }
  fail(`${n} prefixes were built under a limit of ${n - 1}`);
}

/**
 * The second moments of the return given (s, a), which TD(∞) for Q^π(s_t, a_t) is made of: by the
 * tower property E[G² | s] = Σ_a π(a | s) E[G² | s, a] (the per-state moments come from Sobel's
 * linear solve, the per-pair ones from one step of the MDP on top of it), and each conditional
 * variance is E[G² | s, a] − Q^π(s, a)² (clamped at 0 against rounding).
 */
function checkActionMoments(mdp: FiniteMdp, pi: Policy, tol: number): void {
  const m = returnMoments(mdp, pi);
  m.secondQ.forEach((row, s) => {
    const averaged = row.reduce((acc, x, a) => acc + pi[s]![a]! * x, 0);
    if (Math.abs(averaged - m.secondV[s]!) > tol) {
      throw new ClaimViolation(
        `state ${s}: Σ_a π E[G² | s, a] = ${averaged}, but E[G² | s] = ${m.secondV[s]}`,
      );
    }
    row.forEach((x, a) => {
      const variance = Math.max(0, x - m.Q[s]![a]! ** 2);
      if (Math.abs(m.varianceQ[s]![a]! - variance) > tol) {
        throw new ClaimViolation(
          `(${s}, ${a}): Var(G | s, a) = ${m.varianceQ[s]![a]}, E[G²] − Q² = ${variance}`,
        );
      }
    });
  });
}

/**
 * The 10a margins: means agree, Var TD(2) − Var TD(1) and Var TD(∞) − Var TD(2) equal their
 * conditional-variance gaps, and both differences are ≥ 0.
 */
function margin10a([mdp, pi, t]: Case): number {
  const d = stateDistributionAt(mdp, pi, mdp.initial!, t);
  // the law of s_t = p0 (P^π)^t, against enumerating whole trajectories s_0, …, s_t
  const law = enumeratePrefixes(mdp, { horizon: t, policy: pi })
    .expectationVector((p) => mdp.isTerminal.map((_, s) => (stateAt(p, t) === s ? 1 : 0)));
  law.forEach((x, s) => {
    if (!(Math.abs(x - d[s]!) <= 1e-12)) {
      throw new ClaimViolation(`P(s_${t} = ${s}) is ${x} by enumeration, ${d[s]} propagated`);
    }
  });
  checkPrefixLaw(mdp, pi, d);
  checkActionMoments(mdp, pi, REL * momentScale(mdp, pi));
  const v = tdTargetVariances(mdp, pi, d);
  const tol = REL * momentScale(mdp, pi);
  return Math.min(
    tol - Math.abs(v.td1.mean - v.tdInf.mean),
    tol - Math.abs(v.td2.mean - v.tdInf.mean),
    tol - Math.abs(v.td2.variance - v.td1.variance - v.gapTd2OverTd1),
    tol - Math.abs(v.tdInf.variance - v.td2.variance - v.gapTdInfOverTd2),
    v.td2.variance - v.td1.variance + tol,
    v.tdInf.variance - v.td2.variance + tol,
  );
}

/**
 * A critic with the errors a learned one has: V^π(s) + (R + 1)(−1)^s on the live states
 * (0 at terminal ones).
 */
function erroneousCritic(mdp: FiniteMdp, pi: Policy): number[] {
  const { V } = evaluatePolicy(mdp, pi);
  return V.map((v, s) => (mdp.isTerminal[s] ? 0 : v + (mdp.rewardBound + 1) * (s % 2 ? -1 : 1)));
}

/**
 * The control of 10a, the belief that bootstrapping lowers the variance whatever critic is
 * plugged in: the variance ordering Var TD(1) ≤ Var TD(2) ≤ Var TD(∞) with the critic of
 * {@link erroneousCritic} in TD(1) and TD(2).
 */
function orderingWithAnyCritic([mdp, pi, t]: Case): number {
  const d = stateDistributionAt(mdp, pi, mdp.initial!, t);
  const v = tdTargetVariances(mdp, pi, d, erroneousCritic(mdp, pi));
  const tol = REL * momentScale(mdp, pi);
  return Math.min(v.td2.variance - v.td1.variance + tol, v.tdInf.variance - v.td2.variance + tol);
}

/**
 * The 10b margins: equal means, Var TD(1.5) − Var TD(1) equals its gap and is ≥ 0. With
 * `uniformAverage` TD(1) averages Q^π(s_{t+1}, ·) uniformly instead of under π (the control).
 */
function margin10b([mdp, pi, t]: Case, uniformAverage: boolean): number {
  const d = stateDistributionAt(mdp, pi, mdp.initial!, t);
  const critic = uniformAverage
    ? evaluatePolicy(mdp, pi).Q.map((row) => row.reduce((acc, q) => acc + q, 0) / row.length)
    : undefined;
  const v = tdTargetVariances(mdp, pi, d, critic);
  const tol = REL * momentScale(mdp, pi);
  return Math.min(
    tol - Math.abs(v.td1.mean - v.td15.mean),
    tol - Math.abs(v.td15.variance - v.td1.variance - v.gapTd15OverTd1),
    v.td15.variance - v.td1.variance + tol,
  );
}

/**
 * The 10a control's pinned case: two states, one action that moves to either state with
 * probability 1/2 and reward 0, γ = 1/2. V^π = 0, so every target of V^π is 0, but with the
 * critic ±1 TD(1) = ±1/2 has variance 1/4 and TD(2) = ±1/4 only 1/16.
 */
const flipNoReward: Case = [
  makeMdp({
    gamma: 0.5,
    initial: [0.5, 0.5],
    outcomes: [
      [[{ next: 0, reward: 0, prob: 0.5 }, { next: 1, reward: 0, prob: 0.5 }]],
      [[{ next: 0, reward: 0, prob: 0.5 }, { next: 1, reward: 0, prob: 0.5 }]],
    ],
  }),
  [[1], [1]],
  1,
];

/** The 10b control's pinned case: {@link twoArms} with π = (1/4, 3/4), so E_π Q ≠ mean of Q. */
const twoArmsSkewed: Case = [twoArms[0], [[0.25, 0.75]], 1];

/**
 * The widest case 10a meets: 4 states, 3 actions, every pair moving to every state with four
 * rewards (48 branches per step), γ = 0.9, uniform p0 and π, t = 1. Its prefixes to s_{t+2}
 * number 4 · 48² = 9,216, inside the enumeration limit; one step more would not be.
 */
const widest: Case = [
  makeMdp({
    gamma: 0.9,
    initial: [0.25, 0.25, 0.25, 0.25],
    outcomes: Array.from(
      { length: 4 },
      (_, s) =>
        Array.from({ length: 3 }, (_, a) =>
          Array.from({ length: 16 }, (_, k) => ({
            next: k % 4,
            reward: ((s + 2 * a + k) % 5) - 2,
            prob: 1 / 16,
          }))),
    ),
  }),
  Array.from({ length: 4 }, () => [1 / 3, 1 / 3, 1 / 3]),
  1,
];

/** The claims of Problem 10. */
export const claims: Claim[] = defineClaims(10, [
  {
    id: "10a",
    statement:
      "E TD(1) = E TD(2) = E TD(∞), and Var TD(1) ≤ Var TD(2) ≤ Var TD(∞) (each gap is an expected conditional variance)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER, numRuns: 150, examples: [coinFlip, widest, allOver] },
        arbCase,
        margin10a,
      ),
    negativeControl: {
      variant:
        "bootstrapping lowers the variance whatever the critic: Var TD(1) ≤ Var TD(2) ≤ Var TD(∞) " +
        "with a critic V^π ± (R + 1) in place of V^π",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 150, examples: [flipNoReward] },
          arbCase,
          orderingWithAnyCritic,
        ),
    },
  },
  {
    id: "10b",
    statement: "E TD(1) = E TD(1.5), and Var TD(1) ≤ Var TD(1.5)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER, numRuns: 150, examples: [twoArms, twoArmsSkewed, allOver] },
        arbCase,
        (c) => margin10b(c, false),
      ),
    negativeControl: {
      variant: "the expectation over a_{t+1} taken under the uniform distribution instead of π " +
        "(TD(1) = r_t + γ mean_a Q^π(s_{t+1}, a))",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 150, examples: [twoArmsSkewed] },
          arbCase,
          (c) => margin10b(c, true),
        ),
    },
  },
]);
