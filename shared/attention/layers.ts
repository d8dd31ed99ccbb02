/**
 * The attention layers in tfjs (float32). Pure functions of tensors: they allocate only
 * inside `tf.tidy`, return one new tensor the caller disposes, and never touch the
 * parameters.
 *
 * Written for the wasm backend's speed profile: matMul with `transposeA`/`transposeB` or a
 * batch dimension runs at 1–6 GFLOP/s there against about 40 for a plain 2D matMul, so keys
 * are transposed once with `tf.transpose`, every head runs its own 2D products, and the
 * 1/√d_attn scale is applied to Q (L·d multiplications) rather than to the L×L scores. A
 * profile of the layer at d = 256, L = 256 shows about 90% of its time in 2D matMuls running
 * at 31–42 GFLOP/s, i.e. it is within a few tens of percent of what one wasm thread can do.
 *
 * @module
 */
import { tf } from "../tf/mod.ts";
import type {
  EncoderParams,
  FfnParams,
  LayerNormParams,
  LayerParams,
  Mha1Params,
  Mha2Params,
} from "./params.ts";
import { LAYER_NORM_EPS, sinusoidalTable } from "./reference.ts";
import type { AsTensors } from "./tensors.ts";
import { tensorFromMatrix } from "./tensors.ts";

/** Tensor-valued parameters of MHA1. */
export type Mha1Tensors = AsTensors<Mha1Params>;
/** Tensor-valued parameters of MHA2. */
export type Mha2Tensors = AsTensors<Mha2Params>;
/** Tensor-valued parameters of a Pre-LN layer. */
export type LayerTensors = AsTensors<LayerParams>;
/** Tensor-valued parameters of an encoder. */
export type EncoderTensors = AsTensors<EncoderParams>;

/**
 * The additive causal mask: 0 where key j ≤ query i, −∞ above the diagonal.
 *
 * @param length L
 * @returns `[L, L]` (the caller disposes it)
 * @example
 * ```ts
 * import { tf } from "../tf/mod.ts";
 * import { causalMask } from "./layers.ts";
 * const m = causalMask(2);
 * const v = m.arraySync();
 * m.dispose();
 * if (v[0]![1] !== -Infinity || v[1]![0] !== 0) throw new Error();
 * ```
 */
export function causalMask(length: number): tf.Tensor2D {
  return tf.tidy(() => {
    const lower = tf.linalg.bandPart(tf.ones([length, length]), -1, 0); // 1 on and below the diagonal
    return tf.where(
      tf.cast(lower, "bool"),
      tf.zeros([length, length]),
      tf.fill([length, length], -Infinity),
    ) as tf.Tensor2D;
  });
}

/** One head given already-scaled queries and transposed keys. */
function headAttention(
  qScaled: tf.Tensor2D,
  kT: tf.Tensor2D,
  v: tf.Tensor2D,
  mask: tf.Tensor2D | undefined,
): tf.Tensor2D {
  let s = tf.matMul(qScaled, kT); // [Lq, dAttn] x [dAttn, Lk] -> [Lq, Lk]
  if (mask) s = tf.add(s, mask);
  return tf.matMul(tf.softmax(s), v); // [Lq, Lk] x [Lk, dV] -> [Lq, dV]
}

/**
 * Scaled dot-product attention softmax(Q Kᵀ / √d_attn) V, optionally causal.
 *
 * @param q `[Lq, dAttn]`
 * @param k `[Lk, dAttn]`
 * @param v `[Lk, dV]`
 * @param opts `causal`: query i sees keys j ≤ i only (needs Lq = Lk)
 * @returns `[Lq, dV]` (the caller disposes it)
 * @throws Error if the shapes do not fit
 * @example
 * ```ts
 * import { tf } from "../tf/mod.ts";
 * import { scaledDotProductAttention } from "./layers.ts";
 * const q = tf.tensor2d([[1], [2]]), k = tf.tensor2d([[1], [1]]), v = tf.tensor2d([[0], [4]]);
 * const y = scaledDotProductAttention(q, k, v, { causal: true });
 * const out = y.arraySync();
 * tf.dispose([q, k, v, y]);
 * if (out[0]![0] !== 0 || Math.abs(out[1]![0]! - 2) > 1e-6) throw new Error();
 * ```
 */
