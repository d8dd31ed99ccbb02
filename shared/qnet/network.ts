/**
 * The Q-network of the Cliff Walk problems (the handout's `CliffWalkQ.py`, rebuilt in
 * tfjs): a multilayer perceptron from the one-hot encoding of a state to |A| action values,
 *
 *   h_1 = relu(W_1ᵀ e_s + b_1),  h_2 = relu(W_2ᵀ h_1 + b_2),  Q_φ(s, ·) = c · (W_3ᵀ h_2 + b_3),
 *
 * with hidden widths 64 and 64 by default and a fixed output scale c (the reward scale, so
 * the raw outputs are of order 1). Every weight and bias is initialised as PyTorch's
 * `nn.Linear` does by default, U(−1/√fan_in, 1/√fan_in), from seeded tfjs samplers.
 *
 * @module
 */
import { tf } from "../tf/mod.ts";
import { Rng } from "../random/mod.ts";

/** The shape, seed and output scale of a {@link QNet}. */
export interface QNetOptions {
  /** |S|: the length of the one-hot input. */
  nStates: number;
  /** |A|: the number of outputs. */
  nActions: number;
  /** Seed of the initialisation. */
  seed: number;
  /** Hidden layer widths; default [64, 64]. */
  hidden?: readonly number[];
  /** The output scale c: Q_φ = c · (last affine layer); default 1. */
  outputScale?: number;
}

/** Thrown for invalid network options or inputs; the message names the field and value. */
export class QNetInputError extends Error {
  override name = "QNetInputError";
}

/** Plain float64 copies of a network's parameters, layer by layer: W is [fan_in][fan_out]. */
export interface QNetWeights {
  /** The kernels W_1, …, W_L as nested arrays [fan_in][fan_out]. */
  kernels: number[][][];
  /** The biases b_1, …, b_L. */
  biases: number[][];
  /** The output scale c. */
  outputScale: number;
}

/**
 * The Q-network Q_φ(s, ·). Owns its tfjs variables: call {@link QNet.dispose} when done.
 *
 * @example
 * ```ts
 * import { QNet } from "./mod.ts";
 * import { withNoTensorLeak } from "../tf/mod.ts";
 * await withNoTensorLeak("qnet", () => {
 *   const net = new QNet({ nStates: 3, nActions: 2, seed: 1 });
 *   const q = net.table(); // Q_φ(s, a) for every s, a: [3 · 2]
 *   net.dispose();
 *   if (q.length !== 6) throw new Error();
 * });
 * ```
 */
export class QNet {
  /** |S|. */
  readonly nStates: number;
  /** |A|. */
  readonly nActions: number;
  /** Hidden widths. */
  readonly hidden: readonly number[];
  /** The output scale c. */
  readonly outputScale: number;
  /** W_1, …, W_L (each [fan_in, fan_out]). */
  readonly kernels: tf.Variable[];
  /** b_1, …, b_L. */
  readonly biases: tf.Variable[];

