/**
 * The blas backend's matrix product. Two layers, two oracles:
 *
 * - the kernel's plumbing (batch broadcasting, transposes, offsets, empty shapes) runs on
 *   every machine, around a plain-loop gemm, against a float64 product computed from the
 *   tensors' nested arrays (no strides, no plan);
 * - OpenBLAS itself (only with the library and --allow-ffi; skipped otherwise) against the
 *   same oracle, exactly on small integers and within the classical float32 bound on
 *   realistic sizes, with a planted wrong gemm (B read transposed) that the same checks reject.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { seedFor } from "../testing/mod.ts";
import { loopSgemm, planBatchMatMul } from "./_blas_matmul.ts";
import { loadOpenBlas } from "./_openblas.ts";
import {
  blasGemmCalls,
  blasSgemm,
  isBlasAvailable,
  readsBTransposed,
  registerGemmBackend,
  tf,
  useBackend,
  withNoTensorLeak,
} from "./mod.ts";

const NO_BLAS = !isBlasAvailable();

type Nested = number | Nested[];

/** One case of `tf.matMul`: operand shapes (batch dims, then the stored matrix) and flags. */
interface MatMulCase {
  aShape: number[];
  bShape: number[];
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * Output batch dims (rank 0..3, sizes 1..3); each operand keeps a suffix of them with some
 * dims set to 1, so that both broadcast directions and the mixed [2, 1] against [1, 3] occur
 * (the case where indexing a batch by `b mod batchA` would be wrong); m, n, k ∈ 0..4.
 */
const arbCase: fc.Arbitrary<MatMulCase> = fc.record({
  batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
  keepA: fc.integer({ min: 0, max: 3 }),
  keepB: fc.integer({ min: 0, max: 3 }),
  onesA: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  onesB: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  m: fc.integer({ min: 0, max: 4 }),
  n: fc.integer({ min: 0, max: 4 }),
  k: fc.integer({ min: 0, max: 4 }),
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
}).map((c) => {
  const suffix = (keep: number, ones: boolean[]) =>
    c.batch.slice(c.batch.length - Math.min(keep, c.batch.length)).map((d, i) => ones[i] ? 1 : d);
  return {
    aShape: [...suffix(c.keepA, c.onesA), ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])],
    bShape: [...suffix(c.keepB, c.onesB), ...(c.transposeB ? [c.n, c.k] : [c.k, c.n])],
    transposeA: c.transposeA,
    transposeB: c.transposeB,
  };
});

/** Pinned: the mixed broadcast [2, 1] · [1, 3], with both transposes, and k = 0. */
const PINNED: MatMulCase[] = [
  { aShape: [2, 1, 3, 2], bShape: [1, 3, 3, 4], transposeA: true, transposeB: false },
  { aShape: [2, 1, 2, 3], bShape: [3, 4, 3], transposeA: false, transposeB: true },
  { aShape: [2, 3, 0], bShape: [0, 4], transposeA: false, transposeB: false },
];

/** Integers in −3..3: every product and partial sum below is exact in float32. */
function integerTensor(shape: number[], seed: number): tf.Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  let s = seed >>> 0;
  const values = new Float32Array(size).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; // LCG: only spreads the values
    return (s >>> 16) % 7 - 3;
  });
  return tf.tensor(values, shape, "float32");
}

/**
 * The batched product from nested arrays, in float64: output batch index by NumPy's rule
 * (right-aligned, a size-1 dimension repeats), then op(A)·op(B) from the definition.
 */