export function scaledDotProductAttention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  opts: { causal?: boolean } = {},
): tf.Tensor2D {
  if (q.shape[1] !== k.shape[1] || k.shape[0] !== v.shape[0]) {
    throw new Error(`attention: Q [${q.shape}], K [${k.shape}], V [${v.shape}] do not fit`);
  }
  if (opts.causal && q.shape[0] !== k.shape[0]) {
    throw new Error(`attention: a causal mask needs Lq = Lk, got ${q.shape[0]}, ${k.shape[0]}`);
  }
  return tf.tidy(() => {
    const scale = 1 / Math.sqrt(q.shape[1]);
    const mask = opts.causal ? causalMask(q.shape[0]) : undefined;
    return headAttention(tf.mul(q, scale), tf.transpose(k), v, mask);
  });
}

/** head_h for every h, as 2D tensors (inside the caller's tidy). */
function heads(
  x: tf.Tensor2D,
  p: { heads: number; dAttn: number; wq: tf.Tensor2D; wk: tf.Tensor2D; wv: tf.Tensor2D },
  dV: number,
  causal: boolean,
): tf.Tensor2D[] {
  const L = x.shape[0];
  // The 1/√d_attn scale is folded into Q: L·H·d_attn multiplications instead of H·L².
  const q = tf.mul<tf.Tensor2D>(tf.matMul(x, p.wq), 1 / Math.sqrt(p.dAttn)); // [L, dIn] x [dIn, H·dAttn] -> [L, H·dAttn]
  const kT = tf.transpose(tf.matMul(x, p.wk)) as tf.Tensor2D; // ([L, dIn] x [dIn, H·dAttn])ᵀ -> [H·dAttn, L]
  const v: tf.Tensor2D = tf.matMul(x, p.wv); // [L, dIn] x [dIn, H·dV] -> [L, H·dV]
  const mask = causal ? causalMask(L) : undefined;
  const out: tf.Tensor2D[] = [];
  for (let h = 0; h < p.heads; h++) {
    const qh = tf.slice2d(q, [0, h * p.dAttn], [L, p.dAttn]); // [L, dAttn]
    const khT = tf.slice2d(kT, [h * p.dAttn, 0], [p.dAttn, L]); // [dAttn, L]
    const vh = tf.slice2d(v, [0, h * dV], [L, dV]); // [L, dV]
    out.push(headAttention(qh, khT, vh, mask));
  }
  return out;
}

/**
 * MHA1: concat(head_1, …, head_H) W^O.
 *
 * @param x `[L, dIn]`
 * @param p tensor parameters
 * @param opts causal mask
 * @returns `[L, dOut]` (the caller disposes it)
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { tf } from "../tf/mod.ts";
 * import { initMha1 } from "./params.ts";
 * import { disposeParams, toTensors } from "./tensors.ts";
 * import { mha1 } from "./layers.ts";
 * const p = toTensors(initMha1(new Rng(1), { dIn: 4, dOut: 3, dAttn: 2, dHead: 2, heads: 2 }));
 * const x = tf.randomNormal([5, 4], 0, 1, "float32", 7) as tf.Tensor2D;
 * const y = mha1(x, p);
 * if (y.shape[0] !== 5 || y.shape[1] !== 3) throw new Error();
 * tf.dispose([x, y]);
 * disposeParams(p);
 * ```
 */
export function mha1(x: tf.Tensor2D, p: Mha1Tensors, opts: { causal?: boolean } = {}): tf.Tensor2D {
  return tf.tidy(() => {
    const hs = heads(x, p, p.dHead, opts.causal ?? false);
    const concat = hs.length === 1 ? hs[0]! : tf.concat(hs, 1); // [L, H·dHead]
    return tf.matMul(concat, p.wo); // [L, H·dHead] x [H·dHead, dOut] -> [L, dOut]
  });
}

