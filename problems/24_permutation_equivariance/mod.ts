/**
 * Problem 24: an encoder without positional embeddings and without a mask is permutation
 * equivariant. Measures how far f(u_σ(1), …, u_σ(L)) is from (y_σ(1), …, y_σ(L)), for one
 * Pre-LN layer on real inputs and for the whole encoder on one-hot tokens, in the float64
 * reference and in the float32 tfjs layers.
 *
 * Positions and permutations are 0-based here: σ is an array with σ[i] the old position
 * of the token now at position i.
 *
 * @module
 */
import {
  disposeParams,
  encoder,
  type EncoderParams,
  encoderRef,
  type LayerParams,
  type Matrix,
  matrixFromTensor,
  oneHot,
  permuteRows,
  preLnLayer,
  preLnLayerRef,
  tensorFromMatrix,
  toTensors,
} from "../../shared/attention/mod.ts";
import type { Rng } from "../../shared/random/mod.ts";
import { tf } from "../../shared/tf/mod.ts";

/**
 * A uniformly random permutation of {0, …, L − 1} (Fisher–Yates).
 *
 * @param rng the random source
 * @param length L
 * @returns σ as an array
 * @example
 * ```ts
 * import { Rng } from "../../shared/random/mod.ts";
 * import { randomPermutation } from "./mod.ts";
 * const s = randomPermutation(new Rng(1), 5);
 * if ([...s].sort().join() !== "0,1,2,3,4") throw new Error();
 * ```
 */
export function randomPermutation(rng: Rng, length: number): number[] {
  const s = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  return s;
}

/**
 * Checks that σ is a permutation of {0, …, L − 1}.
 *
 * @param sigma the candidate
 * @param length L
 * @throws RangeError naming the first repeated or out-of-range entry
 * @example
 * ```ts
 * import { assertPermutation } from "./mod.ts";
 * assertPermutation([2, 0, 1], 3);
 * ```
 */
export function assertPermutation(sigma: readonly number[], length: number): void {
  if (sigma.length !== length) {
    throw new RangeError(`σ has ${sigma.length} entries for a sequence of length ${length}`);
  }
  const seen = new Set<number>();
  sigma.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= length || seen.has(v)) {
      throw new RangeError(`σ[${i}] = ${v} is out of range or repeated: not a permutation`);
    }
    seen.add(v);
  });
}

/** The gap between f(permuted input) and the permuted f(input). */
export interface EquivarianceGap {
  /** max over entries of |f(P x) − P f(x)|. */
  maxError: number;
  /** max over entries of |f(x)|, at least 1: the scale tolerances refer to. */
  scale: number;
  /** f(x) itself, so that two implementations can be compared on the same input. */
  output: Matrix;
}

function gap(permutedOutput: Matrix, output: Matrix, sigma: readonly number[]): EquivarianceGap {
  const expected = permuteRows(output, sigma); // row i is y_σ(i)
  let maxError = 0, scale = 1;
  permutedOutput.data.forEach((v, i) => {
    maxError = Math.max(maxError, Math.abs(v - expected.data[i]!));
    scale = Math.max(scale, Math.abs(expected.data[i]!));
  });
  return { maxError, scale, output };
}

/** Which implementation computes the outputs. */
export type Implementation = "float64" | "tfjs";

/**
 * The equivariance gap of one Pre-LN layer on a real input X.
 *
 * @param layer the layer's parameters
 * @param x `[L, d]` input rows
 * @param sigma a permutation of the rows
 * @param opts implementation (default float64) and causal mask (default none)
 * @returns the gap and the scale
 * @throws RangeError if σ is not a permutation of the rows
 * @example
 * ```ts
 * import { initLayer, normalMatrix } from "../../shared/attention/mod.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * import { layerEquivarianceGap } from "./mod.ts";
 * const g = layerEquivarianceGap(initLayer(new Rng(1), { d: 8, heads: 2 }), normalMatrix(new Rng(2), 4, 8, 1), [3, 1, 0, 2]);
 * if (g.maxError > 1e-12 * g.scale) throw new Error();
 * ```
 */
export function layerEquivarianceGap(
  layer: LayerParams,
  x: Matrix,
  sigma: readonly number[],
  opts: { implementation?: Implementation; causal?: boolean } = {},
): EquivarianceGap {
  assertPermutation(sigma, x.rows);
  const causal = opts.causal ?? false;
  const run = (input: Matrix) =>
    opts.implementation === "tfjs"
      ? viaTf(input, layer, (t, p) => preLnLayer(t, p, { causal }))
      : preLnLayerRef(input, layer, { causal });
  return gap(run(permuteRows(x, sigma)), run(x), sigma);
}

/**
 * The equivariance gap of the encoder f on a token sequence.
 *
 * @param enc the encoder's parameters
 * @param tokens token ids u_1, …, u_L
 * @param sigma a permutation of the positions
 * @param opts implementation (default float64) and causal mask (default none)
 * @returns the gap and the scale
 * @throws RangeError if σ is not a permutation of the positions
 * @example
 * ```ts
 * import { initEncoder } from "../../shared/attention/mod.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * import { encoderEquivarianceGap } from "./mod.ts";
 * const enc = initEncoder(new Rng(1), { vocab: 5, d: 8, heads: 2, depth: 2 });
 * const g = encoderEquivarianceGap(enc, [4, 0, 0, 2], [1, 3, 2, 0]);
 * if (g.maxError > 1e-12 * g.scale) throw new Error();
 * ```
 */
export function encoderEquivarianceGap(
  enc: EncoderParams,
  tokens: readonly number[],
  sigma: readonly number[],
  opts: { implementation?: Implementation; causal?: boolean } = {},
): EquivarianceGap {
  assertPermutation(sigma, tokens.length);
  const vocab = enc.embedding.rows;
  const causal = opts.causal ?? false;
  const run = (ts: readonly number[]) => {
    const u = oneHot(ts, vocab); // [L, N]
    return opts.implementation === "tfjs"
      ? viaTf(u, enc, (t, p) => encoder(t, p, { causal }))
      : encoderRef(u, enc, { causal });
  };
  const permuted = sigma.map((s) => tokens[s]!); // u_σ(1), …, u_σ(L)
  return gap(run(permuted), run(tokens), sigma);
}

/** Runs a tfjs layer on float64 data and parameters; leaves no tensors behind. */
function viaTf<P>(
  input: Matrix,
  params: P,
  fn: (x: tf.Tensor2D, p: ReturnType<typeof toTensors<P>>) => tf.Tensor2D,
): Matrix {
  const x = tensorFromMatrix(input), p = toTensors(params);
  try {
    const y = fn(x, p);
    const out = matrixFromTensor(y);
    y.dispose();
    return out;
  } finally {
    x.dispose();
    disposeParams(p);
  }
}