  /**
   * @param options sizes, seed and output scale
   * @throws QNetInputError naming a bad size, seed or scale
   */
  constructor(options: QNetOptions) {
    const { nStates, nActions, seed, hidden = [64, 64], outputScale = 1 } = options;
    positiveInt("nStates", nStates);
    positiveInt("nActions", nActions);
    hidden.forEach((h, i) => positiveInt(`hidden[${i}]`, h));
    if (!Number.isInteger(seed)) throw new QNetInputError(`seed must be an integer, got ${seed}`);
    if (!(outputScale > 0) || !Number.isFinite(outputScale)) {
      throw new QNetInputError(`outputScale must be a positive finite number, got ${outputScale}`);
    }
    this.nStates = nStates;
    this.nActions = nActions;
    this.hidden = [...hidden];
    this.outputScale = outputScale;
    const sizes = [nStates, ...hidden, nActions];
    const seeds = new Rng(seed);
    this.kernels = [];
    this.biases = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l]!;
      const fanOut = sizes[l + 1]!;
      // PyTorch's nn.Linear default: weight and bias ~ U(−1/√fan_in, 1/√fan_in)
      const bound = 1 / Math.sqrt(fanIn);
      const kSeed = seeds.int(2 ** 31);
      const bSeed = seeds.int(2 ** 31);
      // inside tidy: the sampled initial tensors are freed once copied into the variables
      this.kernels.push(
        tf.tidy(() =>
          tf.variable(tf.randomUniform([fanIn, fanOut], -bound, bound, "float32", kSeed))
        ),
      );
      this.biases.push(
        tf.tidy(() => tf.variable(tf.randomUniform([fanOut], -bound, bound, "float32", bSeed))),
      );
    }
  }

  /**
   * Q_φ(s, ·) for a batch of states (call inside `tf.tidy`).
   *
   * @param states int32 state indices [B]
   * @returns the action values [B, |A|]
   * @example
   * ```ts
   * import { QNet } from "./mod.ts";
   * import { tf } from "../tf/mod.ts";
   * const net = new QNet({ nStates: 4, nActions: 2, seed: 3 });
   * const shape = tf.tidy(() => net.apply(tf.tensor1d([0, 3], "int32")).shape);
   * net.dispose();
   * if (shape.join() !== "2,2") throw new Error();
   * ```
   */
  apply(states: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = tf.oneHot(states, this.nStates).toFloat() as tf.Tensor2D; // [B, S]
      const L = this.kernels.length;
      for (let l = 0; l < L; l++) {
        // [B, fan_in] x [fan_in, fan_out] -> [B, fan_out]
        const z = h.matMul(this.kernels[l]!).add(this.biases[l]!) as tf.Tensor2D;
        h = l + 1 < L ? z.relu() : z;
      }
      return h.mul(this.outputScale) as tf.Tensor2D;
    });
  }

  /**
   * The whole table Q_φ(s, a) for every state, one forward pass over all states, read back
   * synchronously (call it once per update, never per step).
   *
   * @returns Q_φ flat and row-major: entry s · |A| + a
   * @example
   * ```ts
   * import { QNet } from "./mod.ts";
   * const net = new QNet({ nStates: 2, nActions: 3, seed: 5 });
   * const q = net.table();
   * net.dispose();
   * if (q.length !== 6 || !q.every(Number.isFinite)) throw new Error();
   * ```
   */
  table(): Float32Array {
    const q = tf.tidy(() => this.apply(tf.range(0, this.nStates, 1, "int32") as tf.Tensor1D));
    const out = q.dataSync() as Float32Array;
    q.dispose();
    return Float32Array.from(out);
  }

  /**
   * One optimiser step on the regression loss
   * L(φ) = (1/2B) Σ_i ((Q_φ(s_i, a_i) − y_i) / c)², the squared error in units of the
   * output scale (the targets y_i are constants: no gradient flows into them).
   *
   * @param optimizer a tfjs optimiser (its state persists across steps)
   * @param states s_i
   * @param actions a_i
   * @param targets y_i
   * @returns nothing; the variables are updated in place
   * @throws QNetInputError on mismatched lengths or an out-of-range state or action
   * @example
   * ```ts
   * import { QNet } from "./mod.ts";
   * import { tf } from "../tf/mod.ts";
   * const net = new QNet({ nStates: 2, nActions: 2, seed: 7 });
   * const opt = tf.train.adam(0.05);
   * for (let i = 0; i < 200; i++) {
   *   net.fitStep(opt, Int32Array.of(0, 1), Int32Array.of(1, 0), Float32Array.of(2, -1));
   * }
   * const q = net.table();
   * net.dispose();
   * opt.dispose();
   * if (Math.abs(q[1]! - 2) > 0.05 || Math.abs(q[2]! + 1) > 0.05) throw new Error(String(q));
   * ```
   */
  fitStep(
    optimizer: tf.Optimizer,
    states: Int32Array,
    actions: Int32Array,
    targets: Float32Array,
  ): void {
    const n = states.length;
    if (actions.length !== n || targets.length !== n || n === 0) {
      throw new QNetInputError(
        `fitStep: ${n} states, ${actions.length} actions and ${targets.length} targets (need equal, > 0)`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!(states[i]! >= 0 && states[i]! < this.nStates)) {
        throw new QNetInputError(
          `fitStep: state ${states[i]} at index ${i} is not in [0, ${this.nStates})`,
        );
      }
      if (!(actions[i]! >= 0 && actions[i]! < this.nActions)) {
        throw new QNetInputError(
          `fitStep: action ${actions[i]} at index ${i} is not in [0, ${this.nActions})`,
        );
      }
    }
    const params = [...this.kernels, ...this.biases];
    tf.tidy(() => {
      const s = tf.tensor1d(states, "int32");
      const a = tf.oneHot(tf.tensor1d(actions, "int32"), this.nActions).toFloat(); // [B, A]
      const y = tf.tensor1d(targets).div(this.outputScale); // [B]
      const { grads } = tf.variableGrads(() => {
        const q = this.apply(s).div(this.outputScale).mul(a).sum(1); // Q(s_i, a_i) / c: [B]
        return q.sub(y).square().mean().div(2) as tf.Scalar;
      }, params);
      optimizer.applyGradients(grads);
      tf.dispose(grads);
    });
  }

  /**
   * One optimiser step on a weighted regression of the whole table:
   * L(φ) = (1/2) Σ_{s,a} w(s, a) ((Q_φ(s, a) − y(s, a)) / c)² / Σ_{s,a} w(s, a), one forward
   * pass over all states. With w(s, a) = n(s, a), the number of samples of (s, a), and
   * y(s, a) their mean target, this has the same gradient as the sample-by-sample loss
   * (1/2N) Σ_i ((Q_φ(s_i, a_i) − y_i) / c)² (the two differ by a constant in φ).
   *
   * @param optimizer a tfjs optimiser (its state persists across steps)
   * @param targets y, flat row-major [|S| · |A|] (entries with weight 0 are ignored)
   * @param weights w ≥ 0, flat row-major [|S| · |A|], not all 0
   * @returns nothing; the variables are updated in place
   * @throws QNetInputError on a wrong length, a negative or all-zero weight, or a
   *   non-finite target where the weight is positive
   * @example
   * ```ts
   * import { QNet } from "./mod.ts";
   * import { tf } from "../tf/mod.ts";
   * const net = new QNet({ nStates: 2, nActions: 2, seed: 7 });
   * const opt = tf.train.adam(0.05);
   * const y = Float32Array.of(0, 2, -1, 0);
   * const w = Float32Array.of(0, 1, 3, 0); // only (0, 1) and (1, 0) are fitted
   * for (let i = 0; i < 200; i++) net.fitTable(opt, y, w);
   * const q = net.table();
   * net.dispose();
   * opt.dispose();
   * if (Math.abs(q[1]! - 2) > 0.05 || Math.abs(q[2]! + 1) > 0.05) throw new Error(String(q));
   * ```
   */
  fitTable(optimizer: tf.Optimizer, targets: Float32Array, weights: Float32Array): void {
    const n = this.nStates * this.nActions;
    if (targets.length !== n || weights.length !== n) {
      throw new QNetInputError(
        `fitTable: expected ${n} targets and weights, got ${targets.length} and ${weights.length}`,
      );
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0)) throw new QNetInputError(`fitTable: weight ${w} at entry ${i} is not ≥ 0`);
      if (w > 0 && !Number.isFinite(targets[i]!)) {
        throw new QNetInputError(`fitTable: target ${targets[i]} at entry ${i} is not finite`);
      }
      total += w;
    }
    if (!(total > 0)) throw new QNetInputError("fitTable: every weight is 0");
    const params = [...this.kernels, ...this.biases];
    tf.tidy(() => {
      const S = this.nStates;
      const A = this.nActions;
      const all = tf.range(0, S, 1, "int32") as tf.Tensor1D;
      const w = tf.tensor2d(weights, [S, A]).div(total); // normalised weights [S, A]
      // zero the targets of unweighted entries so a NaN there cannot reach the loss
      const y = tf.tensor2d(targets.map((t, i) => (weights[i]! > 0 ? t : 0)), [S, A])
        .div(this.outputScale);
      const { grads } = tf.variableGrads(() => {
        const q = this.apply(all).div(this.outputScale); // [S, A]
        return q.sub(y).square().mul(w).sum().div(2) as tf.Scalar;
      }, params);
      optimizer.applyGradients(grads);
      tf.dispose(grads);
    });
  }

  /**
   * Float64 copies of the parameters (for the plain-TypeScript reference forward pass).
   *
   * @returns kernels, biases and the output scale
   * @example
   * ```ts
   * import { QNet } from "./mod.ts";
   * const net = new QNet({ nStates: 3, nActions: 2, seed: 1, hidden: [5] });
   * const w = net.weights();
   * net.dispose();
   * if (w.kernels.length !== 2 || w.kernels[0]!.length !== 3 || w.biases[1]!.length !== 2) throw new Error();
   * ```
   */
  weights(): QNetWeights {
    return {
      kernels: this.kernels.map((k) => k.arraySync() as number[][]),
      biases: this.biases.map((b) => b.arraySync() as number[]),
      outputScale: this.outputScale,
    };
  }

  /**
   * Loads plain parameters into this network (rounded to float32), e.g. those of a trained
   * `TableQNet`, to evaluate them with the tfjs forward pass.
   *
   * @param w kernels [fan_in][fan_out], biases and output scale, shaped like this network's
   * @throws QNetInputError if a layer's shape or the output scale differs
   * @example
   * ```ts
   * import { QNet } from "./mod.ts";
   * const net = new QNet({ nStates: 2, nActions: 1, seed: 1, hidden: [] });
   * net.setWeights({ kernels: [[[0.5], [-2]]], biases: [[1]], outputScale: 1 });
   * const q = net.table(); // Q(s) = W[s][0] + b[0]
   * net.dispose();
   * if (q.join() !== "1.5,-1") throw new Error(String(q));
   * ```
   */
  setWeights(w: QNetWeights): void {
    const L = this.kernels.length;
    // one guard: the layer count first, so that every layer indexed below exists
    if (
      w.kernels.length !== L || w.biases.length !== L || w.outputScale !== this.outputScale ||
      this.kernels.some(({ shape: [fanIn, fanOut] }, l) =>
        w.kernels[l]!.length !== fanIn || w.biases[l]!.length !== fanOut ||
        w.kernels[l]!.some((row) => row.length !== fanOut)
      )
    ) {
      throw new QNetInputError(
        `setWeights: expected layers ${
          this.kernels.map((v) => `[${v.shape.join(", ")}]`).join(", ")
        } ` +
          `with scale ${this.outputScale}, got ${
            w.kernels.map((k, l) => `[${k.length}, ${k[0]?.length}] (bias ${w.biases[l]?.length})`)
              .join(", ")
          } with scale ${w.outputScale}`,
      );
    }
    // the tensors are created inside tidy and freed once assigned to the variables
    tf.tidy(() => {
      this.kernels.forEach((v, l) => v.assign(tf.tensor2d(w.kernels[l]!)));
      this.biases.forEach((v, l) => v.assign(tf.tensor1d(w.biases[l]!)));
    });
  }

  /**
   * Copies another network's parameters into this one (same shape), e.g. a target network.
   *
   * @param other the source network
   * @throws QNetInputError if the shapes differ
   * @example
   * ```ts
   * import { QNet } from "./mod.ts";
   * const a = new QNet({ nStates: 2, nActions: 2, seed: 1 });
   * const b = new QNet({ nStates: 2, nActions: 2, seed: 2 });
   * b.copyFrom(a);
   * const same = a.table().every((x, i) => x === b.table()[i]);
   * a.dispose();
   * b.dispose();
   * if (!same) throw new Error();
   * ```
   */
  copyFrom(other: QNet): void {
    const mine = [...this.kernels, ...this.biases];
    const theirs = [...other.kernels, ...other.biases];
    if (
      mine.length !== theirs.length ||
      mine.some((v, i) => v.shape.join() !== theirs[i]!.shape.join()) ||
      this.outputScale !== other.outputScale
    ) {
      throw new QNetInputError("copyFrom: the two networks have different shapes or scales");
    }
    mine.forEach((v, i) => v.assign(theirs[i]!));
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose([...this.kernels, ...this.biases]);
  }
}

