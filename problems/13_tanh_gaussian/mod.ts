/**
 * Problem 13: the density of a = tanh(z), z ~ N(μ, Σ) (full covariance), its numerically
 * stable form, the change-of-variables form with an autodiff Jacobian, a sampler, and the
 * adaptive quadrature used to integrate it.
 *
 * Boundary convention: a point with some |a_i| = 1 exactly lies outside the support
 * (−1, 1)^n; {@link tanhGaussianLogDensity} returns −Infinity there, the limit of the
 * log-density as a_i → ±1 (the Gaussian factor decays like e^{−z²/2σ²} while the Jacobian
 * factor grows only like e^{2|z|}).
 *
 * @module
 */
import { tf } from "../../shared/tf/mod.ts";
import { autodiffJacobian } from "../../shared/gradients/mod.ts";
import type { Rng } from "../../shared/random/mod.ts";
import { softplus } from "../../shared/softmax/mod.ts";

/** Thrown for malformed input: a covariance that is not symmetric positive definite, |a_i| > 1, shape mismatches. */
export class TanhGaussianInputError extends Error {
  override name = "TanhGaussianInputError";
}

/** A square matrix as rows. */
export type Matrix = readonly (readonly number[])[];

/**
 * log(1 − tanh(z)²) in the stable form 2(log 2 − z − softplus(−2z)), accurate for every
 * finite z (the naive form returns −Infinity once tanh(z) rounds to ±1, near |z| ≈ 19).
 *
 * @param z the pre-squash value
 * @returns log(1 − tanh(z)²)
 * @example
 * ```ts
 * import { log1mTanhSq } from "./mod.ts";
 * // at z = 20, 1 − tanh² = sech² ≈ 4e^{−40}: log ≈ 2 log 2 − 40
 * if (Math.abs(log1mTanhSq(20) - (2 * Math.LN2 - 40)) > 1e-12) throw new Error();
 * ```
 */
export function log1mTanhSq(z: number): number {
  // 1 − tanh²z = 4e^{−2z}/(1 + e^{−2z})², so log(1 − tanh²z) = 2(log 2 − z − softplus(−2z))
  return 2 * (Math.LN2 - z - softplus(-2 * z));
}

/**
 * The naive log(1 − tanh(z)²), kept to show where it fails (the negative control of 13d).
 *
 * @param z the pre-squash value
 * @returns log(1 − tanh(z)²) as computed naively
 * @example
 * ```ts
 * import { log1mTanhSqNaive } from "./mod.ts";
 * if (log1mTanhSqNaive(20) !== -Infinity) throw new Error("tanh(20) rounds to 1");
 * ```
 */
export function log1mTanhSqNaive(z: number): number {
  return Math.log(1 - Math.tanh(z) ** 2);
}

/**
 * The Cholesky factor L (lower triangular, LLᵀ = Σ) of a symmetric positive definite matrix.
 *
 * @param sigma Σ (n × n)
 * @returns L as rows
 * @throws TanhGaussianInputError if Σ is not square, not symmetric, or not positive definite
 *   (naming the offending entry or pivot)
 * @example
 * ```ts
 * import { cholesky } from "./mod.ts";
 * const L = cholesky([[4, 2], [2, 5]]);
 * if (L[0]![0] !== 2 || L[1]![0] !== 1 || L[1]![1] !== 2) throw new Error(String(L));
 * ```
 */
export function cholesky(sigma: Matrix): number[][] {
  const n = sigma.length;
  if (n === 0) throw new TanhGaussianInputError("Σ must be a non-empty square matrix");
  sigma.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) {
      throw new TanhGaussianInputError(`Σ row ${i} has ${row?.length} entries, expected ${n}`);
    }
    row.forEach((x, j) => {
      if (!Number.isFinite(x)) {
        throw new TanhGaussianInputError(`Σ[${i}][${j}] = ${x} is not finite`);
      }
      if (x !== sigma[j]![i]) {
        throw new TanhGaussianInputError(
          `Σ is not symmetric: Σ[${i}][${j}] = ${x} but Σ[${j}][${i}] = ${sigma[j]![i]}`,
        );
      }
    });
  });
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = sigma[j]![j]!;
    for (let k = 0; k < j; k++) d -= L[j]![k]! ** 2;
    if (!(d > 0)) {
      throw new TanhGaussianInputError(`Σ is not positive definite: pivot ${j} is ${d}`);
    }
    L[j]![j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let x = sigma[i]![j]!;
      for (let k = 0; k < j; k++) x -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = x / L[j]![j]!;
    }
  }
  return L;
}

