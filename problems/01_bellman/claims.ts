/**
 * Problem 1's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  arbMdp,
  arbPolicy,
  arbValues,
  bellmanOptimalV,
  bellmanPolicyV,
  deterministicPolicy,
  type FiniteMdp,
  greedyActions,
  lookaheadByMatrix,
  makeMdp,
  type Policy,
  type ValueFunction,
} from "../../shared/mdp/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
  pinVariant,
} from "../../shared/testing/mod.ts";
import {
  gapWhereOrdered,
  monotonicityGap,
  monotonicityGaps,
  policyBelowOptimalGap,
  rewardGreedyBackup,
} from "./mod.ts";

/**
 * Rounding slack for comparing two float64 Bellman backups of the same V: a convex
 * combination of numbers of size M can exceed their maximum by a few ulps of M. It belongs to
 * the checks (it decides what counts as equal up to rounding), so it lives with the claims.
 *
 * @param mdp the MDP
 * @param v the value function the backups were applied to
 * @returns 1e-12 · (1 + R + max|V|)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { backupSlack } from "./claims.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * // R = 1: 1e-12 · (1 + 1 + max|V|)
 * if (backupSlack(m, [-4]) !== 1e-12 * 6 || backupSlack(m, [0.5]) !== 1e-12 * 2.5) throw new Error();
 * ```
 */
export function backupSlack(mdp: FiniteMdp, v: ValueFunction): number {
  return 1e-12 * (1 + mdp.rewardBound + Math.max(0, ...v.map(Math.abs)));
}

/** Random MDPs of every kind, half of them with an absorbing terminal state. */
const mdps = fc.oneof(arbMdp(), arbMdp({ terminating: true }));

type CaseA = [FiniteMdp, Policy, number[]];
/** A random MDP, a policy (zeros and deterministic rows included) and a V. */
const mdpPolicyValue: fc.Arbitrary<CaseA> = mdps.chain((mdp) =>
  fc.tuple(fc.constant(mdp), arbPolicy(mdp.nStates, mdp.nActions), arbValues(mdp.nStates))
);

type CaseB = [FiniteMdp, number[], number[]];
/** A random MDP with U ≤ V: V random, U = V − D with D ≥ 0 (zeros in D give ties). */
const mdpOrderedPair: fc.Arbitrary<CaseB> = mdps.chain((mdp) =>
  fc.tuple(fc.constant(mdp), arbValues(mdp.nStates), arbValues(mdp.nStates, 20)).map((
    [m, v, d],
  ) => [m, v.map((x, s) => x - Math.abs(d[s]!)), v] as CaseB)
);
/** A random MDP with two unrelated value functions (ordered at some states, not at others). */
const mdpAnyPair: fc.Arbitrary<CaseB> = mdps.chain((mdp) =>
  fc.tuple(fc.constant(mdp), arbValues(mdp.nStates), arbValues(mdp.nStates))
);

/**
 * Arm 0 pays 1 and stays; arm 1 pays 0 and moves to state 1, which is worth V(1) = 40. The
 * action with the best reward is not the action with the best lookahead.
 */
