/**
 * Problem 14: the PPO clipped surrogate C_ε(ℓ, A) = min(ℓA, clip(ℓ, 1 − ε, 1 + ε)·A), its
 * closed form by the sign of A, and its derivative in the probability ratio ℓ (float64 and
 * tfjs autodiff).
 *
 * @module
 */
import { tf } from "../../shared/tf/mod.ts";
import { autodiffGradient } from "../../shared/gradients/mod.ts";

/** Thrown for inputs outside the problem's domain: ℓ < 0, ε ∉ (0, 1), non-finite A. */
export class ClipInputError extends Error {
  override name = "ClipInputError";
}

/**
 * Checks ℓ ≥ 0 finite, ε ∈ (0, 1), A finite.
 *
 * @param ratio the probability ratio ℓ
 * @param advantage the advantage A
 * @param eps the clip range ε
 * @throws ClipInputError naming the bad argument and its value
 * @example
 * ```ts
 * import { validateClipInput } from "./mod.ts";
 * validateClipInput(1.3, -2, 0.2); // fine
 * let threw = false;
 * try { validateClipInput(1, 1, 1); } catch { threw = true; }
 * if (!threw) throw new Error("ε = 1 is outside (0, 1)");
 * ```
 */
export function validateClipInput(ratio: number, advantage: number, eps: number): void {
  if (typeof ratio !== "number" || !(ratio >= 0) || !Number.isFinite(ratio)) {
    throw new ClipInputError(`ratio ℓ must be finite and ≥ 0, got ${ratio}`);
  }
  if (typeof eps !== "number" || !(eps > 0 && eps < 1)) {
    throw new ClipInputError(`clip range ε must be in (0, 1), got ${eps}`);
  }
  if (typeof advantage !== "number" || !Number.isFinite(advantage)) {
    throw new ClipInputError(`advantage A must be finite, got ${advantage}`);
  }
}

/**
 * clip_lo^hi(x) = min(max(x, lo), hi).
 *
 * @param x the value
 * @param lo the lower end
 * @param hi the upper end (≥ lo)
 * @returns x clipped to [lo, hi]
 * @example
 * ```ts
 * import { clip } from "./mod.ts";
 * if (clip(3, 0, 2) !== 2 || clip(-1, 0, 2) !== 0 || clip(1.5, 0, 2) !== 1.5) throw new Error();
 * ```
 */