function validateVector(x: readonly number[], n: number, name: string): void {
  if (!Array.isArray(x) || x.length !== n) {
    throw new TanhGaussianInputError(
      `${name} must have ${n} entries (the size of Σ), got ${x?.length}`,
    );
  }
  x.forEach((v, i) => {
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw new TanhGaussianInputError(`${name}[${i}] is NaN`);
    }
  });
}

/**
 * log N(z; μ, Σ) = −½ log det Σ − ½ (z − μ)ᵀ Σ⁻¹ (z − μ) − (n/2) log 2π, via Cholesky:
 * log det Σ = 2 Σ log L_ii and (z − μ)ᵀΣ⁻¹(z − μ) = |L⁻¹(z − μ)|².
 *
 * @param z the point
 * @param mu the mean μ
 * @param sigma the covariance Σ (symmetric positive definite)
 * @returns the Gaussian log-density
 * @throws TanhGaussianInputError for bad shapes or Σ
 * @example
 * ```ts
 * import { gaussianLogDensity } from "./mod.ts";
 * if (Math.abs(gaussianLogDensity([0], [0], [[1]]) + 0.5 * Math.log(2 * Math.PI)) > 1e-15) throw new Error();
 * ```
 */
export function gaussianLogDensity(
  z: readonly number[],
  mu: readonly number[],
  sigma: Matrix,
): number {
  const L = cholesky(sigma);
  const n = L.length;
  validateVector(z, n, "z");
  validateVector(mu, n, "μ");
  // forward substitution: y = L⁻¹ (z − μ)
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let x = z[i]! - mu[i]!;
    for (let k = 0; k < i; k++) x -= L[i]![k]! * y[k]!;
    y[i] = x / L[i]![i]!;
  }
  const halfLogDet = L.reduce((acc, row, i) => acc + Math.log(row[i]!), 0);
  const quad = y.reduce((acc, v) => acc + v * v, 0);
  return -halfLogDet - 0.5 * quad - (n / 2) * Math.log(2 * Math.PI);
}

/**
 * log π(a) for a = tanh(z), z ~ N(μ, Σ), by Problem 13's formula:
 * log N(atanh(a); μ, Σ) − Σ_i log(1 − a_i²), with log(1 − a_i²) = log1p(−a_i) + log1p(a_i)
 * (accurate near ±1). `withJacobian = false` drops the last sum (the negative controls).
 *
 * @param a the action in [−1, 1]^n
 * @param mu μ
 * @param sigma Σ
 * @param withJacobian whether to include −Σ log(1 − a_i²) (default true)
 * @returns the log-density; −Infinity if some |a_i| = 1 (outside the support; the limit)
 * @throws TanhGaussianInputError if some |a_i| > 1 or is NaN, or for bad μ, Σ
 * @example
 * ```ts
 * import { tanhGaussianLogDensity } from "./mod.ts";
 * // n = 1, μ = 0, σ² = 1 at a = 0: log N(0) − log 1
 * if (Math.abs(tanhGaussianLogDensity([0], [0], [[1]]) + 0.5 * Math.log(2 * Math.PI)) > 1e-15) throw new Error();
 * if (tanhGaussianLogDensity([1], [0], [[1]]) !== -Infinity) throw new Error();
 * ```
 */
export function tanhGaussianLogDensity(
  a: readonly number[],
  mu: readonly number[],
  sigma: Matrix,
  withJacobian = true,
): number {
  validateVector(a, sigma.length, "a");
  a.forEach((x, i) => {
    if (!(Math.abs(x) <= 1)) {
      throw new TanhGaussianInputError(`a[${i}] = ${x} is outside [−1, 1], the range of tanh`);
    }
  });
  if (a.some((x) => Math.abs(x) === 1)) {
    validateVector(mu, sigma.length, "μ");
    cholesky(sigma);
    return -Infinity; // outside the open support; the limit of the log-density there
  }
  const z = a.map(Math.atanh); // z = tanh⁻¹(a) = ½ log((1 + a)/(1 − a))
  const jacobian = a.reduce((acc, x) => acc + Math.log1p(-x) + Math.log1p(x), 0); // Σ log(1 − a_i²)
  return gaussianLogDensity(z, mu, sigma) - (withJacobian ? jacobian : 0);
}

/**
 * log π(tanh(z)) evaluated from the pre-squash sample z (how a policy scores its own action):
 * log N(z; μ, Σ) − Σ_i log(1 − tanh(z_i)²) with the stable {@link log1mTanhSq}; finite for
 * every finite z, even where tanh(z) rounds to ±1.
 *
 * @param z the Gaussian sample
 * @param mu μ
 * @param sigma Σ
 * @returns the log-density of a = tanh(z)
 * @example
 * ```ts
 * import { tanhGaussianLogDensityFromZ } from "./mod.ts";
 * if (!Number.isFinite(tanhGaussianLogDensityFromZ([25], [0], [[400]]))) throw new Error();
 * ```
 */
