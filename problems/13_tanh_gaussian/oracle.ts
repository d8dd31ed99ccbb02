/**
 * An independent oracle for Claim 13a: the log-density of a = tanh(z), z ~ N(μ, Σ), by a
 * numerical change of variables that shares nothing with the formula's code. The map
 * a ↦ w = Λ^{−1/2} Uᵀ (atanh(a) − μ), with Σ = U Λ Uᵀ from mathjs's symmetric eigensolver
 * (not the Cholesky factor), sends the law of a to the standard normal N(0, I). So
 * π(a) = φ_I(w(a)) |det Dw(a)|, and the Jacobian Dw is taken by float64 central differences
 * of the whole map, its determinant by mathjs: neither the log det Σ term nor the tanh
 * Jacobian of the formula is written down anywhere here.
 *
 * @module
 */
import { det, eigs } from "mathjs";
import { centralDifferenceJacobian } from "../../shared/gradients/mod.ts";
import type { Matrix } from "./mod.ts";

/**
 * log π(a) by whitening and a finite-difference Jacobian (see the module note). The step of
 * the central differences is 1e-5 · min_i(1 − |a_i|), so that a ± h stays well inside
 * (−1, 1) and the truncation error (relative to 1/(1 − a²), about (h/(1 − |a|))²) is ~1e-10 and the rounding error (about 1e-16 |atanh a| / h) is ~1e-9 for |a| ≤ tanh 3.
 *
 * @param a the action, every |a_i| < 1
 * @param mu the mean μ
 * @param sigma the covariance Σ (symmetric positive definite)
 * @returns log π(a)
 * @throws RangeError if some |a_i| ≥ 1 or Σ has an eigenvalue ≤ 0
 * @example
 * ```ts
 * import { whitenedLogDensity } from "./oracle.ts";
 * // n = 1, μ = 0, Σ = 1, a = 0: φ(0) · atanh'(0) = 1/√(2π)
 * if (Math.abs(whitenedLogDensity([0], [0], [[1]]) + 0.5 * Math.log(2 * Math.PI)) > 1e-9) throw new Error();
 * ```
 */
export function whitenedLogDensity(
  a: readonly number[],
  mu: readonly number[],
  sigma: Matrix,
): number {
  const n = a.length;
  const room = Math.min(...a.map((x) => 1 - Math.abs(x)));
  if (!(room > 0)) throw new RangeError(`a = ${a} is not inside (−1, 1)^n`);
  const { eigenvectors } = eigs(sigma.map((row) => [...row])) as unknown as {
    eigenvectors: { value: number; vector: number[] }[];
  };
  eigenvectors.forEach((e) => {
    if (!(e.value > 0)) throw new RangeError(`Σ has the eigenvalue ${e.value}`);
  });
  // w_k = (u_kᵀ (atanh(a) − μ)) / √λ_k for each eigenpair (λ_k, u_k)
  const whiten = (x: readonly number[]) => {
    const z = x.map((v, i) => Math.atanh(v) - mu[i]!);
    return eigenvectors.map((e) =>
      e.vector.reduce((acc, u, i) => acc + u * z[i]!, 0) / Math.sqrt(e.value)
    );
  };
  const w = whiten(a);
  const J = centralDifferenceJacobian(whiten, [...a], 1e-5 * room); // [n, n]: ∂w_k/∂a_i
  const logStandardNormal = w.reduce((acc, x) => acc - 0.5 * x * x, 0) -
    (n / 2) * Math.log(2 * Math.PI);
  return logStandardNormal + Math.log(Math.abs(det(J) as number));
}
