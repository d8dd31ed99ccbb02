/**
 * Problem 9: estimators Q̂_t of Q^π(s_t, a_t) and their conditional means given the
 * history (τ^(t), a_t) = (s_0, a_0, r_0, …, s_t, a_t). The history may come from any
 * behaviour policy μ; from time t + 1 on, actions follow π. Conditional means are exact:
 * the prefixes up to s_{t+2} are enumerated, grouped by their history, and each group's
 * probability-weighted mean is taken. The Monte Carlo return (9a) is infinite; its
 * conditional mean is the enumerated r_t + γ r_{t+1} plus γ² times a truncated series
 * Σ_{j<m} γ^j E[r_{t+2+j} | s_{t+2}] with an explicit bound on the remainder, computed
 * without any linear solve.
 *
 * @module
 */
import {
  evaluatePolicy,
  type FiniteMdp,
  MdpInputError,
  type Policy,
  rewardUnderPolicy,
  transitionUnderPolicy,
} from "../../shared/mdp/mod.ts";
import {
  enumeratePrefixes,
  type Prefix,
  rewardAt,
  stateAt,
} from "../../shared/trajectories/mod.ts";

/** The setting of one check. */
export interface HistorySetting {
  /** The MDP (γ < 1 without terminal states, or γ = 1 with π terminating). */
  mdp: FiniteMdp;
  /** μ: the policy that generated (τ^(t), a_t). */
  behaviour: Policy;
  /** π: the policy from time t + 1 on. */
  pi: Policy;
  /** The time t ≥ 1. */
  t: number;
  /** p0, if not the MDP's. */
  initial?: readonly number[];
  /**
   * The horizon H of the enumerated prefixes (s_0, …, s_H); default t + 2, enough for the
   * targets of 9b–9d. A larger H, on an MDP whose trajectories all end by then, gives
   * whole trajectories.
   */
  horizon?: number;
}

/** The conditional mean of a (vector) function given one history. */
export interface HistoryMean {
  /** The history (s_0, a_0, r_0, …, s_t, a_t) as text, for messages. */
  history: string;
  /** s_t. */
  s: number;
  /** a_t. */
  a: number;
  /** P(history). */
  prob: number;
  /** E[f | history]. */
  mean: number[];
}

/**
 * E[f(prefix) | τ^(t), a_t] for every history of positive probability (histories that
 * reached a terminal state by time t have no a_t and are left out).
 *
 * @param setting MDP, μ, π, t, p0, horizon H (default t + 2)
 * @param f a vector function of the prefix up to s_H
 * @returns one entry per history
 * @throws MdpInputError for t < 1, H < t + 1, or bad policies
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { conditionalMeans } from "./mod.ts";
 * // reward 1 or 0 by a fair coin: E[r_t | history] = 1/2 for every history
 * const mdp = makeMdp({ gamma: 0.5, initial: [1], outcomes: [[[{ next: 0, reward: 0, prob: 0.5 }, { next: 0, reward: 1, prob: 0.5 }]]] });
 * const ms = conditionalMeans({ mdp, behaviour: [[1]], pi: [[1]], t: 1 }, (p) => [p.rewards[1]!]);
 * if (ms.length !== 2 || ms.some((m) => m.mean[0] !== 0.5)) throw new Error();
 * ```
 */
export function conditionalMeans(
  setting: HistorySetting,
  f: (p: Prefix) => readonly number[],
): HistoryMean[] {
  const { mdp, behaviour, pi, t } = setting;
  if (!Number.isInteger(t) || t < 1) {
    throw new MdpInputError(`t must be a positive integer, got ${t}`);
  }
  const horizon = setting.horizon ?? t + 2;
  if (!Number.isInteger(horizon) || horizon < t + 1) {
    throw new MdpInputError(`the horizon must be an integer ≥ t + 1 = ${t + 1}, got ${horizon}`);
  }
  const dist = enumeratePrefixes(mdp, {
    horizon,
    policy: pi,
    initial: setting.initial,
    policyAt: (u) => (u <= t ? behaviour : pi),
  });
  const groups = new Map<string, { s: number; a: number; prob: number; sum: number[] }>();
  for (const { prefix, prob } of dist.prefixes) {
    if (prefix.actions.length <= t) continue; // terminated before a_t
    const key = historyText(prefix, t);
    const value = f(prefix);
    let g = groups.get(key);
    if (!g) {
      g = { s: prefix.states[t]!, a: prefix.actions[t]!, prob: 0, sum: value.map(() => 0) };
      groups.set(key, g);
    }
    g.prob += prob;
    value.forEach((x, i) => (g!.sum[i]! += prob * x));
  }
  return [...groups.entries()].map(([history, g]) => ({
    history,
    s: g.s,
    a: g.a,
    prob: g.prob,
    mean: g.sum.map((x) => x / g.prob),
  }));
}

