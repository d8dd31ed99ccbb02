/**
 * The loss that trains GRPO and Dr. GRPO, in tfjs: minus the clipped objective grouped by
 * (state, action) and by the sign of the advantage (weights from `clipWeights`).
 *
 * @module
 */
import { tf } from "../../shared/tf/mod.ts";

/**
 * The loss that trains: minus the grouped clipped objective,
 * −Σ_{s,a} (W⁺ min(ρ, 1 + ε) + W⁻ max(ρ, 1 − ε)) with ρ = exp(log softmax(z) − log π_old)
 * (Problem 14: Â ≥ 0 → Â min(ρ, 1 + ε), Â < 0 → Â max(ρ, 1 − ε)); without the clip
 * −Σ (W⁺ + W⁻) ρ. Works on one network's logits [S, A] or on K networks' [K, S, A] (the sum
 * then adds K independent losses). Call inside a gradient function or `tf.tidy`.
 *
 * @param logits z of π_θ, [S, A] or [K, S, A]
 * @param oldLogp log π_old, same shape (a constant)
 * @param positive W⁺, same shape
 * @param negative W⁻, same shape
 * @param clip ε, or null for no clip
 * @returns the scalar loss
 * @example
 * ```ts
 * import { clippedLoss } from "./loss.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * const loss = tf.tidy(() => {
 *   const z = tf.tensor2d([[0, 0]]);
 *   const old = tf.logSoftmax(z); // ρ = 1 everywhere
 *   return clippedLoss(z, old, tf.tensor2d([[2, 0]]), tf.tensor2d([[0, -0.5]]), 0.2).arraySync();
 * });
 * if (Math.abs(loss - -1.5) > 1e-6) throw new Error(String(loss));
 * ```
 */
export function clippedLoss(
  logits: tf.Tensor,
  oldLogp: tf.Tensor,
  positive: tf.Tensor,
  negative: tf.Tensor,
  clip: number | null,
): tf.Scalar {
  const ratio = tf.exp(tf.sub(tf.logSoftmax(logits), oldLogp)); // ρ, same shape as the logits
  if (clip === null) return tf.neg(tf.sum(tf.mul(tf.add(positive, negative), ratio)));
  const up = tf.mul(positive, tf.minimum(ratio, 1 + clip)); // Â > 0: Â min(ρ, 1 + ε)
  const down = tf.mul(negative, tf.maximum(ratio, 1 - clip)); // Â < 0: Â max(ρ, 1 − ε)
  return tf.neg(tf.sum(tf.add(up, down)));
}
