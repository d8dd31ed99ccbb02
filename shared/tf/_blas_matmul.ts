/**
 * tfjs's `BatchMatMul` kernel as calls to `cblas_sgemm`, on tensors that live in the wasm
 * backend's heap: the operands and the output are views of that heap, handed to the library
 * as they are (no copies in or out).
 *
 * @module
 */
import { backend_util, type KernelFunc, type TensorInfo, util } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Sgemm } from "./_openblas.ts";

/** One product of a batch: where its A, B and C start, in elements. */
export interface GemmStep {
  /** Offset of this batch's A in the A tensor. */
  a: number;
  /** Offset of this batch's B in the B tensor. */
  b: number;
  /** Offset of this batch's C in the output. */
  c: number;
}

/** How a batched product maps onto row-major gemm calls. */
export interface GemmPlan {
  /** op(A) is `[m, k]`, op(B) `[k, n]`, each C `[m, n]`. */
  m: number;
  /** Columns of each C. */
  n: number;
  /** The contracted dimension. */
  k: number;
  /** Row strides of A and B as stored (`[k, m]` if transposeA, else `[m, k]`; likewise B). */
  lda: number;
  /** Row stride of B as stored. */
  ldb: number;
  /** The output shape: broadcast batch dimensions, then m, n. */
  outShape: number[];
  /** One entry per output matrix, in the output's row-major order. */
  steps: GemmStep[];
}

/**
 * Plans a batched matrix product the way `tf.matMul` defines it: the last two dimensions
 * multiply (after the optional transposes), the leading ones are batch dimensions that
 * broadcast against each other as in NumPy (a dimension of 1, or a missing one, repeats).
 *
 * @param aShape shape of A (rank ≥ 2)
 * @param bShape shape of B (rank ≥ 2)
 * @param transposeA whether A's last two dimensions are transposed
 * @param transposeB whether B's last two dimensions are transposed
 * @returns sizes, leading dimensions, output shape and one offset triple per output matrix
 * @throws Error if the inner dimensions differ or the batch dimensions do not broadcast
 * @example
 * ```ts
 * import { planBatchMatMul } from "./_blas_matmul.ts";
 * // [2, 3, 4] x [4, 5]: B broadcasts over the batch of two
 * const p = planBatchMatMul([2, 3, 4], [4, 5], false, false);
 * if (p.outShape.join() !== "2,3,5" || p.steps[1]!.a !== 12 || p.steps[1]!.b !== 0) throw new Error();
 * ```
 */
