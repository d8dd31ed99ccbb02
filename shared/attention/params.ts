/**
 * Parameters of the attention layers and their seeded initialisers. Parameters are
 * generic in the matrix type `M`: the float64 reference holds {@link Matrix}es, the tfjs
 * layers hold float32 tensors converted from the very same numbers (`toTensors`), so the
 * two implementations can be compared entry by entry.
 *
 * Head h owns a block of consecutive columns of each projection: columns
 * `[h·dAttn, (h+1)·dAttn)` of `wq` and `wk` are W_h^Q and W_h^K, columns
 * `[h·dHead, (h+1)·dHead)` of `wv` are W_h^V, and rows `[h·dHead, (h+1)·dHead)` of `wo`
 * are W_h^O.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import { type Matrix, matrix } from "./matrix.ts";

/** Multi-head attention with an output projection (MHA1 of Problem 20). */
export interface Mha1Params<M = Matrix> {
  /** Number of heads H. */
  heads: number;
  /** Query/key width per head, d_attn. */
  dAttn: number;
  /** Value width per head, d_head. */
  dHead: number;
  /** `[dIn, H·dAttn]`: the W_h^Q side by side. */
  wq: M;
  /** `[dIn, H·dAttn]`: the W_h^K side by side. */
  wk: M;
  /** `[dIn, H·dHead]`: the W_h^V side by side. */
  wv: M;
  /** `[H·dHead, dOut]`: the W_h^O stacked. */
  wo: M;
}

/** Multi-head attention without an output projection (MHA2): heads are summed. */
export interface Mha2Params<M = Matrix> {
  /** Number of heads H. */
  heads: number;
  /** Query/key width per head, d_attn. */
  dAttn: number;
  /** `[dIn, H·dAttn]`: the W_h^Q side by side. */
  wq: M;
  /** `[dIn, H·dAttn]`: the W_h^K side by side. */
  wk: M;
  /** `[dIn, H·dOut]`: the W_h^V side by side, each mapping straight to d_out. */
  wv: M;
}

/** LayerNorm's gain and bias, each `[1, d]`. */
export interface LayerNormParams<M = Matrix> {
  /** `[1, d]` gain γ. */
  gain: M;
  /** `[1, d]` bias β. */
  bias: M;
}

/** The position-wise FFN w = W_2 σ(W_1 z) with σ = ReLU, in row form z W1 → ReLU → W2. */
export interface FfnParams<M = Matrix> {
  /** `[d, 4d]` (the handout's W_1 transposed). */
  w1: M;
  /** `[4d, d]` (the handout's W_2 transposed). */
  w2: M;
}

/** One Pre-LN transformer layer: x ← x + MHA(LN1(x)); x ← x + FFN(LN2(x)). */
export interface LayerParams<M = Matrix> {
  /** LayerNorm before attention. */
  ln1: LayerNormParams<M>;
  /** The attention (d_in = d_out = d, H·d_head = d). */
  mha: Mha1Params<M>;
  /** LayerNorm before the FFN. */
  ln2: LayerNormParams<M>;
  /** The FFN with expansion 4. */
  ffn: FfnParams<M>;
}

/** Positional embeddings: none (NoPE), a learned table, or the fixed sinusoids. */
export type Positional<M = Matrix> =
  | { kind: "none" }
  | { kind: "sinusoidal" }
  | { kind: "learned"; /** `[maxLength, d]` */ table: M };

/** An encoder: token embedding, optional positional embedding, Pre-LN layers. */
export interface EncoderParams<M = Matrix> {
  /** `[N, d]`: row t embeds token t (the handout's M transposed: x_ℓ = Mᵀ-row of u_ℓ). */
  embedding: M;
  /** Positional embedding added after the token embedding. */
  positional: Positional<M>;
  /** The layers, applied in order. */
  layers: LayerParams<M>[];
}

/** A seeded initialiser of a `[fanIn, fanOut]` weight matrix. */
export type Initializer = (rng: Rng, fanIn: number, fanOut: number) => Matrix;

/**
 * LeCun normal: entries IID N(0, 1/fanIn) (untruncated), so x·W keeps unit variance per
 * coordinate when x has IID unit-variance entries.
 *
 * @param rng the random source
 * @param fanIn rows
 * @param fanOut columns
 * @returns `[fanIn, fanOut]`
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { lecunNormal } from "./params.ts";
 * const w = lecunNormal(new Rng(1), 400, 50);
 * const v = w.data.reduce((s, x) => s + x * x, 0) / w.data.length;
 * if (Math.abs(v - 1 / 400) > 0.2 / 400) throw new Error(`variance ${v}`);
 * ```
 */
export function lecunNormal(rng: Rng, fanIn: number, fanOut: number): Matrix {
  return normalMatrix(rng, fanIn, fanOut, 1 / Math.sqrt(fanIn));
}

