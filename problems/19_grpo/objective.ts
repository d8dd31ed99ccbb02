/**
 * The GRPO and Dr. GRPO objective in float64: group-relative advantages, the step weights
 * grouped by (state, action) and by the sign of the advantage (what the tfjs loss of
 * `loss.ts` consumes), and the per-step PPO-clipped objective with its closed-form gradient
 * (the oracle of the checks). No tfjs here.
 *
 * @module
 */
import type { Episode } from "../../shared/cliff/mod.ts";
import type { GrpoVariant } from "./config.ts";

/** The states and actions of one trajectory (all that the objective reads). */
export type Steps = Pick<Episode, "states" | "actions">;

/**
 * Group-relative advantages of outcome scores: (R_i − mean) / std for GRPO (population
 * standard deviation; all zeros when every score is the same), R_i − mean for Dr. GRPO.
 *
 * @param rewards the group's scores R_1 … R_G
 * @param variant "grpo" or "dr-grpo"
 * @returns the advantages
 * @throws RangeError for an empty group, or GRPO scores that differ by less than about 1e-160
 * @example
 * ```ts
 * import { groupAdvantages } from "./objective.ts";
 * const a = groupAdvantages([100, -100], "grpo");
 * if (a[0] !== 1 || a[1] !== -1) throw new Error();
 * if (groupAdvantages([100, -100], "dr-grpo")[0] !== 100) throw new Error();
 * ```
 */
export function groupAdvantages(rewards: readonly number[], variant: GrpoVariant): number[] {
  if (rewards.length === 0) throw new RangeError("a group needs at least one trajectory");
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  const centred = rewards.map((r) => r - mean);
  if (variant === "dr-grpo") return centred;
  // all scores equal: no trajectory is better than another, so every advantage is 0. This is
  // decided on the scores, not on std = 0: their float mean need not equal them (0.1 + 0.1 +
  // 0.1 is 0.30000000000000004), and that residue over an equally tiny std would give −1s
  if (rewards.every((r) => r === rewards[0])) return centred.map(() => 0);
  const std = Math.sqrt(centred.reduce((a, c) => a + c * c, 0) / rewards.length);
  if (!(std > 0)) {
    // distinct scores whose squared deviations underflow (below about 1e-160 apart)
    throw new RangeError(`scores ${rewards.join(", ")} differ too little to standardise`);
  }
  return centred.map((c) => c / std);
}

/**
 * The positive factor in front of trajectory i's clipped terms: 1/(G |o_i|) for GRPO,
 * 1/G for Dr. GRPO.
 *
 * @param variant the estimator
 * @param groupSize G
 * @param length |o_i|
 * @returns the factor
 * @example
 * ```ts
 * import { stepFactor } from "./objective.ts";
 * if (stepFactor("grpo", 4, 5) !== 1 / 20 || stepFactor("dr-grpo", 4, 5) !== 1 / 4) throw new Error();
 * ```
 */
export function stepFactor(variant: GrpoVariant, groupSize: number, length: number): number {
  return variant === "grpo" ? 1 / (groupSize * length) : 1 / groupSize;
}

/** The summed step weights of the clipped objective, split by the advantage's sign. */
export interface ClipWeights {
  /** W⁺[s][a] = Σ over steps with (s_t, a_t) = (s, a) and Â > 0 of Â · (1/|o_i| or 1) / G. */
  positive: number[][];
  /** W⁻[s][a]: the same over steps with Â < 0 (negative numbers). */
  negative: number[][];
}

/**
 * Broadcasts each trajectory's advantage to its actions and sums the step weights by (s, a)
 * and sign: the weight of a step is Â_i / (G |o_i|) for GRPO and Â_i / G for Dr. GRPO.
 *
 * @param group the trajectories
 * @param advantages one advantage per trajectory
 * @param variant "grpo" divides by the trajectory length, "dr-grpo" does not
 * @param nStates |S|
 * @param nActions |A|
 * @returns W⁺ and W⁻
 * @example
 * ```ts
 * import { clipWeights } from "./objective.ts";
 * const group = [{ states: [0, 1], actions: [1, 1] }, { states: [0], actions: [0] }];
 * const w = clipWeights(group, [1, -1], "grpo", 2, 2);
 * if (w.positive[0]![1] !== 0.25 || w.negative[0]![0] !== -0.5) throw new Error();
 * ```
 */
