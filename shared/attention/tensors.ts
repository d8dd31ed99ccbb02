/**
 * Moving parameters from the float64 reference to tfjs: every {@link Matrix} in a
 * parameter object becomes a float32 `tf.Tensor2D` of the same shape, everything else is
 * kept. The caller owns the tensors and disposes them with {@link disposeParams}.
 *
 * @module
 */
import { tf } from "../tf/mod.ts";
import { type Matrix, matrix } from "./matrix.ts";
import { isMatrix } from "./params.ts";

/** A parameter type with every Matrix replaced by a float32 `tf.Tensor2D`. */
export type AsTensors<P> = P extends Matrix ? tf.Tensor2D
  : P extends readonly (infer E)[] ? AsTensors<E>[]
  : P extends object ? { [K in keyof P]: AsTensors<P[K]> }
  : P;

/**
 * A float32 tensor holding a matrix (rounded to float32).
 *
 * @param m `[r, c]`
 * @returns a new `tf.Tensor2D` `[r, c]` (the caller disposes it)
 * @example
 * ```ts
 * import { tf } from "../tf/mod.ts";
 * import { fromRows } from "./matrix.ts";
 * import { tensorFromMatrix } from "./tensors.ts";
 * const t = tensorFromMatrix(fromRows([[1, 2]]));
 * if (t.shape[1] !== 2) throw new Error();
 * t.dispose();
 * ```
 */
export function tensorFromMatrix(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols], "float32");
}

/**
 * A tensor's values as a float64 matrix (synchronous read; not for hot loops).
 *
 * @param t a 2D tensor
 * @returns the matrix
 * @example
 * ```ts
 * import { tf } from "../tf/mod.ts";
 * import { matrixFromTensor } from "./tensors.ts";
 * const t = tf.tensor2d([[1, 2]]);
 * if (matrixFromTensor(t).data[1] !== 2) throw new Error();
 * t.dispose();
 * ```
 */
export function matrixFromTensor(t: tf.Tensor2D): Matrix {
  const [r, c] = t.shape;
  return matrix(r, c, Float64Array.from(t.dataSync()));
}

/**
 * Converts every matrix of a parameter object to a float32 tensor.
 *
 * @param p parameters holding matrices
 * @returns the same structure holding new tensors (dispose with {@link disposeParams})
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { tf } from "../tf/mod.ts";
 * import { initMha2 } from "./params.ts";
 * import { disposeParams, toTensors } from "./tensors.ts";
 * const before = tf.memory().numTensors;
 * const p = toTensors(initMha2(new Rng(1), { dIn: 4, dOut: 3, dAttn: 2, heads: 2 }));
 * if (p.wv.shape[1] !== 6 || p.heads !== 2) throw new Error();
 * disposeParams(p);
 * if (tf.memory().numTensors !== before) throw new Error("leak");
 * ```
 */
export function toTensors<P>(p: P): AsTensors<P> {
  return mapLeaves(p) as AsTensors<P>;
}

function mapLeaves(p: unknown): unknown {
  if (isMatrix(p)) return tensorFromMatrix(p);
  if (Array.isArray(p)) return p.map(mapLeaves);
  if (p !== null && typeof p === "object") {
    return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, mapLeaves(v)]));
  }
  return p;
}

/**
 * Disposes every tensor in a parameter object.
 *
 * @param p parameters holding tensors
 * @example
 * ```ts
 * import { tf } from "../tf/mod.ts";
 * import { disposeParams } from "./tensors.ts";
 * const w = tf.ones([2, 2]);
 * disposeParams({ layers: [{ w }] });
 * if (!w.isDisposed) throw new Error();
 * ```
 */
export function disposeParams(p: unknown): void {
  if (p instanceof tf.Tensor) p.dispose();
  else if (Array.isArray(p)) p.forEach(disposeParams);
  else if (p !== null && typeof p === "object") Object.values(p).forEach(disposeParams);
}

/**
 * The number of scalars held by the tensors of a parameter object (the "counted
 * variables" of a model).
 *
 * @param p parameters holding tensors
 * @returns the total size
 * @example
 * ```ts
 * import { tf } from "../tf/mod.ts";
 * import { countTensorParameters } from "./tensors.ts";
 * const w = tf.ones([2, 3]);
 * if (countTensorParameters({ w, heads: 4 }) !== 6) throw new Error();
 * w.dispose();
 * ```
 */
export function countTensorParameters(p: unknown): number {
  if (p instanceof tf.Tensor) return p.size;
  if (Array.isArray(p)) return p.reduce((s: number, x) => s + countTensorParameters(x), 0);
  if (p !== null && typeof p === "object") {
    return Object.values(p).reduce((s: number, x) => s + countTensorParameters(x), 0);
  }
  return 0;
}