export function tanhGaussianLogDensityFromZ(
  z: readonly number[],
  mu: readonly number[],
  sigma: Matrix,
): number {
  return gaussianLogDensity(z, mu, sigma) - z.reduce((acc, x) => acc + log1mTanhSq(x), 0);
}

/**
 * log π(a) by the change-of-variables theorem with the Jacobian of tanh taken by tfjs
 * autodiff (float32): log N(z; μ, Σ) − log |det ∂tanh(z)/∂z| at z = atanh(a). The
 * determinant of the (float32) Jacobian is formed in float64.
 *
 * @param a the action in (−1, 1)^n
 * @param mu μ
 * @param sigma Σ
 * @returns the log-density
 * @example
 * ```ts
 * import { changeOfVariablesLogDensity, tanhGaussianLogDensity } from "./mod.ts";
 * const x = changeOfVariablesLogDensity([0.3], [0.1], [[0.5]]);
 * if (Math.abs(x - tanhGaussianLogDensity([0.3], [0.1], [[0.5]])) > 1e-5) throw new Error();
 * ```
 */
export function changeOfVariablesLogDensity(
  a: readonly number[],
  mu: readonly number[],
  sigma: Matrix,
): number {
  const z = a.map(Math.atanh);
  const J = autodiffJacobian((t) => tf.tanh(t), z);
  return gaussianLogDensity(z, mu, sigma) - Math.log(Math.abs(determinant(J)));
}

/**
 * The determinant by Gaussian elimination with partial pivoting (float64).
 *
 * @param m a square matrix
 * @returns det m
 * @example
 * ```ts
 * import { determinant } from "./mod.ts";
 * if (determinant([[0, 2], [3, 1]]) !== -6) throw new Error();
 * ```
 */
export function determinant(m: Matrix): number {
  const a = m.map((row) => [...row]);
  const n = a.length;
  let det = 1;
  for (let j = 0; j < n; j++) {
    let p = j;
    for (let i = j + 1; i < n; i++) if (Math.abs(a[i]![j]!) > Math.abs(a[p]![j]!)) p = i;
    if (a[p]![j] === 0) return 0;
    if (p !== j) {
      [a[p], a[j]] = [a[j]!, a[p]!];
      det = -det;
    }
    det *= a[j]![j]!;
    for (let i = j + 1; i < n; i++) {
      const f = a[i]![j]! / a[j]![j]!;
      for (let k = j; k < n; k++) a[i]![k]! -= f * a[j]![k]!;
    }
  }
  return det;
}

/**
 * One draw a = tanh(μ + Lε), ε ~ N(0, I), with LLᵀ = Σ.
 *
 * @param rng the seeded generator
 * @param mu μ
 * @param L the Cholesky factor of Σ
 * @returns the pre-squash z and the action a
 * @example
 * ```ts
 * import { Rng } from "../../shared/random/mod.ts";
 * import { sampleTanhGaussian } from "./mod.ts";
 * const { a } = sampleTanhGaussian(new Rng(1), [0, 0], [[1, 0], [0, 1]]);
 * if (!a.every((x) => Math.abs(x) <= 1)) throw new Error();
 * ```
 */
export function sampleTanhGaussian(
  rng: Rng,
  mu: readonly number[],
  L: Matrix,
): { z: number[]; a: number[] } {
  const eps = mu.map(() => rng.normal());
  // [n, n] x [n] -> [n]: z = μ + L ε
  const z = mu.map((m, i) => m + L[i]!.reduce((acc, l, k) => acc + l * eps[k]!, 0));
  return { z, a: z.map(Math.tanh) };
}

/**
 * The tanh–sinh (double-exponential) rule on [lo, hi]: nodes x_k = c + r·tanh(π/2·sinh(kh))
 * and weights r·h·(π/2)cosh(kh)/cosh²(π/2·sinh(kh)) for |kh| ≤ 3.5 (c, r the interval's
 * centre and half-width). It converges double-exponentially fast for integrands analytic
 * inside the interval, even with singular behaviour at the endpoints, which is what a
 * tanh-Gaussian density has at ±1. The rule is a generic quadrature: its weights do not
 * involve the density's own Jacobian.
 *
 * @param lo lower limit
 * @param hi upper limit
 * @param h the step in t, in (0, 1] (default 1/32: 205 nodes, |k| ≤ 102; h = 1 leaves 7)
 * @returns the nodes and weights
 * @throws TanhGaussianInputError if h is not in (0, 1]
 * @example
 * ```ts
 * import { tanhSinhRule } from "./mod.ts";
 * const { x, w } = tanhSinhRule(-1, 1);
 * // ∫_{−1}^{1} √(1 − x²) dx = π/2, although the integrand is not smooth at ±1
 * const s = x.reduce((acc, xi, i) => acc + w[i]! * Math.sqrt((1 - xi) * (1 + xi)), 0);
 * if (Math.abs(s - Math.PI / 2) > 1e-12) throw new Error(String(s));
 * ```
 */
