/**
 * Problem 1's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { arbMdp, arbPolicy, arbValues, type FiniteMdp } from "../../shared/mdp/mod.ts";
import { checkProperty, type Claim, defineClaims } from "../../shared/testing/mod.ts";
import { backupSlack, monotonicityGap, policyBelowOptimalGap } from "./mod.ts";

/** A random MDP (1–8 states, 1–5 actions, all transition and reward kinds), a policy and a V. */
const mdpPolicyValue = arbMdp().chain((mdp) =>
  fc.tuple(fc.constant(mdp), arbPolicy(mdp.nStates, mdp.nActions), arbValues(mdp.nStates))
);

/** A random MDP with U ≤ V: V random, U = V − D with D ≥ 0 (zeros in D give ties). */
const mdpOrderedPair = arbMdp().chain((mdp) =>
  fc.tuple(fc.constant(mdp), arbValues(mdp.nStates), arbValues(mdp.nStates, 20)).map((
    [m, v, d],
  ) => [m, v.map((x, s) => x - Math.abs(d[s]!)), v] as [FiniteMdp, number[], number[]])
);

const OVER_A = "random MDPs (1–8 states, 1–5 actions, dense/sparse/deterministic transitions, " +
  "random or fixed rewards, γ ∈ (0, 1) incl. 0.001 and 0.999), policies with zeros, V ∈ [−50, 50]^S";
const OVER_B = "random MDPs as in 01a, V ∈ [−50, 50]^S and U = V − D with D ≥ 0";

/** The claims of Problem 1. */
export const claims: Claim[] = defineClaims(1, [
  {
    id: "01a",
    statement: "B^π[V] ≤ B*[V] pointwise, for every policy π and every V",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_A, numRuns: 300 },
        mdpPolicyValue,
        ([mdp, pi, v]) => policyBelowOptimalGap(mdp, pi, v) + backupSlack(mdp, v),
      ),
    negativeControl: {
      variant: "the reversed inequality B*[V] ≤ B^π[V]",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 300 },
          mdpPolicyValue,
          ([mdp, pi, v]) => -policyBelowOptimalGap(mdp, pi, v) + backupSlack(mdp, v),
        ),
    },
  },
  {
    id: "01b",
    statement: "B* is monotone: U ≤ V implies B*[U] ≤ B*[V]",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_B, numRuns: 300 },
        mdpOrderedPair,
        ([mdp, u, v]) => monotonicityGap(mdp, u, v) + backupSlack(mdp, v),
      ),
    negativeControl: {
      variant: "the same backup with a negative discount γ' = −γ, which is not monotone",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_B, numRuns: 300 },
          mdpOrderedPair,
          ([mdp, u, v]) => monotonicityGap(mdp, u, v, -mdp.gamma) + backupSlack(mdp, v),
        ),
    },
  },
]);