function nestedMatMul(a: Nested, b: Nested, c: MatMulCase): { shape: number[]; values: number[] } {
  const batchA = c.aShape.slice(0, -2), batchB = c.bShape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const dim = (s: number[], j: number) => s[j - (rank - s.length)] ?? 1;
  const batch = Array.from({ length: rank }, (_, j) => Math.max(dim(batchA, j), dim(batchB, j)));
  const [sa0, sa1] = c.aShape.slice(-2) as [number, number];
  const [sb0, sb1] = c.bShape.slice(-2) as [number, number];
  const m = c.transposeA ? sa1 : sa0, k = c.transposeA ? sa0 : sa1;
  const n = c.transposeB ? sb0 : sb1;
  const pick = (x: Nested, own: number[], index: number[]): number[][] => {
    let cur = x;
    index.slice(rank - own.length).forEach((
      i,
      j,
    ) => (cur = (cur as Nested[])[own[j] === 1 ? 0 : i]!));
    return cur as number[][];
  };
  const values: number[] = [];
  const count = batch.reduce((p, d) => p * d, 1);
  for (let flat = 0; flat < count; flat++) {
    const index: number[] = [];
    for (let j = rank - 1, r = flat; j >= 0; j--) {
      index.unshift(r % batch[j]!);
      r = Math.floor(r / batch[j]!);
    }
    // an empty tensor's nested array is [], so the matrices are looked up only when used
    const [A, B] = m * n * k > 0 ? [pick(a, batchA, index), pick(b, batchB, index)] : [[], []];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += (c.transposeA ? A[p]![i]! : A[i]![p]!) * (c.transposeB ? B[j]![p]! : B[p]![j]!);
        }
        values.push(s);
      }
    }
  }
  return { shape: [...batch, m, n], values };
}

/** tf.matMul of one integer case on the current backend, against the nested product: exact. */
function assertExactCase(c: MatMulCase, seed: number): void {
  const a = integerTensor(c.aShape, seed), b = integerTensor(c.bShape, seed + 1);
  const want = nestedMatMul(a.arraySync() as Nested, b.arraySync() as Nested, c);
  const y = tf.matMul(a, b, c.transposeA, c.transposeB);
  const got = { shape: y.shape, values: Array.from(y.dataSync()) };
  tf.dispose([a, b, y]);
  assert.deepEqual(got, want, `${tf.getBackend()}: ${JSON.stringify(c)}`);
}

/** The property on the current backend: every generated case exact, with the pinned ones. */
function assertExactProperty(label: string): void {
  fc.assert(
    fc.property(
      arbCase,
      fc.integer({ min: 0, max: 2 ** 30 }),
      (c, seed) => assertExactCase(c, seed),
    ),
    { seed: seedFor(`blas/${label}`), numRuns: 150, examples: PINNED.map((c) => [c, 1]) },
  );
}

/** Asserts that a property failed on a wrong value (an AssertionError), not by crashing. */
function assertCounterexample(run: () => void): void {
  assert.throws(run, (e: Error) => e.cause instanceof Error && e.cause.name === "AssertionError");
}

registerGemmBackend("gemm-loops", loopSgemm);
registerGemmBackend("gemm-loops-transposed-b", readsBTransposed(loopSgemm));
if (!NO_BLAS) registerGemmBackend("blas-transposed-b", readsBTransposed(blasSgemm()));

/** Runs fn on a backend, leaking no tensors, and returns to wasm even if fn fails. */
async function on(backend: string, fn: () => void): Promise<void> {
  await tf.setBackend(backend);
  try {
    await withNoTensorLeak(backend, fn);
  } finally {
    await useBackend("wasm");
  }
}

Deno.test("blas kernel: around a plain-loop gemm, tf.matMul equals the float64 product exactly (broadcast batches, transposes, empty shapes)", async () => {
  await on("gemm-loops", () => assertExactProperty("loops"));
});

Deno.test("blas kernel: the same check rejects a gemm that reads B transposed", async () => {
  await on("gemm-loops-transposed-b", () => {
    assertCounterexample(() => assertExactProperty("loops"));
  });
});

Deno.test("blas kernel: the plan maps a mixed broadcast [2, 1] · [1, 3] to A's row i and B's column j", () => {
  const p = planBatchMatMul([2, 1, 3, 4], [1, 3, 4, 5], false, false);
  assert.deepEqual(p.outShape, [2, 3, 3, 5]);
  const aSize = 12, bSize = 20, cSize = 15;
  const want = [0, 1].flatMap((i) =>
    [0, 1, 2].map((j) => ({ a: i * aSize, b: j * bSize, c: (i * 3 + j) * cSize }))
  );
  assert.deepEqual(p.steps, want);
  assert.throws(() => planBatchMatMul([2, 3, 4], [3, 4, 5], false, false), /broadcast/);
  assert.throws(
    () => planBatchMatMul([3, 4], [5, 6], false, false),
    /inner shapes \(4\) and \(5\)/,
  );
});

