/**
 * The `blas` tfjs backend: the wasm backend with its matrix products (`BatchMatMul`) computed
 * by OpenBLAS's `cblas_sgemm` through Deno's FFI. Optional: it exists only when the process
 * may call foreign functions (`--allow-ffi`) and a BLAS library loads; otherwise
 * {@link blasStatus} says why and how to enable it, and everything else runs as before.
 *
 * Why the wasm backend and not the plain-JS cpu backend underneath: the layer's other kernels
 * (softmax over L² scores, LayerNorm's row-broadcast arithmetic, transposes, slices) are
 * XNNPACK SIMD code on wasm, but generic JS on cpu, where every broadcast binary op computes
 * an index tuple per element. Profiled at d = 256, L = 512, those cpu kernels alone take
 * several times numpy's whole layer, so a cpu-based blas backend would be slower than numpy
 * however fast its products. On wasm the products are about 90% of the layer's time, and
 * exactly what OpenBLAS replaces.
 *
 * How: "blas" is registered under its own name with the wasm backend's own instance (one
 * heap, one tensor registry) and every wasm kernel, except `BatchMatMul`, which is replaced,
 * and `Slice`, which profiling showed next: the wasm kernel copies its whole input out of the
 * heap first, as slowly as the products on OpenBLAS (see `_heap_slice.ts`). Tensors therefore
 * move between "wasm" and "blas" without a copy, and the product reads and writes the heap in
 * place. `_FusedMatMul` keeps the wasm kernel: the layers never call it.
 * OpenBLAS runs its own threads with its own defaults (OPENBLAS_* variables are left alone).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { makeBlasBatchMatMul } from "./_blas_matmul.ts";
import { makeHeapSlice } from "./_heap_slice.ts";
import { loadOpenBlas, type Sgemm } from "./_openblas.ts";

export type { Sgemm };

/** The backend's name for `useBackend`/`tf.setBackend`. */
export const BLAS_BACKEND = "blas";

/** How to enable the backend, in one line. */
export const BLAS_HINT =
  "to enable the blas backend: apt-get install libopenblas0-pthread, and run with --allow-ffi";

/** The backend's state: available with its library, or not, with the reason. */
export type BlasStatus =
  | { available: true; library: string; config: string; threads: number }
  | { available: false; reason: string };

// Below cpu (1) and wasm (2): tfjs never picks it by itself, it is chosen by name.
const PRIORITY = 0;

const loaded = loadOpenBlas();
let gemmCalls = 0;
const registered = new Set<string>();

/**
 * Whether the blas backend can be used in this process.
 *
 * @returns true when FFI is permitted and a BLAS library loaded
 * @example
 * ```ts
 * import { isBlasAvailable } from "./blas.ts";
 * // without --allow-ffi (as in `deno task test`) the backend is off
 * const ffi = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
 * if (!ffi && isBlasAvailable()) throw new Error();
 * ```
 */
export function isBlasAvailable(): boolean {
  return loaded.ok;
}

/**
 * The library behind the backend, or why there is none.
 *
 * @returns the status
 * @example
 * ```ts
 * import { blasStatus } from "./blas.ts";
 * const s = blasStatus();
 * if (!(s.available ? s.threads >= 1 : s.reason.length > 0)) throw new Error();
 * ```
 */
export function blasStatus(): BlasStatus {
  return loaded.ok
    ? {
      available: true,
      library: loaded.blas.library,
      config: loaded.blas.config,
      threads: loaded.blas.threads,
    }
    : { available: false, reason: loaded.reason };
}

/**
 * One line for a report: the library and its threads, or why the backend is off and how to
 * turn it on.
 *
 * @returns the line
 * @example
 * ```ts
 * import { blasSummary } from "./blas.ts";
 * if (!blasSummary().startsWith("blas backend")) throw new Error();
 * ```
 */
export function blasSummary(): string {
  const s = blasStatus();
  return s.available
    ? `blas backend: ${s.config} (${s.library}, ${s.threads} threads)`
    : `blas backend off: ${s.reason}; ${BLAS_HINT}`;
}

/**
 * How many `sgemm` calls the blas backend has made in this process: lets a check confirm
 * that its products really ran in the library.
 *
 * @returns the count
 * @example
 * ```ts
 * import { blasGemmCalls } from "./blas.ts";
 * if (!(blasGemmCalls() >= 0)) throw new Error();
 * ```
 */
export function blasGemmCalls(): number {
  return gemmCalls;
}