const detour = makeMdp({
  gamma: 0.9,
  outcomes: [
    [[{ next: 0, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
    [[{ next: 1, reward: 0, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
  ],
});
const detourCase: CaseA = [detour, [[0, 1], [1, 0]], [0, 40]];
/** On the detour MDP, U ≤ V at state 0 only; V is far lower at state 0's successor. */
const detourPair: CaseB = [detour, [0, 40], [1, 0]];

/**
 * Claim 01a on one case, as a margin (≥ 0 when everything holds): the shared B* and B^π
 * agree with the max and the π-average of the matrix-route lookahead, B^π ≤ B*, and the
 * policy greedy in that lookahead closes the gap (so B* is the least upper bound).
 */
function marginA([mdp, pi, v]: CaseA, upper = bellmanOptimalV): number {
  const slack = backupSlack(mdp, v);
  const q = lookaheadByMatrix(mdp, v);
  const opt = bellmanOptimalV(mdp, v);
  const pol = bellmanPolicyV(mdp, pi, v);
  let disagreement = 0;
  q.forEach((row, s) => {
    const mean = row.reduce((acc, x, a) => acc + pi[s]![a]! * x, 0);
    disagreement = Math.max(
      disagreement,
      Math.abs(opt[s]! - Math.max(...row)),
      Math.abs(pol[s]! - mean),
    );
  });
  const greedy = deterministicPolicy(mdp, greedyActions(q));
  const attained = Math.abs(policyBelowOptimalGap(mdp, greedy, v, upper));
  return Math.min(policyBelowOptimalGap(mdp, pi, v, upper), -disagreement, -attained) + slack;
}

/**
 * Claim 01b on one case: at every state γ·min(V − U) ≤ (B*[V] − B*[U])(s) ≤ γ·max(V − U)
 * (the lower bound only without terminal states, where it is 0), which contains B*[U] ≤ B*[V].
 */
function marginB([mdp, u, v]: CaseB): number {
  const d = v.map((x, s) => x - u[s]!);
  const terminates = mdp.isTerminal.some((t) => t);
  const lower = terminates ? 0 : mdp.gamma * Math.min(...d);
  const upper = mdp.gamma * Math.max(...d);
  const gaps = monotonicityGaps(mdp, u, v);
  if (monotonicityGap(mdp, u, v) !== Math.min(...gaps)) {
    throw new ClaimViolation(`monotonicityGap is not the smallest of ${gaps.join(", ")}`);
  }
  return Math.min(...gaps.map((g) => Math.min(g - lower, upper - g))) + backupSlack(mdp, v);
}

/**
 * Pinned case of the 01a control, γ = 1/2, V = (0, 8, 5). State 0: arms 0 and 1 both pay 1
 * (arm 0 stays, arm 1 moves to state 1, worth 8), arm 2 pays 0. State 1: arms 0 and 1 pay 0
 * (to states 0 and 1), arm 2 pays −1 into the terminal state 2. The reward-greedy backup takes
 * the first of the best-paying arms: q(0, 0) = 1 + 0 = 1 and q(1, 0) = 0 + 0 = 0, and 0 at the
 * terminal state (the later tied arms would give 5 and 4).
 */
const greedyPin = makeMdp({
  gamma: 0.5,
  terminal: [2],
  outcomes: [
    [[{ next: 0, reward: 1, prob: 1 }], [{ next: 1, reward: 1, prob: 1 }], [{
      next: 1,
      reward: 0,
      prob: 1,
    }]],
    [[{ next: 0, reward: 0, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }], [{
      next: 2,
      reward: -1,
      prob: 1,
    }]],
    [],
  ],
});

/**
 * Pinned case of the 01b control: a 3-cycle s → s + 1 mod 3 with reward 0 and γ = 1/2, so
 * (B*[V] − B*[U])(s) = (V − U)(s + 1)/2. With U = (0, 5, 2) and V = (0, 1, 4), U ≤ V at
 * states 0 (a tie) and 2; their gaps are (1 − 5)/2 = −2 and (0 − 0)/2 = 0, so the local
 * reading's smallest gap is −2 (without the tie at state 0 it would be 0).
 */
const cycle = makeMdp({
  gamma: 0.5,
  outcomes: [0, 1, 2].map((s) => [[{ next: (s + 1) % 3, reward: 0, prob: 1 }]]),
});

const OVER_A = "random MDPs (1–8 states, 1–5 actions, dense/sparse/deterministic transitions, " +
  "random or fixed rewards, γ ∈ (0, 1) incl. 0.001 and 0.999, half with a terminal state), " +
  "policies with zeros, V ∈ [−50, 50]^S; B*, B^π against the matrix-route lookahead";
const OVER_B = "random MDPs as in 01a, V ∈ [−50, 50]^S and U = V − D with D ≥ 0; " +
  "γ·min D ≤ B*[V] − B*[U] ≤ γ·max D";

/** The claims of Problem 1. */
export const claims: Claim[] = defineClaims(1, [
  {
    id: "01a",
    statement: "B^π[V] ≤ B*[V] pointwise, for every policy π and every V",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_A, numRuns: 300, examples: [detourCase] },
        mdpPolicyValue,
        (c) => marginA(c),
      ),
    negativeControl: {
      variant: "B* read as greedy in the immediate reward: B^π[V] ≤ q_V(s, argmax_a r(s, a))",
      check: (ctx) => {
        pinVariant("the reward-greedy backup", rewardGreedyBackup(greedyPin, [0, 8, 5]), [1, 0, 0]);
        return checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 300, examples: [detourCase] },
          mdpPolicyValue,
          ([mdp, pi, v]) =>
            policyBelowOptimalGap(mdp, pi, v, rewardGreedyBackup) + backupSlack(mdp, v),
        );
      },
    },
  },
  {
    id: "01b",
    statement: "B* is monotone: U ≤ V implies B*[U] ≤ B*[V]",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_B, numRuns: 300 },
        mdpOrderedPair,
        marginB,
      ),
    negativeControl: {
      variant: "monotonicity read locally: U(s) ≤ V(s) at a state gives B*[U](s) ≤ B*[V](s)",
      check: (ctx) => {
        pinVariant(
          "the smallest gap where U ≤ V",
          gapWhereOrdered(cycle, [0, 5, 2], [0, 1, 4]),
          -2,
        );
        return checkProperty(
          {
            seed: ctx.seed,
            over: "random MDPs as in 01a with unrelated U, V ∈ [−50, 50]^S",
            numRuns: 300,
            examples: [detourPair],
          },
          mdpAnyPair,
          ([mdp, u, v]) => gapWhereOrdered(mdp, u, v) + backupSlack(mdp, v),
        );
      },
    },
  },
]);
