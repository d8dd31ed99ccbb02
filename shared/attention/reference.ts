/**
 * The plain float64 reference of attention and of the Pre-LN layer: loops over
 * `Float64Array`s, no tfjs. It is what the float32 tfjs layers are checked against and
 * the peer in the benchmark; with an {@link OpCounter} it also counts its own arithmetic
 * (Problem 27 compares that count with the FLOP formula).
 *
 * @module
 */
import {
  add,
  columns,
  hconcat,
  matMul,
  type Matrix,
  matrix,
  type OpCounter,
  ShapeError,
  transpose,
} from "./matrix.ts";
import type {
  EncoderParams,
  FfnParams,
  LayerNormParams,
  LayerParams,
  Mha1Params,
  Mha2Params,
} from "./params.ts";

/** Options of attention: a causal mask, and an operation counter. */
export interface AttentionOptions {
  /** Mask future positions: query i sees keys j ≤ i only. */
  causal?: boolean;
  /** Counts the arithmetic performed. */
  ops?: OpCounter;
}

/** LayerNorm's ε inside the square root (the same in the tfjs layers). */
export const LAYER_NORM_EPS = 1e-5;

/**
 * Row-wise softmax in place, stable (the row maximum is subtracted first). Counts, per
 * entry: one comparison (max), one subtraction, one exponential, one addition, one
 * division: 5 operations.
 *
 * @param s `[m, n]`, overwritten; −∞ entries become 0 (each row needs one finite entry)
 * @param ops optional counter
 * @returns s
 * @example
 * ```ts
 * import { fromRows } from "./matrix.ts";
 * import { softmaxRowsInPlace } from "./reference.ts";
 * const p = softmaxRowsInPlace(fromRows([[0, Math.log(3)]]));
 * if (Math.abs(p.data[1]! - 0.75) > 1e-15) throw new Error();
 * ```
 */
export function softmaxRowsInPlace(s: Matrix, ops?: OpCounter): Matrix {
  const n = s.cols, S = s.data;
  let count = 0; // tallied where each operation runs
  for (let i = 0; i < s.rows; i++) {
    const o = i * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      if (S[o + j]! > max) max = S[o + j]!;
      count++; // comparison
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(S[o + j]! - max);
      S[o + j] = e;
      sum += e;
      count += 3; // subtraction, exponential, addition
    }
    for (let j = 0; j < n; j++) {
      S[o + j]! /= sum;
      count++; // division
    }
  }
  if (ops) ops.elementwise += count;
  return s;
}

/**
 * Scaled dot-product attention softmax(Q Kᵀ / √d_attn) V, optionally causal.
 *
 * @param q `[Lq, dAttn]` queries
 * @param k `[Lk, dAttn]` keys
 * @param v `[Lk, dV]` values
 * @param opts causal mask, op counter
 * @returns `[Lq, dV]`
 * @throws ShapeError if the shapes do not fit
 * @example
 * ```ts
 * import { fromRows } from "./matrix.ts";
 * import { attentionRef } from "./reference.ts";
 * // equal keys: uniform weights, the output is the mean value (causal: of the prefix)
 * const q = fromRows([[1], [2]]), k = fromRows([[1], [1]]), v = fromRows([[0], [4]]);
 * if (attentionRef(q, k, v).data[0] !== 2) throw new Error();
 * if (attentionRef(q, k, v, { causal: true }).data[0] !== 0) throw new Error();
 * ```
 */