/** One case of `tf.slice`: shape, dtype, begin and size (−1: to the end). */
interface SliceCase {
  shape: number[];
  dtype: "float32" | "int32" | "bool";
  begin: number[];
  size: number[];
}

/** Rank 1..4 (tf.slice refuses a scalar), dims 0..4, any begin in range, a size up to the end or −1. */
const arbSlice: fc.Arbitrary<SliceCase> = fc.record({
  shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
  dtype: fc.constantFrom("float32" as const, "int32" as const, "bool" as const),
  cuts: fc.array(
    fc.tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.boolean(),
    ),
    { minLength: 4, maxLength: 4 },
  ),
}).map(({ shape, dtype, cuts }) => {
  const begin = shape.map((n, j) => Math.floor(cuts[j]![0] * n));
  const size = shape.map((n, j) =>
    cuts[j]![2] ? -1 : Math.floor(cuts[j]![1] * (n - begin[j]!) + 0.5)
  );
  return { shape, dtype, begin, size };
});

/** Pinned: the attention layer's column slice of one head, a whole-row slice, an empty one. */
const PINNED_SLICES: SliceCase[] = [
  { shape: [4, 4], dtype: "float32", begin: [0, 2], size: [4, 2] },
  { shape: [3, 2, 4], dtype: "int32", begin: [1, 0, 0], size: [2, -1, -1] },
  { shape: [3, 0], dtype: "bool", begin: [1, 0], size: [1, 0] },
];

/** The slice by nested arrays: at each depth keep indices begin … begin + size − 1. */
function nestedSlice(x: Nested, begin: number[], size: number[], shape: number[]): Nested {
  if (begin.length === 0) return x;
  const end = size[0] === -1 ? shape[0]! : begin[0]! + size[0]!;
  return (x as Nested[]).slice(begin[0], end).map((row) =>
    nestedSlice(row, begin.slice(1), size.slice(1), shape.slice(1))
  );
}

/** tf.slice of one case on the current backend equals the nested slice, exactly. */
function assertSliceCase(c: SliceCase, seed: number): void {
  const values = integerTensor(c.shape, seed);
  const x = tf.cast(values, c.dtype);
  const y = tf.slice(x, c.begin, c.size);
  const got = { shape: y.shape, values: Array.from(y.dataSync(), Number) };
  // an empty tensor's nested array is [] whatever its shape: compare shape and entries
  const shape = c.size.map((n, j) => (n === -1 ? c.shape[j]! - c.begin[j]! : n));
  const nested = nestedSlice(x.arraySync() as Nested, c.begin, c.size, c.shape);
  const want = { shape, values: [nested].flat(Infinity as 1).map(Number) };
  tf.dispose([values, x, y]);
  assert.deepEqual(got, want, `${tf.getBackend()}: ${JSON.stringify(c)}`);
}

function assertSliceProperty(): void {
  fc.assert(
    fc.property(
      arbSlice,
      fc.integer({ min: 0, max: 2 ** 30 }),
      (c, seed) => assertSliceCase(c, seed),
    ),
    { seed: seedFor("blas/slice"), numRuns: 200, examples: PINNED_SLICES.map((c) => [c, 1]) },
  );
}

// The planted slice mistake: the last axis's begin dropped (every head reads the first columns).
registerGemmBackend("slice-drops-last-begin", loopSgemm);
{
  const right = tf.getKernel(tf.Slice, "gemm-loops")!.kernelFunc;
  tf.unregisterKernel(tf.Slice, "slice-drops-last-begin");
  tf.registerKernel({
    kernelName: tf.Slice,
    backendName: "slice-drops-last-begin",
    kernelFunc: (args) => {
      const begin = [...(args.attrs as { begin: number[] }).begin];
      if (begin.length > 0) begin[begin.length - 1] = 0;
      return right({ ...args, attrs: { ...args.attrs, begin } });
    },
  });
}