/**
 * OpenBLAS's row-major gemm as the blas backend calls it (each call counted by
 * {@link blasGemmCalls}), for building variants of the backend with
 * {@link registerGemmBackend}.
 *
 * @returns the gemm
 * @throws Error if the blas backend is unavailable (saying why and how to enable it)
 * @example
 * ```ts
 * import { blasSgemm, isBlasAvailable } from "./blas.ts";
 * if (isBlasAvailable()) {
 *   const c = new Float32Array(1);
 *   blasSgemm()(false, false, 1, 1, 2, 1, Float32Array.of(1, 2), 2, Float32Array.of(3, 4), 1, 0, c, 1);
 *   if (c[0] !== 11) throw new Error();
 * }
 * ```
 */
export function blasSgemm(): Sgemm {
  if (!loaded.ok) {
    throw new Error(`the blas backend is unavailable: ${loaded.reason}; ${BLAS_HINT}`);
  }
  const sgemm = loaded.blas.sgemm;
  return (...args) => {
    gemmCalls++;
    sgemm(...args);
  };
}

/**
 * A deliberately wrong gemm for negative controls: it reads B's storage as the transposed
 * operand (with the leading dimension adjusted so the read stays in bounds), the mistake of
 * taking a row-major matrix for a column-major one. For a square B it computes A·Bᵀ.
 *
 * @param sgemm the correct gemm
 * @returns the wrong one
 * @example
 * ```ts
 * import { readsBTransposed } from "./blas.ts";
 * import { loopSgemm } from "./_blas_matmul.ts";
 * const a = Float32Array.of(1, 2), b = Float32Array.of(1, 2, 3, 4), c = new Float32Array(2);
 * // [1, 2] x [[1, 2], [3, 4]] is [7, 10]; with B read as [[1, 3], [2, 4]] it is [5, 11]
 * readsBTransposed(loopSgemm)(false, false, 1, 2, 2, 1, a, 2, b, 2, 0, c, 2);
 * if (c.join() !== "5,11") throw new Error(c.join());
 * ```
 */
export function readsBTransposed(sgemm: Sgemm): Sgemm {
  return (ta, tb, m, n, k, alpha, a, lda, b, _ldb, beta, c, ldc) =>
    sgemm(ta, !tb, m, n, k, alpha, a, lda, b, tb ? n : k, beta, c, ldc);
}

/**
 * Registers a backend that shares the wasm backend's instance and kernels, with `BatchMatMul`
 * computed by `sgemm` (and `Slice` copying heap to heap). The blas backend is this with OpenBLAS's gemm; a test can register a
 * deliberately wrong gemm under another name. Never `tf.removeBackend` such a name: that
 * would dispose the wasm backend it shares.
 *
 * @param name the new backend's name
 * @param sgemm the row-major gemm its products call
 * @throws Error if the wasm backend is not initialised or the name is taken
 * @example
 * ```ts
 * import { tf, useBackend } from "./mod.ts";
 * import { loopSgemm } from "./_blas_matmul.ts";
 * import { registerGemmBackend } from "./blas.ts";
 * registerGemmBackend("gemm-example", loopSgemm);
 * await tf.setBackend("gemm-example");
 * const c = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
 * const v = c.dataSync()[0];
 * c.dispose();
 * await useBackend("wasm");
 * if (v !== 11) throw new Error(String(v));
 * ```
 */
export function registerGemmBackend(name: string, sgemm: Sgemm): void {
  const wasm = tf.findBackend("wasm");
  if (!wasm) throw new Error(`registerGemmBackend: the wasm backend is not initialised`);
  if (registered.has(name) || tf.findBackendFactory(name) != null) {
    throw new Error(`registerGemmBackend: a backend named ${name} is already registered`);
  }
  const replaced: Record<string, (wasmKernel: tf.KernelFunc) => tf.KernelFunc> = {
    [tf.BatchMatMul]: (wasmKernel) => makeBlasBatchMatMul(sgemm, wasmKernel),
    [tf.Slice]: makeHeapSlice,
  };
  for (const kernel of tf.getKernelsForBackend("wasm")) {
    const replace = replaced[kernel.kernelName];
    const kernelFunc = replace ? replace(kernel.kernelFunc) : kernel.kernelFunc;
    tf.registerKernel({ ...kernel, backendName: name, kernelFunc });
  }
  tf.registerBackend(name, () => wasm, PRIORITY);
  registered.add(name);
}

/**
 * Registers the blas backend if OpenBLAS is available (called once by `mod.ts`, after the
 * wasm backend is ready); does nothing otherwise.
 *
 * @returns whether it was registered
 * @example
 * ```ts
 * import { isBlasAvailable, registerBlasBackend } from "./blas.ts";
 * import "./mod.ts"; // has already called it
 * if (registerBlasBackend() !== isBlasAvailable()) throw new Error();
 * ```
 */
export function registerBlasBackend(): boolean {
  if (!loaded.ok) return false;
  if (registered.has(BLAS_BACKEND)) return true;
  registerGemmBackend(BLAS_BACKEND, blasSgemm());
  return true;
}