export function attentionRef(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  opts: AttentionOptions = {},
): Matrix {
  if (q.cols !== k.cols || k.rows !== v.rows) {
    throw new ShapeError(
      `attention: Q [${q.rows}, ${q.cols}], K [${k.rows}, ${k.cols}], V [${v.rows}, ${v.cols}]`,
    );
  }
  if (opts.causal && q.rows > k.rows) {
    throw new ShapeError(`attention: a causal mask needs Lq ≤ Lk, got ${q.rows} > ${k.rows}`);
  }
  const s = matMul(q, transpose(k), opts.ops); // [Lq, dAttn] x [dAttn, Lk] -> [Lq, Lk]
  const scale = 1 / Math.sqrt(q.cols);
  let scalings = 0; // tallied as the loop runs; masked entries are not scaled
  for (let i = 0; i < s.rows; i++) {
    for (let j = 0; j < s.cols; j++) {
      if (opts.causal && j > i) {
        s.data[i * s.cols + j] = -Infinity;
      } else {
        s.data[i * s.cols + j] = s.data[i * s.cols + j]! * scale;
        scalings++;
      }
    }
  }
  if (opts.ops) opts.ops.elementwise += scalings;
  softmaxRowsInPlace(s, opts.ops);
  return matMul(s, v, opts.ops); // [Lq, Lk] x [Lk, dV] -> [Lq, dV]
}

/** The per-head outputs head_h = Attention(X W_h^Q, X W_h^K, X W_h^V). */
function headsRef(
  x: Matrix,
  p: { heads: number; dAttn: number; wq: Matrix; wk: Matrix; wv: Matrix },
  dV: number,
  opts: AttentionOptions,
): Matrix[] {
  const q = matMul(x, p.wq, opts.ops); // [L, dIn] x [dIn, H·dAttn] -> [L, H·dAttn]
  const k = matMul(x, p.wk, opts.ops); // [L, dIn] x [dIn, H·dAttn] -> [L, H·dAttn]
  const v = matMul(x, p.wv, opts.ops); // [L, dIn] x [dIn, H·dV] -> [L, H·dV]
  const out: Matrix[] = [];
  for (let h = 0; h < p.heads; h++) {
    out.push(attentionRef(
      columns(q, h * p.dAttn, p.dAttn),
      columns(k, h * p.dAttn, p.dAttn),
      columns(v, h * dV, dV),
      opts,
    )); // [L, dV]
  }
  return out;
}

/**
 * MHA1: concat(head_1, …, head_H) W^O.
 *
 * @param x `[L, dIn]`
 * @param p parameters
 * @param opts causal mask, op counter
 * @returns `[L, dOut]`
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { normalMatrix, initMha1 } from "./params.ts";
 * import { mha1Ref } from "./reference.ts";
 * const p = initMha1(new Rng(1), { dIn: 4, dOut: 3, dAttn: 2, dHead: 2, heads: 2 });
 * const y = mha1Ref(normalMatrix(new Rng(2), 5, 4, 1), p);
 * if (y.rows !== 5 || y.cols !== 3) throw new Error();
 * ```
 */
export function mha1Ref(x: Matrix, p: Mha1Params, opts: AttentionOptions = {}): Matrix {
  const heads = headsRef(x, p, p.dHead, opts);
  return matMul(hconcat(heads), p.wo, opts.ops); // [L, H·dHead] x [H·dHead, dOut] -> [L, dOut]
}

/**
 * MHA2: head_1 + … + head_H, each head mapping straight to d_out.
 *
 * @param x `[L, dIn]`
 * @param p parameters
 * @param opts causal mask, op counter
 * @returns `[L, dOut]`
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { initMha2, normalMatrix } from "./params.ts";
 * import { mha2Ref } from "./reference.ts";
 * const p = initMha2(new Rng(1), { dIn: 4, dOut: 3, dAttn: 2, heads: 2 });
 * if (mha2Ref(normalMatrix(new Rng(2), 5, 4, 1), p).cols !== 3) throw new Error();
 * ```
 */
export function mha2Ref(x: Matrix, p: Mha2Params, opts: AttentionOptions = {}): Matrix {
  const dOut = p.wv.cols / p.heads;
  const heads = headsRef(x, p, dOut, opts);
  let sum = heads[0]!;
  for (let h = 1; h < heads.length; h++) sum = add(sum, heads[h]!, opts.ops);
  return sum;
}

