/**
 * Problem 1: the two order facts about Bellman operators on V, as computable gaps.
 *
 * - {@link policyBelowOptimalGap}: min_s (B*[V] − B^π[V])(s), which Claim 01a says is ≥ 0.
 * - {@link monotonicityGap}: min_s (B*[V] − B*[U])(s) for U ≤ V, which Claim 01b says is ≥ 0.
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
 * Rounding slack for comparing two float64 Bellman backups of the same V: a convex
 * combination of numbers of size M can exceed their maximum by a few ulps of M.
 *
 * @param mdp the MDP
 * @param v the value function the backups were applied to
 * @returns 1e-12 · (1 + R + max|V|)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { backupSlack } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (!(backupSlack(m, [3]) > 0 && backupSlack(m, [3]) < 1e-10)) throw new Error();
 * ```
 */
export function backupSlack(mdp: FiniteMdp, v: ValueFunction): number {
  return 1e-12 * (1 + mdp.rewardBound + Math.max(0, ...v.map(Math.abs)));
}

/**
 * The smallest entry of B*[V] − B^π[V]. Claim 01a: never negative.
 *
 * @param mdp the MDP
 * @param pi any policy
 * @param v any value function
 * @returns min over states of (B*[V] − B^π[V])(s)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { policyBelowOptimalGap } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]] });
 * // B*[0] = 3 and B^π[0] = 2 for the uniform policy
 * if (policyBelowOptimalGap(m, [[0.5, 0.5]], [0]) !== 1) throw new Error();
 * ```
 */
export function policyBelowOptimalGap(mdp: FiniteMdp, pi: Policy, v: ValueFunction): number {
  const opt = bellmanOptimalV(mdp, v);
  const pol = bellmanPolicyV(mdp, pi, v);
  return Math.min(...opt.map((x, s) => x - pol[s]!));
}

/**
 * The smallest entry of B_γ*[V] − B_γ*[U] for pointwise U ≤ V, where B_γ* is the
 * optimality backup with discount `gamma` (default the MDP's). Claim 01b: never negative
 * when γ ≥ 0. The discount is a parameter so the negative control can use γ < 0.
 *
 * @param mdp the MDP
 * @param u the smaller value function
 * @param v the larger value function
 * @param gamma the discount used in the backup
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
export function monotonicityGap(
  mdp: FiniteMdp,
  u: ValueFunction,
  v: ValueFunction,
  gamma = mdp.gamma,
): number {
  u.forEach((x, s) => {
    if (!(x <= v[s]!)) throw new MdpInputError(`U ≤ V fails at state ${s}: U = ${x}, V = ${v[s]}`);
  });
  const maxBackup = (w: ValueFunction) =>
    lookahead(mdp, w, gamma).map((q, s) => (mdp.isTerminal[s] ? 0 : Math.max(...q)));
  const bu = maxBackup(u);
  const bv = maxBackup(v);
  return Math.min(...bv.map((x, s) => x - bu[s]!));
}
