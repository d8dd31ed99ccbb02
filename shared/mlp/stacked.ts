/**
 * K independent copies of the MLP of {@link createMlp} held as stacked tfjs variables, so
 * that K seeds train as one batched program: one forward pass gives all K networks on all
 * states, and one gradient step updates all K. The losses of different copies share no
 * parameter, so the gradient of their sum is each copy's own gradient, and Adam (elementwise,
 * with one step counter for all) updates each copy exactly as if it trained alone.
 *
 * @module
 */
import { tf } from "../tf/mod.ts";

/** K stacked MLPs one-hot(s) → tanh hidden layer → outputs. */
export interface StackedMlp {
  /** [K, S, H]: row s of copy k is its first layer applied to one-hot(s). */
  readonly w1: tf.Variable;
  /** [K, 1, H] first-layer biases. */
  readonly b1: tf.Variable;
  /** [K, H, O] output weights. */
  readonly w2: tf.Variable;
  /** [K, 1, O] output biases. */
  readonly b2: tf.Variable;
  /** The four variables, for optimizers. */
  readonly variables: tf.Variable[];
  /** Number of copies K. */
  readonly copies: number;
  /** Number of states S (input width). */
  readonly nStates: number;
  /** Output width O. */
  readonly nOut: number;
}

/**
 * Creates K copies; copy k is initialised exactly as `createMlp(nStates, hidden, nOut,
 * seeds[k], outputScale)` (Glorot-uniform first layer from the seed, output layer from
 * seed + 1 scaled by `outputScale`, zero biases).
 *
 * @param nStates |S|
 * @param hidden H
 * @param nOut outputs per state (|A| logits, or 1 for a value)
 * @param seeds one initialiser seed per copy (at least one)
 * @param outputScale multiplier of the output weights (default 1)
 * @returns the stacked variables
 * @throws RangeError for an empty list of seeds
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp, stackedForwardAll } from "./mod.ts";
 * import { tf } from "../tf/mod.ts";
 * const net = createStackedMlp(48, 8, 4, [1, 2, 3], 0.01);
 * const z = tf.tidy(() => stackedForwardAll(net));
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
  outputScale = 1,
): StackedMlp {
  const k = seeds.length;
  if (k < 1) throw new RangeError("createStackedMlp: at least one seed is needed");
  const glorot = (seed: number, shape: [number, number]) =>
    tf.initializers.glorotUniform({ seed: seed | 0 }).apply(shape) as tf.Tensor2D;
  const w1 = tf.tidy(() => tf.variable(tf.stack(seeds.map((s) => glorot(s, [nStates, hidden])))));
  const b1 = tf.tidy(() => tf.variable(tf.zeros([k, 1, hidden])));
  const w2 = tf.tidy(() =>
    tf.variable(tf.mul(tf.stack(seeds.map((s) => glorot(s + 1, [hidden, nOut]))), outputScale))
  );
  const b2 = tf.tidy(() => tf.variable(tf.zeros([k, 1, nOut])));
  return { w1, b1, w2, b2, variables: [w1, b1, w2, b2], copies: k, nStates, nOut };
}

/**
 * Every copy on every state. The input one-hot(s) times the first layer is row s of it,
 * so the first layer needs no matrix product. Call inside `tf.tidy` or a gradient function.
 *
 * @param net the copies
 * @returns [K, S, O] outputs
 * @example
 * ```ts
 * import { createMlp, createStackedMlp, disposeMlp, disposeStackedMlp, mlpForwardAll, stackedForwardAll } from "./mod.ts";
 * import { tf } from "../tf/mod.ts";
 * // copy 1 of the stack is the network createMlp makes from the same seed
 * const stack = createStackedMlp(5, 3, 2, [10, 20]);
 * const single = createMlp(5, 3, 2, 20);
 * const gap = tf.tidy(() =>
 *   tf.max(tf.abs(tf.sub(tf.gather(stackedForwardAll(stack), 1), mlpForwardAll(single)))).arraySync() as number
 * );
 * if (!(gap < 1e-6)) throw new Error(String(gap));
 * disposeStackedMlp(stack);
 * disposeMlp(single);
 * ```
 */
export function stackedForwardAll(net: StackedMlp): tf.Tensor3D {
  const h = tf.tanh(tf.add(net.w1, net.b1)); // [K, S, H] + [K, 1, H] -> [K, S, H]
  return tf.add(tf.matMul(h, net.w2), net.b2) as tf.Tensor3D; // [K, S, H] x [K, H, O] -> [K, S, O]
}

