/**
 * Independent oracles for Problem 11's conditional expectations: V^π by its definition (the
 * expected discounted return, summed over time with a proven tail bound, no Bellman equation
 * solved), and conditional means of TD errors taken over enumerated or sampled trajectories
 * (no one-step table, no propagated state law).
 *
 * @module
 */
import {
  type FiniteMdp,
  MdpInputError,
  type Policy,
  rewardUnderPolicy,
  transitionUnderPolicy,
  type ValueFunction,
} from "../../shared/mdp/mod.ts";
import type { Rng } from "../../shared/random/mod.ts";
import {
  enumeratePrefixes,
  type Prefix,
  rewardAt,
  sampleTrajectories,
  stateAt,
} from "../../shared/trajectories/mod.ts";

/** V^π summed from its definition, with the bound on what was left out. */
export interface SummedValue {
  /** Σ_{n<N} γ^n E_s[r_n] for every state s. */
  V: number[];
  /** A proven bound on |V^π(s) − V(s)| for every s (the tail of the series). */
  tailBound: number;
  /** The number N of summed time steps. */
  steps: number;
}

/**
 * V^π(s) = E_s[Σ_n γ^n r_n] = Σ_n γ^n E_s[r_n] summed over time: E_s[r_n] = ((P^π)^n r^π)(s)
 * (the law of s_n, then the expected reward there), stopped once the tail is provably below
 * `tolerance`. Tail bound: with a_n = max_s P_s(s_n is live), a_{jN+i} ≤ a_N^j, so
 * Σ_{n≥N} γ^n |E_s r_n| ≤ R Σ_{j≥1} (γ^N a_N)^j Σ_{i<N} γ^i = R S_N x/(1 − x), x = γ^N a_N,
 * S_N = Σ_{i<N} γ^i. This covers γ < 1 (a_n ≤ 1) and γ = 1 with a policy that terminates.
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param tolerance the largest tail to leave out (> 0)
 * @param maxSteps give up after this many steps (default 200,000)
 * @returns the partial sums, the proven tail bound and N
 * @throws MdpInputError if the tail does not fall below the tolerance within maxSteps
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { valueBySummingRewards } from "./claims_oracles.ts";
 * // reward 1 forever, γ = 1/2: V = 2
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * const v = valueBySummingRewards(m, [[1]], 1e-12);
 * if (Math.abs(v.V[0]! - 2) > 2e-12 || !(v.tailBound <= 1e-12)) throw new Error(String(v.V));
 * ```
 */
export function valueBySummingRewards(
  mdp: FiniteMdp,
  pi: Policy,
  tolerance: number,
  maxSteps = 200_000,
): SummedValue {
  const P = transitionUnderPolicy(mdp, pi);
  const live = mdp.isTerminal.map((t) => !t);
  const g = mdp.gamma;
  const R = mdp.rewardBound;
  let u = rewardUnderPolicy(mdp, pi); // E_s[r_n], starting at n = 0
  let alive: number[] = live.map((l) => (l ? 1 : 0)); // P_s(s_n is live)
  const V = new Array<number>(mdp.nStates).fill(0);
  let discount = 1; // γ^n
  let partialDiscounts = 0; // S_n = Σ_{i<n} γ^i
  for (let n = 0; n < maxSteps; n++) {
    // the tail bound after n summed steps (needs a_n = max alive and x = γ^n a_n < 1)
    const x = discount * Math.max(0, ...alive);
    const tail = R * partialDiscounts * x / (1 - x);
    if (n > 0 && x < 1 && tail <= tolerance) return { V, tailBound: tail, steps: n };
    V.forEach((_, s) => (V[s]! += discount * u[s]!));
    // [S, S] x [S] -> [S]: E_s[r_{n+1}] = Σ_{s'} P^π(s, s') E_{s'}[r_n]; the same for "live"
    u = P.map((row, s) => (live[s] ? row.reduce((acc, p, t) => acc + p * u[t]!, 0) : 0));
    alive = P.map((row, s) =>
      live[s] ? row.reduce((acc, p, t) => acc + (live[t] ? p * alive[t]! : 0), 0) : 0
    );
    partialDiscounts += discount;
    discount *= g;
  }
  throw new MdpInputError(
    `V^π by summing rewards: the tail is not below ${tolerance} after ${maxSteps} steps`,
  );
}

/** The critic at a state, read as 0 at a terminal state (the absorbing state's value). */
function criticAt(mdp: FiniteMdp, v: ValueFunction, s: number): number {
  return mdp.isTerminal[s] ? 0 : v[s]!;
}

/** δ_l = r_l + γ W(s_{l+1}) − W(s_l) along a prefix; 0 once the prefix has terminated. */
function tdErrorAlong(mdp: FiniteMdp, v: ValueFunction, p: Prefix, l: number): number {
  return rewardAt(p, l) + mdp.gamma * criticAt(mdp, v, stateAt(p, l + 1)) -
    criticAt(mdp, v, stateAt(p, l));
}