export function planBatchMatMul(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): GemmPlan {
  const ra = aShape.length, rb = bShape.length;
  if (ra < 2 || rb < 2) {
    throw new Error(`matMul needs rank ≥ 2, got [${aShape}] and [${bShape}]`);
  }
  const [a0, a1] = [aShape[ra - 2]!, aShape[ra - 1]!];
  const [b0, b1] = [bShape[rb - 2]!, bShape[rb - 1]!];
  const m = transposeA ? a1 : a0, kA = transposeA ? a0 : a1;
  const kB = transposeB ? b1 : b0, n = transposeB ? b0 : b1;
  if (kA !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ` +
        `${aShape} and ${bShape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchA = aShape.slice(0, -2), batchB = bShape.slice(0, -2);
  const batch = backend_util.assertAndGetBroadcastShape(batchA, batchB);
  // Row-major strides of each operand's batch dimensions, aligned on the right with the
  // output's; a broadcast dimension (size 1 or absent) gets stride 0, so it repeats.
  const strides = (own: readonly number[], matrixSize: number) => {
    const out = new Array<number>(batch.length).fill(0);
    let stride = matrixSize;
    for (let i = own.length - 1; i >= 0; i--) {
      const j = batch.length - own.length + i;
      out[j] = own[i] === 1 ? 0 : stride;
      stride *= own[i]!;
    }
    return out;
  };
  const sa = strides(batchA, a0 * a1), sb = strides(batchB, b0 * b1);
  const count = util.sizeFromShape(batch);
  const steps: GemmStep[] = [];
  const index = new Array<number>(batch.length).fill(0); // odometer over the output's batch
  for (let s = 0; s < count; s++) {
    let a = 0, b = 0;
    for (let j = 0; j < batch.length; j++) {
      a += index[j]! * sa[j]!;
      b += index[j]! * sb[j]!;
    }
    steps.push({ a, b, c: s * m * n });
    for (let j = batch.length - 1; j >= 0; j--) {
      if (++index[j]! < batch[j]!) break;
      index[j] = 0;
    }
  }
  return { m, n, k: kA, lda: a1, ldb: b1, outShape: [...batch, m, n], steps };
}

/** The part of the wasm backend the kernel uses. */
type WasmHeapBackend = Pick<BackendWasm, "makeOutput" | "typedArrayFromHeap">;

/**
 * A `BatchMatMul` kernel function for the wasm backend whose products are `sgemm` calls.
 * Non-float32 operands go to `fallback` (the wasm backend's own kernel).
 *
 * @param sgemm the row-major gemm (OpenBLAS's, or a deliberately wrong one in a test)
 * @param fallback the kernel for what the gemm does not cover
 * @returns the kernel function
 * @example
 * ```ts
 * import { tf } from "./mod.ts";
 * import { loopSgemm, makeBlasBatchMatMul } from "./_blas_matmul.ts";
 * // the kernel around a plain-loop gemm, called as tfjs calls it, on the wasm backend
 * const kernel = makeBlasBatchMatMul(loopSgemm, () => { throw new Error("float32 only"); });
 * const a = tf.tensor2d([[1, 2], [3, 4]]), b = tf.tensor2d([[1, 1], [0, 1]]);
 * const info = kernel({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA: false, transposeB: true } }) as tf.TensorInfo;
 * const c = tf.engine().makeTensorFromTensorInfo(info);
 * const got = c.arraySync() as number[][];
 * tf.dispose([a, b, c]);
 * if (got.flat().join() !== "3,2,7,4") throw new Error(String(got)); // A Bᵀ
 * ```
 */
export function makeBlasBatchMatMul(sgemm: Sgemm, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== "float32" || b.dtype !== "float32") return fallback(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const plan = planBatchMatMul(a.shape, b.shape, transposeA, transposeB);
    // Allocate first: a malloc that grows the wasm memory detaches earlier views of the heap.
    const out = backend.makeOutput(plan.outShape, "float32");
    const c = backend.typedArrayFromHeap(out) as Float32Array;
    if (c.length === 0) return out;
    if (plan.k === 0) {
      c.fill(0); // an empty sum; BLAS would refuse the leading dimension 0
      return out;
    }
    const av = backend.typedArrayFromHeap(a) as Float32Array;
    const bv = backend.typedArrayFromHeap(b) as Float32Array;
    const { m, n, k, lda, ldb } = plan;
    for (const step of plan.steps) {
      // op(A) [m, k] x op(B) [k, n] -> C [m, n], each a view into the heap at its batch offset
      sgemm(
        transposeA,
        transposeB,
        m,
        n,
        k,
        1,
        av.subarray(step.a, step.a + m * k),
        lda,
        bv.subarray(step.b, step.b + k * n),
        ldb,
        0,
        c.subarray(step.c, step.c + m * n),
        n,
      );
    }
    return out;
  };
}

/**
 * A row-major gemm by plain loops with the same contract as `cblas_sgemm`: an independent
 * implementation to test the kernel's plumbing against, on machines without OpenBLAS. Sums in
 * float64 and rounds each entry once to float32.
 *
 * @param transA whether A is stored as `[k, m]`
 * @param transB whether B is stored as `[n, k]`
 * @param m rows of C
 * @param n columns of C
 * @param k the contracted dimension
 * @param alpha factor of the product
 * @param a A's storage
 * @param lda A's row stride
 * @param b B's storage
 * @param ldb B's row stride
 * @param beta factor of the old C
 * @param c C's storage, overwritten
 * @param ldc C's row stride
 * @example
 * ```ts
 * import { loopSgemm } from "./_blas_matmul.ts";
 * const c = new Float32Array(1);
 * loopSgemm(false, false, 1, 1, 2, 1, Float32Array.of(1, 2), 2, Float32Array.of(3, 4), 1, 0, c, 1);
 * if (c[0] !== 11) throw new Error(); // 1·3 + 2·4
 * ```
 */
export const loopSgemm: Sgemm = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[p * lda + i]! : a[i * lda + p]!; // op(A)[i, p]
        const bpj = transB ? b[j * ldb + p]! : b[p * ldb + j]!; // op(B)[p, j]
        s += aip * bpj;
      }
      // beta = 0 ignores C's old contents entirely (they may be NaN), as BLAS does
      c[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * ldc + j]!);
    }
  }
};