/**
 * Glorot (Xavier) uniform: entries IID U(−a, a) with a = √(6 / (fanIn + fanOut)).
 *
 * @param rng the random source
 * @param fanIn rows
 * @param fanOut columns
 * @returns `[fanIn, fanOut]`
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { glorotUniform } from "./params.ts";
 * const w = glorotUniform(new Rng(1), 10, 14);
 * if (w.data.some((x) => Math.abs(x) > 0.5)) throw new Error("bound is √(6/24) = 0.5");
 * ```
 */
export function glorotUniform(rng: Rng, fanIn: number, fanOut: number): Matrix {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  const m = matrix(fanIn, fanOut);
  for (let i = 0; i < m.data.length; i++) m.data[i] = (2 * rng.uniform() - 1) * a;
  return m;
}

/**
 * A matrix of IID N(0, std²) entries.
 *
 * @param rng the random source
 * @param rows rows
 * @param cols columns
 * @param std standard deviation
 * @returns `[rows, cols]`
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { normalMatrix } from "./params.ts";
 * if (normalMatrix(new Rng(1), 2, 3, 0).data.some((x) => x !== 0)) throw new Error();
 * ```
 */
export function normalMatrix(rng: Rng, rows: number, cols: number, std: number): Matrix {
  const m = matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = std * rng.normal();
  return m;
}

/**
 * A constant matrix.
 *
 * @param rows rows
 * @param cols columns
 * @param value the entry
 * @returns `[rows, cols]` filled with value
 * @example
 * ```ts
 * import { constantMatrix } from "./params.ts";
 * if (constantMatrix(1, 2, 7).data[1] !== 7) throw new Error();
 * ```
 */
export function constantMatrix(rows: number, cols: number, value: number): Matrix {
  return matrix(rows, cols, new Float64Array(rows * cols).fill(value));
}

/** Shape of an MHA1 layer. */
export interface Mha1Shape {
  /** Input width. */
  dIn: number;
  /** Output width. */
  dOut: number;
  /** Query/key width per head. */
  dAttn: number;
  /** Value width per head. */
  dHead: number;
  /** Number of heads. */
  heads: number;
}

/**
 * A random MHA1 layer.
 *
 * @param rng the random source
 * @param s the shape
 * @param init the weight initialiser (default LeCun normal)
 * @returns the parameters
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { initMha1 } from "./params.ts";
 * const p = initMha1(new Rng(1), { dIn: 6, dOut: 5, dAttn: 3, dHead: 2, heads: 4 });
 * if (p.wo.rows !== 8 || p.wo.cols !== 5 || p.wq.cols !== 12) throw new Error();
 * ```
 */
export function initMha1(rng: Rng, s: Mha1Shape, init: Initializer = lecunNormal): Mha1Params {
  checkDims("initMha1", s);
  return {
    heads: s.heads,
    dAttn: s.dAttn,
    dHead: s.dHead,
    wq: init(rng, s.dIn, s.heads * s.dAttn),
    wk: init(rng, s.dIn, s.heads * s.dAttn),
    wv: init(rng, s.dIn, s.heads * s.dHead),
    wo: init(rng, s.heads * s.dHead, s.dOut),
  };
}

/** Shape of an MHA2 layer. */
export interface Mha2Shape {
  /** Input width. */
  dIn: number;
  /** Output width (each head's value width). */
  dOut: number;
  /** Query/key width per head. */
  dAttn: number;
  /** Number of heads. */
  heads: number;
}

/**
 * A random MHA2 layer.
 *
 * @param rng the random source
 * @param s the shape
 * @param init the weight initialiser (default LeCun normal)
 * @returns the parameters
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { initMha2 } from "./params.ts";
 * const p = initMha2(new Rng(1), { dIn: 6, dOut: 5, dAttn: 3, heads: 4 });
 * if (p.wv.cols !== 20) throw new Error();
 * ```
 */
export function initMha2(rng: Rng, s: Mha2Shape, init: Initializer = lecunNormal): Mha2Params {
  checkDims("initMha2", s);
  return {
    heads: s.heads,
    dAttn: s.dAttn,
    wq: init(rng, s.dIn, s.heads * s.dAttn),
    wk: init(rng, s.dIn, s.heads * s.dAttn),
    wv: init(rng, s.dIn, s.heads * s.dOut),
  };
}

/** Shape of a Pre-LN layer. */
export interface LayerShape {
  /** Model width d. */
  d: number;
  /** Number of heads H; must divide d (d_attn = d_head = d/H). */
  heads: number;
  /**
   * LayerNorm gains and biases: "identity" (γ = 1, β = 0, the usual start) or "random"
   * (γ ~ 1 + N(0, 0.1²), β ~ N(0, 0.1²)), which exercises them in checks.
   */
  norm?: "identity" | "random";
}

