/**
 * TensorFlow.js for the suite: one import point, backend selection, and a leak check.
 *
 * Import tfjs through this module (`import { tf } from "../../shared/tf/mod.ts"`) so the
 * wasm backend is registered and every check can assert it leaks no tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

export { tf };

// Registering the wasm backend makes it tfjs's highest-priority backend, which must be
// initialised asynchronously before any op; do it once, here. Without read permission it
// cannot load its binary and tfjs falls back to `cpu` (see `useBackend` to insist).
await tf.ready();

/** The CPU backends tfjs offers here: the plain-JS `cpu` and the WebAssembly `wasm`. */
export type CpuBackend = "cpu" | "wasm";

/**
 * Switches tfjs to a backend and confirms it took effect (without read permission the
 * wasm backend fails quietly and tfjs stays on `cpu`, so this checks `tf.getBackend()`).
 *
 * @param name the backend
 * @throws Error if tfjs is not on that backend afterwards
 * @example
 * ```ts
 * import { tf, useBackend } from "./mod.ts";
 * await useBackend("cpu");
 * if (tf.getBackend() !== "cpu") throw new Error();
 * ```
 */
export async function useBackend(name: CpuBackend): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new Error(
      `tfjs backend ${name} is unavailable (now on ${tf.getBackend()}); the wasm backend needs --allow-read`,
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
