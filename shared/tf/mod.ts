/**
 * TensorFlow.js for the suite: one import point, backend selection, and a leak check.
 *
 * Import tfjs through this module (`import { tf } from "../../shared/tf/mod.ts"`) so the
 * wasm backend is registered and every check can assert it leaks no tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
// The binaries come in as module bytes (deno.json enables raw imports), not read from disk:
// module loading needs no permission, so a plain `deno test` or `deno bench` runs on the
// same wasm backend as the tasks, instead of quietly falling back to `cpu`.
import plainWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm" with {
  type: "bytes",
};
import simdWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm" with {
  type: "bytes",
};
import threadedWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm" with {
  type: "bytes",
};
import { BLAS_BACKEND, BLAS_HINT, blasStatus, registerBlasBackend } from "./blas.ts";

export { tf };
export {
  BLAS_HINT,
  blasGemmCalls,
  blasSgemm,
  blasStatus,
  blasSummary,
  isBlasAvailable,
  readsBTransposed,
  registerGemmBackend,
  type Sgemm,
} from "./blas.ts";

const blobUrl = (bytes: Uint8Array) =>
  URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/wasm" }));
// `true`: fetch each binary through tfjs's platform fetch (a blob: URL needs no permission)
setWasmPaths({
  "tfjs-backend-wasm.wasm": blobUrl(plainWasm),
  "tfjs-backend-wasm-simd.wasm": blobUrl(simdWasm),
  "tfjs-backend-wasm-threaded-simd.wasm": blobUrl(threadedWasm),
}, true);

// Registering the wasm backend makes it tfjs's highest-priority backend, which must be
// initialised asynchronously before any op; do it once, here.
await tf.ready();
if (tf.getBackend() !== "wasm") {
  throw new Error(`tfjs could not start its wasm backend (it is on ${tf.getBackend()})`);
}
// The cpu backend greets its first tensor with advice to install tfjs-node, which cannot be
// installed here and which a reader cannot act on; mark the greeting as already given.
const cpu = tf.findBackend("cpu") as { firstUse?: boolean } | null;
if (cpu) cpu.firstUse = false;
// The optional `blas` backend shares the wasm backend's instance, so it is registered now that
// wasm is ready; without OpenBLAS or --allow-ffi this does nothing (see blas.ts).
registerBlasBackend();

/**
 * The CPU backends tfjs offers here: the plain-JS `cpu`, the WebAssembly `wasm`, and `blas`
 * (wasm with OpenBLAS's matrix products; only with OpenBLAS and --allow-ffi).
 */
export type CpuBackend = "cpu" | "wasm" | "blas";

/**
 * Switches tfjs to a backend and confirms it took effect (`tf.setBackend` can fail
 * quietly, so this checks `tf.getBackend()`).
 *
 * @param name the backend
 * @throws Error if tfjs is not on that backend afterwards, or, for `blas`, if it is
 * unavailable (the message says why and how to enable it)
 * @example
 * ```ts
 * import { tf, useBackend } from "./mod.ts";
 * await useBackend("cpu");
 * if (tf.getBackend() !== "cpu") throw new Error();
 * ```
 */
export async function useBackend(name: CpuBackend): Promise<void> {
  const blas = blasStatus();
  if (name === BLAS_BACKEND && !blas.available) {
    throw new Error(`tfjs backend blas is unavailable: ${blas.reason}; ${BLAS_HINT}`);
  }
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new Error(
      `tfjs backend ${name} is unavailable (now on ${tf.getBackend()})`,
    );
  }
}

/** Thrown when a block leaves more tensors alive than it found. */
export class TensorLeakError extends Error {
  override name = "TensorLeakError";
}

/**
 * Runs `fn` and asserts that the number of live tensors is the same afterwards: every
 * tensor it made was disposed (inside `tf.tidy` or explicitly). Works for async `fn`.
 *
 * @param label what ran, for the message
 * @param fn the work
 * @returns what `fn` returned (plain values; returned tensors would count as a leak)
 * @throws TensorLeakError naming the label and the number of leaked tensors
 * @example
 * ```ts
 * import { tf, withNoTensorLeak } from "./mod.ts";
 * const s = await withNoTensorLeak("sum", () => {
 *   const t = tf.tidy(() => tf.sum(tf.ones([3])));
 *   const value = t.arraySync();
 *   t.dispose(); // the tidy's result is the caller's to dispose
 *   return value;
 * });
 * if (s !== 3) throw new Error();
 * ```
 */
export async function withNoTensorLeak<T>(label: string, fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new TensorLeakError(
      `${label}: ${after - before} tensor(s) leaked (${before} → ${after})`,
    );
  }
  return out;
}
