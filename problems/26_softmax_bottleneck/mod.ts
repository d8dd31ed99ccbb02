/**
 * Problem 26: what the softmax of a rank-h projection, μ(Bv), can and cannot represent.
 *
 * - {@link oneHotVector}: the explicit v = t(ε)·b_k with μ(Bv) within ε of e_k (claim 26a);
 * - {@link halfHalfVector}: an explicit v with μ(Bv) within ε of (1/2, 1/2, 0, …, 0) for the
 *   eight rows on the circle (claim 26b);
 * - {@link HALF_ZERO_HALF_BOUND}: every v has μ(Bv) at sup-distance ≥ 1/4 from
 *   (1/2, 0, 1/2, 0, …, 0) (claim 26c), and {@link descend}, the gradient descent that tries
 *   to beat it.
 *
 * Vectors are plain float64 arrays; B is an array of its N rows b_k ∈ ℝ^h. Token k of the
 * handout (k = 1..N) is index k − 1 here.
 *
 * @module
 */
import { softmax as sharedSoftmax, SoftmaxInputError } from "../../shared/softmax/mod.ts";

/** Thrown on a malformed matrix, index or tolerance; the message names it. */
export class BottleneckInputError extends Error {
  override name = "BottleneckInputError";
}

/** The rows b_1, …, b_N of B ∈ ℝ^{N×h}. */
export type Rows = readonly (readonly number[])[];

/**
 * Bv, the logits: (Bv)_k = b_k · v.
 *
 * @param rows the rows of B, each of length h
 * @param v a vector of length h
 * @returns the N logits
 * @throws BottleneckInputError if a row's length differs from v's
 * @example
 * ```ts
 * import { logits } from "./mod.ts";
 * const z = logits([[1, 0], [0, 2]], [3, 4]); // [N, h] x [h] -> [N]
 * if (z[0] !== 3 || z[1] !== 8) throw new Error();
 * ```
 */
export function logits(rows: Rows, v: readonly number[]): number[] {
  // [N, h] x [h] -> [N]
  return rows.map((b, k) => {
    if (b.length !== v.length) {
      throw new BottleneckInputError(`row ${k} has length ${b.length} but v has ${v.length}`);
    }
    let s = 0;
    for (let i = 0; i < b.length; i++) s += b[i]! * v[i]!;
    return s;
  });
}

/**
 * The softmax μ(z)_i = e^{z_i} / Σ_j e^{z_j} of `shared/softmax` (max-shifted, so that no
 * exponential overflows), with its input errors reported as this problem's
 * {@link BottleneckInputError}.
 *
 * @param z the logits (finite)
 * @returns the probabilities
 * @throws BottleneckInputError on an empty or non-finite z
 * @example
 * ```ts
 * import { softmax } from "./mod.ts";
 * const mu = softmax([0, Math.log(3)]);
 * if (Math.abs(mu[1]! - 0.75) > 1e-15) throw new Error();
 * if (softmax([1000, 0])[0] !== 1) throw new Error("no overflow");
 * ```
 */
export function softmax(z: readonly number[]): number[] {
  try {
    return sharedSoftmax(z);
  } catch (e) {
    if (e instanceof SoftmaxInputError) throw new BottleneckInputError(e.message);
    throw e;
  }
}

/**
 * μ(Bv): the distribution the output layer puts on the N tokens.
 *
 * @param rows the rows of B
 * @param v the hidden vector
 * @returns the N probabilities
 * @example
 * ```ts
 * import { distribution } from "./mod.ts";
 * const mu = distribution([[1, 0], [-1, 0]], [0, 5]);
 * if (mu[0] !== 0.5) throw new Error("v orthogonal to both rows: uniform");
 * ```
 */
export function distribution(rows: Rows, v: readonly number[]): number[] {
  return softmax(logits(rows, v));
}

/**
 * The ℓ1 distance Σ_i |a_i − b_i| (twice the total-variation distance for distributions).
 *
 * @param a a vector
 * @param b a vector of the same length
 * @returns the distance
 * @throws BottleneckInputError on a length mismatch
 * @example
 * ```ts
 * import { l1Distance } from "./mod.ts";
 * if (l1Distance([1, 0], [0.5, 0.5]) !== 1) throw new Error();
 * ```
 */
export function l1Distance(a: readonly number[], b: readonly number[]): number {
  sameLength(a, b);
  return a.reduce((s, x, i) => s + Math.abs(x - b[i]!), 0);
}

/**
 * The sup distance max_i |a_i − b_i|.
 *
 * @param a a vector
 * @param b a vector of the same length
 * @returns the distance
 * @throws BottleneckInputError on a length mismatch
 * @example
 * ```ts
 * import { supDistance } from "./mod.ts";
 * if (supDistance([1, 0], [0.5, 0.5]) !== 0.5) throw new Error();
 * ```
 */
