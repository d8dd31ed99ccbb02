/**
 * Gradients two ways, so each can check the other:
 *
 * - **autodiff** with tfjs (float32): {@link autodiffGradient} and {@link autodiffJacobian};
 * - **central finite differences** in float64: {@link centralDifference} and
 *   {@link centralDifferenceJacobian}, with error O(h²·|f'''|) + O(ε·|f| / h).
 *
 * {@link gradientMargin} and {@link assertGradientsClose} compare two gradients under an
 * explicit tolerance; {@link FLOAT32_AUTODIFF_TOLERANCE} and
 * {@link FINITE_DIFFERENCE_TOLERANCE} are the suite's stated defaults. Where an exact
 * gradient matters (a sign, a zero), compare the closed form with float64 finite
 * differences; float32 autodiff shows that a network library computes the same thing.
 *
 * @module
 */
import { tf } from "../tf/mod.ts";
import { closeMargin, NumericAssertionError, type Tolerance } from "../testing/mod.ts";

/**
 * Tolerance for float32 autodiff against a float64 reference, for inputs and gradients of
 * order 1 to 10: float32 carries 24 bits (relative rounding 6e-8 per operation); a few dozen
 * operations accumulate to ~1e-6 relative, so 1e-4 relative plus 1e-5 absolute (for entries
 * that cancel to near zero) leaves two orders of magnitude of room and still rejects any
 * wrong formula whose error is at least 1e-4 of the scale.
 */
export const FLOAT32_AUTODIFF_TOLERANCE: Tolerance = { abs: 1e-5, rel: 1e-4 };

/**
 * Tolerance for float64 central differences with the default step h = 1e-5 against a
 * closed form, for smooth functions whose values and third derivatives are of order 1 to
 * 10: truncation error h²|f'''|/6 ≲ 2e-10 and rounding error ε|f|/h ≲ 2e-10, so 1e-7
 * absolute plus 1e-7 relative leaves a factor of several hundred.
 */
export const FINITE_DIFFERENCE_TOLERANCE: Tolerance = { abs: 1e-7, rel: 1e-7 };

/** Thrown for malformed input: a non-finite point, a bad step, mismatched shapes. */
export class GradientInputError extends Error {
  override name = "GradientInputError";
}

function validatePoint(x: readonly number[], where: string): void {
  if (!Array.isArray(x) || x.length === 0) {
    throw new GradientInputError(`${where}: the point must be a non-empty array of numbers`);
  }
  x.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new GradientInputError(`${where}: x[${i}] = ${v} is not a finite number`);
    }
  });
}

/** The probe points x + h e_i and x − h e_i of a central difference. */
function shiftedPair(x: readonly number[], i: number, h: number): [number[], number[]] {
  const plus = [...x];
  const minus = [...x];
  plus[i] = x[i]! + h;
  minus[i] = x[i]! - h;
  return [plus, minus];
}

function validateStep(h: number, where: string): void {
  if (!(h > 0) || !Number.isFinite(h)) {
    throw new GradientInputError(`${where}: the step h must be finite and > 0, got ${h}`);
  }
}

/**
 * The gradient of f: Rⁿ → R at x by float64 central differences:
 * ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / (2h).
 *
 * @param f the function (float64)
 * @param x the point
 * @param h the step (default 1e-5, which balances h² truncation against ε/h rounding)
 * @returns the approximate gradient, one entry per coordinate
 * @throws GradientInputError for a non-finite x or a bad step; Error if f is not finite
 *   at a probed point
 * @example
 * ```ts
 * import { centralDifference } from "./mod.ts";
 * // f(x, y) = x² y has gradient (2xy, x²) = (12, 9) at (3, 2)
 * const g = centralDifference(([x, y]) => x! * x! * y!, [3, 2]);
 * if (Math.abs(g[0]! - 12) > 1e-8 || Math.abs(g[1]! - 9) > 1e-8) throw new Error(String(g));
 * ```
 */
export function centralDifference(
  f: (x: number[]) => number,
  x: readonly number[],
  h = 1e-5,
): number[] {
  validatePoint(x, "centralDifference");
  validateStep(h, "centralDifference");
  return x.map((_, i) => {
    const [plus, minus] = shiftedPair(x, i, h);
    const fp = f(plus);
    const fm = f(minus);
    if (!Number.isFinite(fp) || !Number.isFinite(fm)) {
      throw new GradientInputError(
        `centralDifference: f is not finite at x ± h e_${i} (${fp}, ${fm})`,
      );
    }
    // central difference (truncation O(h²)): (f(x + h e_i) − f(x − h e_i)) / 2h
    return (fp - fm) / (2 * h);
  });
}

