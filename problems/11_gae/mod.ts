/**
 * Problem 11: TD errors δ_t = r_t + γV(s_{t+1}) − V(s_t), their conditional expectations on a
 * finite MDP, the k-step advantage estimators, and generalized advantage estimation (GAE):
 * {@link gae} is the backward recursion A_t = δ_t + γλ A_{t+1} that training code uses.
 *
 * @module
 */
import { lusolve } from "mathjs";
import {
  type FiniteMdp,
  liveStates,
  type Policy,
  transitionUnderPolicy,
  validatePolicy,
  type ValueFunction,
} from "../../shared/mdp/mod.ts";

/** Thrown for malformed GAE input; the message names the argument, index and value. */
export class GaeInputError extends Error {
  override name = "GaeInputError";
}

function validateSequence(xs: readonly number[], name: string): void {
  if (!Array.isArray(xs)) throw new GaeInputError(`${name} must be an array of numbers`);
  xs.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new GaeInputError(`${name}[${i}] = ${x} is not a finite number`);
    }
  });
}

function validateUnit(x: number, name: string): void {
  if (typeof x !== "number" || !(x >= 0 && x <= 1)) {
    throw new GaeInputError(`${name} must be in [0, 1], got ${x}`);
  }
}

/**
 * Validates GAE input: finite rewards r_0..r_{T−1}, finite values V_0..V_T (one longer: V_T
 * is the bootstrap value, 0 if s_T is terminal), γ ∈ [0, 1], λ ∈ [0, 1].
 *
 * @param rewards r_0, …, r_{T−1}
 * @param values V(s_0), …, V(s_T)
 * @param gamma γ
 * @param lambda λ (pass 0 when only γ matters)
 * @throws GaeInputError naming the argument and index
 * @example
 * ```ts
 * import { validateEpisode } from "./mod.ts";
 * validateEpisode([1, 2], [0, 0, 0], 0.9, 0.95);
 * ```
 */
export function validateEpisode(
  rewards: readonly number[],
  values: readonly number[],
  gamma: number,
  lambda: number,
): void {
  validateSequence(rewards, "rewards");
  validateSequence(values, "values");
  if (values.length !== rewards.length + 1) {
    throw new GaeInputError(
      `values must be one longer than rewards (V(s_0..s_T) with the bootstrap V(s_T) last): ` +
        `got ${values.length} values for ${rewards.length} rewards`,
    );
  }
  validateUnit(gamma, "gamma");
  validateUnit(lambda, "lambda");
}

/**
 * TD errors δ_t = r_t + γ V(s_{t+1}) − V(s_t) for t = 0..T−1.
 *
 * @param rewards r_0..r_{T−1}
 * @param values V(s_0)..V(s_T)
 * @param gamma γ ∈ [0, 1]
 * @returns δ_0..δ_{T−1}
 * @throws GaeInputError on bad input
 * @example
 * ```ts
 * import { tdErrors } from "./mod.ts";
 * if (tdErrors([1], [2, 4], 0.5).join() !== "1") throw new Error(); // 1 + 0.5·4 − 2
 * ```
 */
export function tdErrors(rewards: readonly number[], values: readonly number[], gamma: number) {
  validateEpisode(rewards, values, gamma, 0);
  // δ_t = r_t + γ V(s_{t+1}) − V(s_t)
  return rewards.map((r, t) => r + gamma * values[t + 1]! - values[t]!);
}

/**
 * Generalized advantage estimates by the backward recursion used in training code:
 * A_{T−1} = δ_{T−1}, A_t = δ_t + γλ A_{t+1}. `values` has one more entry than `rewards`:
 * V(s_T) is the bootstrap value (pass 0 when s_T is terminal).
 *
 * @param rewards r_0..r_{T−1}
 * @param values V(s_0)..V(s_T)
 * @param gamma γ ∈ [0, 1]
 * @param lambda λ ∈ [0, 1]
 * @returns A_0..A_{T−1} = Σ_{l=0}^{T−1−t} (γλ)^l δ_{t+l}
 * @throws GaeInputError for non-finite entries, a length mismatch, or γ, λ outside [0, 1]
 * @example
 * ```ts
 * import { gae } from "./mod.ts";
 * // δ = (1, 1) with γλ = 1/2: A = (1 + 1/2, 1)
 * if (gae([1, 1], [0, 0, 0], 1, 0.5).join() !== "1.5,1") throw new Error();
 * ```
 */
