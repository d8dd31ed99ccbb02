/**
 * Policies π(a | s) as row-stochastic tables, the quantities they induce (P^π, r^π),
 * greedy policies and argmax sets.
 *
 * @module
 */
import { type FiniteMdp, MdpInputError, validateDistribution } from "./model.ts";

/** A stochastic policy: policy[s][a] = π(a | s). */
export type Policy = readonly (readonly number[])[];

/** A value function V: S → ℝ as an array indexed by state. */
export type ValueFunction = readonly number[];

/** An action-value function Q: S × A → ℝ as q[s][a]. */
export type ActionValueFunction = readonly (readonly number[])[];

/**
 * Checks that π is a policy for this MDP: one distribution over actions per state.
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param label the policy's name in messages
 * @throws MdpInputError naming the state, the action and the bad value
 * @example
 * ```ts
 * import { makeMdp, validatePolicy } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] });
 * validatePolicy(mdp, [[1]]);
 * ```
 */
export function validatePolicy(mdp: FiniteMdp, pi: Policy, label = "π"): void {
  if (!isArray(pi) || pi.length !== mdp.nStates) {
    throw new MdpInputError(
      `${label}: expected one row per state (${mdp.nStates}), got ${pi?.length ?? pi}`,
    );
  }
  for (let s = 0; s < mdp.nStates; s++) {
    validateDistribution(pi[s]!, mdp.nActions, `${label}(· | s=${s})`);
  }
}

/**
 * Checks that V is a finite value function on this MDP's states.
 *
 * @param mdp the MDP
 * @param v the value function
 * @param label its name in messages
 * @throws MdpInputError naming the state and bad value
 * @example
 * ```ts
 * import { makeMdp, validateValues } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] });
 * validateValues(mdp, [3]);
 * ```
 */
export function validateValues(mdp: FiniteMdp, v: ValueFunction, label = "V"): void {
  if (!isArray(v) || v.length !== mdp.nStates) {
    throw new MdpInputError(`${label}: expected ${mdp.nStates} values, got ${v?.length ?? v}`);
  }
  v.forEach((x, s) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new MdpInputError(`${label}(s=${s}) = ${x} is not a finite number`);
    }
  });
}

/**
 * Checks that Q is a finite action-value function on this MDP.
 *
 * @param mdp the MDP
 * @param q the action-value function
 * @param label its name in messages
 * @throws MdpInputError naming the state, action and bad value
 * @example
 * ```ts
 * import { makeMdp, validateActionValues } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] });
 * validateActionValues(mdp, [[1]]);
 * ```
 */
export function validateActionValues(mdp: FiniteMdp, q: ActionValueFunction, label = "Q"): void {
  if (!isArray(q) || q.length !== mdp.nStates) {
    throw new MdpInputError(`${label}: expected ${mdp.nStates} rows, got ${q?.length ?? q}`);
  }
  q.forEach((row, s) => {
    if (!isArray(row) || row.length !== mdp.nActions) {
      throw new MdpInputError(`${label}(s=${s}, ·): expected ${mdp.nActions} actions`);
    }
    row.forEach((x, a) => {
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new MdpInputError(`${label}(s=${s}, a=${a}) = ${x} is not a finite number`);
      }
    });
  });
}

/**
 * The uniform policy π(a | s) = 1/|A|.
 *
 * @param mdp the MDP
 * @returns the policy
 * @example
 * ```ts
 * import { makeMdp, uniformPolicy } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * if (uniformPolicy(mdp)[0]![1] !== 0.5) throw new Error();
 * ```
 */
export function uniformPolicy(mdp: FiniteMdp): number[][] {
  return Array.from({ length: mdp.nStates }, () => new Array(mdp.nActions).fill(1 / mdp.nActions));
}

/**
 * The deterministic policy choosing actions[s] in state s.
 *
 * @param mdp the MDP
 * @param actions one action per state
 * @returns the policy as a table of 0s and 1s
 * @throws MdpInputError for an action out of range
 * @example
 * ```ts
 * import { deterministicPolicy, makeMdp } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * if (deterministicPolicy(mdp, [1])[0]![1] !== 1) throw new Error();
 * ```
 */