/**
 * The Jacobian of f: Rⁿ → Rᵐ at x by float64 central differences, as rows
 * J[i][j] = ∂f_i/∂x_j.
 *
 * @param f the function (float64), returning m numbers
 * @param x the point (n numbers)
 * @param h the step (default 1e-5)
 * @returns the m × n Jacobian
 * @throws GradientInputError for bad input or outputs of varying length
 * @example
 * ```ts
 * import { centralDifferenceJacobian } from "./mod.ts";
 * // f(x, y) = (x y, x + y): J = [[y, x], [1, 1]]
 * const J = centralDifferenceJacobian(([x, y]) => [x! * y!, x! + y!], [2, 5]);
 * if (Math.abs(J[0]![0]! - 5) > 1e-8 || Math.abs(J[1]![1]! - 1) > 1e-8) throw new Error();
 * ```
 */
export function centralDifferenceJacobian(
  f: (x: number[]) => number[],
  x: readonly number[],
  h = 1e-5,
): number[][] {
  validatePoint(x, "centralDifferenceJacobian");
  validateStep(h, "centralDifferenceJacobian");
  const m = f([...x]).length;
  const columns = x.map((_, j) => {
    const [plus, minus] = shiftedPair(x, j, h);
    const fp = f(plus);
    const fm = f(minus);
    if (fp.length !== m || fm.length !== m) {
      throw new GradientInputError(
        `centralDifferenceJacobian: f returned ${fp.length} and ${fm.length} values, expected ${m}`,
      );
    }
    return fp.map((v, i) => (v - fm[i]!) / (2 * h));
  });
  return Array.from({ length: m }, (_, i) => columns.map((col) => col[i]!));
}

/**
 * The gradient of a scalar tfjs function at x by autodiff (`tf.grad`), in float32. All
 * tensors are released before returning; the number of live tensors is asserted to be
 * unchanged.
 *
 * @param f a function of a 1-D tensor returning a scalar tensor
 * @param x the point
 * @returns the gradient as float64 numbers (float32 values)
 * @throws GradientInputError for a bad point; Error if tensors leaked
 * @example
 * ```ts
 * import { autodiffGradient } from "./mod.ts";
 * import { tf } from "../tf/mod.ts";
 * // d/dx Σ x² = 2x
 * const g = autodiffGradient((x) => tf.sum(tf.square(x)), [1, -2]);
 * if (g[0] !== 2 || g[1] !== -4) throw new Error(String(g));
 * ```
 */
export function autodiffGradient(
  f: (x: tf.Tensor1D) => tf.Scalar,
  x: readonly number[],
): number[] {
  validatePoint(x, "autodiffGradient");
  const before = tf.memory().numTensors;
  const values = tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) => f(t as tf.Tensor1D))(tf.tensor1d([...x]));
    return Array.from(g.dataSync());
  });
  assertNoLeak(before, "autodiffGradient");
  return values;
}

/**
 * The Jacobian of a vector tfjs function at x by autodiff, one `tf.grad` per output
 * (rows J[i][j] = ∂f_i/∂x_j), in float32, leak-checked.
 *
 * @param f a function of a 1-D tensor returning a 1-D tensor
 * @param x the point
 * @returns the m × n Jacobian
 * @throws GradientInputError for a bad point or a non-vector output
 * @example
 * ```ts
 * import { autodiffJacobian } from "./mod.ts";
 * import { tf } from "../tf/mod.ts";
 * // f(x) = 3x has Jacobian 3I
 * const J = autodiffJacobian((x) => tf.mul(x, 3), [1, 2]);
 * if (J[0]![0] !== 3 || J[0]![1] !== 0 || J[1]![1] !== 3) throw new Error(String(J));
 * ```
 */
