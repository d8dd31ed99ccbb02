/**
 * Problem 25: a masked single-head attention layer without positional embeddings whose
 * output reveals the position. The handout writes the layer column-wise (x_ℓ = M u_ℓ,
 * q_ℓ = (W^Q)ᵀ x_ℓ); here sequences are the rows of matrices, so X = U Mᵀ, Q = X W^Q,
 * K = X W^K, V = X W^V, and the shared attention computes softmax(Q Kᵀ/√d_K) V.
 *
 * @module
 */
import {
  attentionRef,
  matMul,
  type Matrix,
  matrix,
  matrixFromTensor,
  normalMatrix,
  oneHot,
  scaledDotProductAttention,
  tensorFromMatrix,
  transpose,
} from "../../shared/attention/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { tf } from "../../shared/tf/mod.ts";

/** The layer's matrices in the handout's orientation. */
export interface NopeLayer {
  /** M ∈ R^{d×N}: row 1 all ones, row 2 = e_1ᵀ, the other rows free. */
  m: Matrix;
  /** (W^Q)ᵀ ∈ R^{d_K×d}: arbitrary. */
  wqT: Matrix;
  /** (W^K)ᵀ ∈ R^{d_K×d}: every row e_1ᵀ. */
  wkT: Matrix;
  /** (W^V)ᵀ ∈ R^{d×d}: row 1 = e_2ᵀ, the other rows free. */
  wvT: Matrix;
}

/** Sizes of the layer. */
export interface NopeShape {
  /** Vocabulary size N ≥ 2 (token 0 is ⟨im_start⟩). */
  vocab: number;
  /** Embedding width d ≥ 2. */
  d: number;
  /** Query/key width d_K ≥ 1. */
  dK: number;
  /** Standard deviation of the arbitrary W^Q (default 1; large values give peaked scores). */
  queryScale?: number;
}

/**
 * The construction of Problem 25 with every free entry (the * of the handout) and W^Q
 * drawn at random.
 *
 * @param rng the random source
 * @param s sizes
 * @returns the matrices
 * @throws RangeError if N < 2, d < 2 or d_K < 1
 * @example
 * ```ts
 * import { Rng } from "../../shared/random/mod.ts";
 * import { nopeLayer } from "./mod.ts";
 * const layer = nopeLayer(new Rng(1), { vocab: 5, d: 4, dK: 3 });
 * if (layer.m.data[0] !== 1 || layer.m.data[5] !== 1 || layer.m.data[6] !== 0) throw new Error();
 * ```
 */
export function nopeLayer(rng: Rng, s: NopeShape): NopeLayer {
  if (!(Number.isInteger(s.vocab) && s.vocab >= 2)) {
    throw new RangeError(`nopeLayer: vocab N must be an integer ≥ 2, got ${s.vocab}`);
  }
  if (!(Number.isInteger(s.d) && s.d >= 2)) {
    throw new RangeError(`nopeLayer: width d must be an integer ≥ 2, got ${s.d}`);
  }
  if (!(Number.isInteger(s.dK) && s.dK >= 1)) {
    throw new RangeError(`nopeLayer: d_K must be a positive integer, got ${s.dK}`);
  }
  const { vocab: N, d, dK } = s;
  const m = normalMatrix(rng, d, N, 1);
  for (let n = 0; n < N; n++) {
    m.data[n] = 1; // row 1: all ones
    m.data[N + n] = n === 0 ? 1 : 0; // row 2: e_1ᵀ
  }
  const wkT = matrix(dK, d);
  for (let i = 0; i < dK; i++) wkT.data[i * d] = 1; // every row e_1ᵀ
  const wvT = normalMatrix(rng, d, d, 1);
  for (let j = 0; j < d; j++) wvT.data[j] = j === 1 ? 1 : 0; // row 1: e_2ᵀ
  return { m, wqT: normalMatrix(rng, dK, d, s.queryScale ?? 1), wkT, wvT };
}

/** X = U Mᵀ and the projections Q, K, V in row form. */
function projections(layer: NopeLayer, tokens: readonly number[]): [Matrix, Matrix, Matrix] {
  const x = matMul(oneHot(tokens, layer.m.cols), transpose(layer.m)); // [L, N] x [N, d] -> [L, d]
  return [
    matMul(x, transpose(layer.wqT)), // [L, d] x [d, dK] -> [L, dK]
    matMul(x, transpose(layer.wkT)), // [L, d] x [d, dK] -> [L, dK]
    matMul(x, transpose(layer.wvT)), // [L, d] x [d, d] -> [L, d]
  ];
}

/**
 * The outputs y_1, …, y_L of the layer in float64 (the shared reference attention).
 *
 * @param layer the matrices
 * @param tokens token ids; the construction assumes token 0 (⟨im_start⟩) at position 1 only
 * @param opts `causal` (default true): the mask of the problem; false drops it
 * @returns `[L, d]`, row ℓ − 1 is y_ℓ
 * @example
 * ```ts
 * import { Rng } from "../../shared/random/mod.ts";
 * import { nopeLayer, nopeOutputs } from "./mod.ts";
 * const y = nopeOutputs(nopeLayer(new Rng(1), { vocab: 5, d: 4, dK: 3 }), [0, 3, 1, 4]);
 * if (Math.abs(y.data[3 * 4]! - 1 / 4) > 1e-15) throw new Error("y_4 starts with 1/4");
 * ```
 */
export function nopeOutputs(
  layer: NopeLayer,
  tokens: readonly number[],
  opts: { causal?: boolean } = {},
): Matrix {
  const [q, k, v] = projections(layer, tokens);
  return attentionRef(q, k, v, { causal: opts.causal ?? true });
}

/**
 * The same outputs computed by the tfjs attention (float32, current backend).
 *
 * @param layer the matrices
 * @param tokens token ids
 * @param opts `causal` (default true)
 * @returns `[L, d]` as a float64 matrix (no tensors are left alive)
 * @example
 * ```ts
 * import { Rng } from "../../shared/random/mod.ts";
 * import { nopeLayer, nopeOutputsTf } from "./mod.ts";
 * const y = nopeOutputsTf(nopeLayer(new Rng(1), { vocab: 5, d: 4, dK: 3 }), [0, 3, 1]);
 * if (Math.abs(y.data[2 * 4]! - 1 / 3) > 1e-6) throw new Error();
 * ```
 */
export function nopeOutputsTf(
  layer: NopeLayer,
  tokens: readonly number[],
  opts: { causal?: boolean } = {},
): Matrix {
  const [q, k, v] = projections(layer, tokens).map(tensorFromMatrix) as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor2D,
  ];
  const y = scaledDotProductAttention(q, k, v, { causal: opts.causal ?? true });
  const out = matrixFromTensor(y);
  tf.dispose([q, k, v, y]);
  return out;
}

/**
 * The first coordinates y_{ℓ,1}, ℓ = 1, …, L.
 *
 * @param y `[L, d]` outputs
 * @returns the first column
 * @example
 * ```ts
 * import { fromRows } from "../../shared/attention/mod.ts";
 * import { firstCoordinates } from "./mod.ts";
 * if (firstCoordinates(fromRows([[1, 9], [0.5, 9]]))[1] !== 0.5) throw new Error();
 * ```
 */
export function firstCoordinates(y: Matrix): number[] {
  return Array.from({ length: y.rows }, (_, l) => y.data[l * y.cols]!);
}
