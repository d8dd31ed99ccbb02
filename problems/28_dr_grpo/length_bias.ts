/**
 * Where GRPO's length normalisation pushes the update. By exchangeability, the expected group
 * estimator is Σ_τ P_θ(τ) ω(τ) S(τ), where ω(τ) is the expected weight of a trajectory's score
 * given that the trajectory is τ: ω(τ) = E[advantage_1 · (1/|o_1|)^λ | τ^(1) = τ]. This module
 * computes ω three ways that share no code path: by enumerating the other N − 1 trajectories of
 * the group (`trajectoryWeights`), from the law of the reward alone (`advantageGivenReward`),
 * and, for the whole expected update, as a finite-difference gradient of the surrogate
 * objective E_θ'[f(τ)] with f frozen at θ (`surrogateGradient`).
 *
 * @module
 */
import { type FiniteMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import {
  checkTupleCount,
  type FiniteLaw,
  groupAdvantages,
  type GroupBaseline,
  type GroupEstimatorOptions,
  indexTuples,
} from "./group_estimators.ts";
import { type Logits, softmaxPolicy, validateLogits } from "./policy_gradient.ts";
import { enumerateTrajectories, type Trajectory } from "./terminal_mdp.ts";

/** A trajectory with the expected weight of its score in a group estimator. */
export interface WeightedTrajectory {
  /** The trajectory (with its probability under π_θ). */
  readonly traj: Trajectory;
  /** ω(τ) = E[advantage_1 · (1/|o_1|)^λ | τ^(1) = τ]. */
  readonly weight: number;
}

/**
 * The expected weight ω(τ) of each trajectory's score in a group estimator, by enumerating
 * every (N − 1)-tuple of the other trajectories of the group (IID under π_θ), with the
 * estimator's own advantages (`groupAdvantages`) and its own length normalisation.
 *
 * @param mdp a terminal-reward MDP with a finite horizon
 * @param theta logits of the softmax policy
 * @param n the group size N ≥ 1
 * @param kind the group baseline
 * @param options `perToken`: divide by the trajectory's length
 * @returns every trajectory with positive probability and its weight
 * @throws MdpInputError for N < 1 or more than 10^7 tuples
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { trajectoryWeights } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * // N = 2, Dr. GRPO: ω = (1/2)(r − J) with J = 1/2
 * const w = trajectoryWeights(bandit, [[0, 0], [0, 0]], 2, "dr-grpo").map((x) => x.weight);
 * if (w.join() !== "0.25,-0.25") throw new Error(String(w));
 * ```
 */
export function trajectoryWeights(
  mdp: FiniteMdp,
  theta: Logits,
  n: number,
  kind: GroupBaseline,
  options: GroupEstimatorOptions = {},
): WeightedTrajectory[] {
  if (!Number.isInteger(n) || n < 1) {
    throw new MdpInputError(`the group size N must be a positive integer, got ${n}`);
  }
  const trajs = enumerateTrajectories(mdp, softmaxPolicy(mdp, theta)).filter((t) => t.prob > 0);
  const m = trajs.length;
  checkTupleCount(m, n);
  return trajs.map((traj) => {
    const scale = options.perToken ? 1 / traj.states.length : 1;
    let weight = 0;
    // every tuple of trajectories of the other N − 1 members
    const rewards = [traj.reward];
    for (const idx of indexTuples(m, n - 1)) {
      let p = 1;
      idx.forEach((i, j) => {
        p *= trajs[i]!.prob;
        rewards[j + 1] = trajs[i]!.reward;
      });
      weight += p * groupAdvantages(rewards, kind)[0]! * scale;
    }
    return { traj, weight };
  });
}

/**
 * φ_N(x) = E[advantage_1 | r^(1) = x]: the expected advantage of a group member with reward x,
 * the other N − 1 rewards drawn IID from `law`. Without the std division it is
 * ((N − 1)/N)(x − E[r]).
 *
 * @param law the law of one reward
 * @param x the member's reward
 * @param n the group size N ≥ 1
 * @param kind the group baseline
 * @returns φ_N(x)
 * @throws MdpInputError for N < 1, a law that is not a distribution, or more than 10^7 tuples
 * @example
 * ```ts
 * import { advantageGivenReward } from "./mod.ts";
 * const coin = [{ value: 0, prob: 0.5 }, { value: 1, prob: 0.5 }];
 * // GRPO, N = 2: the advantage is sign(x − r'), so φ(1) = P(r' = 0) = 1/2
 * if (advantageGivenReward(coin, 1, 2, "grpo") !== 0.5) throw new Error();
 * ```
 */
export function advantageGivenReward(
  law: FiniteLaw,
  x: number,
  n: number,
  kind: GroupBaseline,
): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new MdpInputError(`the group size N must be a positive integer, got ${n}`);
  }
  const mass = law.reduce((acc, y) => acc + y.prob, 0);
  if (law.some((y) => !(y.prob >= 0)) || Math.abs(mass - 1) > 1e-9) {
    throw new MdpInputError(`the reward law must be a distribution, its mass is ${mass}`);
  }
  const k = law.length;
  checkTupleCount(k, n - 1);
  const rewards = [x];
  let phi = 0;
  for (const idx of indexTuples(k, n - 1)) {
    let p = 1;
    idx.forEach((i, j) => {
      p *= law[i]!.prob;
      rewards[j + 1] = law[i]!.value;
    });
    phi += p * groupAdvantages(rewards, kind)[0]!;
  }
  return phi;
}

/**
 * The gradient at θ of the surrogate objective θ' ↦ E_{θ'}[f(τ)] = Σ_τ P_{θ'}(τ) f(τ), with f
 * a fixed function of the trajectory, by float64 central differences
 * (F(θ + h e_{sa}) − F(θ − h e_{sa})) / 2h. With f = r it is ∇J.
 *
 * @param mdp a terminal-reward MDP with a finite horizon
 * @param theta the logits
 * @param f the per-trajectory payoff (it must not depend on θ')
 * @param h the step (default 1e-5)
 * @returns the gradient, shaped like θ (0 on terminal rows)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { surrogateGradient } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * // f = r: ∇J = [1/4, −1/4] at θ = 0
 * const g = surrogateGradient(bandit, [[0, 0], [0, 0]], (t) => t.reward);
 * if (Math.abs(g[0]![0]! - 0.25) > 1e-9) throw new Error();
 * ```
 */
export function surrogateGradient(
  mdp: FiniteMdp,
  theta: Logits,
  f: (traj: Trajectory) => number,
  h = 1e-5,
): number[][] {
  validateLogits(mdp, theta);
  const value = (th: Logits) =>
    enumerateTrajectories(mdp, softmaxPolicy(mdp, th)).reduce((acc, t) => acc + t.prob * f(t), 0);
  return theta.map((row, s) =>
    row.map((_, a) => {
      if (mdp.isTerminal[s]) return 0;
      const shifted = (d: number) =>
        theta.map((r2, s2) => r2.map((x, a2) => (s2 === s && a2 === a ? x + d : x)));
      return (value(shifted(h)) - value(shifted(-h))) / (2 * h);
    })
  );
}
