/**
 * The Cliff Walk Q-network of {@link QNet} (same architecture, same initialisation law) in
 * float64 plain TypeScript, with its hand-written backward pass and its own Adam. The fitted
 * evaluation problems (16 and 17) train this one: every Adam step fits the whole 48 × 4
 * table, and on inputs this small a plain loop over the states is several times cheaper than
 * dispatching tfjs kernels. Its forward pass, gradient and Adam step are checked against the
 * tfjs network, tfjs autodiff and `tf.train.adam` in `qnet_test.ts`.
 *
 * Layers: h_0 = e_s (one-hot), z_l = W_lᵀ h_{l−1} + b_l, h_l = relu(z_l) for the hidden
 * layers, Q_φ(s, ·) = c · z_L.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import { QNetInputError, type QNetOptions, type QNetWeights } from "./network.ts";

/** Adam's hyperparameters (Kingma and Ba, 2015); the defaults are tfjs's. */
export interface AdamOptions {
  /** The learning rate. */
  learningRate: number;
  /** Decay of the first moment; default 0.9. */
  beta1?: number;
  /** Decay of the second moment; default 0.999. */
  beta2?: number;
  /** Added to √v̂ in the denominator; default 1e-7 (tfjs's float32 epsilon). */
  epsilon?: number;
}

/**
 * A Q-network over one-hot states in float64, trained by full-table weighted least squares
 * with Adam. Plain data: nothing to dispose.
 *
 * @example
 * ```ts
 * import { TableQNet } from "./mod.ts";
 * const net = new TableQNet({ nStates: 2, nActions: 2, seed: 7 }, { learningRate: 0.05 });
 * const y = Float64Array.of(2, -1, 0, 0);
 * const w = Float64Array.of(1, 1, 0, 0); // only state 0 has data
 * for (let i = 0; i < 300; i++) net.adamStep(y, w);
 * const q = net.table();
 * if (Math.abs(q[0]! - 2) > 0.01 || Math.abs(q[1]! + 1) > 0.01) throw new Error(String(q));
 * ```
 */
export class TableQNet {
  /** |S|. */
  readonly nStates: number;
  /** |A|. */
  readonly nActions: number;
  /** The output scale c. */
  readonly outputScale: number;
  /** W_1, …, W_L, each row-major [fan_in · fan_out]. */
  readonly kernels: Float64Array[];
  /** b_1, …, b_L. */
  readonly biases: Float64Array[];
  /** Layer widths |S|, hidden…, |A|. */
  readonly sizes: readonly number[];
  readonly #adam: Required<AdamOptions>;
  /** Adam's moments, one per parameter tensor: kernels first, then biases. */
  readonly #m: Float64Array[];
  readonly #v: Float64Array[];
  #t = 0;