export function supDistance(a: readonly number[], b: readonly number[]): number {
  sameLength(a, b);
  return a.reduce((s, x, i) => Math.max(s, Math.abs(x - b[i]!)), 0);
}

/**
 * Checks the assumptions of claim 26a: at least two rows, all of one length h ≥ 1, each of
 * unit norm (within 1e-12), no two equal.
 *
 * @param rows the rows of B
 * @throws BottleneckInputError naming the offending row(s)
 * @example
 * ```ts
 * import { validateUnitRows } from "./mod.ts";
 * validateUnitRows([[1, 0], [0, 1], [-1, 0]]); // no throw
 * let threw = false;
 * try { validateUnitRows([[1, 0], [1, 0]]); } catch { threw = true; }
 * if (!threw) throw new Error("equal rows must be refused");
 * ```
 */
export function validateUnitRows(rows: Rows): void {
  if (rows.length < 2) {
    throw new BottleneckInputError(`B needs at least 2 rows, got ${rows.length}`);
  }
  const h = rows[0]!.length;
  rows.forEach((b, k) => {
    if (b.length !== h || h === 0) {
      throw new BottleneckInputError(`row ${k} has length ${b.length}, expected ${h} ≥ 1`);
    }
    const norm = Math.hypot(...b);
    if (!(Math.abs(norm - 1) <= 1e-12)) {
      throw new BottleneckInputError(`row ${k} has norm ${norm}, not 1`);
    }
    // the first row equal to b is b itself unless an earlier row repeats it
    const j = rows.findIndex((other) => other.every((x, i) => x === b[i]));
    if (j < k) throw new BottleneckInputError(`rows ${j} and ${k} are equal`);
  });
}

/**
 * The separation of row k: g_k = 1 − max_{j≠k} b_j·b_k, positive for distinct unit rows
 * (Cauchy–Schwarz with equality only for b_j = b_k).
 *
 * @param rows distinct unit rows
 * @param k the row index, 0-based
 * @returns g_k ∈ (0, 2]
 * @throws BottleneckInputError if the rows break 26a's assumptions, k is out of range, or
 *   rounding leaves g_k ≤ 0 (rows equal to within about 1e-16)
 * @example
 * ```ts
 * import { separation } from "./mod.ts";
 * if (separation([[1, 0], [0, 1], [-1, 0]], 0) !== 1) throw new Error("nearest other row is orthogonal");
 * ```
 */
export function separation(rows: Rows, k: number): number {
  validateUnitRows(rows);
  if (!Number.isInteger(k) || k < 0 || k >= rows.length) {
    throw new BottleneckInputError(`token index ${k} is not in 0..${rows.length - 1}`);
  }
  const z = logits(rows, rows[k]!);
  let nearest = -Infinity;
  z.forEach((x, j) => {
    if (j !== k) nearest = Math.max(nearest, x);
  });
  const g = 1 - nearest;
  if (!(g > 0)) {
    throw new BottleneckInputError(`row ${k} is not separated from the others in float64`);
  }
  return g;
}

/**
 * The scale of claim 26a: t(ε) = log(2(N − 1)/ε) / g_k, for which μ(t·B b_k) is within ε of
 * e_k in ℓ1 (see the README's proof).
 *
 * @param rows distinct unit rows
 * @param k the token, 0-based
 * @param eps the requested ℓ1 accuracy, in (0, 2)
 * @returns t(ε) > 0
 * @throws BottleneckInputError on eps outside (0, 2) or rows breaking the assumptions
 * @example
 * ```ts
 * import { oneHotScale } from "./mod.ts";
 * const t = oneHotScale([[1, 0], [0, 1], [-1, 0]], 0, 0.04); // log(2·2/0.04) / 1
 * if (Math.abs(t - Math.log(100)) > 1e-12) throw new Error();
 * ```
 */
export function oneHotScale(rows: Rows, k: number, eps: number): number {
  checkEps(eps);
  return Math.log(2 * (rows.length - 1) / eps) / separation(rows, k);
}

/**
 * Claim 26a's construction: v = t(ε)·b_k, so that ‖μ(Bv) − e_k‖₁ ≤ ε.
 *
 * @param rows distinct unit rows
 * @param k the token, 0-based
 * @param eps the requested ℓ1 accuracy, in (0, 2)
 * @returns v ∈ ℝ^h
 * @example
 * ```ts
 * import { distribution, oneHotVector } from "./mod.ts";
 * const rows = [[1, 0], [0, 1], [-1, 0], [0, -1]];
 * const mu = distribution(rows, oneHotVector(rows, 1, 1e-6));
 * if (!(mu[1]! >= 1 - 1e-6)) throw new Error();
 * ```
 */
export function oneHotVector(rows: Rows, k: number, eps: number): number[] {
  const t = oneHotScale(rows, k, eps);
  return rows[k]!.map((x) => t * x);
}

