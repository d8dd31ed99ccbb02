/**
 * Attention for the suite: scaled dot-product attention (optionally causal), multi-head
 * attention with (MHA1) and without (MHA2) an output projection, the position-wise FFN
 * with expansion 4, LayerNorm, the Pre-LN transformer layer, token and positional
 * embeddings and an encoder stack, in tfjs (float32) and as a plain float64 reference
 * that counts its own arithmetic. Parameters are drawn by seeded initialisers as float64
 * matrices and converted to tensors, so both implementations run on the same numbers.
 *
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { tf, withNoTensorLeak } from "../tf/mod.ts";
 * import { disposeParams, initLayer, matrixFromTensor, normalMatrix, preLnLayer, preLnLayerRef, tensorFromMatrix, toTensors } from "./mod.ts";
 * const params = initLayer(new Rng(1), { d: 16, heads: 4 });
 * const x = normalMatrix(new Rng(2), 6, 16, 1);
 * const expected = preLnLayerRef(x, params); // float64
 * await withNoTensorLeak("layer", () => {
 *   const p = toTensors(params), xt = tensorFromMatrix(x);
 *   const y = preLnLayer(xt, p); // float32, same parameters
 *   const got = matrixFromTensor(y);
 *   tf.dispose([xt, y]);
 *   disposeParams(p);
 *   got.data.forEach((v, i) => {
 *     if (Math.abs(v - expected.data[i]!) > 1e-4 * (1 + Math.abs(expected.data[i]!))) throw new Error(`entry ${i}`);
 *   });
 * });
 * ```
 *
 * @module
 */
export * from "./matrix.ts";
export * from "./params.ts";
export * from "./arbitraries.ts";
export * from "./reference.ts";
export * from "./tensors.ts";
export * from "./layers.ts";