/**
 * The history (s_0, a_0, r_0, …, s_t, a_t) of a prefix as text.
 *
 * @param p the prefix (with at least t + 1 actions)
 * @param t the time
 * @returns e.g. "s0 a1 r0.5 | s1 a0"
 * @example
 * ```ts
 * import { historyText } from "./mod.ts";
 * const p = { states: [0, 1, 0], actions: [1, 0], rewards: [0.5, 2], terminated: false };
 * if (historyText(p, 1) !== "s0 a1 r0.5 | s1 a0") throw new Error();
 * ```
 */
export function historyText(p: Prefix, t: number): string {
  const parts: string[] = [];
  for (let u = 0; u < t; u++) parts.push(`s${p.states[u]} a${p.actions[u]} r${p.rewards[u]}`);
  parts.push(`s${p.states[t]} a${p.actions[t]}`);
  return parts.join(" | ");
}

/** A truncated value series and the bound on what it leaves out. */
export interface TruncatedValue {
  /** W(s) = Σ_{j<m} γ^j E[r_j | s_0 = s] under π. */
  W: number[];
  /** m. */
  steps: number;
  /** A bound on |V^π(s) − W(s)| for every s. */
  remainderBound: number;
}

/**
 * The expected discounted return as a truncated series, W = Σ_{j<m} γ^j (P^π)^j r^π,
 * with m chosen so the remainder Σ_{j≥m} γ^j E[r_j] is at most `tolerance`: with
 * ρ = max over live s of P^π(s_1 live | s), |E r_j| ≤ R ρ^j, so the remainder is at most
 * R (γρ)^m / (1 − γρ). Needs γρ < 1 (γ < 1, or termination from every state).
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param tolerance the remainder bound to reach (default 1e-12 (1 + R))
 * @returns W, m and the bound
 * @throws MdpInputError if γρ = 1 (the series need not converge)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { truncatedValue } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * const w = truncatedValue(mdp, [[1]]);
 * if (Math.abs(w.W[0]! - 2) > w.remainderBound + 1e-15) throw new Error();
 * ```
 */
export function truncatedValue(
  mdp: FiniteMdp,
  pi: Policy,
  tolerance = 1e-12 * (1 + mdp.rewardBound),
): TruncatedValue {
  const P = transitionUnderPolicy(mdp, pi);
  const r = rewardUnderPolicy(mdp, pi);
  let rho = 0;
  P.forEach((row, s) => {
    if (mdp.isTerminal[s]) return;
    rho = Math.max(rho, row.reduce((acc, p, u) => acc + (mdp.isTerminal[u] ? 0 : p), 0));
  });
  const g = mdp.gamma;
  const q = g * rho;
  if (!(q < 1)) {
    throw new MdpInputError(
      `the return series need not converge: γ · max P(no termination) = ${q} (γ = ${g})`,
    );
  }
  const R = mdp.rewardBound;
  const W = new Array<number>(mdp.nStates).fill(0);
  let term = [...r]; // (P^π)^j r^π
  let discount = 1;
  // the remainder bound after m terms: Σ_{j≥m} R q^j = R q^m / (1 − q)
  const remainder = (m: number) => (R * q ** m) / (1 - q);
  let m = 0;
  while (remainder(m) > tolerance) {
    term.forEach((x, s) => (W[s]! += discount * x));
    term = P.map((row) => row.reduce((acc, p, u) => acc + p * term[u]!, 0)); // [S, S] x [S] -> [S]
    discount *= g;
    m += 1;
  }
  return { W, steps: m, remainderBound: remainder(m) };
}

/** The value tables the targets use. */
export interface Values {
  /** γ. */
  gamma: number;
  /** V^π. */
  V: readonly number[];
  /** Q^π. */
  Q: readonly (readonly number[])[];
  /** The truncated series for the Monte Carlo return (see {@link truncatedValue}). */
  W: readonly number[];
}

