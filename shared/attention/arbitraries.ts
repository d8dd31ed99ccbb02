/**
 * Generators of test inputs for the attention checks: matrices shaped so that a bug in the
 * code under test shows. They shape the inputs of the checks; they are not code the checks
 * verify (their own unit tests pin what they promise).
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import { type Matrix, matrix } from "./matrix.ts";

/**
 * Rows with different means and spreads: row ℓ is m_ℓ + s_ℓ·g with g IID N(0, 1),
 * m_ℓ uniform on [−meanRange, meanRange] and s_ℓ = 10^U(−1, 1) (0.1 to 10). Inputs where a
 * LayerNorm that mishandles the mean or the variance shows: on unit-variance, zero-mean rows
 * dividing by the inverse standard deviation, or forgetting to centre, changes almost nothing.
 *
 * @param rng the random source
 * @param rows rows
 * @param cols columns
 * @param meanRange the largest |m_ℓ| (default 3)
 * @returns `[rows, cols]`
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { variedRowsMatrix } from "./arbitraries.ts";
 * const x = variedRowsMatrix(new Rng(1), 4, 200);
 * const sd = [0, 1, 2, 3].map((i) => {
 *   const row = x.data.subarray(i * 200, (i + 1) * 200);
 *   const m = row.reduce((a, b) => a + b, 0) / 200;
 *   return Math.sqrt(row.reduce((a, b) => a + (b - m) ** 2, 0) / 200);
 * });
 * if (Math.max(...sd) / Math.min(...sd) < 1.2) throw new Error("rows share one spread");
 * ```
 */
export function variedRowsMatrix(rng: Rng, rows: number, cols: number, meanRange = 3): Matrix {
  const m = matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    const mean = meanRange * (2 * rng.uniform() - 1);
    const spread = 10 ** (2 * rng.uniform() - 1);
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = mean + spread * rng.normal();
  }
  return m;
}
