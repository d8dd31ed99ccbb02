/**
 * Problem 1: the two order facts about Bellman operators on V, as computable gaps.
 *
 * - {@link policyBelowOptimalGap}: min_s (B*[V] − B^π[V])(s), which Claim 01a says is ≥ 0.
 * - {@link monotonicityGaps}: (B*[V] − B*[U])(s) for U ≤ V, which Claim 01b says is ≥ 0.
 *
 * @module
 */
import {
  bellmanOptimalV,
  bellmanPolicyV,
  type FiniteMdp,
  lookahead,
  MdpInputError,
  type Policy,
  type ValueFunction,
} from "../../shared/mdp/mod.ts";

/**
 * The smallest entry of U[V] − B^π[V] for an upper backup U, by default B*. Claim 01a:
 * never negative for U = B*.
 *
 * @param mdp the MDP
 * @param pi any policy
 * @param v any value function
 * @param upper the backup claimed to dominate B^π (default B*)
 * @returns min over states of (U[V] − B^π[V])(s)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { policyBelowOptimalGap } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]] });
 * // B*[0] = 3 and B^π[0] = 2 for the uniform policy
 * if (policyBelowOptimalGap(m, [[0.5, 0.5]], [0]) !== 1) throw new Error();
 * ```
 */
export function policyBelowOptimalGap(
  mdp: FiniteMdp,
  pi: Policy,
  v: ValueFunction,
  upper: (mdp: FiniteMdp, v: ValueFunction) => number[] = bellmanOptimalV,
): number {
  const opt = upper(mdp, v);
  const pol = bellmanPolicyV(mdp, pi, v);
  return Math.min(...opt.map((x, s) => x - pol[s]!));
}

/**
 * The myopic "optimality" backup: in each state take the action with the largest expected
 * immediate reward r(s, a) (the first one on ties) and back up q_V of that action. It is what
 * B* becomes if "greedy" is read as greedy in the reward instead of in the lookahead; the
 * negative control of Claim 01a uses it.
 *
 * @param mdp the MDP
 * @param v the value function
 * @returns q_V(s, argmax_a r(s, a)) per state (0 at terminal states)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { rewardGreedyBackup } from "./mod.ts";
 * // arm 0 pays 1 and stays; arm 1 pays 0 and moves to state 1, worth 10
 * const m = makeMdp({ gamma: 0.5, outcomes: [
 *   [[{ next: 0, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
 *   [[{ next: 1, reward: 0, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
 * ] });
 * if (rewardGreedyBackup(m, [0, 10])[0] !== 1) throw new Error(); // B*[V](0) would be 5
 * ```
 */
export function rewardGreedyBackup(mdp: FiniteMdp, v: ValueFunction): number[] {
  const q = lookahead(mdp, v);
  return mdp.expectedReward.map((r, s) => {
    if (mdp.isTerminal[s]) return 0;
    let best = 0;
    r.forEach((x, a) => {
      if (x > r[best]!) best = a;
    });
    return q[s]![best]!;
  });
}

/**
 * The entries (B*[V] − B*[U])(s) for pointwise U ≤ V. Claim 01b: none is negative.
 *
 * @param mdp the MDP
 * @param u the smaller value function
 * @param v the larger value function
 * @returns (B*[V] − B*[U])(s) per state
 * @throws MdpInputError if U ≤ V fails somewhere (naming the state)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { monotonicityGaps } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (monotonicityGaps(m, [0], [2])[0] !== 1) throw new Error();
 * ```
 */
export function monotonicityGaps(mdp: FiniteMdp, u: ValueFunction, v: ValueFunction): number[] {
  u.forEach((x, s) => {
    if (!(x <= v[s]!)) throw new MdpInputError(`U ≤ V fails at state ${s}: U = ${x}, V = ${v[s]}`);
  });
  return orderedStateGaps(mdp, u, v).map((g) => g!);
}

/**
 * The smallest entry of B*[V] − B*[U] for pointwise U ≤ V. Claim 01b: never negative.
 *
 * @param mdp the MDP
 * @param u the smaller value function
 * @param v the larger value function
 * @returns min over states of (B*[V] − B*[U])(s)
 * @throws MdpInputError if U ≤ V fails somewhere (naming the state)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { monotonicityGap } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (monotonicityGap(m, [0], [2]) !== 1) throw new Error();
 * ```
 */
export function monotonicityGap(mdp: FiniteMdp, u: ValueFunction, v: ValueFunction): number {
  return Math.min(...monotonicityGaps(mdp, u, v));
}

/**
 * The smallest entry of B*[V] − B*[U] over the states where U(s) ≤ V(s), for any pair U, V.
 * This is the local reading of monotonicity ("U ≤ V at s gives B*[U](s) ≤ B*[V](s)"), which
 * is false because B*[·](s) reads the successors of s; the negative control of 01b tests it.
 *
 * @param mdp the MDP
 * @param u a value function
 * @param v a value function
 * @returns min over {s : U(s) ≤ V(s)} of (B*[V] − B*[U])(s), Infinity if the set is empty
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { gapWhereOrdered } from "./mod.ts";
 * // states 0 and 2 move to state 1; U ≤ V at states 0 and 2 only, and V is lower at state 1
 * const go = [[{ next: 1, reward: 0, prob: 1 }]];
 * const m = makeMdp({ gamma: 0.5, outcomes: [go, go, [[{ next: 2, reward: 0, prob: 1 }]]] });
 * // B*[V] − B*[U] = (−2, −2, 1): the smallest over states 0 and 2 is −2
 * if (gapWhereOrdered(m, [0, 4, 1], [1, 0, 3]) !== -2) throw new Error();
 * ```
 */
export function gapWhereOrdered(mdp: FiniteMdp, u: ValueFunction, v: ValueFunction): number {
  return Math.min(...orderedStateGaps(mdp, u, v).filter((g) => g !== undefined));
}

/** (B*[V] − B*[U])(s) where U(s) ≤ V(s), undefined elsewhere. */
function orderedStateGaps(
  mdp: FiniteMdp,
  u: ValueFunction,
  v: ValueFunction,
): (number | undefined)[] {
  const bu = bellmanOptimalV(mdp, u);
  const bv = bellmanOptimalV(mdp, v);
  return bv.map((x, s) => (u[s]! <= v[s]! ? x - bu[s]! : undefined));
}