/**
 * The same forward pass in float64 plain TypeScript: the reference the tfjs network is
 * checked against.
 *
 * @param w the parameters (from {@link QNet.weights})
 * @param s the state
 * @returns Q_φ(s, ·)
 * @example
 * ```ts
 * import { referenceForward } from "./mod.ts";
 * // one layer, no hidden: Q(s, ·) = c · (row s of W + b)
 * const q = referenceForward({ kernels: [[[1, 2], [3, 4]]], biases: [[0.5, 0]], outputScale: 2 }, 1);
 * if (q.join() !== "7,8") throw new Error();
 * ```
 */
export function referenceForward(w: QNetWeights, s: number): number[] {
  const first = w.kernels[0];
  if (!first || !Number.isInteger(s) || s < 0 || s >= first.length) {
    throw new QNetInputError(`referenceForward: state ${s} is not in [0, ${first?.length ?? 0})`);
  }
  // the one-hot input picks row s of W_1
  let h = first[s]!.map((x, j) => x + w.biases[0]![j]!);
  for (let l = 1; l < w.kernels.length; l++) {
    const z = h.map((x) => Math.max(0, x)); // relu of the previous layer
    const W = w.kernels[l]!;
    h = w.biases[l]!.map((b, j) => z.reduce((acc, x, i) => acc + x * W[i]![j]!, b));
  }
  return h.map((x) => w.outputScale * x);
}

function positiveInt(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new QNetInputError(`${name} must be a positive integer, got ${n}`);
  }
}