  /**
   * @param options sizes, seed and output scale, as for {@link QNet}
   * @param adam Adam's hyperparameters
   * @param init start from these parameters instead of a seeded draw (e.g. a {@link QNet}'s)
   * @throws QNetInputError naming a bad size, seed, scale, learning rate or shape of `init`
   */
  constructor(
    options: QNetOptions,
    adam: AdamOptions = { learningRate: 1e-3 },
    init?: QNetWeights,
  ) {
    const { nStates, nActions, seed, hidden = [64, 64], outputScale = 1 } = options;
    for (const [name, n] of [["nStates", nStates], ["nActions", nActions]] as const) {
      if (!Number.isInteger(n) || n < 1) {
        throw new QNetInputError(`${name} must be a positive integer, got ${n}`);
      }
    }
    hidden.forEach((h, i) => {
      if (!Number.isInteger(h) || h < 1) {
        throw new QNetInputError(`hidden[${i}] must be a positive integer, got ${h}`);
      }
    });
    if (!Number.isInteger(seed)) throw new QNetInputError(`seed must be an integer, got ${seed}`);
    if (!(outputScale > 0) || !Number.isFinite(outputScale)) {
      throw new QNetInputError(`outputScale must be a positive finite number, got ${outputScale}`);
    }
    if (!(adam.learningRate > 0) || !Number.isFinite(adam.learningRate)) {
      throw new QNetInputError(`learningRate must be a positive number, got ${adam.learningRate}`);
    }
    this.nStates = nStates;
    this.nActions = nActions;
    this.outputScale = outputScale;
    this.sizes = [nStates, ...hidden, nActions];
    this.#adam = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, ...adam };
    this.kernels = [];
    this.biases = [];
    const rng = new Rng(seed);
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const fanIn = this.sizes[l]!;
      const fanOut = this.sizes[l + 1]!;
      if (init) {
        const k = init.kernels[l];
        const b = init.biases[l];
        if (k?.length !== fanIn || k[0]?.length !== fanOut || b?.length !== fanOut) {
          throw new QNetInputError(`init: layer ${l} is not [${fanIn}, ${fanOut}]`);
        }
        this.kernels.push(Float64Array.from(k.flat()));
        this.biases.push(Float64Array.from(b));
      } else {
        // PyTorch's nn.Linear default: weight and bias ~ U(−1/√fan_in, 1/√fan_in)
        const bound = 1 / Math.sqrt(fanIn);
        const draw = () => (2 * rng.uniform() - 1) * bound;
        this.kernels.push(Float64Array.from({ length: fanIn * fanOut }, draw));
        this.biases.push(Float64Array.from({ length: fanOut }, draw));
      }
    }
    if (init && init.outputScale !== outputScale) {
      throw new QNetInputError(
        `init: output scale ${init.outputScale} differs from ${outputScale}`,
      );
    }
    const params = [...this.kernels, ...this.biases];
    this.#m = params.map((p) => new Float64Array(p.length));
    this.#v = params.map((p) => new Float64Array(p.length));
  }

  /** Adam steps taken so far. */
  get steps(): number {
    return this.#t;
  }

  /**
   * The forward pass for the given states, keeping every layer's output for the backward
   * pass: `acts[l]` is the output of layer l + 1, h_{l+1} (post-relu) for the hidden layers and
   * z_L (raw) for the last, `acts[L − 1]`.
   */
  #forward(states: readonly number[]): Float64Array[] {
    const L = this.kernels.length;
    const B = states.length;
    const acts: Float64Array[] = [];
    for (let l = 0; l < L; l++) {
      const fanIn = this.sizes[l]!;
      const fanOut = this.sizes[l + 1]!;
      const W = this.kernels[l]!;
      const b = this.biases[l]!;
      const out = new Float64Array(B * fanOut);
      const relu = l + 1 < L;
      for (let r = 0; r < B; r++) {
        const o = r * fanOut;
        if (l === 0) {
          // the one-hot input picks row s of W_1: [1, |S|] x [|S|, fan_out] -> [1, fan_out]
          const w0 = states[r]! * fanOut;
          for (let j = 0; j < fanOut; j++) out[o + j] = W[w0 + j]! + b[j]!;
        } else {
          // z = hᵀ W + b: [1, fan_in] x [fan_in, fan_out] -> [1, fan_out]
          const h = acts[l - 1]!;
          const hi0 = r * fanIn;
          for (let j = 0; j < fanOut; j++) out[o + j] = b[j]!;
          for (let i = 0; i < fanIn; i++) {
            const x = h[hi0 + i]!;
            if (x === 0) continue; // a dead relu contributes nothing
            axpy(out, o, x, W, i * fanOut, fanOut);
          }
        }
        if (relu) {
          for (let j = 0; j < fanOut; j++) out[o + j] = Math.max(out[o + j]!, 0);
        }
      }
      acts.push(out);
    }
    return acts;
  }

  /**
   * The whole table Q_φ(s, a), one forward pass over all states.
   *
   * @returns Q_φ flat and row-major: entry s · |A| + a
   * @example
   * ```ts
   * import { TableQNet } from "./mod.ts";
   * const q = new TableQNet({ nStates: 3, nActions: 2, seed: 1 }).table();
   * if (q.length !== 6 || !q.every(Number.isFinite)) throw new Error();
   * ```
   */
  table(): Float64Array {
    const all = Array.from({ length: this.nStates }, (_, s) => s);
    const z = this.#forward(all)[this.kernels.length - 1]!;
    return z.map((x) => this.outputScale * x);
  }

  /**
   * The weighted table loss L(φ) = (1/2) Σ_{s,a} w(s, a) ((Q_φ(s, a) − y(s, a)) / c)² / Σ w
   * and its gradient by backpropagation (the loss of {@link QNet.fitTable}). Only states with
   * some weight are propagated.
   *
   * @param targets y, flat row-major [|S| · |A|] (entries with weight 0 are ignored)
   * @param weights w ≥ 0, flat row-major, not all 0
   * @returns the loss and the gradients, shaped like `kernels` and `biases`
   * @throws QNetInputError on a wrong length, a negative weight, all weights 0, or a
   *   non-finite target with positive weight
   * @example
   * ```ts
   * import { TableQNet } from "./mod.ts";
   * // one layer, no hidden units: Q(s, a) = c (W[s][a] + b[a]), so ∂L/∂W[0][0] = (Q − y)/c²
   * const net = new TableQNet({ nStates: 1, nActions: 1, seed: 1, hidden: [], outputScale: 2 });
   * const q = net.table()[0]!;
   * const { grads } = net.lossAndGradient(Float64Array.of(1), Float64Array.of(3));
   * if (Math.abs(grads.kernels[0]![0]! - (q - 1) / 2) > 1e-15) throw new Error();
   * ```
   */
  lossAndGradient(
    targets: ArrayLike<number>,
    weights: ArrayLike<number>,
  ): { loss: number; grads: { kernels: Float64Array[]; biases: Float64Array[] } } {
    const S = this.nStates;
    const A = this.nActions;
    const c = this.outputScale;
    if (targets.length !== S * A || weights.length !== S * A) {
      throw new QNetInputError(
        `expected ${S * A} targets and weights, got ${targets.length} and ${weights.length}`,
      );
    }
    let total = 0;
    const live: number[] = [];
    for (let s = 0; s < S; s++) {
      let rowWeight = 0;
      for (let a = 0; a < A; a++) {
        const i = s * A + a;
        const w = weights[i]!;
        if (!(w >= 0)) throw new QNetInputError(`weight ${w} at entry ${i} is not ≥ 0`);
        if (w > 0 && !Number.isFinite(targets[i]!)) {
          throw new QNetInputError(`target ${targets[i]} at entry ${i} is not finite`);
        }
        rowWeight += w;
      }
      total += rowWeight;
      if (rowWeight > 0) live.push(s);
    }
    if (!(total > 0)) throw new QNetInputError("every weight is 0");
    const L = this.kernels.length;
    const acts = this.#forward(live);
    const B = live.length;
    // output layer: ∂L/∂z = w (z − y/c) / Σ w, with z = Q/c
    let delta = new Float64Array(B * A);
    let loss = 0;
    const z = acts[L - 1]!;
    for (let r = 0; r < B; r++) {
      for (let a = 0; a < A; a++) {
        const i = live[r]! * A + a;
        const w = weights[i]!;
        if (w === 0) continue;
        const e = z[r * A + a]! - targets[i]! / c;
        loss += (w * e * e) / (2 * total);
        delta[r * A + a] = (w * e) / total;
      }
    }
    const gK = this.kernels.map((k) => new Float64Array(k.length));
    const gB = this.biases.map((b) => new Float64Array(b.length));
    for (let l = L - 1; l >= 0; l--) {
      const fanIn = this.sizes[l]!;
      const fanOut = this.sizes[l + 1]!;
      const W = this.kernels[l]!;
      const gW = gK[l]!;
      const gb = gB[l]!;
      const prev = l > 0 ? new Float64Array(B * fanIn) : undefined;
      for (let r = 0; r < B; r++) {
        const d0 = r * fanOut;
        for (let j = 0; j < fanOut; j++) gb[j]! += delta[d0 + j]!;
        if (l === 0) {
          // ∂L/∂W_1[s][j] = δ_j for the one-hot input e_s
          const w0 = live[r]! * fanOut;
          for (let j = 0; j < fanOut; j++) gW[w0 + j]! += delta[d0 + j]!;
          continue;
        }
        const h = acts[l - 1]!;
        const h0 = r * fanIn;
        for (let i = 0; i < fanIn; i++) {
          const x = h[h0 + i]!;
          if (x === 0) continue; // relu'(z) = 0: no gradient through this unit or into W[i]
          // ∂L/∂W[i][j] += h_i δ_j, and ∂L/∂h_i = Σ_j W[i][j] δ_j (times relu'(z_i) = 1)
          prev![h0 + i] = accumulateOuterAndDot(gW, W, i * fanOut, x, delta, d0, fanOut);
        }
      }
      if (prev) delta = prev;
    }
    return { loss, grads: { kernels: gK, biases: gB } };
  }

  /**
   * One Adam step on the weighted table loss of {@link TableQNet.lossAndGradient}:
   * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², φ ← φ − η m̂ / (√v̂ + ε) with the bias
   * corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ).
   *
   * @param targets y, flat row-major [|S| · |A|]
   * @param weights w ≥ 0, flat row-major
   * @returns the loss before the step
   * @throws QNetInputError as {@link TableQNet.lossAndGradient}
   * @example
   * ```ts
   * import { TableQNet } from "./mod.ts";
   * const net = new TableQNet({ nStates: 2, nActions: 1, seed: 3 }, { learningRate: 0.01 });
   * const first = net.adamStep(Float64Array.of(1, 1), Float64Array.of(1, 1));
   * let last = first;
   * for (let i = 0; i < 50; i++) last = net.adamStep(Float64Array.of(1, 1), Float64Array.of(1, 1));
   * if (!(last < first) || net.steps !== 51) throw new Error();
   * ```
   */
  adamStep(targets: ArrayLike<number>, weights: ArrayLike<number>): number {
    const { loss, grads } = this.lossAndGradient(targets, weights);
    const { learningRate, beta1, beta2, epsilon } = this.#adam;
    this.#t++;
    const c1 = 1 - beta1 ** this.#t;
    const c2 = 1 - beta2 ** this.#t;
    const params = [...this.kernels, ...this.biases];
    const gs = [...grads.kernels, ...grads.biases];
    params.forEach((p, k) => {
      const g = gs[k]!;
      const m = this.#m[k]!;
      const v = this.#v[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        p[i]! -= (learningRate * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + epsilon);
      }
    });
    return loss;
  }

  /**
   * The parameters as nested arrays (the layout of {@link QNetWeights}).
   *
   * @returns kernels [fan_in][fan_out], biases and the output scale
   * @example
   * ```ts
   * import { TableQNet } from "./mod.ts";
   * const w = new TableQNet({ nStates: 3, nActions: 2, seed: 1, hidden: [5] }).weights();
   * if (w.kernels[0]!.length !== 3 || w.kernels[1]![0]!.length !== 2) throw new Error();
   * ```
   */
  weights(): QNetWeights {
    return {
      kernels: this.kernels.map((k, l) => {
        const fanOut = this.sizes[l + 1]!;
        return Array.from(
          { length: this.sizes[l]! },
          (_, i) => Array.from(k.subarray(i * fanOut, (i + 1) * fanOut)),
        );
      }),
      biases: this.biases.map((b) => Array.from(b)),
      outputScale: this.outputScale,
    };
  }
}

/** out[o + j] += x · W[w + j] for j < n: one row of a vector–matrix product. */
function axpy(out: Float64Array, o: number, x: number, W: Float64Array, w: number, n: number) {
  for (let j = 0; j < n; j++) out[o + j]! += x * W[w + j]!;
}

/**
 * For one input unit i with activation x: gW[w + j] += x · δ[d + j] (the weight gradient) and
 * returns Σ_j W[w + j] · δ[d + j] (the gradient reaching the unit).
 */
function accumulateOuterAndDot(
  gW: Float64Array,
  W: Float64Array,
  w: number,
  x: number,
  delta: Float64Array,
  d: number,
  n: number,
): number {
  let back = 0;
  for (let j = 0; j < n; j++) {
    const dj = delta[d + j]!;
    gW[w + j]! += x * dj;
    back += W[w + j]! * dj;
  }
  return back;
}