/** π with its row at s replaced by the deterministic choice of a (for conditioning on a_0 = a). */
function forcing(pi: Policy, s: number, a: number): Policy {
  return pi.map((row, u) => (u === s ? row.map((_, b) => (b === a ? 1 : 0)) : [...row]));
}

/**
 * E[δ_t^W | s_t = s] for t = 0..maxTime and every state, by enumerating whole trajectories
 * from s_0 ~ p0 and dividing E[δ_t 1{s_t = s}] by P(s_t = s) (NaN where that is 0).
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param v the critic W
 * @param p0 the law of s_0
 * @param maxTime the largest t
 * @returns [t][s] the conditional means
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { tdErrorGivenStateByEnumeration } from "./claims_oracles.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (tdErrorGivenStateByEnumeration(m, [[1]], [2], [1], 1)[1]![0] !== 0) throw new Error();
 * ```
 */
export function tdErrorGivenStateByEnumeration(
  mdp: FiniteMdp,
  pi: Policy,
  v: ValueFunction,
  p0: readonly number[],
  maxTime: number,
): number[][] {
  const dist = enumeratePrefixes(mdp, { horizon: maxTime + 1, policy: pi, initial: p0 });
  return Array.from(
    { length: maxTime + 1 },
    (_, t) =>
      Array.from({ length: mdp.nStates }, (_, s) => {
        const at = (p: Prefix) => (stateAt(p, t) === s ? 1 : 0);
        const mass = dist.expectation(at);
        return mass > 0 ? dist.expectation((p) => at(p) * tdErrorAlong(mdp, v, p, t)) / mass : NaN;
      }),
  );
}

/**
 * E[δ_{t+ℓ}^W | s_t = s, a_t = a] for ℓ = 0..maxLag, by enumerating every trajectory from
 * s_0 = s with a_0 = a and then π, to horizon maxLag + 1.
 *
 * @param mdp the MDP
 * @param pi the policy after a_t
 * @param v the critic W
 * @param s the conditioned state (not terminal)
 * @param a the conditioned action
 * @param maxLag the largest lag ℓ
 * @returns the conditional means for ℓ = 0..maxLag
 * @throws MdpInputError if s is terminal
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { laggedTdErrorByEnumeration } from "./claims_oracles.ts";
 * // reward 1 forever, critic 0: every δ is 1
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (laggedTdErrorByEnumeration(m, [[1]], [0], 0, 0, 2).join() !== "1,1,1") throw new Error();
 * ```
 */
export function laggedTdErrorByEnumeration(
  mdp: FiniteMdp,
  pi: Policy,
  v: ValueFunction,
  s: number,
  a: number,
  maxLag: number,
): number[] {
  if (mdp.isTerminal[s]) {
    throw new MdpInputError(`state ${s} is terminal: no action to condition on`);
  }
  const initial = mdp.isTerminal.map((_, u) => (u === s ? 1 : 0));
  const dist = enumeratePrefixes(mdp, {
    horizon: maxLag + 1,
    policy: pi,
    initial,
    override: { step: 0, policy: forcing(pi, s, a) },
  });
  return Array.from(
    { length: maxLag + 1 },
    (_, l) => dist.expectation((p) => tdErrorAlong(mdp, v, p, l)),
  );
}

/**
 * Sampled TD errors after conditioning on s_t = s, a_t = a: N trajectories from s with
 * a_0 = a and then π, to horizon maxLag + 1; entry [ℓ][i] is δ_ℓ^W of trajectory i.
 *
 * @param mdp the MDP
 * @param pi the policy after a_t
 * @param v the critic W
 * @param s the conditioned state (not terminal)
 * @param a the conditioned action
 * @param maxLag the largest lag ℓ
 * @param n how many trajectories
 * @param rng the seeded random source
 * @returns the samples, one array per lag ℓ = 0..maxLag
 * @throws MdpInputError if s is terminal
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * import { laggedTdErrorSamples } from "./claims_oracles.ts";
 * // reward 1 forever, critic 2 = V^π at γ = 1/2: every δ is 0
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * const xs = laggedTdErrorSamples(m, [[1]], [2], 0, 0, 2, 3, new Rng(1));
 * if (xs.length !== 3 || xs.flat().some((x) => x !== 0)) throw new Error();
 * ```
 */
export function laggedTdErrorSamples(
  mdp: FiniteMdp,
  pi: Policy,
  v: ValueFunction,
  s: number,
  a: number,
  maxLag: number,
  n: number,
  rng: Rng,
): number[][] {
  if (mdp.isTerminal[s]) {
    throw new MdpInputError(`state ${s} is terminal: no action to condition on`);
  }
  const initial = mdp.isTerminal.map((_, u) => (u === s ? 1 : 0));
  const first = forcing(pi, s, a);
  const paths = sampleTrajectories(mdp, rng, {
    horizon: maxLag + 1,
    policy: pi,
    initial,
    policyAt: (t) => (t === 0 ? first : pi),
  }, n);
  return Array.from({ length: maxLag + 1 }, (_, l) => paths.map((p) => tdErrorAlong(mdp, v, p, l)));
}
