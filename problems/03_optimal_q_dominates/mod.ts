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
 * The states reachable from `start` when actions are drawn from π: a breadth-first search
 * over pairs with π(a | s) > 0 and P(s' | s, a) > 0. Terminal states are included when
 * reached but not expanded.
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param start the initial state
 * @returns reachable[s] for every state
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { reachableStates } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], [[{ next: 1, reward: 0, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]]] });
 * if (reachableStates(m, [[1, 0], [1, 0]], 0).join() !== "true,false") throw new Error();
 * ```
 */
export function reachableStates(mdp: FiniteMdp, pi: Policy, start: number): boolean[] {
  const seen = new Array<boolean>(mdp.nStates).fill(false);
  seen[start] = true;
  const queue = [start];
  while (queue.length > 0) {
    const s = queue.shift()!;
    if (mdp.isTerminal[s]) continue;
    mdp.transition[s]!.forEach((p, a) => {
      if (pi[s]![a]! <= 0) return;
      p.forEach((x, t) => {
        if (x > 0 && !seen[t]) {
          seen[t] = true;
          queue.push(t);
        }
      });
    });
  }
  return seen;
}

/**
 * A policy that is optimal from `start` but, where it can be, not optimal elsewhere: it
 * follows the optimal deterministic policy `optimalActions` on the states that policy reaches
 * from `start`, and on every other state takes the action of smallest Q* (when that action
 * is not optimal there). Its trajectories from `start` never leave the reached set, so
 * V^π(start) = V*(start); the negative control of 03a asks whether that is enough for Q^π
 * to dominate.
 *
 * @param mdp the MDP
 * @param optimalActions an optimal deterministic policy, one action per state
 * @param qStar Q* (exact or float) as numbers
 * @param start the state it must be optimal from
 * @returns the policy as one action per state
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { optimalFromStartOnly } from "./mod.ts";
 * // state 1 is never visited from state 0 by the optimal policy "stay"
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], [[{ next: 1, reward: 0, prob: 1 }], [{ next: 1, reward: 1, prob: 1 }]]] });
 * if (optimalFromStartOnly(m, [0, 1], [[2, 1], [0, 2]], 0).join() !== "0,0") throw new Error();
 * ```
 */
export function optimalFromStartOnly(
  mdp: FiniteMdp,
  optimalActions: readonly number[],
  qStar: readonly (readonly number[])[],
  start: number,
): number[] {
  const piStar = optimalActions.map((a) =>
    Array.from({ length: mdp.nActions }, (_, b) => (a === b ? 1 : 0))
  );
  const reached = reachableStates(mdp, piStar, start);
  return optimalActions.map((a, s) => {
    if (reached[s]) return a;
    const row = qStar[s]!;
    let worst = a;
    row.forEach((q, b) => {
      if (q < row[worst]!) worst = b;
    });
    return worst;
  });
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