/**
 * MHA2: head_1 + … + head_H, each head mapping straight to d_out.
 *
 * @param x `[L, dIn]`
 * @param p tensor parameters
 * @param opts causal mask
 * @returns `[L, dOut]` (the caller disposes it)
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { tf } from "../tf/mod.ts";
 * import { initMha2 } from "./params.ts";
 * import { disposeParams, toTensors } from "./tensors.ts";
 * import { mha2 } from "./layers.ts";
 * const p = toTensors(initMha2(new Rng(1), { dIn: 4, dOut: 3, dAttn: 2, heads: 2 }));
 * const x = tf.randomNormal([5, 4], 0, 1, "float32", 7) as tf.Tensor2D;
 * const y = mha2(x, p);
 * if (y.shape[1] !== 3) throw new Error();
 * tf.dispose([x, y]);
 * disposeParams(p);
 * ```
 */
export function mha2(x: tf.Tensor2D, p: Mha2Tensors, opts: { causal?: boolean } = {}): tf.Tensor2D {
  return tf.tidy(() => {
    const dOut = p.wv.shape[1] / p.heads;
    const hs = heads(x, p, dOut, opts.causal ?? false);
    return hs.length === 1 ? hs[0]! : tf.addN(hs); // Σ_h [L, dOut]
  });
}

/**
 * The position-wise FFN: relu(Z W1) W2.
 *
 * @param z `[L, d]`
 * @param p tensor parameters (`w1` `[d, 4d]`, `w2` `[4d, d]`)
 * @returns `[L, d]` (the caller disposes it)
 * @example
 * ```ts
 * import { tf } from "../tf/mod.ts";
 * import { ffn } from "./layers.ts";
 * const z = tf.tensor2d([[1]]), w1 = tf.tensor2d([[1, -1, 2, 0]]), w2 = tf.ones([4, 1]) as tf.Tensor2D;
 * const y = ffn(z, { w1, w2 });
 * const v = y.arraySync()[0]![0];
 * tf.dispose([z, w1, w2, y]);
 * if (v !== 3) throw new Error();
 * ```
 */
export function ffn(z: tf.Tensor2D, p: AsTensors<FfnParams>): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(tf.relu(tf.matMul(z, p.w1)), p.w2)); // [L, d] x [d, 4d] x [4d, d] -> [L, d]
}

/**
 * LayerNorm over each row: γ ⊙ (x − mean) / √(var + ε) + β.
 *
 * @param x `[L, d]`
 * @param p gain and bias `[1, d]`
 * @returns `[L, d]` (the caller disposes it)
 * @example
 * ```ts
 * import { tf } from "../tf/mod.ts";
 * import { layerNorm } from "./layers.ts";
 * const x = tf.tensor2d([[1, 3]]), gain = tf.ones([1, 2]) as tf.Tensor2D, bias = tf.zeros([1, 2]) as tf.Tensor2D;
 * const y = layerNorm(x, { gain, bias });
 * const v = y.arraySync()[0]![1]!;
 * tf.dispose([x, gain, bias, y]);
 * if (Math.abs(v - 1) > 1e-4) throw new Error();
 * ```
 */
export function layerNorm(x: tf.Tensor2D, p: AsTensors<LayerNormParams>): tf.Tensor2D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true); // [L, 1] each
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPS)));
    return tf.add(tf.mul(normed, p.gain), p.bias);
  });
}

