/**
 * An independent oracle for the reliability claims' lower bounds. `shared/stats` finds the
 * one-sided Clopper–Pearson bound p_L(k, n, α) by bisection on a binomial tail summed in log
 * space (and by the closed form α^{1/n} when k = n); here the tail is summed term by term
 * with the binomial coefficients built by Pascal's rule, and the bound is accepted only if the
 * tail crosses α there. The claims use it so that a wrong bound (a tail summed from k + 1, a
 * closed form with the exponent n instead of 1/n) cannot certify a reliability it does not
 * have.
 *
 * @module
 */
import { ClaimViolation } from "./property.ts";

/**
 * P(Bin(n, p) ≥ k) as the plain sum of C(n, j) p^j (1 − p)^(n − j) over j = k, …, n, the
 * coefficients from Pascal's triangle (exact integers up to n = 50, relative error below
 * 1e-15 beyond).
 *
 * @param k the threshold, an integer in [0, n]
 * @param n the number of trials, an integer in [0, 1000]
 * @param p the success probability in [0, 1]
 * @returns the tail probability
 * @throws RangeError for k, n or p out of range
 * @example
 * ```ts
 * import { binomialTailBySum } from "./binomial.ts";
 * // P(Bin(3, 1/2) ≥ 2) = (3 + 1) / 8
 * if (binomialTailBySum(2, 3, 0.5) !== 0.5) throw new Error();
 * ```
 */
export function binomialTailBySum(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 1000) {
    throw new RangeError(`n must be an integer in [0, 1000], got ${n}`);
  }
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`k must be an integer in [0, ${n}], got ${k}`);
  }
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  let row = [1];
  for (let m = 1; m <= n; m++) row = [1, ...row.slice(1).map((c, i) => c + row[i]!), 1];
  let tail = 0;
  for (let j = k; j <= n; j++) tail += row[j]! * p ** j * (1 - p) ** (n - j);
  return tail;
}

/**
 * Checks that `bound` is the one-sided Clopper–Pearson lower bound for k successes in n runs
 * at level α: 0 when k = 0, else the root p of P(Bin(n, p) ≥ k) = α to within 1e-9, i.e. the
 * tail (increasing in p) is at most α at bound − 1e-9 and at least α at bound + 1e-9. An
 * absolute window, since the root can be as small as α/n and a bisection to 1e-12 in p then
 * moves the tail by a relative 1e-4.
 *
 * @param k successes
 * @param n runs
 * @param alpha the level α
 * @param bound the bound a claim is about to rely on
 * @returns a sentence for the claim's evidence
 * @throws ClaimViolation when the bound is not the root of the tail
 * @example
 * ```ts
 * import { checkClopperPearsonBound } from "./binomial.ts";
 * checkClopperPearsonBound(20, 20, 1e-6, 10 ** -0.3); // α^(1/20)
 * let threw = false;
 * try { checkClopperPearsonBound(20, 20, 1e-6, 1e-6 ** (1 / 21)); } catch { threw = true; }
 * if (!threw) throw new Error();
 * ```
 */
export function checkClopperPearsonBound(
  k: number,
  n: number,
  alpha: number,
  bound: number,
): string {
  const what = `the Clopper–Pearson bound ${bound} for ${k} of ${n} at α = ${alpha}`;
  if (k === 0) {
    if (bound !== 0) throw new ClaimViolation(`${what} is not 0`);
    return `${what} is 0`;
  }
  const window = 1e-9;
  const below = binomialTailBySum(k, n, Math.max(0, bound - window));
  const above = binomialTailBySum(k, n, Math.min(1, bound + window));
  if (!(below <= alpha && alpha <= above)) {
    throw new ClaimViolation(
      `${what} is not the root of the binomial tail: P(Bin(${n}, p) ≥ ${k}) is ${below} at ` +
        `p = bound − ${window} and ${above} at p = bound + ${window}`,
    );
  }
  return `${what} is the root of P(Bin(${n}, p) ≥ ${k}) = α to ${window} (tail summed term by term)`;
}