export function clip(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/**
 * The clipped surrogate by its definition: C_ε(ℓ, A) = min(ℓA, clip(ℓ, 1 − ε, 1 + ε)·A).
 * `combine` defaults to `Math.min`; the negative controls pass `Math.max`.
 *
 * @param ratio ℓ ≥ 0
 * @param advantage A
 * @param eps ε ∈ (0, 1)
 * @param combine how the two terms are combined (default min, as PPO does)
 * @returns C_ε(ℓ, A)
 * @throws ClipInputError for inputs outside the domain
 * @example
 * ```ts
 * import { clippedObjective } from "./mod.ts";
 * // ℓ = 1.5 > 1 + ε with A = 2 > 0: the clip caps the gain at (1 + ε)A = 2.4
 * if (clippedObjective(1.5, 2, 0.2) !== 2.4) throw new Error();
 * ```
 */
export function clippedObjective(
  ratio: number,
  advantage: number,
  eps: number,
  combine: (x: number, y: number) => number = Math.min,
): number {
  validateClipInput(ratio, advantage, eps);
  return combine(ratio * advantage, clip(ratio, 1 - eps, 1 + eps) * advantage);
}

/**
 * The closed form of Problem 14: min(ℓ, 1 + ε)·A if A ≥ 0 and max(ℓ, 1 − ε)·A if A < 0.
 *
 * @param ratio ℓ ≥ 0
 * @param advantage A
 * @param eps ε ∈ (0, 1)
 * @returns the closed form
 * @throws ClipInputError for inputs outside the domain
 * @example
 * ```ts
 * import { clippedObjectiveClosedForm } from "./mod.ts";
 * // A < 0 and ℓ = 0.5 < 1 − ε: the clip caps the gain at (1 − ε)A = −0.8
 * if (clippedObjectiveClosedForm(0.5, -1, 0.2) !== -0.8) throw new Error();
 * ```
 */
export function clippedObjectiveClosedForm(ratio: number, advantage: number, eps: number): number {
  validateClipInput(ratio, advantage, eps);
  return advantage >= 0
    ? Math.min(ratio, 1 + eps) * advantage
    : Math.max(ratio, 1 - eps) * advantage;
}

/**
 * Whether the clip is active on the improving side: the ratio has already moved past the
 * clip range in the direction that raises ℓA (ℓ > 1 + ε with A > 0, or ℓ < 1 − ε with A < 0).
 *
 * @param ratio ℓ
 * @param advantage A
 * @param eps ε
 * @returns true where the objective is flat in ℓ because of the clip
 * @example
 * ```ts
 * import { clipActiveOnImprovingSide } from "./mod.ts";
 * if (!clipActiveOnImprovingSide(1.5, 1, 0.2) || clipActiveOnImprovingSide(0.5, 1, 0.2)) throw new Error();
 * ```
 */
export function clipActiveOnImprovingSide(ratio: number, advantage: number, eps: number): boolean {
  return (advantage > 0 && ratio > 1 + eps) || (advantage < 0 && ratio < 1 - eps);
}

/**
 * ∂C_ε/∂ℓ away from the kinks ℓ = 1 ± ε, from the closed form: 0 where the clip is active
 * on the improving side (and when A = 0), A elsewhere.
 *
 * @param ratio ℓ (not equal to 1 ± ε)
 * @param advantage A
 * @param eps ε
 * @returns the derivative
 * @example
 * ```ts
 * import { clippedObjectiveDerivative } from "./mod.ts";
 * if (clippedObjectiveDerivative(0.5, 3, 0.2) !== 3 || clippedObjectiveDerivative(2, 3, 0.2) !== 0) throw new Error();
 * ```
 */
export function clippedObjectiveDerivative(ratio: number, advantage: number, eps: number): number {
  validateClipInput(ratio, advantage, eps);
  return clipActiveOnImprovingSide(ratio, advantage, eps) ? 0 : advantage;
}

/**
 * C_ε(ℓ, A) as a tfjs computation on a tensor of ratios (elementwise, float32), the way a
 * PPO loss is written: `minimum(ℓ·A, clipByValue(ℓ, 1 − ε, 1 + ε)·A)`.
 *
 * @param ratio ratios ℓ as a tensor
 * @param advantage A
 * @param eps ε
 * @returns the surrogate, elementwise
 * @example
 * ```ts
 * import { tf } from "../../shared/tf/mod.ts";
 * import { clippedObjectiveTf } from "./mod.ts";
 * const v = tf.tidy(() => clippedObjectiveTf(tf.tensor1d([1.5]), 2, 0.25).arraySync());
 * if ((v as number[])[0] !== 2.5) throw new Error(String(v));
 * ```
 */
export function clippedObjectiveTf(ratio: tf.Tensor, advantage: number, eps: number): tf.Tensor {
  return tf.minimum(
    tf.mul(ratio, advantage),
    tf.mul(tf.clipByValue(ratio, 1 - eps, 1 + eps), advantage),
  );
}

/**
 * ∂C_ε/∂ℓ at one ratio by tfjs autodiff (float32), leak-free.
 *
 * @param ratio ℓ ≥ 0
 * @param advantage A
 * @param eps ε ∈ (0, 1)
 * @returns the autodiff derivative
 * @throws ClipInputError for inputs outside the domain
 * @example
 * ```ts
 * import { clippedObjectiveAutodiff } from "./mod.ts";
 * if (clippedObjectiveAutodiff(2, 1, 0.2) !== 0) throw new Error("flat past 1 + ε when A > 0");
 * ```
 */
export function clippedObjectiveAutodiff(ratio: number, advantage: number, eps: number): number {
  validateClipInput(ratio, advantage, eps);
  return autodiffGradient(
    (l) => tf.sum(clippedObjectiveTf(l, advantage, eps)) as tf.Scalar,
    [ratio],
  )[0]!;
}