/**
 * The position-wise FFN with ReLU: relu(Z W1) W2, row by row.
 *
 * @param z `[L, d]`
 * @param p parameters (`w1` `[d, 4d]`, `w2` `[4d, d]`)
 * @param ops optional counter (the ReLU counts one comparison per entry)
 * @returns `[L, d]`
 * @example
 * ```ts
 * import { fromRows } from "./matrix.ts";
 * import { ffnRef } from "./reference.ts";
 * const y = ffnRef(fromRows([[1]]), { w1: fromRows([[1, -1, 2, 0]]), w2: fromRows([[1], [1], [1], [1]]) });
 * if (y.data[0] !== 3) throw new Error("relu(1) + relu(-1) + relu(2) + relu(0) = 3");
 * ```
 */
export function ffnRef(z: Matrix, p: FfnParams, ops?: OpCounter): Matrix {
  const hidden = matMul(z, p.w1, ops); // [L, d] x [d, 4d] -> [L, 4d]
  let comparisons = 0; // tallied as the loop runs
  for (let i = 0; i < hidden.data.length; i++) {
    if (hidden.data[i]! < 0) hidden.data[i] = 0; // ReLU
    comparisons++;
  }
  if (ops) ops.elementwise += comparisons;
  return matMul(hidden, p.w2, ops); // [L, 4d] x [4d, d] -> [L, d]
}

/**
 * LayerNorm over each row: γ ⊙ (x − mean) / √(var + ε) + β, with the biased variance.
 *
 * @param x `[L, d]`
 * @param p gain and bias `[1, d]`
 * @returns `[L, d]`
 * @example
 * ```ts
 * import { fromRows } from "./matrix.ts";
 * import { layerNormRef } from "./reference.ts";
 * const y = layerNormRef(fromRows([[1, 3]]), { gain: fromRows([[1, 1]]), bias: fromRows([[0, 0]]) });
 * if (Math.abs(y.data[1]! - 1 / Math.sqrt(1 + 1e-5)) > 1e-12) throw new Error();
 * ```
 */
export function layerNormRef(x: Matrix, p: LayerNormParams): Matrix {
  const d = x.cols, out = matrix(x.rows, d);
  for (let i = 0; i < x.rows; i++) {
    const row = x.data.subarray(i * d, (i + 1) * d);
    let mean = 0;
    for (let j = 0; j < d; j++) mean += row[j]!;
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (row[j]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + LAYER_NORM_EPS);
    for (let j = 0; j < d; j++) {
      out.data[i * d + j] = p.gain.data[j]! * (row[j]! - mean) * inv + p.bias.data[j]!;
    }
  }
  return out;
}

/**
 * The Pre-LN transformer layer: x ← x + MHA(LN1(x)); x ← x + FFN(LN2(x)).
 *
 * @param x `[L, d]`
 * @param p parameters
 * @param opts causal mask
 * @returns `[L, d]`
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { initLayer, normalMatrix } from "./params.ts";
 * import { preLnLayerRef } from "./reference.ts";
 * const y = preLnLayerRef(normalMatrix(new Rng(2), 3, 8, 1), initLayer(new Rng(1), { d: 8, heads: 2 }));
 * if (y.rows !== 3 || !y.data.every(Number.isFinite)) throw new Error();
 * ```
 */
export function preLnLayerRef(
  x: Matrix,
  p: LayerParams,
  opts: { causal?: boolean } = {},
): Matrix {
  const h = add(x, mha1Ref(layerNormRef(x, p.ln1), p.mha, opts));
  return add(h, ffnRef(layerNormRef(h, p.ln2), p.ffn));
}

