/**
 * Problem 10: the TD targets for Q^π(s_t, a_t) along a trajectory of π,
 *
 *   TD(1)   = r_t + γ V^π(s_{t+1}),
 *   TD(1.5) = r_t + γ Q^π(s_{t+1}, a_{t+1}),
 *   TD(2)   = r_t + γ r_{t+1} + γ² V^π(s_{t+2}),
 *   TD(∞)   = r_t + γ r_{t+1} + γ² r_{t+2} + …,
 *
 * with their exact means and variances when s_t has a given distribution d (for a
 * trajectory from s_0 ~ p0, d = p0 (P^π)^t). TD(1), TD(1.5), TD(2) are computed by
 * enumerating (s_t, a_t, r_t, s_{t+1}, a_{t+1}, r_{t+1}, s_{t+2}); TD(∞) by Sobel's second
 * moment equation. The law-of-total-variance gaps are computed independently, from
 * conditional variances given the earlier part of the trajectory.
 *
 * @module
 */
import {
  type FiniteMdp,
  MdpInputError,
  type Policy,
  validateDistribution,
} from "../../shared/mdp/mod.ts";
import {
  enumeratePrefixes,
  type Prefix,
  returnMoments,
  rewardAt,
  stateAt,
} from "../../shared/trajectories/mod.ts";

/** Mean and variance of one target. */
export interface TargetMoments {
  /** E[target]. */
  mean: number;
  /** Var(target). */
  variance: number;
}

/** Exact moments of the four targets, plus the conditional-variance gaps. */
export interface TdTargetVariances {
  /** The distribution of s_t used. */
  stateDistribution: number[];
  /** r_t + γ V(s_{t+1}). */
  td1: TargetMoments;
  /** r_t + γ Q(s_{t+1}, a_{t+1}). */
  td15: TargetMoments;
  /** r_t + γ r_{t+1} + γ² V(s_{t+2}). */
  td2: TargetMoments;
  /** The full discounted return from t. */
  tdInf: TargetMoments;
  /** E[Var(TD(2) | s_t, a_t, r_t, s_{t+1})] (law of total variance: Var TD(2) − Var TD(1)). */
  gapTd2OverTd1: number;
  /** E[Var(TD(∞) | …, s_{t+2})] = γ⁴ E[Var(G | s_{t+2})] (= Var TD(∞) − Var TD(2)). */
  gapTdInfOverTd2: number;
  /** E[Var(TD(1.5) | s_t, a_t, r_t, s_{t+1})] = γ² E[Var_{a∼π}(Q(s_{t+1}, a))] (= Var TD(1.5) − Var TD(1)). */
  gapTd15OverTd1: number;
}

/**
 * Exact means and variances of the TD(1), TD(1.5), TD(2) and TD(∞) targets for
 * Q^π(s_t, a_t) when s_t ~ d and the trajectory from t on follows π (data for a
 * side-by-side plot of the four variances).
 *
 * @param mdp the MDP (γ < 1, or γ = 1 with π terminating)
 * @param pi the policy
 * @param d the distribution of s_t
 * @param critic the value function plugged into TD(1), TD(1.5) (as Σ_a π Q) and TD(2); default
 *   V^π. With another critic only the moments of TD(1) and TD(2) change: the gaps and TD(∞)
 *   stay those of V^π (a critic other than V^π is what the negative control of 10a uses).
 * @returns the four targets' moments and the three conditional-variance gaps
 * @throws MdpInputError for a bad policy or distribution; ImproperPolicyError if π does not terminate at γ = 1
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { tdTargetVariances } from "./mod.ts";
 * // reward ±1 by a fair coin each step, γ = 1/2: Var TD(1) = 1, TD(2) = 5/4, TD(∞) = 4/3
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: -1, prob: 0.5 }, { next: 0, reward: 1, prob: 0.5 }]]] });
 * const v = tdTargetVariances(mdp, [[1]], [1]);
 * const close = (x: number, y: number) => Math.abs(x - y) < 1e-12;
 * if (!close(v.td1.variance, 1) || !close(v.td2.variance, 1.25) || !close(v.tdInf.variance, 4 / 3)) throw new Error();
 * ```
 */