export function clipWeights(
  group: readonly Steps[],
  advantages: readonly number[],
  variant: GrpoVariant,
  nStates: number,
  nActions: number,
): ClipWeights {
  const positive = Array.from({ length: nStates }, () => new Array<number>(nActions).fill(0));
  const negative = Array.from({ length: nStates }, () => new Array<number>(nActions).fill(0));
  group.forEach((ep, i) => {
    const A = advantages[i]!;
    if (A === 0) return; // no signal (an empty trajectory adds nothing either)
    const w = A * stepFactor(variant, group.length, ep.states.length);
    const target = A > 0 ? positive : negative;
    ep.states.forEach((s, t) => {
      target[s]![ep.actions[t]!]! += w;
    });
  });
  return { positive, negative };
}

/** The per-step objective and its gradient with respect to the logits, in float64. */
export interface PerStepObjective {
  /** J = (1/G) Σ_i c_i Σ_t min(ρ_{i,t} Â_i, clip(ρ_{i,t}, 1 − ε, 1 + ε) Â_i). */
  value: number;
  /** ∂J/∂z[s][b] for the logits z of π_θ. */
  gradient: number[][];
}

/**
 * The PPO-clipped GRPO / Dr. GRPO objective written step by step, as in the formula, in
 * float64, with its gradient with respect to the logits z of π_θ = softmax(z) in closed form:
 * each step adds c_i Â_i ∂ρ/∂z where the unclipped term is the smaller one (ρÂ ≤ clip(ρ)Â),
 * and nothing where the clipped constant is; ∂ρ[s,a]/∂z[s,b] = ρ[s,a](1[a = b] − π_θ(b | s)).
 * It does not use the grouped form, so it is the oracle for the loss that trains.
 *
 * @param group the trajectories
 * @param advantages one advantage per trajectory
 * @param variant "grpo" (c_i = 1/(G|o_i|)) or "dr-grpo" (c_i = 1/G)
 * @param logits z[s][a] of π_θ
 * @param oldProbs π_old(a | s)
 * @param clip ε
 * @returns J and ∂J/∂z
 * @example
 * ```ts
 * import { perStepObjective } from "./objective.ts";
 * // one state, π_θ = (3/4, 1/4), π_old uniform: ρ = (1.5, 0.5)
 * const z = [[Math.log(3), 0]];
 * const j = perStepObjective([{ states: [0], actions: [0] }, { states: [0, 0], actions: [1, 0] }],
 *   [1, -1], "grpo", z, [[0.5, 0.5]], 0.2);
 * // steps: 1·min(1.5, 1.2) = 1.2; −max(0.5, 0.8) = −0.8 and −max(1.5, 0.8) = −1.5 (÷ |o| = 2)
 * if (Math.abs(j.value - (1.2 + (-0.8 - 1.5) / 2) / 2) > 1e-12) throw new Error(String(j.value));
 * ```
 */
export function perStepObjective(
  group: readonly Steps[],
  advantages: readonly number[],
  variant: GrpoVariant,
  logits: readonly (readonly number[])[],
  oldProbs: readonly (readonly number[])[],
  clip: number,
): PerStepObjective {
  const probs = logits.map((row) => {
    const m = Math.max(...row);
    const e = row.map((x) => Math.exp(x - m));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / total);
  });
  const ratio = probs.map((row, s) => row.map((p, a) => p / oldProbs[s]![a]!));
  const dRatio = ratio.map((row) => row.map(() => 0)); // ∂J/∂ρ[s][a]
  let value = 0;
  group.forEach((ep, i) => {
    const A = advantages[i]!;
    const c = stepFactor(variant, group.length, ep.states.length);
    ep.states.forEach((s, t) => {
      const a = ep.actions[t]!;
      const rho = ratio[s]![a]!;
      const clipped = Math.min(Math.max(rho, 1 - clip), 1 + clip);
      const unclippedIsMin = rho * A <= clipped * A;
      value += c * (unclippedIsMin ? rho * A : clipped * A); // c · min(ρÂ, clip(ρ)Â)
      if (unclippedIsMin) dRatio[s]![a]! += c * A;
    });
  });
  // chain rule through the softmax: ∂J/∂z[s][b] = Σ_a ∂J/∂ρ[s][a] ρ[s][a] (1[a = b] − π(b|s))
  const gradient = probs.map((row, s) => {
    const g = row.map((_, a) => dRatio[s]![a]! * ratio[s]![a]!);
    const total = g.reduce((x, y) => x + y, 0);
    return row.map((p, b) => g[b]! - p * total);
  });
  return { value, gradient };
}