/**
 * The sinusoidal positional embedding: PE[ℓ, 2i] = sin(ℓ / 10000^{2i/d}),
 * PE[ℓ, 2i+1] = cos(ℓ / 10000^{2i/d}), positions ℓ = 0, 1, ….
 *
 * @param length L
 * @param d width
 * @returns `[L, d]`
 * @example
 * ```ts
 * import { sinusoidalTable } from "./reference.ts";
 * const pe = sinusoidalTable(2, 4);
 * if (pe.data[1] !== 1 || Math.abs(pe.data[4]! - Math.sin(1)) > 1e-15) throw new Error();
 * ```
 */
export function sinusoidalTable(length: number, d: number): Matrix {
  const out = matrix(length, d);
  for (let l = 0; l < length; l++) {
    for (let j = 0; j < d; j++) {
      const freq = Math.pow(10000, -(2 * Math.floor(j / 2)) / d);
      out.data[l * d + j] = j % 2 === 0 ? Math.sin(l * freq) : Math.cos(l * freq);
    }
  }
  return out;
}

/**
 * One-hot rows for a token sequence.
 *
 * @param tokens token ids in {0, …, N − 1}
 * @param vocab N
 * @returns `[L, N]` with U[ℓ, tokens[ℓ]] = 1
 * @throws RangeError naming the position of a token outside the vocabulary
 * @example
 * ```ts
 * import { oneHot } from "./reference.ts";
 * if (oneHot([2, 0], 3).data[2] !== 1) throw new Error();
 * ```
 */
export function oneHot(tokens: readonly number[], vocab: number): Matrix {
  const out = matrix(tokens.length, vocab);
  tokens.forEach((t, l) => {
    if (!Number.isInteger(t) || t < 0 || t >= vocab) {
      throw new RangeError(`oneHot: token ${t} at position ${l} is outside 0..${vocab - 1}`);
    }
    out.data[l * vocab + t] = 1;
  });
  return out;
}

/**
 * Token embedding plus the optional positional embedding: X = U E (+ P).
 *
 * @param u `[L, N]` one-hot rows
 * @param p the encoder's embedding and positional parameters
 * @returns `[L, d]`
 * @throws ShapeError if a learned table is shorter than L
 * @example
 * ```ts
 * import { fromRows } from "./matrix.ts";
 * import { embedRef, oneHot } from "./reference.ts";
 * const x = embedRef(oneHot([1], 2), { embedding: fromRows([[1, 2], [3, 4]]), positional: { kind: "none" } });
 * if (x.data[0] !== 3) throw new Error();
 * ```
 */
export function embedRef(
  u: Matrix,
  p: Pick<EncoderParams, "embedding" | "positional">,
): Matrix {
  const x = matMul(u, p.embedding); // [L, N] x [N, d] -> [L, d]
  const pos = p.positional;
  if (pos.kind === "none") return x;
  if (pos.kind === "sinusoidal") return add(x, sinusoidalTable(x.rows, x.cols));
  if (pos.table.rows < x.rows) {
    throw new ShapeError(`embed: learned table has ${pos.table.rows} rows < L = ${x.rows}`);
  }
  return add(x, matrix(x.rows, x.cols, pos.table.data.slice(0, x.rows * x.cols)));
}

/**
 * The encoder: embedding, then the Pre-LN layers (no output head).
 *
 * @param u `[L, N]` one-hot tokens
 * @param p parameters
 * @param opts causal mask in every layer (an encoder has none; this is for contrast)
 * @returns `[L, d]`
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { initEncoder } from "./params.ts";
 * import { encoderRef, oneHot } from "./reference.ts";
 * const p = initEncoder(new Rng(1), { vocab: 4, d: 8, heads: 2, depth: 2 });
 * if (encoderRef(oneHot([0, 3, 3], 4), p).rows !== 3) throw new Error();
 * ```
 */
export function encoderRef(
  u: Matrix,
  p: EncoderParams,
  opts: { causal?: boolean } = {},
): Matrix {
  let x = embedRef(u, p);
  for (const layer of p.layers) x = preLnLayerRef(x, layer, opts);
  return x;
}