export function tdTargetVariances(
  mdp: FiniteMdp,
  pi: Policy,
  d: readonly number[],
  critic?: readonly number[],
): TdTargetVariances {
  validateDistribution(d, mdp.nStates, "distribution of s_t");
  const m = returnMoments(mdp, pi);
  const { Q } = m;
  if (critic !== undefined && critic.length !== mdp.nStates) {
    throw new MdpInputError(`critic: expected ${mdp.nStates} values, got ${critic.length}`);
  }
  const V = critic ?? m.V;
  const g = mdp.gamma;
  // Relabel time: the enumerated prefix (s_0, a_0, r_0, s_1, a_1, r_1, s_2) is
  // (s_t, a_t, r_t, s_{t+1}, a_{t+1}, r_{t+1}, s_{t+2}).
  const dist = enumeratePrefixes(mdp, { horizon: 2, policy: pi, initial: d });
  const td1 = (p: Prefix) => rewardAt(p, 0) + g * V[stateAt(p, 1)]!;
  const td15 = (p: Prefix) =>
    rewardAt(p, 0) + g * (p.actions.length > 1 ? Q[p.states[1]!]![p.actions[1]!]! : 0);
  const td2 = (p: Prefix) => rewardAt(p, 0) + g * rewardAt(p, 1) + g * g * V[stateAt(p, 2)]!;
  const moments = (f: (p: Prefix) => number): TargetMoments => {
    const mean = dist.expectation(f);
    return { mean, variance: Math.max(0, dist.expectation((p) => (f(p) - mean) ** 2)) };
  };
  const meanInf = d.reduce((acc, w, s) => acc + w * m.V[s]!, 0);
  const secondInf = d.reduce((acc, w, s) => acc + w * m.secondV[s]!, 0);
  // Conditional variance of TD(2) given F1 = (s_t, a_t, r_t, s_{t+1}): TD(2) − TD(1) =
  // γ (r_{t+1} + γ V(s_{t+2}) − V(s_{t+1})), whose conditional mean is 0 and whose
  // conditional variance depends on s_{t+1} only: γ² Var(r + γV(s') | s_{t+1}).
  const nextTargetVar = oneStepTargetVariance(mdp, pi, m.V);
  const gapTd2OverTd1 = dist.expectation((p) => g * g * nextTargetVar[stateAt(p, 1)]!);
  const gapTdInfOverTd2 = dist.expectation((p) => g ** 4 * m.varianceV[stateAt(p, 2)]!);
  const actionVar = Q.map((row, s) => {
    if (mdp.isTerminal[s]) return 0;
    const mean = row.reduce((acc, q, a) => acc + pi[s]![a]! * q, 0);
    return row.reduce((acc, q, a) => acc + pi[s]![a]! * (q - mean) ** 2, 0);
  });
  const gapTd15OverTd1 = dist.expectation((p) => g * g * actionVar[stateAt(p, 1)]!);
  return {
    stateDistribution: [...d],
    td1: moments(td1),
    td15: moments(td15),
    td2: moments(td2),
    tdInf: { mean: meanInf, variance: Math.max(0, secondInf - meanInf ** 2) },
    gapTd2OverTd1,
    gapTdInfOverTd2,
    gapTd15OverTd1,
  };
}

/**
 * Var(r + γ V(s') | s) for one step of π from each state (0 at terminal states).
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param v a value function (V^π for the TD gap)
 * @returns the conditional variance per state
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { oneStepTargetVariance } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: -1, prob: 0.5 }, { next: 0, reward: 1, prob: 0.5 }]]] });
 * if (oneStepTargetVariance(mdp, [[1]], [7])[0] !== 1) throw new Error();
 * ```
 */
export function oneStepTargetVariance(
  mdp: FiniteMdp,
  pi: Policy,
  v: readonly number[],
): number[] {
  const g = mdp.gamma;
  return mdp.outcomes.map((row, s) => {
    if (mdp.isTerminal[s]) return 0;
    let mean = 0;
    row.forEach((list, a) =>
      list.forEach((o) => (mean += pi[s]![a]! * o.prob * (o.reward + g * v[o.next]!)))
    );
    let variance = 0;
    row.forEach((list, a) =>
      list.forEach((
        o,
      ) => (variance += pi[s]![a]! * o.prob * (o.reward + g * v[o.next]! - mean) ** 2))
    );
    return variance;
  });
}