/**
 * The Pre-LN transformer layer: x ← x + MHA(LN1(x)); x ← x + FFN(LN2(x)).
 *
 * @param x `[L, d]`
 * @param p tensor parameters
 * @param opts causal mask
 * @returns `[L, d]` (the caller disposes it)
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { tf } from "../tf/mod.ts";
 * import { initLayer } from "./params.ts";
 * import { disposeParams, toTensors } from "./tensors.ts";
 * import { preLnLayer } from "./layers.ts";
 * const p = toTensors(initLayer(new Rng(1), { d: 8, heads: 2 }));
 * const x = tf.randomNormal([3, 8], 0, 1, "float32", 7) as tf.Tensor2D;
 * const y = preLnLayer(x, p);
 * if (y.shape[1] !== 8) throw new Error();
 * tf.dispose([x, y]);
 * disposeParams(p);
 * ```
 */
export function preLnLayer(
  x: tf.Tensor2D,
  p: LayerTensors,
  opts: { causal?: boolean } = {},
): tf.Tensor2D {
  return tf.tidy(() => {
    const h = tf.add(x, mha1(layerNorm(x, p.ln1), p.mha, opts)) as tf.Tensor2D;
    return tf.add(h, ffn(layerNorm(h, p.ln2), p.ffn)) as tf.Tensor2D;
  });
}

/**
 * Token embedding from one-hot rows plus the optional positional embedding: X = U E (+ P).
 *
 * @param u `[L, N]` one-hot tokens
 * @param p the encoder's embedding and positional parameters
 * @returns `[L, d]` (the caller disposes it)
 * @throws Error if a learned table is shorter than L
 * @example
 * ```ts
 * import { tf } from "../tf/mod.ts";
 * import { embed } from "./layers.ts";
 * const u = tf.tensor2d([[0, 1]]), e = tf.tensor2d([[1, 2], [3, 4]]);
 * const x = embed(u, { embedding: e, positional: { kind: "none" } });
 * const v = x.arraySync()[0]![0];
 * tf.dispose([u, e, x]);
 * if (v !== 3) throw new Error();
 * ```
 */
export function embed(
  u: tf.Tensor2D,
  p: Pick<EncoderTensors, "embedding" | "positional">,
): tf.Tensor2D {
  const pos = p.positional;
  if (pos.kind === "learned" && pos.table.shape[0] < u.shape[0]) {
    throw new Error(`embed: learned table has ${pos.table.shape[0]} rows < L = ${u.shape[0]}`);
  }
  return tf.tidy((): tf.Tensor2D => {
    const x: tf.Tensor2D = tf.matMul(u, p.embedding); // [L, N] x [N, d] -> [L, d]
    const L = u.shape[0], d = p.embedding.shape[1];
    if (pos.kind === "none") return x;
    if (pos.kind === "sinusoidal") {
      return tf.add<tf.Tensor2D>(x, tensorFromMatrix(sinusoidalTable(L, d)));
    }
    return tf.add<tf.Tensor2D>(x, tf.slice2d(pos.table, [0, 0], [L, d]));
  });
}

/**
 * The encoder: embedding, then the Pre-LN layers (no output head).
 *
 * @param u `[L, N]` one-hot tokens
 * @param p tensor parameters
 * @param opts causal mask in every layer (an encoder has none; this is for contrast)
 * @returns `[L, d]` (the caller disposes it)
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { tf } from "../tf/mod.ts";
 * import { initEncoder } from "./params.ts";
 * import { oneHot } from "./reference.ts";
 * import { disposeParams, tensorFromMatrix, toTensors } from "./tensors.ts";
 * import { encoder } from "./layers.ts";
 * const p = toTensors(initEncoder(new Rng(1), { vocab: 4, d: 8, heads: 2, depth: 2 }));
 * const u = tensorFromMatrix(oneHot([0, 3, 3], 4));
 * const y = encoder(u, p);
 * if (y.shape[0] !== 3) throw new Error();
 * tf.dispose([u, y]);
 * disposeParams(p);
 * ```
 */
export function encoder(
  u: tf.Tensor2D,
  p: EncoderTensors,
  opts: { causal?: boolean } = {},
): tf.Tensor2D {
  return tf.tidy((): tf.Tensor2D => {
    let x = embed(u, p);
    for (const layer of p.layers) x = preLnLayer(x, layer, opts);
    return x;
  });
}