export function deterministicPolicy(mdp: FiniteMdp, actions: readonly number[]): number[][] {
  if (actions.length !== mdp.nStates) {
    throw new MdpInputError(`expected ${mdp.nStates} actions, got ${actions.length}`);
  }
  return actions.map((a, s) => {
    if (!Number.isInteger(a) || a < 0 || a >= mdp.nActions) {
      throw new MdpInputError(`action ${a} chosen in state ${s} is not in [0, ${mdp.nActions})`);
    }
    const row = new Array<number>(mdp.nActions).fill(0);
    row[a] = 1;
    return row;
  });
}

/**
 * The state-to-state matrix P^π(s' | s) = Σ_a π(a | s) P(s' | s, a).
 *
 * @param mdp the MDP
 * @param pi the policy
 * @returns P^π as rows indexed by s (zero rows at terminal states)
 * @example
 * ```ts
 * import { makeMdp, transitionUnderPolicy } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 1, reward: 0, prob: 1 }]], [[{ next: 0, reward: 0, prob: 1 }]]] });
 * if (transitionUnderPolicy(mdp, [[1], [1]])[0]![1] !== 1) throw new Error();
 * ```
 */
export function transitionUnderPolicy(mdp: FiniteMdp, pi: Policy): number[][] {
  validatePolicy(mdp, pi);
  return mdp.transition.map((rows, s) => {
    const out = new Array<number>(mdp.nStates).fill(0);
    rows.forEach((p, a) => {
      const w = pi[s]![a]!;
      p.forEach((x, t) => (out[t]! += w * x));
    });
    return out;
  });
}

/**
 * The expected one-step reward under π: r^π(s) = Σ_a π(a | s) r(s, a).
 *
 * @param mdp the MDP
 * @param pi the policy
 * @returns r^π indexed by state (0 at terminal states)
 * @example
 * ```ts
 * import { makeMdp, rewardUnderPolicy } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 0, reward: 2, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]]] });
 * if (rewardUnderPolicy(mdp, [[0.5, 0.5]])[0] !== 1) throw new Error();
 * ```
 */
export function rewardUnderPolicy(mdp: FiniteMdp, pi: Policy): number[] {
  validatePolicy(mdp, pi);
  return mdp.expectedReward.map((r, s) => r.reduce((acc, x, a) => acc + pi[s]![a]! * x, 0));
}

/**
 * The actions within `tolerance` of the maximum of a row: argmax_a row[a], with a
 * tolerance so that float noise does not split a tie.
 *
 * @param row values per action
 * @param tolerance how far below the maximum still counts as maximal (≥ 0)
 * @returns the maximising actions in increasing order
 * @example
 * ```ts
 * import { argmaxSet } from "./mod.ts";
 * if (argmaxSet([1, 3, 3 - 1e-12, 2], 1e-9).join() !== "1,2") throw new Error();
 * ```
 */
export function argmaxSet(row: readonly number[], tolerance: number): number[] {
  if (!(tolerance >= 0)) throw new MdpInputError(`tolerance must be ≥ 0, got ${tolerance}`);
  row.forEach((x, a) => {
    if (Number.isNaN(x)) throw new MdpInputError(`value of action ${a} is NaN`);
  });
  const max = Math.max(...row);
  const out: number[] = [];
  row.forEach((x, a) => {
    if (x >= max - tolerance) out.push(a);
  });
  return out;
}

/**
 * A deterministic greedy policy: in each state the first action of the argmax set of Q.
 *
 * @param q action values q[s][a]
 * @param tolerance tie tolerance passed to {@link argmaxSet}
 * @returns the chosen action per state
 * @example
 * ```ts
 * import { greedyActions } from "./mod.ts";
 * if (greedyActions([[0, 1], [5, 5]], 0).join() !== "1,0") throw new Error();
 * ```
 */
export function greedyActions(q: ActionValueFunction, tolerance = 0): number[] {
  return q.map((row) => argmaxSet(row, tolerance)[0]!);
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
 * import { makeMdp, reachableStates } from "./mod.ts";
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
 * V^π(start) = V*(start). Problems 3 and 4 use it to test beliefs about policies that are
 * optimal only from the start state.
 *
 * @param mdp the MDP
 * @param optimalActions an optimal deterministic policy, one action per state
 * @param qStar Q* (exact or float) as numbers
 * @param start the state it must be optimal from
 * @returns the policy as one action per state
 * @example
 * ```ts
 * import { makeMdp, optimalFromStartOnly } from "./mod.ts";
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

/** Array test that does not narrow readonly element types to any (unlike Array.isArray). */
function isArray(x: unknown): boolean {
  return Array.isArray(x);
}
