/**
 * Dense float64 matrices for the plain reference: row-major `Float64Array`s with their
 * shape, a few products, and an optional operation counter that the FLOP analysis reads.
 *
 * @module
 */

/** A dense row-major float64 matrix; a vector is a `[1, n]` matrix. */
export interface Matrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** The entries, row by row: entry (i, j) is `data[i * cols + j]`. */
  readonly data: Float64Array;
}

/**
 * Counts the arithmetic the reference performs, as its loops run: `macs` are the
 * multiply–adds of matrix products (one per inner-loop step), `elementwise` every other
 * arithmetic operation (scalings, exponentials, comparisons, divisions, additions). Each
 * loop increments a tally where it does the operation, so the count is what ran, never a
 * formula of the shapes.
 */
export interface OpCounter {
  /** Multiply–adds in matrix products. */
  macs: number;
  /** Other arithmetic operations. */
  elementwise: number;
}

/** Thrown when shapes do not fit; the message names the operation and both shapes. */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/**
 * A matrix of zeros, or wrapping given entries.
 *
 * @param rows number of rows
 * @param cols number of columns
 * @param data optional row-major entries (length rows·cols)
 * @returns the matrix
 * @throws ShapeError if the data has the wrong length or a dimension is not a non-negative integer
 * @example
 * ```ts
 * import { matrix } from "./matrix.ts";
 * const m = matrix(2, 3);
 * if (m.data.length !== 6 || m.data[5] !== 0) throw new Error();
 * ```
 */
export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new ShapeError(`matrix: shape [${rows}, ${cols}] must be non-negative integers`);
  }
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new ShapeError(`matrix: ${d.length} entries do not fill shape [${rows}, ${cols}]`);
  }
  return { rows, cols, data: d };
}

/**
 * A matrix from nested arrays.
 *
 * @param rows the rows, all of equal length
 * @returns the matrix
 * @throws ShapeError naming the first row of a different length
 * @example
 * ```ts
 * import { fromRows } from "./matrix.ts";
 * if (fromRows([[1, 2], [3, 4]]).data[2] !== 3) throw new Error();
 * ```
 */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const out = matrix(rows.length, cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) {
      throw new ShapeError(`fromRows: row ${i} has ${r.length} entries, row 0 has ${cols}`);
    }
    out.data.set(r, i * cols);
  });
  return out;
}

/**
 * The matrix as nested arrays.
 *
 * @param m the matrix
 * @returns its rows
 * @example
 * ```ts
 * import { fromRows, toRows } from "./matrix.ts";
 * if (toRows(fromRows([[1, 2]]))[0]![1] !== 2) throw new Error();
 * ```
 */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) {
    out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  }
  return out;
}

/**
 * The product A·B, counting one multiply–add per inner step when a counter is given.
 *
 * @param a `[m, k]`
 * @param b `[k, n]`
 * @param ops optional counter
 * @returns `[m, n]`
 * @throws ShapeError if the inner dimensions differ
 * @example
 * ```ts
 * import { fromRows, matMul } from "./matrix.ts";
 * const ops = { macs: 0, elementwise: 0 };
 * const c = matMul(fromRows([[1, 2]]), fromRows([[3], [4]]), ops);
 * if (c.data[0] !== 11 || ops.macs !== 2) throw new Error();
 * ```
 */
export function matMul(a: Matrix, b: Matrix, ops?: OpCounter): Matrix {
  if (a.cols !== b.rows) {
    throw new ShapeError(`matMul: [${a.rows}, ${a.cols}] x [${b.rows}, ${b.cols}]`);
  }
  const m = a.rows, k = a.cols, n = b.cols;
  const out = matrix(m, n);
  const A = a.data, B = b.data, C = out.data;
  // Counted as the loop runs (one per multiply–add actually executed), not from the shape:
  // the FLOP formula of Problem 27 is compared with this tally.
  let steps = 0;
  // i-p-j loop order: the innermost loop walks rows of B and C contiguously.
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) {
        C[ci + j]! += aip * B[bp + j]!;
        steps++;
      }
    }
  }
  if (ops) ops.macs += steps;
  return out;
}

/**
 * The transpose.
 *
 * @param m `[r, c]`
 * @returns `[c, r]`
 * @example
 * ```ts
 * import { fromRows, transpose } from "./matrix.ts";
 * if (transpose(fromRows([[1, 2]])).rows !== 2) throw new Error();
 * ```
 */
export function transpose(m: Matrix): Matrix {
  const out = matrix(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out.data[j * m.rows + i] = m.data[i * m.cols + j]!;
  }
  return out;
}

/**
 * The entrywise sum A + B; a `[1, n]` B is broadcast over the rows of A.
 *
 * @param a `[m, n]`
 * @param b `[m, n]` or `[1, n]`
 * @param ops optional counter (one addition per entry)
 * @returns `[m, n]`
 * @throws ShapeError if the shapes do not fit
 * @example
 * ```ts
 * import { add, fromRows } from "./matrix.ts";
 * const ops = { macs: 0, elementwise: 0 };
 * const sum = add(fromRows([[1, 2], [3, 4]]), fromRows([[10, 20]]), ops); // bias on each row
 * if (sum.data.join() !== "11,22,13,24" || ops.elementwise !== 4) throw new Error(sum.data.join());
 * ```
 */