/**
 * V^π, Q^π (linear solve) and the truncated series W for a policy.
 *
 * @param mdp the MDP
 * @param pi the policy
 * @returns the tables and the series' remainder bound
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { valuesFor } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (Math.abs(valuesFor(mdp, [[1]]).values.Q[0]![0]! - 2) > 1e-12) throw new Error();
 * ```
 */
export function valuesFor(mdp: FiniteMdp, pi: Policy): { values: Values; remainderBound: number } {
  const { V, Q } = evaluatePolicy(mdp, pi);
  const w = truncatedValue(mdp, pi);
  return { values: { gamma: mdp.gamma, V, Q, W: w.W }, remainderBound: w.remainderBound };
}

/** A target Q̂_t as a function of the prefix up to s_{t+2}. */
export type Target = (p: Prefix, t: number, v: Values) => number;

/**
 * 9a: the Monte Carlo return r_t + γ r_{t+1} + γ² r_{t+2} + …, represented by
 * r_t + γ r_{t+1} + γ² W(s_{t+2}): this has the same conditional mean given s_{t+2} up to the
 * remainder bound of W, because the trajectory after s_{t+2} follows π.
 *
 * @param p the prefix
 * @param t the time
 * @param v the value tables
 * @returns the target's conditional mean given the prefix
 * @example
 * ```ts
 * import { monteCarloReturn } from "./mod.ts";
 * const p = { states: [0, 0, 0, 0], actions: [0, 0, 0], rewards: [5, 1, 1], terminated: false };
 * if (monteCarloReturn(p, 1, { gamma: 0.5, V: [2], Q: [[2]], W: [2] }) !== 2) throw new Error();
 * ```
 */
export const monteCarloReturn: Target = (p, t, v) =>
  rewardAt(p, t) + v.gamma * rewardAt(p, t + 1) + v.gamma ** 2 * v.W[stateAt(p, t + 2)]!;

/**
 * 9b: r_t + γ Q^π(s_{t+1}, a_{t+1}) (0 for the bootstrap if s_{t+1} is terminal).
 *
 * @param p the prefix
 * @param t the time
 * @param v the value tables
 * @returns the target
 * @example
 * ```ts
 * import { sarsaTarget } from "./mod.ts";
 * const p = { states: [0, 0, 0, 0], actions: [0, 0, 0], rewards: [5, 1, 1], terminated: false };
 * if (sarsaTarget(p, 1, { gamma: 0.5, V: [2], Q: [[2]], W: [2] }) !== 2) throw new Error();
 * ```
 */
export const sarsaTarget: Target = (p, t, v) =>
  rewardAt(p, t) +
  v.gamma * (p.actions.length > t + 1 ? v.Q[p.states[t + 1]!]![p.actions[t + 1]!]! : 0);

/**
 * 9c: r_t + γ V^π(s_{t+1}).
 *
 * @param p the prefix
 * @param t the time
 * @param v the value tables
 * @returns the target
 * @example
 * ```ts
 * import { oneStepTarget } from "./mod.ts";
 * const p = { states: [0, 0, 0], actions: [0, 0], rewards: [5, 1], terminated: false };
 * if (oneStepTarget(p, 1, { gamma: 0.5, V: [2], Q: [[2]], W: [2] }) !== 2) throw new Error();
 * ```
 */
export const oneStepTarget: Target = (p, t, v) =>
  rewardAt(p, t) + v.gamma * v.V[stateAt(p, t + 1)]!;

/**
 * 9d: r_t + γ r_{t+1} + γ² V^π(s_{t+2}).
 *
 * @param p the prefix
 * @param t the time
 * @param v the value tables
 * @returns the target
 * @example
 * ```ts
 * import { twoStepTarget } from "./mod.ts";
 * const p = { states: [0, 0, 0, 0], actions: [0, 0, 0], rewards: [5, 1, 1], terminated: false };
 * if (twoStepTarget(p, 1, { gamma: 0.5, V: [2], Q: [[2]], W: [2] }) !== 2) throw new Error();
 * ```
 */
export const twoStepTarget: Target = (p, t, v) =>
  rewardAt(p, t) + v.gamma * rewardAt(p, t + 1) + v.gamma ** 2 * v.V[stateAt(p, t + 2)]!;
