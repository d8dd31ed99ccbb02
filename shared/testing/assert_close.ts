/**
 * Numeric assertions with explicit tolerances. Two numbers are close when
 * |actual − expected| ≤ abs + rel·|expected|. NaN is never close to anything (not even
 * NaN), and infinities are close only to the identical infinity.
 *
 * @module
 */

/** Absolute and relative tolerance; both must be stated by the caller. */
export interface Tolerance {
  /** Allowed absolute error. */
  abs: number;
  /** Allowed error relative to |expected|. */
  rel: number;
}

/** Thrown when a numeric assertion fails; the message names the worst index and margin. */
export class NumericAssertionError extends Error {
  override name = "NumericAssertionError";
}

/**
 * The margin by which `actual` is within tolerance of `expected`: allowed − |error|.
 * Non-negative means close; NaN inputs give −Infinity.
 *
 * @param actual the computed value
 * @param expected the reference value
 * @param tol the tolerance
 * @returns the margin (≥ 0 iff close)
 * @example
 * ```ts
 * import { closeMargin } from "./assert_close.ts";
 * if (!(closeMargin(1.0005, 1, { abs: 1e-3, rel: 0 }) > 0)) throw new Error("should be close");
 * if (closeMargin(NaN, NaN, { abs: 1, rel: 1 }) !== -Infinity) throw new Error("NaN is never close");
 * ```
 */
export function closeMargin(actual: number, expected: number, tol: Tolerance): number {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return -Infinity;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) {
    return actual === expected ? 0 : -Infinity;
  }
  return tol.abs + tol.rel * Math.abs(expected) - Math.abs(actual - expected);
}

/**
 * Asserts one number is close to another.
 *
 * @param actual the computed value
 * @param expected the reference value
 * @param tol explicit tolerance
 * @param label what is being compared, for the message
 * @throws NumericAssertionError naming both values and the margin
 * @example
 * ```ts
 * import { assertClose } from "./assert_close.ts";
 * assertClose(0.1 + 0.2, 0.3, { abs: 1e-15, rel: 0 }, "sum");
 * ```
 */
export function assertClose(
  actual: number,
  expected: number,
  tol: Tolerance,
  label = "value",
): void {
  const margin = closeMargin(actual, expected, tol);
  if (!(margin >= 0)) {
    throw new NumericAssertionError(
      `${label}: actual ${actual} vs expected ${expected}, |error| ${
        Math.abs(actual - expected)
      } exceeds tolerance (abs ${tol.abs}, rel ${tol.rel}) by ${-margin}`,
    );
  }
}

/**
 * Asserts two arrays (any nesting) are elementwise close and of equal shape; the message
 * names the worst index, both values and the margin.
 *
 * @param actual computed values
 * @param expected reference values
 * @param tol explicit tolerance
 * @param label what is being compared
 * @returns the worst (smallest) margin, useful as evidence
 * @throws NumericAssertionError on a shape mismatch or the worst element out of tolerance
 * @example
 * ```ts
 * import { assertAllClose } from "./assert_close.ts";
 * const m = assertAllClose([[1, 2], [3, 4]], [[1, 2], [3, 4 + 1e-12]], { abs: 1e-9, rel: 0 });
 * if (!(m > 0)) throw new Error("margin should be positive");
 * ```
 */
export function assertAllClose(
  actual: NestedNumbers,
  expected: NestedNumbers,
  tol: Tolerance,
  label = "array",
): number {
  const a: number[] = [];
  const e: number[] = [];
  const idx: string[] = [];
  flattenPair(actual, expected, "", a, e, idx, label);
  let worst = Infinity;
  let worstAt = -1;
  for (let i = 0; i < a.length; i++) {
    const m = closeMargin(a[i]!, e[i]!, tol);
    if (m < worst || (Number.isNaN(m) && worstAt < 0)) {
      worst = m;
      worstAt = i;
    }
  }
  if (worstAt >= 0 && !(worst >= 0)) {
    throw new NumericAssertionError(
      `${label}${idx[worstAt]}: actual ${a[worstAt]} vs expected ${e[worstAt]}, |error| ${
        Math.abs(a[worstAt]! - e[worstAt]!)
      } exceeds tolerance (abs ${tol.abs}, rel ${tol.rel}) by ${-worst} (worst of ${a.length})`,
    );
  }
  return worst;
}

/** Numbers, or arrays of them, nested to any depth (typed arrays included). */
export type NestedNumbers = number | ArrayLike<number> | ReadonlyArray<NestedNumbers>;

function flattenPair(
  a: NestedNumbers,
  e: NestedNumbers,
  at: string,
  outA: number[],
  outE: number[],
  idx: string[],
  label: string,
): void {
  if (typeof a === "number" || typeof e === "number") {
    if (typeof a !== "number" || typeof e !== "number") {
      throw new NumericAssertionError(`${label}${at}: shape mismatch (number vs array)`);
    }
    outA.push(a);
    outE.push(e);
    idx.push(at);
    return;
  }
  if (a.length !== e.length) {
    throw new NumericAssertionError(
      `${label}${at}: length ${a.length} vs expected length ${e.length}`,
    );
  }
  for (let i = 0; i < a.length; i++) {
    flattenPair(
      a[i] as NestedNumbers,
      e[i] as NestedNumbers,
      `${at}[${i}]`,
      outA,
      outE,
      idx,
      label,
    );
  }
}
