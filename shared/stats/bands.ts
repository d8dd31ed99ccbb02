/**
 * Confidence bands for a mean at a stated false-alarm probability δ (the probability
 * that the band misses the true mean), two-sided:
 *
 * - **Hoeffding** (samples in a known [lo, hi]): P(|mean − μ| ≥ t) ≤ 2 exp(−2Nt²/(hi − lo)²),
 *   so t = (hi − lo) √(ln(2/δ) / (2N)).
 * - **Empirical Bernstein** (samples in a known [lo, hi]; Maurer & Pontil 2009, Thm 4,
 *   applied to both tails at δ/2 each): t = √(2 V_N ln(4/δ) / N) + 7 (hi − lo) ln(4/δ) / (3(N − 1)),
 *   with V_N the unbiased sample variance. Much tighter than Hoeffding when the variance is
 *   small compared with the range.
 * - **Median of means** (unbounded samples with a known bound σ on the standard
 *   deviation): K groups of size m = ⌊N/K⌋; by Chebyshev each group mean is at distance
 *   t = σ/√(m p) or more from μ with probability ≤ p = 1/8. The group means are
 *   independent, and the median is that far only if at least K/2 of them are, which by
 *   Chernoff's bound for a Binomial(K, p) has probability ≤ exp(−K·kl(½‖p)), with
 *   kl(½‖p) = −½ ln(4p(1 − p)) = 0.4133 at p = 1/8. So K = ⌈ln(1/δ)/0.4133⌉ (made odd)
 *   groups give false-alarm ≤ δ: K = 35 and t = σ√(8·35/N) at δ = 1e-6.
 *
 * @module
 */
import { summarize } from "./summary.ts";

/** The suite's largest allowed false-alarm probability per Monte Carlo check. */
export const MAX_FALSE_ALARM = 1e-6;

/** How the band is justified. */
export type MeanMethod =
  | { kind: "hoeffding"; lo: number; hi: number }
  | { kind: "empirical-bernstein"; lo: number; hi: number }
  | { kind: "median-of-means"; sigma: number };

/** A two-sided band around an estimate of a mean. */
export interface MeanBand {
  /** The estimate: the sample mean (or the median of group means). */
  estimate: number;
  /** Half-width t: the band is [estimate − t, estimate + t]. */
  halfWidth: number;
  /** Sample size N. */
  n: number;
  /** The false-alarm probability δ the band is built for. */
  falseAlarm: number;
  /** A one-line description of the bound, for messages. */
  method: string;
}

/**
 * Hoeffding half-width for N samples in [lo, hi] at false-alarm probability δ.
 *
 * @param n sample size
 * @param range the interval the samples lie in
 * @param falseAlarm δ ∈ (0, 1)
 * @returns (hi − lo) √(ln(2/δ) / (2N))
 * @example
 * ```ts
 * import { hoeffdingHalfWidth } from "./bands.ts";
 * const t = hoeffdingHalfWidth(2e6, { lo: 0, hi: 1 }, 1e-6);
 * if (!(t > 0.0019 && t < 0.0020)) throw new Error(String(t)); // √(ln(2e6)/4e6)
 * ```
 */
export function hoeffdingHalfWidth(
  n: number,
  range: { lo: number; hi: number },
  falseAlarm: number,
): number {
  checkN(n, 1);
  checkDelta(falseAlarm);
  checkRange(range);
  return (range.hi - range.lo) * Math.sqrt(Math.log(2 / falseAlarm) / (2 * n));
}

/**
 * Empirical Bernstein half-width (Maurer & Pontil 2009, Thm 4, both tails at δ/2).
 *
 * @param n sample size (≥ 2)
 * @param sampleVariance the unbiased sample variance V_N
 * @param range the interval the samples lie in
 * @param falseAlarm δ ∈ (0, 1)
 * @returns √(2 V_N ln(4/δ) / N) + 7 (hi − lo) ln(4/δ) / (3(N − 1))
 * @example
 * ```ts
 * import { empiricalBernsteinHalfWidth, hoeffdingHalfWidth } from "./bands.ts";
 * // a small variance in a wide range: Bernstein is far tighter than Hoeffding
 * const r = { lo: -100, hi: 100 };
 * if (!(empiricalBernsteinHalfWidth(1e6, 1, r, 1e-6) < hoeffdingHalfWidth(1e6, r, 1e-6) / 5)) throw new Error();
 * ```
 */
export function empiricalBernsteinHalfWidth(
  n: number,
  sampleVariance: number,
  range: { lo: number; hi: number },
  falseAlarm: number,
): number {
  checkN(n, 2);
  checkDelta(falseAlarm);
  checkRange(range);
  if (!(sampleVariance >= 0)) {
    throw new RangeError(`sample variance must be ≥ 0, got ${sampleVariance}`);
  }
  const log = Math.log(4 / falseAlarm);
  return Math.sqrt((2 * sampleVariance * log) / n) +
    (7 * (range.hi - range.lo) * log) / (3 * (n - 1));
}

/** The Chebyshev miss probability p allowed per group in median of means. */
const GROUP_MISS = 1 / 8;

