/**
 * Problem 5's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  arbMdpWithPolicy,
  arbPolicy,
  arbTiedMdp,
  evaluatePolicyExact,
  type FiniteMdp,
  linearSolveTolerance,
  makeMdp,
  optimalValues,
  optimalValuesExact,
  type Policy,
  policyOnSets,
  uniformPolicy,
} from "../../shared/mdp/mod.ts";
import {
  assertAllClose,
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import { advantageExact, meanAdvantage } from "./mod.ts";

/** One state, arms paying 0 and 1, γ = 1/2. */
const twoArms = makeMdp({
  gamma: 0.5,
  outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
});

const OVER_A = "random MDPs (1–8 states, 1–5 actions, all transition and reward kinds, " +
  "γ ∈ (0, 1) incl. 0.001 and 0.999) with random policies (zeros, deterministic)";

type CaseB = [FiniteMdp, number[][], Policy];
/** Small MDPs with exact ties, a policy spread over the exact argmax sets, and a random policy. */
const casesB: fc.Arbitrary<CaseB> = arbTiedMdp({ maxStates: 4, maxActions: 3 }).chain((mdp) =>
  fc.tuple(
    fc.constant(mdp),
    fc.array(
      fc.array(fc.integer({ min: 1, max: 4 }), {
        minLength: mdp.nActions,
        maxLength: mdp.nActions,
      }),
      { minLength: mdp.nStates, maxLength: mdp.nStates },
    ),
    arbPolicy(mdp.nStates, mdp.nActions),
  )
);
const OVER_B = "random MDPs with exact ties (1–4 states, 2–3 actions, γ ∈ (0, 1)); a policy " +
  "spread over the exact argmax sets and a random policy each; exact rationals";

/**
 * For each policy, compares "optimal" (V^π = V* exactly) with the sign condition on A^π
 * (all ≤ 0, or all ≥ 0 for the negative control).
 */
function checkB([mdp, w, randomPi]: CaseB, sign: "nonpositive" | "nonnegative"): void {
  const sol = optimalValuesExact(mdp, optimalValues(mdp).actions);
  for (const pi of [policyOnSets(sol.argmax, w), randomPi]) {
    const optimal = evaluatePolicyExact(mdp, pi).V.every((v, s) => v.equals(sol.V[s]!));
    const adv = advantageExact(mdp, pi);
    const signHolds = adv.every((row) =>
      row.every((x) => (sign === "nonpositive" ? x.compare(0) <= 0 : x.compare(0) >= 0))
    );
    if (optimal !== signHolds) {
      throw new ClaimViolation(
        `optimal = ${optimal} but "A^π ${
          sign === "nonpositive" ? "≤" : "≥"
        } 0 everywhere" = ${signHolds} ` +
          `for π = ${JSON.stringify(pi.map((r) => r.map(Number)))}`,
      );
    }
  }
}

/** The claims of Problem 5. */
export const claims: Claim[] = defineClaims(5, [
  {
    id: "05a",
    statement: "E_{a∼π(·|s)}[A^π(s, a)] = 0 at every state",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_A, numRuns: 300 },
        arbMdpWithPolicy(),
        ([mdp, pi]) => {
          const tol = linearSolveTolerance(mdp);
          return assertAllClose(meanAdvantage(mdp, pi), mdp.isTerminal.map(() => 0), {
            abs: tol,
            rel: 0,
          }, "E_π[A^π]");
        },
      ),
    negativeControl: {
      variant: "actions drawn from the uniform policy instead of π",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 300, examples: [[twoArms, [[0, 1]]]] },
          arbMdpWithPolicy(),
          ([mdp, pi]) => {
            const tol = linearSolveTolerance(mdp);
            return assertAllClose(
              meanAdvantage(mdp, pi, uniformPolicy(mdp)),
              mdp.isTerminal.map(() => 0),
              { abs: tol, rel: 0 },
              "E_uniform[A^π]",
            );
          },
        ),
    },
  },
  {
    id: "05b",
    statement: "π is optimal if and only if A^π(s, a) ≤ 0 for every state and action",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_B, numRuns: 150 },
        casesB,
        (c) => checkB(c, "nonpositive"),
      ),
    negativeControl: {
      variant: "the reversed sign: π optimal if and only if A^π ≥ 0 everywhere",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_B, numRuns: 150, examples: [[twoArms, [[1, 1]], [[1, 0]]]] },
          casesB,
          (c) => checkB(c, "nonnegative"),
        ),
    },
  },
]);
