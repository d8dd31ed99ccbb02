/**
 * Problem 6: a tabular softmax policy π_θ(a | s) = exp θ[s][a] / Σ_b exp θ[s][b], the
 * dynamics that use π_{θ+δ} at time k only, exact expectations of functions of a
 * trajectory prefix under them (by enumeration), their δ-gradients by float64 central
 * differences, and the score-function side E[H(τ) ∇_θ log π_θ(a_k | s_k)] with the
 * closed-form softmax score (π_θ and its score come from `shared/softmax`).
 *
 * @module
 */
import { type FiniteMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { type Logits, softmaxPolicy, softmaxScore } from "../../shared/softmax/mod.ts";
import { enumeratePrefixes, type Prefix } from "../../shared/trajectories/mod.ts";

export type { Logits };

/** Adds two tables of the same shape. */
function addTables(x: Logits, y: Logits): number[][] {
  return x.map((row, s) => row.map((v, a) => v + y[s]![a]!));
}

/** What the problem's expectations depend on. */
export interface PerturbedSetting {
  /** The MDP (p0 is its `initial` unless `initial` is given). */
  mdp: FiniteMdp;
  /** θ: logits of π_θ. */
  theta: Logits;
  /** k ≥ 1: the time step that uses π_{θ+δ}. */
  k: number;
  /** The prefix horizon L: expectations are over (s_0, a_0, r_0, …, s_L). */
  horizon: number;
  /** p0, if not the MDP's. */
  initial?: readonly number[];
}

/**
 * E[H(τ)] when actions follow π_θ at every t ≠ k and π_{θ+δ} at t = k, by exact
 * enumeration of prefixes up to s_L.
 *
 * @param setting MDP, θ, k, horizon L, p0
 * @param delta the perturbation δ (shaped like θ)
 * @param h a function of the prefix
 * @returns the expectation
 * @throws MdpInputError for bad input (k < 1, horizon < k + 1, shapes); SoftmaxInputError
 *   for a non-finite logit
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { perturbedExpectation } from "./mod.ts";
 * // one state, reward = action: E[r_1] = π_{θ+δ}(1) = 1/(1 + e^{-δ})
 * const mdp = makeMdp({ gamma: 1, initial: [1], outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * const e = perturbedExpectation({ mdp, theta: [[0, 0]], k: 1, horizon: 2 }, [[0, 1]], (p) => p.rewards[1]!);
 * if (Math.abs(e - 1 / (1 + Math.exp(-1))) > 1e-15) throw new Error();
 * ```
 */
export function perturbedExpectation(
  setting: PerturbedSetting,
  delta: Logits,
  h: (p: Prefix) => number,
): number {
  return perturbedExpectations(setting, delta, [h])[0]!;
}

/**
 * Several expectations E_δ[H_i(τ)] from one enumeration (see {@link perturbedExpectation}).
 *
 * @param setting MDP, θ, k, horizon L, p0
 * @param delta the perturbation δ (shaped like θ)
 * @param hs functions of the prefix
 * @returns the expectations, in the order of `hs`
 * @throws MdpInputError for bad input; SoftmaxInputError for a non-finite logit
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { perturbedExpectations } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 1, initial: [1], outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * const [e0, e1] = perturbedExpectations({ mdp, theta: [[0, 0]], k: 1, horizon: 2 }, [[0, 0]], [(p) => p.rewards[0]!, () => 1]);
 * if (e0 !== 0.5 || e1 !== 1) throw new Error();
 * ```
 */
export function perturbedExpectations(
  setting: PerturbedSetting,
  delta: Logits,
  hs: readonly ((p: Prefix) => number)[],
): number[] {
  checkSetting(setting);
  const { mdp, theta, k, horizon } = setting;
  if (delta.length !== theta.length || delta.some((row, s) => row.length !== theta[s]!.length)) {
    throw new MdpInputError("δ must have the shape of θ");
  }
  const pi = softmaxPolicy(theta);
  const piK = softmaxPolicy(addTables(theta, delta));
  return enumeratePrefixes(mdp, {
    horizon,
    policy: pi,
    initial: setting.initial,
    override: { step: k, policy: piK },
  }).expectationVector((p) => hs.map((h) => h(p)));
}

/**
 * ∇_δ E_δ[H_i(τ)] at δ = δ0 by float64 central differences, one coordinate at a time:
 * (E_{δ0 + h e_j} − E_{δ0 − h e_j}) / (2h), for several H_i at once.
 *
 * @param setting MDP, θ, k, horizon, p0
 * @param hs functions of the prefix
 * @param step the difference step (default 1e-4: the truncation error is about step²
 *   times the third derivative, ≈ 1e-8 of the scale of H; rounding ≈ 1e-16/step ≈ 1e-12)
 * @param delta0 the point (default 0)
 * @returns one gradient table per H_i, each shaped like θ
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { finiteDifferenceGradients } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 1, initial: [1], outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * // d/dδ[0][1] of σ(δ) at 0 is 1/4; the two logits of one row have opposite gradients
 * const [g] = finiteDifferenceGradients({ mdp, theta: [[0, 0]], k: 1, horizon: 2 }, [(p) => p.rewards[1]!]);
 * if (Math.abs(g![0]![1]! - 0.25) > 1e-8 || Math.abs(g![0]![0]! + 0.25) > 1e-8) throw new Error();
 * ```
 */
export function finiteDifferenceGradients(
  setting: PerturbedSetting,
  hs: readonly ((p: Prefix) => number)[],
  step = 1e-4,
  delta0?: Logits,
): number[][][] {
  const base = delta0 ?? setting.theta.map((row) => row.map(() => 0));
  const grads = hs.map(() => setting.theta.map((row) => row.map(() => 0)));
  setting.theta.forEach((row, s) =>
    row.forEach((_, a) => {
      const shifted = (sign: number) =>
        base.map((r, u) => r.map((x, b) => (u === s && b === a ? x + sign * step : x)));
      const plus = perturbedExpectations(setting, shifted(1), hs);
      const minus = perturbedExpectations(setting, shifted(-1), hs);
      hs.forEach((_, i) => (grads[i]![s]![a] = (plus[i]! - minus[i]!) / (2 * step)));
    })
  );
  return grads;
}

/**
 * E_θ[H(τ) · score(a_k | s_k)] under π_θ at every step, by exact enumeration. With the
 * true softmax score this is the right side of 06b; `score` can be replaced to test a
 * false variant.
 *
 * @param setting MDP, θ, k, horizon, p0
 * @param h a function of the prefix
 * @param score the score table for (s_k, a_k) (default the softmax score)
 * @returns the expectation, shaped like θ
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { scoreWeightedExpectation } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 1, initial: [1], outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * const g = scoreWeightedExpectation({ mdp, theta: [[0, 0]], k: 1, horizon: 2 }, (p) => p.rewards[1]!);
 * if (Math.abs(g[0]![1]! - 0.25) > 1e-15) throw new Error();
 * ```
 */
export function scoreWeightedExpectation(
  setting: PerturbedSetting,
  h: (p: Prefix) => number,
  score: (theta: Logits, s: number, a: number) => number[][] = softmaxScore,
): number[][] {
  checkSetting(setting);
  const { mdp, theta, k, horizon } = setting;
  const nA = theta[0]!.length;
  const dist = enumeratePrefixes(mdp, {
    horizon,
    policy: softmaxPolicy(theta),
    initial: setting.initial,
  });
  // no terminal states (checkSetting), so every prefix has its action a_k
  const flat = dist.expectationVector((p) => {
    const value = h(p);
    return score(theta, p.states[k]!, p.actions[k]!).flat().map((x) => x * value);
  });
  return theta.map((_, s) => flat.slice(s * nA, (s + 1) * nA));
}

/**
 * Σ_{t=from}^{to−1} r_t of a prefix.
 *
 * @param p the prefix
 * @param from first step
 * @param to one past the last step
 * @returns the undiscounted reward sum
 * @example
 * ```ts
 * import { rewardSum } from "./mod.ts";
 * const p = { states: [0, 0, 0], actions: [0, 0], rewards: [1, 2], terminated: false };
 * if (rewardSum(p, 0, 2) !== 3 || rewardSum(p, 1, 2) !== 2) throw new Error();
 * // a prefix that ends before `to` contributes the rewards it has
 * if (rewardSum(p, 0, 9) !== 3) throw new Error();
 * ```
 */
export function rewardSum(p: Prefix, from: number, to: number): number {
  let total = 0;
  for (let t = from; t < to && t < p.rewards.length; t++) total += p.rewards[t]!;
  return total;
}

/**
 * The largest |entry| of a table (for tolerances and margins).
 *
 * @param x a table
 * @returns max |x[i][j]|
 * @example
 * ```ts
 * import { maxAbs } from "./mod.ts";
 * if (maxAbs([[1, -3], [2, 0]]) !== 3) throw new Error();
 * ```
 */
export function maxAbs(x: Logits): number {
  return Math.max(0, ...x.map((row) => Math.max(0, ...row.map(Math.abs))));
}

function checkSetting(setting: PerturbedSetting): void {
  const { mdp, theta, k, horizon } = setting;
  if (!Number.isInteger(k) || k < 1) {
    throw new MdpInputError(`k must be a positive integer, got ${k}`);
  }
  if (!Number.isInteger(horizon) || horizon < k + 1) {
    throw new MdpInputError(
      `the horizon must be ≥ k + 1 = ${k + 1} so that a_k is in the prefix, got ${horizon}`,
    );
  }
  const terminal = mdp.isTerminal.indexOf(true);
  if (terminal >= 0) {
    throw new MdpInputError(
      `Problem 6's trajectories are infinite: state ${terminal} is terminal`,
    );
  }
  if (theta.length !== mdp.nStates || theta.some((row) => row.length !== mdp.nActions)) {
    throw new MdpInputError(`θ must be ${mdp.nStates} × ${mdp.nActions} (states × actions)`);
  }
}