export function gae(
  rewards: readonly number[],
  values: readonly number[],
  gamma: number,
  lambda: number,
): number[] {
  validateEpisode(rewards, values, gamma, lambda);
  const advantages = new Array<number>(rewards.length);
  let next = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    const delta = rewards[t]! + gamma * values[t + 1]! - values[t]!;
    // backward recursion: A_t = δ_t + γλ A_{t+1}, with A_T = 0
    next = delta + gamma * lambda * next;
    advantages[t] = next;
  }
  return advantages;
}

/**
 * The k-step advantage estimate of Claim 11d by its first definition:
 * Â_t^{(k)} = Σ_{i<k} γ^i r_{t+i} + γ^k V(s_{t+k}) − V(s_t).
 *
 * @param rewards r_0..r_{T−1}
 * @param values V(s_0)..V(s_T)
 * @param gamma γ
 * @param t the start time
 * @param k the number of rewards, 1 ≤ k ≤ T − t
 * @returns Â_t^{(k)}
 * @throws GaeInputError if t, k are out of range
 * @example
 * ```ts
 * import { tdkAdvantage } from "./mod.ts";
 * if (tdkAdvantage([1, 1], [0, 0, 4], 0.5, 0, 2) !== 2.5) throw new Error(); // 1 + 0.5 + 0.25·4
 * ```
 */
export function tdkAdvantage(
  rewards: readonly number[],
  values: readonly number[],
  gamma: number,
  t: number,
  k: number,
): number {
  validateEpisode(rewards, values, gamma, 0);
  if (!Number.isInteger(t) || !Number.isInteger(k) || t < 0 || k < 1 || t + k > rewards.length) {
    throw new GaeInputError(
      `need 0 ≤ t and 1 ≤ k with t + k ≤ T = ${rewards.length}, got t = ${t}, k = ${k}`,
    );
  }
  let acc = 0;
  for (let i = 0; i < k; i++) acc += gamma ** i * rewards[t + i]!;
  return acc + gamma ** k * values[t + k]! - values[t]!;
}

/**
 * The λ-weighted average of the k-step estimates on a finite episode, by definition:
 * (1 − λ) Σ_{k≥1} λ^{k−1} Â_t^{(k)}, where past the end of the episode the trajectory stays in
 * s_T with zero reward and the estimates stop changing (Â_t^{(k)} = Â_t^{(T−t)} for k ≥ T − t),
 * so the geometric tail sums to λ^{T−t−1} Â_t^{(T−t)}. This matches an episode that ends in a
 * terminal state when V(s_T) = 0.
 *
 * @param rewards r_0..r_{T−1}
 * @param values V(s_0)..V(s_T)
 * @param gamma γ ∈ [0, 1]
 * @param lambda λ ∈ [0, 1]
 * @returns the λ-average for t = 0..T−1
 * @example
 * ```ts
 * import { lambdaAverageOfTdk } from "./mod.ts";
 * // T = 1: only Â^{(1)} = δ_0
 * if (lambdaAverageOfTdk([2], [1, 0], 0.9, 0.5).join() !== "1") throw new Error();
 * ```
 */
export function lambdaAverageOfTdk(
  rewards: readonly number[],
  values: readonly number[],
  gamma: number,
  lambda: number,
): number[] {
  validateEpisode(rewards, values, gamma, lambda);
  const T = rewards.length;
  return rewards.map((_, t) => {
    const n = T - t;
    let acc = 0;
    for (let k = 1; k < n; k++) {
      acc += (1 - lambda) * lambda ** (k - 1) * tdkAdvantage(rewards, values, gamma, t, k);
    }
    // Σ_{k≥n} (1 − λ) λ^{k−1} = λ^{n−1}: the weight of the constant tail
    return acc + lambda ** (n - 1) * tdkAdvantage(rewards, values, gamma, t, n);
  });
}

/**
 * Q^π by its own linear system over state–action pairs (independent of V^π):
 * Q(s, a) = r(s, a) + γ Σ_{s'} P(s' | s, a) Σ_{a'} π(a' | s') Q(s', a'), with Q = 0 at terminal
 * states.
 *
 * @param mdp the MDP
 * @param pi the policy
 * @returns Q^π[s][a]
 * @throws Error if the system is singular (γ = 1 and π improper)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { actionValuesByLinearSolve } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (Math.abs(actionValuesByLinearSolve(m, [[1]])[0]![0]! - 2) > 1e-12) throw new Error();
 * ```
 */
