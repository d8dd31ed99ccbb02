/**
 * Problem 3: an optimal policy's action values dominate every other policy's.
 *
 * @module
 */
import type { Fraction } from "mathjs";
import {
  bellmanOptimalV,
  evaluatePolicy,
  evaluatePolicyExact,
  type ExactPolicy,
  type FiniteMdp,
  type Policy,
  supNorm,
  type ValueFunction,
} from "../../shared/mdp/mod.ts";

/**
 * The smallest entry of Q^{π*} − Q^π over all (s, a). Claim 03a: never negative when π* is
 * optimal.
 *
 * @param mdp the MDP
 * @param piStar the policy claimed optimal
 * @param pi any policy
 * @returns min_{s,a} (Q^{π*}(s, a) − Q^π(s, a))
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { dominanceGap } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * // always taking the reward-1 arm dominates always taking the reward-0 arm by γ·(2 − 0) = 1
 * if (dominanceGap(m, [[0, 1]], [[1, 0]]) !== 1) throw new Error();
 * ```
 */
export function dominanceGap(mdp: FiniteMdp, piStar: Policy, pi: Policy): number {
  const qStar = evaluatePolicy(mdp, piStar).Q;
  const q = evaluatePolicy(mdp, pi).Q;
  return Math.min(...qStar.flatMap((row, s) => row.map((x, a) => x - q[s]![a]!)));
}

/**
 * ‖B*[V] − V‖∞: zero exactly at V = V*, so it certifies that a computed V is optimal.
 *
 * @param mdp the MDP
 * @param v a value function
 * @returns the Bellman optimality residual
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { optimalityResidual } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (optimalityResidual(m, [2]) !== 0) throw new Error();
 * ```
 */
export function optimalityResidual(mdp: FiniteMdp, v: ValueFunction): number {
  return supNorm(bellmanOptimalV(mdp, v).map((x, s) => x - v[s]!));
}

/**
 * The smallest entry of Q^{π*} − Q^π over all (s, a), in exact rational arithmetic.
 *
 * @param mdp a small MDP
 * @param piStar the policy claimed optimal
 * @param pi any policy
 * @returns min_{s,a} (Q^{π*}(s, a) − Q^π(s, a)) as a fraction
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { dominanceGapExact } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * if (dominanceGapExact(m, [[0, 1]], [[1, 0]]).toFraction() !== "1") throw new Error();
 * ```
 */
export function dominanceGapExact(
  mdp: FiniteMdp,
  piStar: Policy | ExactPolicy,
  pi: Policy | ExactPolicy,
): Fraction {
  const qStar = evaluatePolicyExact(mdp, piStar).Q;
  const q = evaluatePolicyExact(mdp, pi).Q;
  let min: Fraction | undefined;
  qStar.forEach((row, s) =>
    row.forEach((x, a) => {
      const d = x.sub(q[s]![a]!);
      if (min === undefined || d.compare(min) < 0) min = d;
    })
  );
  return min!;
}
