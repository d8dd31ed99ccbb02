/**
 * Problem 5's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  arbMdp,
  arbPolicy,
  arbTiedMdp,
  evaluateActionValues,
  evaluatePolicy,
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
import { advantage, advantageExact, meanAdvantage } from "./mod.ts";

/** One state, arms paying 0 and 1, γ = 1/2. */
const twoArms = makeMdp({
  gamma: 0.5,
  outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
});

const OVER_A = "random MDPs (1–8 states, 1–5 actions, all transition and reward kinds, " +
  "γ ∈ (0, 1) incl. 0.001 and 0.999, half with a terminal state) with random policies π, π′ " +
  "(zeros, deterministic); A^π also as Q^π (state–action solve) − V^π (state solve)";

type CaseA = [FiniteMdp, Policy, Policy];
/** Random MDP (half with a terminal state), a policy π and a second policy π′. */
const casesA: fc.Arbitrary<CaseA> = fc.oneof(arbMdp(), arbMdp({ terminating: true })).chain((
  mdp,
) =>
  fc.tuple(
    fc.constant(mdp),
    arbPolicy(mdp.nStates, mdp.nActions),
    arbPolicy(mdp.nStates, mdp.nActions),
  )
);
const twoArmsA: CaseA = [twoArms, [[0, 1]], [[0.5, 0.5]]];
/** The uniform policy on the two arms: A^π = (−1/2, 1/2), mean 0 under π, 1/2 under π′ = arm 1. */
const uniformArmsA: CaseA = [twoArms, uniformPolicy(twoArms), [[0, 1]]];

/**
 * 05a on one case: the advantage table of `advantage` (state solve, then lookahead) must match
 * Q^π from the state–action system minus V^π from the state system, and the mean of the latter
 * under `mu` (π itself for the claim) must be 0. Returns the margin (≥ 0 when both hold).
 */
function marginA(mdp: FiniteMdp, pi: Policy, mu: Policy, other: Policy): number {
  const tol = linearSolveTolerance(mdp);
  const { V } = evaluatePolicy(mdp, pi);
  const independent = evaluateActionValues(mdp, pi).map((row, s) => row.map((q) => q - V[s]!));
  assertAllClose(advantage(mdp, pi), independent, { abs: tol, rel: 0 }, "A^π two routes");
  const meanUnder = (nu: Policy) =>
    independent.map((row, s) => row.reduce((acc, x, a) => acc + nu[s]![a]! * x, 0));
  // meanAdvantage is checked under a second policy too, where its mean is not 0: a variant
  // that always returned 0 would otherwise pass the claim unseen
  for (const nu of [mu, other]) {
    assertAllClose(
      meanAdvantage(mdp, pi, nu),
      meanUnder(nu),
      { abs: tol, rel: 0 },
      "meanAdvantage",
    );
  }
  return tol - Math.max(...meanUnder(mu).map(Math.abs));
}

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
 * For each policy, compares "optimal" (V^π = V* exactly) with the sign condition on A^π:
 * A^π ≤ 0 at every (s, a), or, for the negative control, only at the actions π takes.
 */
function checkB([mdp, w, randomPi]: CaseB, where: "everywhere" | "on its support"): void {
  const sol = optimalValuesExact(mdp, optimalValues(mdp).actions);
  for (const pi of [policyOnSets(sol.argmax, w), randomPi]) {
    const optimal = evaluatePolicyExact(mdp, pi).V.every((v, s) => v.equals(sol.V[s]!));
    const adv = advantageExact(mdp, pi);
    const signHolds = adv.every((row, s) =>
      row.every((x, a) =>
        x.compare(0) <= 0 || (where === "on its support" && Number(pi[s]![a]!.valueOf()) === 0)
      )
    );
    if (optimal !== signHolds) {
      throw new ClaimViolation(
        `optimal = ${optimal} but "A^π ≤ 0 ${where}" = ${signHolds} ` +
          `for π = ${JSON.stringify(pi.map((r) => r.map(Number)))}`,
      );
    }
  }
}

/** The claims of Problem 5. */
export const claims: Claim[] = defineClaims(5, [
  {
    id: "05a",
    statement: "E_{a∼π(s)}[A^π(s, a)] = 0 at every state",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_A, numRuns: 300, examples: [twoArmsA, uniformArmsA] },
        casesA,
        ([mdp, pi, other]) => marginA(mdp, pi, pi, other),
      ),
    negativeControl: {
      variant: "π for π_old: the advantage of π averaged under an updated policy π′ is 0",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 300, examples: [twoArmsA, uniformArmsA] },
          casesA,
          ([mdp, pi, piNew]) => marginA(mdp, pi, piNew, pi),
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
        (c) => checkB(c, "everywhere"),
      ),
    negativeControl: {
      variant:
        "judging by the actions π takes: π optimal if and only if A^π(s, a) ≤ 0 where π(a | s) > 0",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_B, numRuns: 150, examples: [[twoArms, [[1, 1]], [[1, 0]]]] },
          casesB,
          (c) => checkB(c, "on its support"),
        ),
    },
  },
]);