export function autodiffJacobian(
  f: (x: tf.Tensor1D) => tf.Tensor1D,
  x: readonly number[],
): number[][] {
  validatePoint(x, "autodiffJacobian");
  const before = tf.memory().numTensors;
  const rows = tf.tidy(() => {
    const x0 = tf.tensor1d([...x]);
    const y = f(x0);
    if (y.rank !== 1) {
      throw new GradientInputError(`autodiffJacobian: f must return a vector, got rank ${y.rank}`);
    }
    const m = y.shape[0];
    const out: number[][] = [];
    for (let i = 0; i < m; i++) {
      // row i: the gradient of the i-th output, f_i(x) = f(x)[i]
      const g = tf.grad((t: tf.Tensor) =>
        tf.squeeze(tf.slice(f(t as tf.Tensor1D), [i], [1])) as tf.Scalar
      )(x0);
      out.push(Array.from(g.dataSync()));
    }
    return out;
  });
  assertNoLeak(before, "autodiffJacobian");
  return rows;
}

function assertNoLeak(before: number, label: string): void {
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(`${label}: ${after - before} tensor(s) leaked (${before} → ${after})`);
  }
}

/**
 * The worst margin between two gradients of the same shape under a tolerance
 * (allowed − |error|, minimised over entries): ≥ 0 exactly when all entries are close.
 * NaN anywhere gives −Infinity. Use it as a fast-check margin.
 *
 * @param actual the gradient under test (flat or nested)
 * @param expected the reference gradient
 * @param tol the tolerance (state it: {@link FLOAT32_AUTODIFF_TOLERANCE}, ...)
 * @returns the smallest margin over entries
 * @throws GradientInputError when the shapes differ
 * @example
 * ```ts
 * import { gradientMargin } from "./mod.ts";
 * if (!(gradientMargin([1, 2], [1, 2 + 1e-9], { abs: 1e-8, rel: 0 }) > 0)) throw new Error();
 * if (!(gradientMargin([1, 2], [1, 2.1], { abs: 1e-8, rel: 0 }) < 0)) throw new Error();
 * ```
 */
export function gradientMargin(
  actual: GradientLike,
  expected: GradientLike,
  tol: Tolerance,
): number {
  const a = flatten(actual, "actual");
  const e = flatten(expected, "expected");
  if (a.length !== e.length) {
    throw new GradientInputError(
      `gradientMargin: ${a.length} entries vs ${e.length} expected (shapes differ)`,
    );
  }
  let worst = Infinity;
  for (let i = 0; i < a.length; i++) worst = Math.min(worst, closeMargin(a[i]!, e[i]!, tol));
  return Number.isNaN(worst) ? -Infinity : worst;
}

/**
 * Asserts two gradients agree entrywise within the tolerance; the message names the worst
 * entry (flat index), both values and the excess.
 *
 * @param actual the gradient under test
 * @param expected the reference gradient
 * @param tol the tolerance
 * @param label what is compared
 * @returns the worst margin (≥ 0)
 * @throws NumericAssertionError when some entry is out of tolerance
 * @example
 * ```ts
 * import { assertGradientsClose, FINITE_DIFFERENCE_TOLERANCE } from "./mod.ts";
 * assertGradientsClose([[1, 0]], [[1, 1e-9]], FINITE_DIFFERENCE_TOLERANCE, "toy");
 * ```
 */
export function assertGradientsClose(
  actual: GradientLike,
  expected: GradientLike,
  tol: Tolerance,
  label = "gradient",
): number {
  const a = flatten(actual, "actual");
  const e = flatten(expected, "expected");
  if (a.length !== e.length) {
    throw new GradientInputError(`${label}: ${a.length} entries vs ${e.length} expected`);
  }
  let worst = Infinity;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const m = closeMargin(a[i]!, e[i]!, tol);
    if (at < 0 || m < worst) {
      worst = m;
      at = i;
    }
  }
  if (at >= 0 && !(worst >= 0)) {
    throw new NumericAssertionError(
      `${label}[${at}]: ${a[at]} vs expected ${e[at]}, |error| ${
        Math.abs(a[at]! - e[at]!)
      } exceeds tolerance (abs ${tol.abs}, rel ${tol.rel}) by ${-worst}`,
    );
  }
  return worst;
}

/** A gradient: numbers, or arrays of them nested to any depth. */
export type GradientLike = number | readonly GradientLike[];

function flatten(g: GradientLike, label: string): number[] {
  if (typeof g === "number") return [g];
  if (!Array.isArray(g)) throw new GradientInputError(`${label}: not a number or an array`);
  return g.flatMap((x) => flatten(x, label));
}