/**
 * Number of groups for median of means at false-alarm probability δ: the smallest odd K
 * with exp(−K·kl(½‖1/8)) ≤ δ, where kl(½‖p) = −½ ln(4p(1 − p)).
 *
 * @param falseAlarm δ ∈ (0, 1)
 * @returns K
 * @example
 * ```ts
 * import { medianOfMeansGroups } from "./bands.ts";
 * if (medianOfMeansGroups(1e-6) !== 35) throw new Error();
 * ```
 */
export function medianOfMeansGroups(falseAlarm: number): number {
  checkDelta(falseAlarm);
  // the Chernoff exponent of P(Binomial(K, p) ≥ K/2): kl(½‖p) = −½ ln(4p(1 − p))
  const kl = -0.5 * Math.log(4 * GROUP_MISS * (1 - GROUP_MISS));
  const k = Math.ceil(Math.log(1 / falseAlarm) / kl);
  return k % 2 === 1 ? k : k + 1;
}

/**
 * A two-sided band for the mean of i.i.d. samples, by the chosen bound.
 *
 * @param xs the samples (bounded methods check every sample lies in [lo, hi])
 * @param method Hoeffding, empirical Bernstein, or median of means with a σ bound
 * @param falseAlarm δ ≤ {@link MAX_FALSE_ALARM} (default 1e-6)
 * @returns estimate, half-width, N, δ and a description
 * @throws RangeError if a sample lies outside the stated range (naming its index), if
 *   δ > 1e-6, or if there are too few samples for the method
 * @example
 * ```ts
 * import { meanBand } from "./bands.ts";
 * const xs = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 0 : 1));
 * const b = meanBand(xs, { kind: "hoeffding", lo: 0, hi: 1 });
 * if (b.estimate !== 0.5 || !(b.halfWidth > 0.05 && b.halfWidth < 0.1)) throw new Error();
 * ```
 */
export function meanBand(
  xs: ArrayLike<number>,
  method: MeanMethod,
  falseAlarm: number = MAX_FALSE_ALARM,
): MeanBand {
  checkDelta(falseAlarm);
  if (falseAlarm > MAX_FALSE_ALARM) {
    throw new RangeError(
      `false-alarm probability ${falseAlarm} exceeds the suite's limit ${MAX_FALSE_ALARM}`,
    );
  }
  const s = summarize(xs);
  if (method.kind === "median-of-means") {
    if (!(method.sigma >= 0 && Number.isFinite(method.sigma))) {
      throw new RangeError(`median of means needs a finite σ ≥ 0, got ${method.sigma}`);
    }
    const k = medianOfMeansGroups(falseAlarm);
    const m = Math.floor(s.n / k);
    if (m < 1) {
      throw new RangeError(
        `median of means with ${k} groups needs at least ${k} samples, got ${s.n}`,
      );
    }
    const means: number[] = [];
    for (let g = 0; g < k; g++) {
      let total = 0;
      for (let i = g * m; i < (g + 1) * m; i++) total += xs[i]!;
      means.push(total / m);
    }
    means.sort((a, b) => a - b);
    const median = k % 2 === 1 ? means[(k - 1) / 2]! : (means[k / 2 - 1]! + means[k / 2]!) / 2;
    return {
      estimate: median,
      // Chebyshev: P(|group mean − μ| ≥ t) ≤ σ²/(m t²) = p at t = σ/√(m p)
      halfWidth: method.sigma / Math.sqrt(m * GROUP_MISS),
      n: s.n,
      falseAlarm,
      method: `median of ${k} means of ${m} samples (Chebyshev + Chernoff, σ ≤ ${method.sigma})`,
    };
  }
  checkRange(method);
  if (s.min < method.lo || s.max > method.hi) {
    for (let i = 0; i < s.n; i++) {
      const x = xs[i]!;
      if (x < method.lo || x > method.hi) {
        throw new RangeError(
          `sample ${i} = ${x} lies outside the stated range [${method.lo}, ${method.hi}]`,
        );
      }
    }
  }
  const range = { lo: method.lo, hi: method.hi };
  if (method.kind === "hoeffding") {
    return {
      estimate: s.mean,
      halfWidth: hoeffdingHalfWidth(s.n, range, falseAlarm),
      n: s.n,
      falseAlarm,
      method: `Hoeffding, samples in [${method.lo}, ${method.hi}]`,
    };
  }
  return {
    estimate: s.mean,
    halfWidth: empiricalBernsteinHalfWidth(s.n, s.variance, range, falseAlarm),
    n: s.n,
    falseAlarm,
    method: `empirical Bernstein (Maurer–Pontil), samples in [${method.lo}, ${method.hi}]`,
  };
}

function checkN(n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`sample size must be an integer ≥ ${min}, got ${n}`);
  }
}

function checkDelta(delta: number): void {
  if (!(delta > 0 && delta < 1)) {
    throw new RangeError(`false-alarm probability must be in (0, 1), got ${delta}`);
  }
}

function checkRange(r: { lo: number; hi: number }): void {
  if (!(Number.isFinite(r.lo) && Number.isFinite(r.hi) && r.lo <= r.hi)) {
    throw new RangeError(`range must be finite with lo ≤ hi, got [${r.lo}, ${r.hi}]`);
  }
}