export function actionValuesByLinearSolve(mdp: FiniteMdp, pi: Policy): number[][] {
  validatePolicy(mdp, pi);
  const live = liveStates(mdp);
  const pairs = live.flatMap((s) =>
    Array.from({ length: mdp.nActions }, (_, a) => [s, a] as const)
  );
  const index = new Map(pairs.map(([s, a], i) => [`${s},${a}`, i]));
  // (I − γ P Π) q = r over live pairs: row (s, a), column (s', a') has γ P(s'|s,a) π(a'|s')
  const A = pairs.map(([s, a], i) => {
    const row = new Array<number>(pairs.length).fill(0);
    row[i] = 1;
    mdp.transition[s]![a]!.forEach((p, next) => {
      if (p === 0 || mdp.isTerminal[next]) return;
      for (let b = 0; b < mdp.nActions; b++) {
        row[index.get(`${next},${b}`)!]! -= mdp.gamma * p * pi[next]![b]!;
      }
    });
    return row;
  });
  const Q = Array.from({ length: mdp.nStates }, () => new Array<number>(mdp.nActions).fill(0));
  if (pairs.length === 0) return Q;
  const x = lusolve(A, pairs.map(([s, a]) => [mdp.expectedReward[s]![a]!])) as number[][];
  pairs.forEach(([s, a], i) => (Q[s]![a] = x[i]![0]!));
  return Q;
}

/**
 * E[δ_t | s_t = s, a_t = a] for a critic V, by enumerating the outcomes (r, s') of (s, a):
 * Σ p(r, s' | s, a) (r + γ V(s') − V(s)), with V = 0 at terminal states and δ = 0 there.
 *
 * @param mdp the MDP
 * @param v the critic V
 * @returns the table over (s, a)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { expectedTdErrorGivenStateAction } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (expectedTdErrorGivenStateAction(m, [2])[0]![0] !== 0) throw new Error(); // 1 + 1 − 2
 * ```
 */
export function expectedTdErrorGivenStateAction(mdp: FiniteMdp, v: ValueFunction): number[][] {
  const value = (s: number) => (mdp.isTerminal[s] ? 0 : v[s]!);
  return mdp.outcomes.map((row, s) =>
    mdp.isTerminal[s]
      ? new Array<number>(mdp.nActions).fill(0)
      : row.map((list) =>
        list.reduce((acc, o) => acc + o.prob * (o.reward + mdp.gamma * value(o.next) - value(s)), 0)
      )
  );
}

/**
 * E[δ_{t+ℓ} | s_t = s, a_t = a] for ℓ ≥ 0: the state s_{t+ℓ} has distribution
 * P(· | s, a)(P^π)^{ℓ−1}, and given s_{t+ℓ} the action is drawn from π.
 *
 * @param mdp the MDP
 * @param pi the policy followed after a_t
 * @param v the critic V
 * @param ell the lag ℓ ≥ 0 (ℓ = 0 gives E[δ_t | s_t, a_t])
 * @returns the table over (s, a)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { expectedLaggedTdError } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (expectedLaggedTdError(m, [[1]], [0], 3)[0]![0] !== 1) throw new Error(); // δ = 1 always
 * ```
 */
export function expectedLaggedTdError(
  mdp: FiniteMdp,
  pi: Policy,
  v: ValueFunction,
  ell: number,
): number[][] {
  const given = expectedTdErrorGivenStateAction(mdp, v);
  if (ell === 0) return given;
  const perState = given.map((row, s) => row.reduce((acc, x, a) => acc + pi[s]![a]! * x, 0));
  const P = transitionUnderPolicy(mdp, pi);
  return mdp.transition.map((rows) =>
    rows.map((p0) => {
      let d = [...p0]; // distribution of s_{t+1}
      for (let j = 1; j < ell; j++) {
        // [S] x [S, S] -> [S]: d ← d P^π
        d = d.map((_, t) => d.reduce((acc, x, s) => acc + x * P[s]![t]!, 0));
      }
      return d.reduce((acc, x, s) => acc + x * perState[s]!, 0);
    })
  );
}
