/**
 * Exact enumeration of trajectory prefixes (s_0, a_0, r_0, …, s_H) of a small finite MDP
 * under a policy, optionally with a different policy at some time steps. Every prefix of
 * positive probability is listed once per distinct (action, outcome) path, with its exact
 * probability p0(s_0) Π_t π_t(a_t | s_t) p(r_t, s_{t+1} | s_t, a_t), so expectations of
 * any function of the prefix are finite sums.
 *
 * Size limit: the number of prefixes grows like (|A| · outcomes per pair)^H. Enumeration
 * refuses to build more than {@link MAX_PREFIXES} (200,000) prefixes at any step and
 * throws {@link TrajectoryLimitError} naming the count and the step; pass a smaller
 * `maxPrefixes` to be stricter.
 *
 * Terminal states: a prefix that reaches a terminal state s_t with t < H stops there
 * (`terminated: true`, t + 1 states, t actions and rewards; a prefix whose last state s_H
 * is terminal is marked terminated too). This is the same as staying
 * in the absorbing state forever with reward 0, which is how {@link rewardAt} reads it.
 *
 * @module
 */
import {
  type FiniteMdp,
  MdpInputError,
  type Policy,
  validateDistribution,
  validatePolicy,
} from "../mdp/mod.ts";

/** The largest number of prefixes enumeration will build. */
export const MAX_PREFIXES = 200_000;

/** One trajectory prefix. */
export interface Prefix {
  /** s_0, …, s_T where T = H, or the time a terminal state was reached. */
  readonly states: readonly number[];
  /** a_0, …, a_{T−1}. */
  readonly actions: readonly number[];
  /** r_0, …, r_{T−1}. */
  readonly rewards: readonly number[];
  /** Whether the prefix stopped early at a terminal state. */
  readonly terminated: boolean;
}

/** A prefix with its exact probability. */
export interface WeightedPrefix {
  /** The prefix. */
  readonly prefix: Prefix;
  /** Its probability. */
  readonly prob: number;
}

/** Thrown when enumeration would exceed its size limit. */
export class TrajectoryLimitError extends Error {
  override name = "TrajectoryLimitError";
}

/** Options for {@link enumeratePrefixes}. */
export interface EnumerationOptions {
  /** The horizon H ≥ 0: prefixes end at s_H (or earlier at a terminal state). */
  horizon: number;
  /** The policy π used at every step not overridden. */
  policy: Policy;
  /** p0; default the MDP's `initial` (an error if it has none). */
  initial?: readonly number[];
  /** Use a different policy at one time step k (e.g. π_{θ+δ} at t = k). */
  override?: { step: number; policy: Policy };
  /** The policy for each time step; takes precedence over `policy` and `override`. */
  policyAt?: (t: number) => Policy;
  /** Refuse to build more prefixes than this (default {@link MAX_PREFIXES}). */
  maxPrefixes?: number;
}

/** The exact distribution of prefixes, with expectation helpers. */
export interface PrefixDistribution {
  /** The horizon H. */
  readonly horizon: number;
  /** Every prefix of positive probability with its probability (they sum to 1). */
  readonly prefixes: readonly WeightedPrefix[];
  /**
   * E[f(prefix)] as the finite sum Σ prob · f(prefix).
   *
   * @param f a function of the prefix
   * @returns the exact expectation (up to float64 rounding of the sum)
   */
  expectation(f: (p: Prefix) => number): number;
  /**
   * E[f(prefix)] for a vector-valued f (all values must have the same length).
   *
   * @param f a vector function of the prefix
   * @returns the expectation, entrywise
   */
  expectationVector(f: (p: Prefix) => readonly number[]): number[];
}

/**
 * The exact distribution of trajectory prefixes up to s_H.
 *
 * @param mdp the MDP
 * @param opts horizon, policy, p0, overridden step, size limit
 * @returns the prefixes with their probabilities and expectation helpers
 * @throws MdpInputError for a bad horizon, policy, p0 or override step
 * @throws TrajectoryLimitError when more than `maxPrefixes` prefixes would be needed
 * @example
 * ```ts
 * import { makeMdp } from "../mdp/mod.ts";
 * import { enumeratePrefixes } from "./enumerate.ts";
 * // one state, two actions with rewards 0 and 1, uniform policy, horizon 2
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * const d = enumeratePrefixes(mdp, { horizon: 2, policy: [[0.5, 0.5]], initial: [1] });
 * if (d.prefixes.length !== 4) throw new Error("4 action paths");
 * if (d.expectation((p) => p.rewards[0]! + p.rewards[1]!) !== 1) throw new Error("E[r0 + r1] = 1");
 * ```
 */