/**
 * A random Pre-LN layer: LeCun-normal projections, identity or random LayerNorms.
 *
 * @param rng the random source
 * @param s the shape
 * @param init the weight initialiser (default LeCun normal)
 * @returns the parameters
 * @throws Error if H does not divide d
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { initLayer } from "./params.ts";
 * const p = initLayer(new Rng(1), { d: 8, heads: 2 });
 * if (p.ffn.w1.cols !== 32 || p.mha.dHead !== 4) throw new Error();
 * ```
 */
export function initLayer(rng: Rng, s: LayerShape, init: Initializer = lecunNormal): LayerParams {
  if (!(s.heads >= 1) || s.d % s.heads !== 0) {
    throw new Error(`initLayer: heads H = ${s.heads} must divide d = ${s.d}`);
  }
  const dk = s.d / s.heads;
  const norm = () => layerNormParams(rng, s.d, s.norm ?? "identity");
  return {
    ln1: norm(),
    mha: initMha1(rng, { dIn: s.d, dOut: s.d, dAttn: dk, dHead: dk, heads: s.heads }, init),
    ln2: norm(),
    ffn: { w1: init(rng, s.d, 4 * s.d), w2: init(rng, 4 * s.d, s.d) },
  };
}

/** Shape of an encoder. */
export interface EncoderShape extends LayerShape {
  /** Vocabulary size N. */
  vocab: number;
  /** Number of layers. */
  depth: number;
  /** Positional embedding kind (default none). */
  positional?: "none" | "learned" | "sinusoidal";
  /** Longest sequence a learned table covers (default 64). */
  maxLength?: number;
}

/**
 * A random encoder: N(0, 1) token embeddings, optional positional embeddings (a learned
 * table drawn N(0, 1)), and `depth` Pre-LN layers.
 *
 * @param rng the random source
 * @param s the shape
 * @returns the parameters
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { initEncoder } from "./params.ts";
 * const p = initEncoder(new Rng(1), { vocab: 5, d: 8, heads: 2, depth: 3 });
 * if (p.layers.length !== 3 || p.embedding.rows !== 5) throw new Error();
 * ```
 */
export function initEncoder(rng: Rng, s: EncoderShape): EncoderParams {
  const embedding = normalMatrix(rng, s.vocab, s.d, 1);
  const kind = s.positional ?? "none";
  const positional: Positional = kind === "learned"
    ? { kind, table: normalMatrix(rng, s.maxLength ?? 64, s.d, 1) }
    : { kind };
  const layers: LayerParams[] = [];
  for (let i = 0; i < s.depth; i++) layers.push(initLayer(rng, s));
  return { embedding, positional, layers };
}

function layerNormParams(rng: Rng, d: number, kind: "identity" | "random"): LayerNormParams {
  if (kind === "identity") return { gain: constantMatrix(1, d, 1), bias: constantMatrix(1, d, 0) };
  const gain = normalMatrix(rng, 1, d, 0.1);
  for (let i = 0; i < d; i++) gain.data[i]! += 1;
  return { gain, bias: normalMatrix(rng, 1, d, 0.1) };
}

function checkDims(where: string, s: Mha2Shape & Partial<Mha1Shape>): void {
  const dims = { dIn: s.dIn, dOut: s.dOut, dAttn: s.dAttn, heads: s.heads, dHead: s.dHead };
  for (const [k, v] of Object.entries(dims)) {
    if (k === "dHead" && v === undefined) continue; // MHA2 has no d_head
    if (!Number.isInteger(v) || (v as number) < 1) {
      throw new Error(`${where}: ${k} must be a positive integer, got ${v}`);
    }
  }
}

/**
 * The number of trainable scalars in a parameter object: the total size of its matrices
 * (counting what is actually stored, not a formula).
 *
 * @param p any parameter object of this module (nested objects and arrays of matrices)
 * @returns the number of entries
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { countParameters, initMha2 } from "./params.ts";
 * const p = initMha2(new Rng(1), { dIn: 4, dOut: 3, dAttn: 2, heads: 2 });
 * if (countParameters(p) !== 2 * (4 * 2 * 2) + 4 * 6) throw new Error();
 * ```
 */
export function countParameters(p: unknown): number {
  if (isMatrix(p)) return p.data.length;
  if (Array.isArray(p)) return p.reduce((s: number, x) => s + countParameters(x), 0);
  if (p !== null && typeof p === "object") {
    return Object.values(p).reduce((s: number, x) => s + countParameters(x), 0);
  }
  return 0;
}

/**
 * Whether a value is a {@link Matrix}.
 *
 * @param x anything
 * @returns true for `{rows, cols, data: Float64Array}`
 * @example
 * ```ts
 * import { isMatrix } from "./params.ts";
 * import { matrix } from "./matrix.ts";
 * if (!isMatrix(matrix(1, 1)) || isMatrix({})) throw new Error();
 * ```
 */
export function isMatrix(x: unknown): x is Matrix {
  return x !== null && typeof x === "object" && (x as Matrix).data instanceof Float64Array &&
    typeof (x as Matrix).rows === "number";
}
