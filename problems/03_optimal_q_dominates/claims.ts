/**
 * Problem 3's claim, with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  arbMdp,
  arbPolicy,
  deterministicPolicy,
  type FiniteMdp,
  linearSolveTolerance,
  makeMdp,
  optimalValues,
  type Policy,
  uniformPolicy,
} from "../../shared/mdp/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import { dominanceGap, optimalityResidual } from "./mod.ts";

type Case = [FiniteMdp, Policy];
const cases: fc.Arbitrary<Case> = arbMdp().chain((mdp) =>
  fc.tuple(fc.constant(mdp), arbPolicy(mdp.nStates, mdp.nActions))
);

/** One state, arms paying 0 and 1: the uniform policy is not optimal here. */
const twoArms: Case = [
  makeMdp({
    gamma: 0.9,
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  }),
  [[0, 1]],
];

/** Q^{π*} − Q^π ≥ −tol, where π* is certified optimal by its Bellman optimality residual. */
function dominanceMargin(mdp: FiniteMdp, piStar: Policy, pi: Policy, certify: boolean): number {
  const tol = linearSolveTolerance(mdp);
  if (certify) {
    const { V } = optimalValues(mdp);
    const residual = optimalityResidual(mdp, V);
    if (residual > tol) throw new ClaimViolation(`π* is not optimal: residual ${residual}`);
  }
  return dominanceGap(mdp, piStar, pi) + tol;
}

const OVER = "random MDPs (1–8 states, 1–5 actions, all transition and reward kinds, " +
  "γ ∈ (0, 1) incl. 0.001 and 0.999) and random policies π (stochastic with zeros, deterministic)";

/** The claims of Problem 3. */
export const claims: Claim[] = defineClaims(3, [
  {
    id: "03a",
    statement: "Q^{π*}(s, a) ≥ Q^π(s, a) for every state, action and policy π, when π* is optimal",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER, numRuns: 200, examples: [twoArms] },
        cases,
        ([mdp, pi]) => {
          const piStar = deterministicPolicy(mdp, optimalValues(mdp).actions);
          return dominanceMargin(mdp, piStar, pi, true);
        },
      ),
    negativeControl: {
      variant: "the uniform policy (not optimal in general) put in place of π*",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 200, examples: [twoArms] },
          cases,
          ([mdp, pi]) => dominanceMargin(mdp, uniformPolicy(mdp), pi, false),
        ),
    },
  },
]);
