/**
 * OpenBLAS through Deno's FFI, found at run time: `cblas_sgemm` and the library's own
 * description of itself. Nothing here throws when the library is missing or FFI is not
 * permitted; {@link loadOpenBlas} then says why, in one line.
 *
 * @module
 */

/** The CBLAS enums `cblas_sgemm` takes (cblas.h): row-major storage, and whether to transpose. */
export const CBLAS = { rowMajor: 101, noTrans: 111, trans: 112 } as const;

/**
 * `cblas_sgemm` for row-major storage: C ← alpha·op(A)·op(B) + beta·C, with op(A) `[m, k]`,
 * op(B) `[k, n]`, C `[m, n]` and leading dimensions (row strides) lda, ldb, ldc. The views
 * are passed to the library as they are: their memory is read and written in place.
 */
export type Sgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
) => void;

/** A loaded OpenBLAS. */
export interface OpenBlas {
  /** Row-major `cblas_sgemm`. */
  sgemm: Sgemm;
  /** The file name that opened. */
  library: string;
  /** `openblas_get_config()`, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH … Haswell MAX_THREADS=64". */
  config: string;
  /** `openblas_get_num_threads()`: the threads its own defaults chose. */
  threads: number;
}

/** Either the library, or the one-line reason it is not there. */
export type BlasLoad = { ok: true; blas: OpenBlas } | { ok: false; reason: string };

/**
 * Library names tried in order: the runtime package's soname (Debian's libopenblas0-pthread,
 * libopenblas0-openmp and libopenblas0-serial all provide it), the development symlink, and
 * the reference CBLAS (slower, but the same function).
 */
export const LIBRARY_NAMES: readonly string[] = [
  "libopenblas.so.0",
  "libopenblas.so",
  "libcblas.so.3",
];

// cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc): the
// enums and sizes are C ints (32 bits in the LP64 builds Debian ships), alpha and beta floats.
const SGEMM = {
  parameters: [
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "f32",
    "buffer",
    "i32",
    "buffer",
    "i32",
    "f32",
    "buffer",
    "i32",
  ],
  result: "void",
} as const;

/** Whether this process may call foreign functions, asked without prompting. */
function ffiGranted(): boolean {
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Opens the first library of `names` that loads and has `cblas_sgemm`.
 *
 * @param names library file names for the dynamic loader, tried in order
 * @returns the library, or why there is none (no FFI permission, or none of the names loads)
 * @example
 * ```ts
 * import { loadOpenBlas } from "./_openblas.ts";
 * const r = loadOpenBlas(["libno-such-blas.so"]);
 * if (r.ok) throw new Error("a library that does not exist cannot load");
 * ```
 */
export function loadOpenBlas(names: readonly string[] = LIBRARY_NAMES): BlasLoad {
  if (!ffiGranted()) {
    return { ok: false, reason: "FFI permission is not granted (run with --allow-ffi)" };
  }
  const failures: string[] = [];
  for (const name of names) {
    try {
      return { ok: true, blas: open(name) };
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
  }
  return { ok: false, reason: `no BLAS library found (${failures.join("; ")})` };
}

function open(name: string): OpenBlas {
  const sgemmOnly = { cblas_sgemm: SGEMM } as const;
  // The two OpenBLAS queries are optional: the reference CBLAS has only cblas_sgemm.
  const queries = {
    openblas_get_config: { parameters: [], result: "pointer", optional: true },
    openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
  } as const;
  const lib = Deno.dlopen(name, { ...sgemmOnly, ...queries });
  const s = lib.symbols;
  const configPointer = s.openblas_get_config?.() ?? null;
  const config = configPointer === null
    ? name
    : new Deno.UnsafePointerView(configPointer).getCString();
  const threads = s.openblas_get_num_threads?.() ?? 1;
  const sgemm: Sgemm = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) =>
    s.cblas_sgemm(
      CBLAS.rowMajor,
      transA ? CBLAS.trans : CBLAS.noTrans,
      transB ? CBLAS.trans : CBLAS.noTrans,
      m,
      n,
      k,
      alpha,
      a,
      lda,
      b,
      ldb,
      beta,
      c,
      ldc,
    );
  return { sgemm, library: name, config, threads };
}
