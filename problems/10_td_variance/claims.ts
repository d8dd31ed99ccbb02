/**
 * Problem 10's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { arbMdp, arbPolicy, type FiniteMdp, makeMdp, type Policy } from "../../shared/mdp/mod.ts";
import { stateDistributionAt } from "../../shared/trajectories/mod.ts";
import { checkProperty, type Claim, defineClaims } from "../../shared/testing/mod.ts";
import { momentScale, tdTargetVariances } from "./mod.ts";

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
 * Relative float64 tolerance: linear solves with condition number ≲ 1/(1 − γ²) ≤ 10³
 * and sums of a few thousand terms lose far less than 1e-9 of the second-moment scale.
 */
const REL = 1e-9;

/** The 10a margins: means agree, Var TD(2) − Var TD(1) and Var TD(∞) − Var TD(2) equal their
 *  conditional-variance gaps and are ≥ 0. `reversed` flips the two inequalities. */
function margin10a([mdp, pi, t]: Case, reversed: boolean): number {
  const d = stateDistributionAt(mdp, pi, mdp.initial!, t);
  const v = tdTargetVariances(mdp, pi, d);
  const tol = REL * momentScale(mdp, pi);
  const sign = reversed ? -1 : 1;
  return Math.min(
    tol - Math.abs(v.td1.mean - v.tdInf.mean),
    tol - Math.abs(v.td2.mean - v.tdInf.mean),
    tol - Math.abs(v.td2.variance - v.td1.variance - v.gapTd2OverTd1),
    tol - Math.abs(v.tdInf.variance - v.td2.variance - v.gapTdInfOverTd2),
    sign * (v.td2.variance - v.td1.variance) + tol,
    sign * (v.tdInf.variance - v.td2.variance) + tol,
  );
}

/** The 10b margins: equal means, Var TD(1.5) − Var TD(1) equals its gap and is ≥ 0. */
function margin10b([mdp, pi, t]: Case, reversed: boolean): number {
  const d = stateDistributionAt(mdp, pi, mdp.initial!, t);
  const v = tdTargetVariances(mdp, pi, d);
  const tol = REL * momentScale(mdp, pi);
  const sign = reversed ? -1 : 1;
  return Math.min(
    tol - Math.abs(v.td1.mean - v.td15.mean),
    tol - Math.abs(v.td15.variance - v.td1.variance - v.gapTd15OverTd1),
    sign * (v.td15.variance - v.td1.variance) + tol,
  );
}

/** The claims of Problem 10. */
export const claims: Claim[] = defineClaims(10, [
  {
    id: "10a",
    statement:
      "E TD(1) = E TD(2) = E TD(∞), and Var TD(1) ≤ Var TD(2) ≤ Var TD(∞) (each gap is an expected conditional variance)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER, numRuns: 150, examples: [coinFlip] },
        arbCase,
        (c) => margin10a(c, false),
      ),
    negativeControl: {
      variant: "the reversed ordering Var TD(∞) ≤ Var TD(2) ≤ Var TD(1)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 150, examples: [coinFlip] },
          arbCase,
          (c) => margin10a(c, true),
        ),
    },
  },
  {
    id: "10b",
    statement: "E TD(1) = E TD(1.5), and Var TD(1) ≤ Var TD(1.5)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER, numRuns: 150, examples: [twoArms] },
        arbCase,
        (c) => margin10b(c, false),
      ),
    negativeControl: {
      variant: "the reversed ordering Var TD(1.5) ≤ Var TD(1)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 150, examples: [twoArms] },
          arbCase,
          (c) => margin10b(c, true),
        ),
    },
  },
]);