export function tanhSinhRule(lo: number, hi: number, h = 1 / 32): { x: number[]; w: number[] } {
  if (!(h > 0 && h <= 1)) {
    throw new TanhGaussianInputError(`the tanh–sinh step h must be in (0, 1], got ${h}`);
  }
  const c = (lo + hi) / 2;
  const r = (hi - lo) / 2;
  const x: number[] = [];
  const w: number[] = [];
  const n = Math.ceil(3.5 / h);
  for (let k = -n; k <= n; k++) {
    const t = k * h;
    const u = (Math.PI / 2) * Math.sinh(t);
    const xi = Math.tanh(u);
    // keep nodes strictly inside: past |u| ≈ 19 tanh rounds to ±1 and the weight is < 1e-16
    if (Math.abs(xi) === 1) continue;
    x.push(c + r * xi);
    w.push((r * h * (Math.PI / 2) * Math.cosh(t)) / Math.cosh(u) ** 2);
  }
  return { x, w };
}

/**
 * ∫ over a box of a function of n = 1 or 2 variables by the product tanh–sinh rule.
 *
 * @param f the integrand
 * @param box one [lo, hi] interval per variable
 * @param h the rule's step, in (0, 1] (default 1/32)
 * @returns the integral
 * @throws TanhGaussianInputError if h is not in (0, 1] or the box has not 1 or 2 intervals
 * @example
 * ```ts
 * import { integrateBox } from "./mod.ts";
 * const v = integrateBox(([x, y]) => x! * y!, [[0, 1], [0, 2]]);
 * if (Math.abs(v - 1) > 1e-10) throw new Error(String(v));
 * ```
 */
export function integrateBox(
  f: (x: number[]) => number,
  box: readonly (readonly [number, number])[],
  h = 1 / 32,
): number {
  if (box.length === 1) {
    const { x, w } = tanhSinhRule(box[0]![0], box[0]![1], h);
    return x.reduce((acc, xi, i) => acc + w[i]! * f([xi]), 0);
  }
  if (box.length !== 2) {
    throw new TanhGaussianInputError(`integrateBox supports n = 1, 2, got ${box.length}`);
  }
  const r1 = tanhSinhRule(box[0]![0], box[0]![1], h);
  const r2 = tanhSinhRule(box[1]![0], box[1]![1], h);
  let total = 0;
  r1.x.forEach((x1, i) => {
    let inner = 0;
    r2.x.forEach((x2, j) => (inner += r2.w[j]! * f([x1, x2])));
    total += r1.w[i]! * inner;
  });
  return total;
}

/**
 * The formula's density with μ and Σ fixed (Cholesky done once): what the quadrature and
 * histogram checks evaluate many times.
 *
 * @param mu μ
 * @param sigma Σ
 * @param withJacobian include −Σ log(1 − a_i²) (default true; false for the controls)
 * @returns a = (a_1, …, a_n) ↦ π(a)
 * @example
 * ```ts
 * import { densityOf } from "./mod.ts";
 * const p = densityOf([0], [[1]]);
 * if (Math.abs(p([0]) - 1 / Math.sqrt(2 * Math.PI)) > 1e-15) throw new Error();
 * ```
 */
export function densityOf(
  mu: readonly number[],
  sigma: Matrix,
  withJacobian = true,
): (a: readonly number[]) => number {
  const L = cholesky(sigma);
  validateVector(mu, L.length, "μ");
  const n = L.length;
  const logNorm = -L.reduce((acc, row, i) => acc + Math.log(row[i]!), 0) -
    (n / 2) * Math.log(2 * Math.PI);
  const y = new Array<number>(n).fill(0);
  return (a) => {
    let jac = 0;
    for (let i = 0; i < n; i++) {
      const ai = a[i]!;
      if (!(Math.abs(ai) < 1)) return 0; // outside the open support (limit of the density)
      // forward substitution y = L⁻¹(atanh(a) − μ)
      let x = Math.atanh(ai) - mu[i]!;
      for (let k = 0; k < i; k++) x -= L[i]![k]! * y[k]!;
      y[i] = x / L[i]![i]!;
      jac += Math.log1p(-ai) + Math.log1p(ai);
    }
    const quad = y.reduce((acc, v) => acc + v * v, 0);
    return Math.exp(logNorm - 0.5 * quad - (withJacobian ? jac : 0));
  };
}