/**
 * The handout's eight unit rows on the circle (h = 2, N = 8):
 * b_k = (cos(πk/4), sin(πk/4)) for k = 1..8, stored at index k − 1.
 *
 * @returns the 8 rows
 * @example
 * ```ts
 * import { circleRows } from "./mod.ts";
 * const b = circleRows();
 * if (Math.abs(b[1]![1]! - 1) > 1e-15) throw new Error("b_2 = (0, 1)");
 * ```
 */
export function circleRows(): number[][] {
  return Array.from({ length: 8 }, (_, i) => {
    const angle = (Math.PI * (i + 1)) / 4;
    return [Math.cos(angle), Math.sin(angle)];
  });
}

/** The target of claim 26b: (1/2, 1/2, 0, 0, 0, 0, 0, 0). */
export const HALF_HALF: readonly number[] = [0.5, 0.5, 0, 0, 0, 0, 0, 0];

/** The target of claim 26c: (1/2, 0, 1/2, 0, 0, 0, 0, 0). */
export const HALF_ZERO_HALF: readonly number[] = [0.5, 0, 0.5, 0, 0, 0, 0, 0];

/** Claim 26c: every v has sup-distance ≥ 1/4 between μ(Bv) and {@link HALF_ZERO_HALF}. */
export const HALF_ZERO_HALF_BOUND = 0.25;

/**
 * Claim 26b's construction for the circle rows: v = t(ε)·u with u = (cos 3π/8, sin 3π/8), the
 * bisector of b_1 and b_2, and t(ε) = log(6/ε)/(cos(π/8) − cos(3π/8)); then
 * ‖μ(Bv) − (1/2, 1/2, 0, …)‖₁ ≤ ε.
 *
 * @param eps the requested ℓ1 accuracy, in (0, 2)
 * @returns v ∈ ℝ²
 * @example
 * ```ts
 * import { circleRows, distribution, HALF_HALF, halfHalfVector, l1Distance } from "./mod.ts";
 * const d = l1Distance(distribution(circleRows(), halfHalfVector(1e-3)), HALF_HALF);
 * if (!(d <= 1e-3)) throw new Error();
 * ```
 */
export function halfHalfVector(eps: number): number[] {
  checkEps(eps);
  const gap = Math.cos(Math.PI / 8) - Math.cos((3 * Math.PI) / 8);
  const t = Math.log(6 / eps) / gap;
  return [t * Math.cos((3 * Math.PI) / 8), t * Math.sin((3 * Math.PI) / 8)];
}

/** Settings of {@link descend}. */
export interface DescentConfig {
  /** Number of gradient steps. */
  steps: number;
  /** Step size. */
  learningRate: number;
}

/** What {@link descend} found. */
export interface DescentResult {
  /** The last iterate. */
  v: number[];
  /** The smallest sup-distance to the target over all iterates (the start included). */
  bestSupDistance: number;
  /** The first iterate that attained it (the start if no step improved on it). */
  bestV: number[];
}

/**
 * Gradient descent on the cross-entropy −Σ_i T_i log μ(Bv)_i, whose gradient in v is
 * Bᵀ(μ(Bv) − T), tracking how close μ(Bv) came to the target T in sup-distance.
 *
 * @param rows the rows of B
 * @param target a distribution T on the N tokens
 * @param start the initial v
 * @param config steps and step size
 * @returns the last iterate and the best sup-distance seen along the way
 * @example
 * ```ts
 * import { circleRows, descend, HALF_HALF } from "./mod.ts";
 * const r = descend(circleRows(), HALF_HALF, [0, 0], { steps: 2000, learningRate: 1 });
 * if (!(r.bestSupDistance < 0.05)) throw new Error("(1/2, 1/2, 0, …) is reachable");
 * ```
 */
export function descend(
  rows: Rows,
  target: readonly number[],
  start: readonly number[],
  config: DescentConfig,
): DescentResult {
  sameLength(rows, target);
  let v = [...start];
  let bestV = v;
  let best = Infinity;
  for (let step = 0; step <= config.steps; step++) {
    const mu = distribution(rows, v);
    const d = supDistance(mu, target);
    if (d < best) {
      best = d;
      bestV = v;
    }
    if (step === config.steps) break;
    // ∇_v CE = Bᵀ(μ − T): [h, N] x [N] -> [h]
    const residual = mu.map((m, i) => m - target[i]!);
    const grad = v.map((_, a) => rows.reduce((s, b, i) => s + b[a]! * residual[i]!, 0));
    v = v.map((x, a) => x - config.learningRate * grad[a]!);
  }
  return { v, bestSupDistance: best, bestV };
}

function checkEps(eps: number): void {
  if (!(eps > 0 && eps < 2)) throw new BottleneckInputError(`ε = ${eps} is not in (0, 2)`);
}

function sameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new BottleneckInputError(`lengths differ: ${a.length} vs ${b.length}`);
  }
}
