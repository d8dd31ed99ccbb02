/**
 * K independent copies of the policy MLP (`shared/mlp`'s stack) held as tfjs variables, so
 * that K seeds train as one batched program: one forward pass gives all K policies on all
 * 48 states, and one gradient step updates all K networks. The losses of different copies
 * share no parameter, so the gradient of their sum is each copy's own gradient, and Adam
 * (elementwise, with one step counter for all) updates each copy exactly as if it trained
 * alone.
 *
 * @module
 */
import { tf } from "../../shared/tf/mod.ts";
import type { StackedMlp } from "../../shared/mlp/mod.ts";

// the stack itself (its variables, initialisation and disposal) is shared/mlp's; what is
// Problem 19's own is the faster forward pass below
export { createStackedMlp, disposeStackedMlp, type StackedMlp } from "../../shared/mlp/mod.ts";

/**
 * The logits of every copy on every state. The input one-hot(s) times the first layer is
 * row s of it, so the first layer needs no matrix product. Call inside `tf.tidy` or a
 * gradient function.
 *
 * @param net the copies
 * @returns [K, S, A] logits
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp, stackedLogits } from "./stacked_mlp.ts";
 * import { createMlp, disposeMlp, mlpForwardAll } from "../../shared/mlp/mod.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * // copy 1 of the stack is the network createMlp makes from the same seed
 * const stack = createStackedMlp(5, 3, 2, [10, 20], 1);
 * const single = createMlp(5, 3, 2, 20, 1);
 * const gap = tf.tidy(() =>
 *   tf.max(tf.abs(tf.sub(tf.gather(stackedLogits(stack), 1), mlpForwardAll(single)))).arraySync() as number
 * );
 * if (!(gap < 1e-6)) throw new Error(String(gap));
 * disposeStackedMlp(stack);
 * disposeMlp(single);
 * ```
 */
export function stackedLogits(net: StackedMlp): tf.Tensor3D {
  const pre = tf.add(net.w1, net.b1); // [K, S, H] + [K, 1, H] -> [K, S, H]
  // tanh(x) = 2σ(2x) − 1: the same function, and tfjs-wasm's sigmoid is about 5× faster
  const h = tf.sub(tf.mul(tf.sigmoid(tf.mul(pre, 2)), 2), 1);
  return tf.add(tf.matMul(h, net.w2), net.b2) as tf.Tensor3D; // [K, S, H] x [K, H, A] -> [K, S, A]
}
