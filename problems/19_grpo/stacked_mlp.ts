/**
 * K independent copies of the policy MLP of `shared/mlp` held as stacked tfjs variables, so
 * that K seeds train as one batched program: one forward pass gives all K policies on all
 * 48 states, and one gradient step updates all K networks. The losses of different copies
 * share no parameter, so the gradient of their sum is each copy's own gradient, and Adam
 * (elementwise, with one step counter for all) updates each copy exactly as if it trained
 * alone.
 *
 * @module
 */
import { tf } from "../../shared/tf/mod.ts";

/** K stacked MLPs one-hot(s) → tanh hidden layer → logits. */
export interface StackedMlp {
  /** [K, S, H]: row s of copy k is its first layer applied to one-hot(s). */
  readonly w1: tf.Variable;
  /** [K, 1, H] first-layer biases. */
  readonly b1: tf.Variable;
  /** [K, H, A] output weights. */
  readonly w2: tf.Variable;
  /** [K, 1, A] output biases. */
  readonly b2: tf.Variable;
  /** The four variables, for optimizers. */
  readonly variables: tf.Variable[];
  /** Number of copies K. */
  readonly copies: number;
}

/**
 * Creates K copies, copy k initialised exactly as `createMlp(nStates, hidden, nOut, seeds[k],
 * outputScale)` of `shared/mlp` (Glorot-uniform first layer from seed, output layer from
 * seed + 1 scaled by `outputScale`, zero biases).
 *
 * @param nStates |S|
 * @param hidden H
 * @param nOut |A|
 * @param seeds one initialiser seed per copy
 * @param outputScale multiplier of the output weights
 * @returns the stacked variables
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp, stackedLogits } from "./stacked_mlp.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * const net = createStackedMlp(48, 8, 4, [1, 2, 3], 0.01);
 * const z = tf.tidy(() => stackedLogits(net));
 * if (z.shape.join() !== "3,48,4") throw new Error(z.shape.join());
 * z.dispose();
 * disposeStackedMlp(net);
 * ```
 */
export function createStackedMlp(
  nStates: number,
  hidden: number,
  nOut: number,
  seeds: readonly number[],
  outputScale: number,
): StackedMlp {
  const k = seeds.length;
  const w1 = tf.tidy(() =>
    tf.variable(
      tf.stack(
        seeds.map((s) => tf.initializers.glorotUniform({ seed: s | 0 }).apply([nStates, hidden])),
      ),
    )
  );
  const b1 = tf.tidy(() => tf.variable(tf.zeros([k, 1, hidden])));
  const w2 = tf.tidy(() =>
    tf.variable(
      tf.mul(
        tf.stack(
          seeds.map((s) =>
            tf.initializers.glorotUniform({ seed: (s + 1) | 0 }).apply([hidden, nOut])
          ),
        ),
        outputScale,
      ),
    )
  );
  const b2 = tf.tidy(() => tf.variable(tf.zeros([k, 1, nOut])));
  return { w1, b1, w2, b2, variables: [w1, b1, w2, b2], copies: k };
}

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

/**
 * Disposes the copies' variables.
 *
 * @param net the copies
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp } from "./stacked_mlp.ts";
 * disposeStackedMlp(createStackedMlp(2, 2, 2, [1], 1));
 * ```
 */
export function disposeStackedMlp(net: StackedMlp): void {
  for (const v of net.variables) v.dispose();
}
