/**
 * Bellman operators on V and on Q, for a policy π and for optimality. Terminal states
 * are worth 0: the operators return 0 there and read V(s') = 0 for a terminal s'.
 *
 * @module
 */
import type { FiniteMdp } from "./model.ts";
import {
  type ActionValueFunction,
  type Policy,
  validateActionValues,
  validatePolicy,
  validateValues,
  type ValueFunction,
} from "./policy.ts";

/**
 * One-step lookahead: Q(s, a) = E[r + γ V(s') | s, a] = Σ p(r, s' | s, a) (r + γ V(s')).
 * The discount can be overridden (negative controls use a γ outside [0, 1]).
 *
 * @param mdp the MDP
 * @param v the value function
 * @param gamma the discount; default the MDP's γ
 * @returns q[s][a] (0 at terminal s)
 * @example
 * ```ts
 * import { lookahead, makeMdp } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (lookahead(mdp, [4])[0]![0] !== 3) throw new Error();
 * ```
 */
export function lookahead(mdp: FiniteMdp, v: ValueFunction, gamma = mdp.gamma): number[][] {
  validateValues(mdp, v);
  return mdp.outcomes.map((row, s) =>
    mdp.isTerminal[s] ? new Array<number>(mdp.nActions).fill(0) : row.map((list) => {
      let acc = 0;
      for (const o of list) {
        acc += o.prob * (o.reward + gamma * (mdp.isTerminal[o.next] ? 0 : v[o.next]!));
      }
      return acc;
    })
  );
}

/**
 * The one-step lookahead q_V(s, a) = r(s, a) + γ Σ_{s'} P(s' | s, a) V(s') computed from the
 * MDP's derived tables (expected reward and transition matrix) rather than from its
 * outcome lists as {@link lookahead} does; V(s') is read as 0 at a terminal s', and q = 0 at a terminal s. The
 * checks compare the operators against it: the two routes share no arithmetic.
 *
 * @param mdp the MDP
 * @param v the value function
 * @returns q[s][a]
 * @example
 * ```ts
 * import { lookaheadByMatrix, makeMdp } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (lookaheadByMatrix(m, [4])[0]![0] !== 3) throw new Error();
 * ```
 */
export function lookaheadByMatrix(mdp: FiniteMdp, v: ValueFunction): number[][] {
  const live = v.map((x, s) => (mdp.isTerminal[s] ? 0 : x));
  return mdp.transition.map((rows, s) =>
    rows.map((p, a) =>
      mdp.isTerminal[s]
        ? 0
        : mdp.expectedReward[s]![a]! + mdp.gamma * p.reduce((acc, x, t) => acc + x * live[t]!, 0)
    )
  );
}

/**
 * The Bellman operator for π on V: (B^π V)(s) = Σ_a π(a | s) E[r + γ V(s') | s, a].
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param v the value function
 * @returns B^π[V]
 * @example
 * ```ts
 * import { bellmanPolicyV, makeMdp } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]] });
 * if (bellmanPolicyV(mdp, [[0.5, 0.5]], [2])[0] !== 3) throw new Error();
 * ```
 */
export function bellmanPolicyV(mdp: FiniteMdp, pi: Policy, v: ValueFunction): number[] {
  validatePolicy(mdp, pi);
  return lookahead(mdp, v).map((qs, s) => qs.reduce((acc, q, a) => acc + pi[s]![a]! * q, 0));
}

/**
 * The Bellman optimality operator on V: (B* V)(s) = max_a E[r + γ V(s') | s, a].
 *
 * @param mdp the MDP
 * @param v the value function
 * @returns B*[V]
 * @example
 * ```ts
 * import { bellmanOptimalV, makeMdp } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]] });
 * if (bellmanOptimalV(mdp, [2])[0] !== 4) throw new Error();
 * ```
 */
export function bellmanOptimalV(mdp: FiniteMdp, v: ValueFunction): number[] {
  return lookahead(mdp, v).map((qs, s) => (mdp.isTerminal[s] ? 0 : Math.max(...qs)));
}

/**
 * The Bellman operator for π on Q:
 * (B^π Q)(s, a) = E[r + γ Σ_{a'} π(a' | s') Q(s', a') | s, a].
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param q the action-value function
 * @returns B^π[Q]
 * @example
 * ```ts
 * import { bellmanPolicyQ, makeMdp } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]] });
 * const bq = bellmanPolicyQ(mdp, [[1, 0]], [[2, 10]]);
 * if (bq[0]![0] !== 2 || bq[0]![1] !== 4) throw new Error();
 * ```
 */
export function bellmanPolicyQ(
  mdp: FiniteMdp,
  pi: Policy,
  q: ActionValueFunction,
): number[][] {
  validatePolicy(mdp, pi);
  validateActionValues(mdp, q);
  const v = q.map((row, s) => row.reduce((acc, x, a) => acc + pi[s]![a]! * x, 0));
  return lookahead(mdp, v);
}

/**
 * The Bellman optimality operator on Q: (B* Q)(s, a) = E[r + γ max_{a'} Q(s', a') | s, a].
 *
 * @param mdp the MDP
 * @param q the action-value function
 * @returns B*[Q]
 * @example
 * ```ts
 * import { bellmanOptimalQ, makeMdp } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]] });
 * if (bellmanOptimalQ(mdp, [[2, 10]])[0]![0] !== 6) throw new Error();
 * ```
 */
export function bellmanOptimalQ(mdp: FiniteMdp, q: ActionValueFunction): number[][] {
  validateActionValues(mdp, q);
  return lookahead(mdp, q.map((row) => Math.max(...row)));
}

/**
 * The sup norm ‖x‖∞ = max_i |x_i| over a vector or a table.
 *
 * @param x numbers, flat or one level nested
 * @returns the largest absolute entry (0 for an empty input)
 * @example
 * ```ts
 * import { supNorm } from "./mod.ts";
 * if (supNorm([[1, -3], [2, 0]]) !== 3) throw new Error();
 * ```
 */
export function supNorm(x: readonly number[] | readonly (readonly number[])[]): number {
  let m = 0;
  for (const e of x) {
    if (typeof e === "number") m = Math.max(m, Math.abs(e));
    else for (const y of e) m = Math.max(m, Math.abs(y));
  }
  return m;
}
