/**
 * tfjs's `Slice` kernel for tensors in the wasm backend's heap, copying from heap to heap.
 *
 * Why: the wasm backend's own Slice first reads the whole input out of the heap
 * (`readSync`, a `slice` of the heap's typed array), and V8 copies out of a large wasm
 * memory slowly: about 5 ms per MB measured here, so the 3H column slices of the attention
 * layer's Q, Kᵀ and V cost tens of milliseconds at d = 256, L = 1024, as much as the
 * layer's matrix products on OpenBLAS. Copying the selected runs between views of the heap
 * costs microseconds.
 *
 * @module
 */
import { type KernelFunc, slice_util, type TensorInfo, util } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** The part of the wasm backend the kernel uses. */
type WasmHeapBackend = Pick<BackendWasm, "makeOutput" | "typedArrayFromHeap">;

/**
 * The contiguous runs a slice copies: `begin`/`size` of a row-major tensor of `shape`, as
 * source offsets of runs of `run` elements, in the output's order. Trailing dimensions the
 * slice takes whole are merged into the runs, so a slice of whole rows is one run.
 *
 * @param shape the input's shape
 * @param begin first index per dimension
 * @param size extent per dimension (no −1: already resolved)
 * @returns the run length and the source offset of each run
 * @example
 * ```ts
 * import { sliceRuns } from "./_heap_slice.ts";
 * // columns 1..2 of a [3, 4] matrix: three runs of two, at 1, 5 and 9
 * const r = sliceRuns([3, 4], [0, 1], [3, 2]);
 * if (r.run !== 2 || r.offsets.join() !== "1,5,9") throw new Error(JSON.stringify(r));
 * ```
 */
export function sliceRuns(
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
): { run: number; offsets: number[] } {
  const rank = shape.length;
  if (rank === 0) return { run: 1, offsets: [0] };
  const strides = util.computeStrides(shape as number[]); // rank − 1 entries; the last is 1
  const stride = (j: number) => (j === rank - 1 ? 1 : strides[j]!);
  // dims k+1 … rank−1 are taken whole, so each run is size[k] × … × size[rank − 1]
  let k = rank - 1;
  while (k > 0 && begin[k] === 0 && size[k] === shape[k]) k--;
  let run = 1;
  for (let j = k; j < rank; j++) run *= size[j]!;
  const base = begin.reduce((s, b, j) => s + b * stride(j), 0);
  const offsets: number[] = [];
  const count = util.sizeFromShape(size.slice(0, k) as number[]);
  const index = new Array<number>(k).fill(0); // odometer over the outer dims 0 … k−1
  for (let c = 0; c < count; c++) {
    let offset = base;
    for (let j = 0; j < k; j++) offset += index[j]! * stride(j);
    offsets.push(offset);
    for (let j = k - 1; j >= 0; j--) {
      if (++index[j]! < size[j]!) break;
      index[j] = 0;
    }
  }
  return { run, offsets };
}

/**
 * A `Slice` kernel function for the wasm backend that copies heap to heap. String tensors
 * (kept outside the heap) go to `fallback`.
 *
 * @param fallback the wasm backend's own kernel
 * @returns the kernel function
 * @example
 * ```ts
 * import { tf } from "./mod.ts";
 * import { makeHeapSlice } from "./_heap_slice.ts";
 * const kernel = makeHeapSlice(() => { throw new Error("not for strings"); });
 * const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
 * const info = kernel({ inputs: { x }, backend: tf.backend(), attrs: { begin: [0, 1], size: [-1, 2] } }) as tf.TensorInfo;
 * const y = tf.engine().makeTensorFromTensorInfo(info);
 * const got = y.arraySync() as number[][];
 * tf.dispose([x, y]);
 * if (got.flat().join() !== "2,3,5,6") throw new Error(String(got));
 * ```
 */
export function makeHeapSlice(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as { begin: number | number[]; size?: number | number[] };
    if (x.dtype === "string") return fallback(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const [begin, size] = slice_util.parseSliceParams(x, attrs.begin, attrs.size) as [
      number[],
      number[],
    ];
    // Allocate first: a malloc that grows the wasm memory detaches earlier views of the heap.
    const out = backend.makeOutput(size, x.dtype);
    if (util.sizeFromShape(size) === 0) return out;
    const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
    const { run, offsets } = sliceRuns(x.shape, begin, size);
    offsets.forEach((from, i) => dst.set(src.subarray(from, from + run), i * run));
    return out;
  };
}