Deno.test("blas kernel: Slice copies heap to heap exactly the nested arrays' slice (ranks 1..4, empty dims, −1 sizes, float32, int32, bool)", async () => {
  await on("gemm-loops", assertSliceProperty);
});

Deno.test("blas kernel: the same slice check rejects a slice that drops the last axis's begin", async () => {
  await on("slice-drops-last-begin", () => assertCounterexample(assertSliceProperty));
});

Deno.test("blas backend: off without FFI permission or the library, saying how to enable it in one line", async () => {
  const missing = loadOpenBlas(["libno-such-blas.so.0"]);
  assert.ok(!missing.ok);
  if (NO_BLAS) {
    await assert.rejects(
      () => useBackend("blas"),
      (e: Error) =>
        /apt-get install libopenblas0-pthread, and run with --allow-ffi/.test(e.message) &&
        !e.message.includes("\n"),
    );
    assert.equal(tf.getBackend(), "wasm");
  } else {
    assert.match(missing.reason, /^no BLAS library found \(libno-such-blas\.so\.0: /);
  }
});

Deno.test({
  name:
    "blas OpenBLAS: tf.matMul equals the float64 product exactly on small integers, and the gemm-reads-B-transposed variant is rejected",
  ignore: NO_BLAS,
  fn: async () => {
    const calls = blasGemmCalls();
    await on("blas", () => assertExactProperty("openblas"));
    assert.ok(blasGemmCalls() > calls + 100, "the products ran in OpenBLAS");
    await on("blas-transposed-b", () => {
      assertCounterexample(() => assertExactProperty("openblas"));
    });
  },
});

/** Uniform in [−1, 1) from a seed, as float32. */
function uniform(size: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return new Float32Array(size).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

Deno.test({
  name:
    "blas OpenBLAS sgemm on sizes where it blocks and threads: |C − AB| ≤ (k + 2)·u·(|A||B|) entrywise, all transposes and strides",
  ignore: NO_BLAS,
  fn: () => {
    const sgemm = blasSgemm(), wrong = readsBTransposed(sgemm);
    const u = 2 ** -24;
    // odd sizes (no multiple of a block), square B for the planted mistake to be shape-valid
    for (
      const [m, n, k] of [[200, 97, 97], [33, 260, 260], [1, 515, 515], [300, 1, 1]] as const
    ) {
      for (
        const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const
      ) {
        const seed = seedFor(`blas/sgemm ${m} ${n} ${k} ${ta} ${tb}`);
        const a = uniform(m * k, seed), b = uniform(k * n, seed + 1);
        const lda = ta ? m : k, ldb = tb ? k : n;
        const exact = new Float32Array(m * n), absProduct = new Float32Array(m * n);
        loopSgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, exact, n);
        loopSgemm(ta, tb, m, n, k, 1, a.map(Math.abs), lda, b.map(Math.abs), ldb, 0, absProduct, n);
        // γ_k = k·u/(1 − k·u) for any order of the k products' sums (blocked, FMA or not),
        // plus u for rounding each side's result to float32 once: (k + 2)·u covers both.
        const margin = (c: Float32Array) =>
          Math.min(
            ...Array.from(c, (v, i) => (k + 2) * u * absProduct[i]! - Math.abs(v - exact[i]!)),
          );
        const c = new Float32Array(m * n).fill(Number.NaN); // beta = 0 must ignore old NaNs
        sgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n);
        assert.ok(margin(c) >= 0, `m=${m} n=${n} k=${k} ta=${ta} tb=${tb}: margin ${margin(c)}`);
        if (n === k && n > 1) {
          wrong(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n);
          assert.ok(!(margin(c) >= 0), `the transposed read of B passed at m=${m} n=${n}`);
        }
      }
    }
  },
});