export function add(a: Matrix, b: Matrix, ops?: OpCounter): Matrix {
  const broadcast = b.rows === 1 && a.rows !== 1;
  if (b.cols !== a.cols || (!broadcast && b.rows !== a.rows)) {
    throw new ShapeError(`add: [${a.rows}, ${a.cols}] + [${b.rows}, ${b.cols}]`);
  }
  const out = matrix(a.rows, a.cols);
  let additions = 0; // counted as the loop runs
  for (let i = 0; i < a.rows; i++) {
    const bi = broadcast ? 0 : i * a.cols;
    for (let j = 0; j < a.cols; j++) {
      out.data[i * a.cols + j] = a.data[i * a.cols + j]! + b.data[bi + j]!;
      additions++;
    }
  }
  if (ops) ops.elementwise += additions;
  return out;
}

/**
 * A block of consecutive columns.
 *
 * @param m `[r, c]`
 * @param start first column
 * @param width number of columns
 * @returns `[r, width]`
 * @throws ShapeError if the block leaves the matrix
 * @example
 * ```ts
 * import { columns, fromRows } from "./matrix.ts";
 * if (columns(fromRows([[1, 2, 3]]), 1, 2).data[1] !== 3) throw new Error();
 * ```
 */
export function columns(m: Matrix, start: number, width: number): Matrix {
  if (start < 0 || width < 0 || start + width > m.cols) {
    throw new ShapeError(`columns: [${start}, ${start + width}) of ${m.cols} columns`);
  }
  const out = matrix(m.rows, width);
  for (let i = 0; i < m.rows; i++) {
    out.data.set(m.data.subarray(i * m.cols + start, i * m.cols + start + width), i * width);
  }
  return out;
}

/**
 * A block of consecutive rows.
 *
 * @param m `[r, c]`
 * @param start first row
 * @param height number of rows
 * @returns `[height, c]`
 * @throws ShapeError if the block leaves the matrix
 * @example
 * ```ts
 * import { fromRows, rowBlock } from "./matrix.ts";
 * if (rowBlock(fromRows([[1], [2], [3]]), 1, 2).data[0] !== 2) throw new Error();
 * ```
 */
export function rowBlock(m: Matrix, start: number, height: number): Matrix {
  if (start < 0 || height < 0 || start + height > m.rows) {
    throw new ShapeError(`rowBlock: [${start}, ${start + height}) of ${m.rows} rows`);
  }
  return matrix(
    height,
    m.cols,
    m.data.slice(start * m.cols, (start + height) * m.cols),
  );
}

/**
 * Matrices side by side.
 *
 * @param ms matrices with equal row counts
 * @returns `[r, Σ cols]`
 * @throws ShapeError if the row counts differ or the list is empty
 * @example
 * ```ts
 * import { fromRows, hconcat } from "./matrix.ts";
 * if (hconcat([fromRows([[1]]), fromRows([[2]])]).data[1] !== 2) throw new Error();
 * ```
 */
export function hconcat(ms: readonly Matrix[]): Matrix {
  const first = ms[0];
  if (!first) throw new ShapeError("hconcat: no matrices");
  const cols = ms.reduce((s, m) => s + m.cols, 0);
  const out = matrix(first.rows, cols);
  let at = 0;
  for (const m of ms) {
    if (m.rows !== first.rows) {
      throw new ShapeError(`hconcat: ${m.rows} rows vs ${first.rows}`);
    }
    for (let i = 0; i < m.rows; i++) {
      out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), i * cols + at);
    }
    at += m.cols;
  }
  return out;
}

/**
 * Matrices stacked vertically.
 *
 * @param ms matrices with equal column counts
 * @returns `[Σ rows, c]`
 * @throws ShapeError if the column counts differ or the list is empty
 * @example
 * ```ts
 * import { fromRows, vconcat } from "./matrix.ts";
 * if (vconcat([fromRows([[1]]), fromRows([[2]])]).rows !== 2) throw new Error();
 * ```
 */
export function vconcat(ms: readonly Matrix[]): Matrix {
  const first = ms[0];
  if (!first) throw new ShapeError("vconcat: no matrices");
  const rows = ms.reduce((s, m) => s + m.rows, 0);
  const out = matrix(rows, first.cols);
  let at = 0;
  for (const m of ms) {
    if (m.cols !== first.cols) throw new ShapeError(`vconcat: ${m.cols} columns vs ${first.cols}`);
    out.data.set(m.data, at);
    at += m.data.length;
  }
  return out;
}

/**
 * Rows picked by index (row i of the result is row `order[i]` of m): the permutation
 * matrix P with P[i, order[i]] = 1 applied on the left.
 *
 * @param m `[r, c]`
 * @param order indices into the rows
 * @returns `[order.length, c]`
 * @throws ShapeError on an index outside the rows
 * @example
 * ```ts
 * import { fromRows, permuteRows } from "./matrix.ts";
 * if (permuteRows(fromRows([[1], [2]]), [1, 0]).data[0] !== 2) throw new Error();
 * ```
 */
export function permuteRows(m: Matrix, order: readonly number[]): Matrix {
  const out = matrix(order.length, m.cols);
  order.forEach((src, i) => {
    if (!Number.isInteger(src) || src < 0 || src >= m.rows) {
      throw new ShapeError(`permuteRows: index ${src} at ${i} outside ${m.rows} rows`);
    }
    out.data.set(m.data.subarray(src * m.cols, (src + 1) * m.cols), i * m.cols);
  });
  return out;
}
