/**
 * Terminal-reward MDPs (the GRPO setting): undiscounted, rewards only on the transition into
 * a terminal state, and a finite horizon so that trajectories can be enumerated exactly.
 *
 * @module
 */
import { type FiniteMdp, MdpInputError, type Policy } from "../../shared/mdp/mod.ts";

/** One trajectory s_0, a_0, s_1, a_1, …, s_{T−1}, a_{T−1}, r, s_T with s_T terminal. */
export interface Trajectory {
  /** s_0, …, s_{T−1}: the non-terminal states visited. */
  readonly states: readonly number[];
  /** a_0, …, a_{T−1}. */
  readonly actions: readonly number[];
  /** The terminal state s_T. */
  readonly terminal: number;
  /** The terminal reward r (every other reward is 0). */
  readonly reward: number;
  /** Its probability under (p_0, π, p). */
  readonly prob: number;
  /**
   * p_0(s_0) · Π_t p(s_{t+1}, r_t | s_t, a_t): the part of the probability that does not
   * depend on the policy.
   */
  readonly envProb: number;
}

/**
 * Checks that an MDP is a terminal-reward MDP: γ = 1, an initial distribution p_0 on
 * non-terminal states, and every reward on a transition to a non-terminal state equal to 0.
 *
 * @param mdp the MDP
 * @throws MdpInputError naming the state, action and outcome of an offending reward, or
 *   the missing p_0 / wrong γ
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { validateTerminalRewardMdp } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * validateTerminalRewardMdp(bandit); // does not throw
 * ```
 */
export function validateTerminalRewardMdp(mdp: FiniteMdp): void {
  if (mdp.gamma !== 1) {
    throw new MdpInputError(`a terminal-reward MDP is undiscounted: γ must be 1, got ${mdp.gamma}`);
  }
  if (mdp.initial === undefined) {
    throw new MdpInputError("a terminal-reward MDP needs an initial distribution p0");
  }
  mdp.initial.forEach((p, s) => {
    if (p > 0 && mdp.isTerminal[s]) {
      throw new MdpInputError(
        `p0 puts mass ${p} on the terminal state ${s}: trajectories must take a step`,
      );
    }
  });
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.isTerminal[s]) continue;
    for (let a = 0; a < mdp.nActions; a++) {
      mdp.outcomes[s]![a]!.forEach((o, i) => {
        if (o.prob > 0 && !mdp.isTerminal[o.next] && o.reward !== 0) {
          throw new MdpInputError(
            `p(·, · | s=${s}, a=${a}), outcome ${i}: reward ${o.reward} on a move to the ` +
              `non-terminal state ${o.next}; only entering a terminal state may be rewarded`,
          );
        }
      });
    }
  }
}

/**
 * The horizon H: the largest number of steps any trajectory can take before reaching a
 * terminal state (the longest path in the graph of positive-probability moves). Every
 * policy is then proper, and T ≤ H surely.
 *
 * @param mdp the MDP
 * @returns H (0 if every state is terminal)
 * @throws MdpInputError if the move graph has a cycle (naming a state on it): then no
 *   finite horizon exists and enumeration would not be exact
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { horizon } from "./mod.ts";
 * // 0 → 1 → terminal 2
 * const chain = makeMdp({
 *   gamma: 1, initial: [1, 0, 0], terminal: [2],
 *   outcomes: [[[{ next: 1, reward: 0, prob: 1 }]], [[{ next: 2, reward: 1, prob: 1 }]], []],
 * });
 * if (horizon(chain) !== 2) throw new Error();
 * ```
 */
export function horizon(mdp: FiniteMdp): number {
  // depth[s] = longest path from s to a terminal state; memoised DFS with cycle detection
  const depth = new Array<number | undefined>(mdp.nStates);
  const onStack = new Array<boolean>(mdp.nStates).fill(false);
  const visit = (s: number): number => {
    if (mdp.isTerminal[s]) return 0;
    const known = depth[s];
    if (known !== undefined) return known;
    if (onStack[s]) {
      throw new MdpInputError(
        `state ${s} lies on a cycle of positive-probability moves: trajectories have no finite horizon`,
      );
    }
    onStack[s] = true;
    let best = 0;
    for (let a = 0; a < mdp.nActions; a++) {
      for (const o of mdp.outcomes[s]![a]!) {
        if (o.prob > 0) best = Math.max(best, 1 + visit(o.next));
      }
    }
    onStack[s] = false;
    depth[s] = best;
    return best;
  };
  return Math.max(...Array.from({ length: mdp.nStates }, (_, s) => visit(s)));
}

/**
 * Every trajectory of (p_0, π, p) with positive environment probability, with its exact
 * probability. Actions with π(a | s) = 0 are kept (probability 0) so that the same list
 * serves every policy of the same MDP. The probabilities sum to 1 (the horizon is finite).
 *
 * @param mdp a terminal-reward MDP with a finite horizon
 * @param pi the policy
 * @returns the trajectories
 * @throws MdpInputError if the MDP is not a terminal-reward MDP or has a cycle
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { enumerateTrajectories } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * const ts = enumerateTrajectories(bandit, [[0.25, 0.75], [0.5, 0.5]]);
 * if (ts.length !== 2 || ts[0]!.prob !== 0.25 || ts[0]!.reward !== 1) throw new Error();
 * ```
 */
export function enumerateTrajectories(mdp: FiniteMdp, pi: Policy): Trajectory[] {
  validateTerminalRewardMdp(mdp);
  horizon(mdp); // throws on a cycle, so the recursion below terminates
  const out: Trajectory[] = [];
  const states: number[] = [];
  const actions: number[] = [];
  const extend = (s: number, envProb: number, prob: number) => {
    for (let a = 0; a < mdp.nActions; a++) {
      const pa = pi[s]![a]!;
      for (const o of mdp.outcomes[s]![a]!) {
        if (!(o.prob > 0)) continue;
        states.push(s);
        actions.push(a);
        const e = envProb * o.prob;
        const p = prob * pa * o.prob;
        if (mdp.isTerminal[o.next]) {
          out.push({
            states: [...states],
            actions: [...actions],
            terminal: o.next,
            reward: o.reward,
            prob: p,
            envProb: e,
          });
        } else {
          extend(o.next, e, p);
        }
        states.pop();
        actions.pop();
      }
    }
  };
  mdp.initial!.forEach((p0, s) => {
    if (p0 > 0 && !mdp.isTerminal[s]) extend(s, p0, p0);
  });
  return out;
}