export function enumeratePrefixes(mdp: FiniteMdp, opts: EnumerationOptions): PrefixDistribution {
  const { horizon } = opts;
  if (!Number.isInteger(horizon) || horizon < 0) {
    throw new MdpInputError(`horizon must be an integer ≥ 0, got ${horizon}`);
  }
  const limit = opts.maxPrefixes ?? MAX_PREFIXES;
  const p0 = opts.initial ?? mdp.initial;
  if (p0 === undefined) {
    throw new MdpInputError("no initial distribution p0: the MDP has none and none was given");
  }
  validateDistribution(p0, mdp.nStates, "initial p0");
  validatePolicy(mdp, opts.policy, "π");
  if (opts.override !== undefined) {
    const k = opts.override.step;
    if (!Number.isInteger(k) || k < 0) {
      throw new MdpInputError(`override step must be an integer ≥ 0, got ${k}`);
    }
    validatePolicy(mdp, opts.override.policy, `π at step ${k}`);
  }
  const policyAt = (t: number): Policy => {
    if (opts.policyAt) return opts.policyAt(t);
    if (opts.override && opts.override.step === t) return opts.override.policy;
    return opts.policy;
  };
  // Step 0: one prefix per initial state of positive probability.
  let level: { states: number[]; actions: number[]; rewards: number[]; prob: number }[] = [];
  const done: WeightedPrefix[] = [];
  for (let s = 0; s < mdp.nStates; s++) {
    if (p0[s]! > 0) level.push({ states: [s], actions: [], rewards: [], prob: p0[s]! });
  }
  for (let t = 0; t < horizon; t++) {
    const pi = policyAt(t);
    if (opts.policyAt) validatePolicy(mdp, pi, `π at step ${t}`);
    // Count first, so the limit error fires before anything large is allocated.
    let count = done.length;
    for (const node of level) {
      const s = node.states[t]!;
      if (mdp.isTerminal[s]) count += 1;
      else {
        for (let a = 0; a < mdp.nActions; a++) {
          if (pi[s]![a]! > 0) count += mdp.outcomes[s]![a]!.filter((o) => o.prob > 0).length;
        }
      }
    }
    if (count > limit) {
      throw new TrajectoryLimitError(
        `trajectory enumeration to horizon ${horizon} needs more than ${limit} prefixes ` +
          `(at least ${count} at step ${t + 1}); use a smaller MDP or horizon`,
      );
    }
    const next: typeof level = [];
    for (const node of level) {
      const s = node.states[t]!;
      if (mdp.isTerminal[s]) {
        done.push({ prefix: freeze(node, true), prob: node.prob });
        continue;
      }
      for (let a = 0; a < mdp.nActions; a++) {
        const pa = pi[s]![a]!;
        if (pa === 0) continue;
        for (const o of mdp.outcomes[s]![a]!) {
          if (o.prob === 0) continue;
          next.push({
            states: [...node.states, o.next],
            actions: [...node.actions, a],
            rewards: [...node.rewards, o.reward],
            prob: node.prob * pa * o.prob,
          });
        }
      }
    }
    level = next;
  }
  for (const node of level) {
    // A prefix whose last state s_H is terminal has also terminated (rewards after it are 0).
    done.push({ prefix: freeze(node, mdp.isTerminal[node.states.at(-1)!]!), prob: node.prob });
  }
  return makeDistribution(horizon, done);
}

function freeze(
  node: { states: number[]; actions: number[]; rewards: number[] },
  terminated: boolean,
): Prefix {
  return { states: node.states, actions: node.actions, rewards: node.rewards, terminated };
}

function makeDistribution(horizon: number, prefixes: WeightedPrefix[]): PrefixDistribution {
  return {
    horizon,
    prefixes,
    expectation(f) {
      let total = 0;
      for (const { prefix, prob } of prefixes) total += prob * f(prefix);
      return total;
    },
    expectationVector(f) {
      let total: number[] | undefined;
      for (const { prefix, prob } of prefixes) {
        const v = f(prefix);
        if (total === undefined) total = new Array<number>(v.length).fill(0);
        if (v.length !== total.length) {
          throw new MdpInputError(
            `expectationVector: f returned length ${v.length}, earlier ${total.length}`,
          );
        }
        for (let i = 0; i < v.length; i++) total[i]! += prob * v[i]!;
      }
      return total ?? [];
    },
  };
}

/**
 * r_t of a prefix, reading the reward after termination as 0.
 *
 * @param p the prefix
 * @param t the time step, 0 ≤ t < H (or any t ≥ 0 once terminated)
 * @returns r_t
 * @throws MdpInputError if t lies beyond a prefix that did not terminate
 * @example
 * ```ts
 * import { rewardAt } from "./enumerate.ts";
 * const p = { states: [0, 1], actions: [0], rewards: [2], terminated: true };
 * if (rewardAt(p, 0) !== 2 || rewardAt(p, 5) !== 0) throw new Error();
 * ```
 */
export function rewardAt(p: Prefix, t: number): number {
  if (t < p.rewards.length) return p.rewards[t]!;
  if (p.terminated) return 0;
  throw new MdpInputError(`r_${t} lies beyond this prefix (length ${p.rewards.length})`);
}

/**
 * Σ_{t = from}^{to − 1} γ^{t − from} r_t of a prefix (rewards after termination are 0).
 *
 * @param p the prefix
 * @param gamma the discount
 * @param from first time step (default 0)
 * @param to one past the last time step (default the prefix length)
 * @returns the discounted sum
 * @example
 * ```ts
 * import { discountedSum } from "./enumerate.ts";
 * const p = { states: [0, 0, 0], actions: [0, 0], rewards: [1, 2], terminated: false };
 * if (discountedSum(p, 0.5) !== 2 || discountedSum(p, 0.5, 1) !== 2) throw new Error();
 * ```
 */
export function discountedSum(
  p: Prefix,
  gamma: number,
  from = 0,
  to: number = p.rewards.length,
): number {
  let total = 0;
  let discount = 1;
  for (let t = from; t < to; t++) {
    total += discount * rewardAt(p, t);
    discount *= gamma;
  }
  return total;
}

/**
 * The state at time t, reading a terminated prefix as staying in its terminal state.
 *
 * @param p the prefix
 * @param t the time step
 * @returns s_t
 * @throws MdpInputError if t lies beyond a prefix that did not terminate
 * @example
 * ```ts
 * import { stateAt } from "./enumerate.ts";
 * const p = { states: [0, 2], actions: [1], rewards: [0], terminated: true };
 * if (stateAt(p, 4) !== 2) throw new Error();
 * ```
 */
export function stateAt(p: Prefix, t: number): number {
  if (t < p.states.length) return p.states[t]!;
  if (p.terminated) return p.states.at(-1)!;
  throw new MdpInputError(`s_${t} lies beyond this prefix (length ${p.states.length})`);
}