/**
 * Reads all K policy tables at once (softmax of the logits, one read from tfjs), as float64
 * rows renormalised to sum to 1: `tables[k][s]` is π_k(· | s).
 *
 * @param net the stacked policy networks
 * @returns K tables of S rows
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp, stackedPolicyTables } from "./mod.ts";
 * const net = createStackedMlp(4, 8, 3, [5, 6], 0.01);
 * const tables = await stackedPolicyTables(net);
 * if (tables.length !== 2 || Math.abs(tables[1]![3]!.reduce((a, b) => a + b) - 1) > 1e-12) throw new Error();
 * disposeStackedMlp(net);
 * ```
 */
export async function stackedPolicyTables(net: StackedMlp): Promise<number[][][]> {
  const probs = tf.tidy(() => tf.softmax(stackedForwardAll(net)));
  const flat = await probs.data();
  probs.dispose();
  return split(flat, net).map((table) =>
    table.map((row) => {
      const total = row.reduce((a, b) => a + b, 0);
      return row.map((p) => p / total);
    })
  );
}

/**
 * Reads all K value tables at once: `values[k][s]` is V_k(s) (networks with one output).
 *
 * @param net the stacked value networks
 * @returns K arrays of S values
 * @throws RangeError if the networks have more than one output
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp, stackedValueTables } from "./mod.ts";
 * const net = createStackedMlp(4, 8, 1, [5, 6, 7]);
 * const v = await stackedValueTables(net);
 * if (v.length !== 3 || v[2]!.length !== 4) throw new Error();
 * disposeStackedMlp(net);
 * ```
 */
export async function stackedValueTables(net: StackedMlp): Promise<number[][]> {
  if (net.nOut !== 1) throw new RangeError(`value tables need one output, got ${net.nOut}`);
  const out = tf.tidy(() => stackedForwardAll(net));
  const flat = await out.data();
  out.dispose();
  return split(flat, net).map((table) => table.map((row) => row[0]!));
}

/**
 * Reads a policy stack and a value stack in one transfer from tfjs: the K softmax tables
 * and the K value tables, flat. `probs[(k · S + s) · A + a]` is π_k(a | s) in float32 (rows
 * sum to 1 within about 1e-7: renormalise before exact use); `values[k · S + s]` is V_k(s).
 *
 * @param policy the K stacked policy networks
 * @param value the K stacked value networks (one output each)
 * @returns the flat probabilities [K · S · A] and values [K · S]
 * @throws RangeError if the stacks differ in K or S, or the value networks have more than one output
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp, readPolicyAndValues, stackedValueTables } from "./mod.ts";
 * const pi = createStackedMlp(4, 8, 3, [5, 6], 0.01);
 * const vf = createStackedMlp(4, 8, 1, [7, 8]);
 * const { probs, values } = await readPolicyAndValues(pi, vf);
 * const v = await stackedValueTables(vf);
 * if (probs.length !== 2 * 4 * 3 || values[4 + 2] !== v[1]![2]) throw new Error();
 * disposeStackedMlp(pi);
 * disposeStackedMlp(vf);
 * ```
 */
export async function readPolicyAndValues(
  policy: StackedMlp,
  value: StackedMlp,
): Promise<{ probs: Float32Array; values: Float32Array }> {
  if (value.nOut !== 1) throw new RangeError(`value tables need one output, got ${value.nOut}`);
  if (policy.copies !== value.copies || policy.nStates !== value.nStates) {
    throw new RangeError("readPolicyAndValues: the stacks differ in copies or states");
  }
  const both = tf.tidy(() =>
    tf.concat([
      tf.reshape(tf.softmax(stackedForwardAll(policy)), [-1]), // [K, S, A] -> [K·S·A]
      tf.reshape(stackedForwardAll(value), [-1]), // [K, S, 1] -> [K·S]
    ])
  );
  const flat = (await both.data()) as Float32Array;
  both.dispose();
  const n = policy.copies * policy.nStates * policy.nOut;
  return { probs: flat.subarray(0, n), values: flat.subarray(n) };
}

/**
 * Disposes the copies' variables.
 *
 * @param net the copies
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp } from "./mod.ts";
 * disposeStackedMlp(createStackedMlp(2, 2, 2, [1]));
 * ```
 */
export function disposeStackedMlp(net: StackedMlp): void {
  for (const v of net.variables) v.dispose();
}

function split(flat: ArrayLike<number>, net: StackedMlp): number[][][] {
  const out: number[][][] = [];
  let i = 0;
  for (let k = 0; k < net.copies; k++) {
    const table: number[][] = [];
    for (let s = 0; s < net.nStates; s++) {
      const row: number[] = [];
      for (let o = 0; o < net.nOut; o++) row.push(flat[i++]!);
      table.push(row);
    }
    out.push(table);
  }
  return out;
}
