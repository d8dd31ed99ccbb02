/**
 * Problem 2's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  arbActionValues,
  arbMdp,
  arbPolicy,
  bellmanOptimalQ,
  bellmanPolicyQ,
  type FiniteMdp,
  lookaheadByMatrix,
  makeMdp,
  type Policy,
} from "../../shared/mdp/mod.ts";
import { checkProperty, type Claim, defineClaims } from "../../shared/testing/mod.ts";
import { euclideanNorm, optimalContractionSlack, policyContractionSlack } from "./mod.ts";

type Case = [FiniteMdp, Policy, number[][], number[][]];

/**
 * Random MDP (half with an absorbing terminal state), policy and two random Q tables
 * (entries in [−50, 50], ties and zeros frequent).
 */
const cases: fc.Arbitrary<Case> = fc.oneof(arbMdp(), arbMdp({ terminating: true })).chain((mdp) =>
  fc.tuple(
    fc.constant(mdp),
    arbPolicy(mdp.nStates, mdp.nActions),
    arbActionValues(mdp.nStates, mdp.nActions),
    arbActionValues(mdp.nStates, mdp.nActions),
  )
);

/**
 * A pinned case where the Euclidean norm expands: three states that all jump to state 0,
 * and Q₁ − Q₂ concentrated on state 0. Then ‖B[Q₁] − B[Q₂]‖₂ = γ√3 > γ = γ‖Q₁ − Q₂‖₂.
 */
const funnel: Case = [
  makeMdp({
    gamma: 0.9,
    outcomes: [0, 1, 2].map(() => [[{ next: 0, reward: 0, prob: 1 }]]),
  }),
  [[1], [1], [1]],
  [[1], [0], [0]],
  [[0], [0], [0]],
];

/** Float slack: the two backups of values up to 50 + R agree to a few ulps. */
const slack = (mdp: FiniteMdp) => 1e-12 * (1 + mdp.rewardBound + 50);

const OVER = "random MDPs (1–8 states, 1–5 actions, all transition and reward kinds, " +
  "γ ∈ (0, 1) incl. 0.001 and 0.999, half with a terminal state), policies with zeros, " +
  "pairs of Q tables in [−50, 50]; images checked against the matrix route r + γPw";

/**
 * The largest distance between the operators' images of Q₁ and the same backups computed
 * by the matrix route r + γ P w, with w(s') = Σ_a' π(a' | s') Q(s', a') or max_a' Q(s', a').
 * The contraction bound alone cannot see an error in the reward term (it cancels), so the
 * check also pins the operators to this independent computation.
 */
function imageDisagreement([mdp, pi, q]: Case): number {
  const average = q.map((row, s) => row.reduce((acc, x, a) => acc + pi[s]![a]! * x, 0));
  const best = q.map((row) => Math.max(...row));
  const pairs: [number[][], number[][]][] = [
    [bellmanPolicyQ(mdp, pi, q), lookaheadByMatrix(mdp, average)],
    [bellmanOptimalQ(mdp, q), lookaheadByMatrix(mdp, best)],
  ];
  let worst = 0;
  for (const [x, y] of pairs) {
    x.forEach((row, s) =>
      row.forEach((v, a) => (worst = Math.max(worst, Math.abs(v - y[s]![a]!))))
    );
  }
  return worst;
}

/**
 * A contraction inequality's slack (≥ 0 when it holds) plus the float slack, over random
 * cases with the funnel pinned; the images must also match the matrix route.
 */
function contractionProperty(seed: number, contractionSlack: (c: Case) => number) {
  return checkProperty(
    { seed, over: OVER, numRuns: 300, examples: [funnel] },
    cases,
    (c) => Math.min(contractionSlack(c), -imageDisagreement(c)) + slack(c[0]),
  );
}

/** The claims of Problem 2. */
export const claims: Claim[] = defineClaims(2, [
  {
    id: "02a",
    statement: "B^π on Q is a γ-contraction in the sup norm",
    check: (ctx) =>
      contractionProperty(
        ctx.seed,
        ([mdp, pi, q1, q2]) => policyContractionSlack(mdp, pi, q1, q2),
      ),
    negativeControl: {
      variant: "the same claim in the Euclidean norm over all (s, a)",
      check: (ctx) =>
        contractionProperty(
          ctx.seed,
          ([mdp, pi, q1, q2]) => policyContractionSlack(mdp, pi, q1, q2, euclideanNorm),
        ),
    },
  },
  {
    id: "02b",
    statement: "B* on Q is a γ-contraction in the sup norm",
    check: (ctx) =>
      contractionProperty(ctx.seed, ([mdp, , q1, q2]) => optimalContractionSlack(mdp, q1, q2)),
    negativeControl: {
      variant: "the same claim in the Euclidean norm over all (s, a)",
      check: (ctx) =>
        contractionProperty(
          ctx.seed,
          ([mdp, , q1, q2]) => optimalContractionSlack(mdp, q1, q2, euclideanNorm),
        ),
    },
  },
]);
