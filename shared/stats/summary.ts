/**
 * Sample summaries: mean, unbiased variance, extremes.
 *
 * @module
 */

/** Summary of a sample. */
export interface SampleSummary {
  /** Sample size N. */
  n: number;
  /** Sample mean (1/N) Σ x_i. */
  mean: number;
  /** Unbiased sample variance (1/(N − 1)) Σ (x_i − mean)²; 0 when N = 1. */
  variance: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
}

/**
 * Mean, unbiased variance (two-pass, so large offsets do not cancel), min and max.
 *
 * @param xs a non-empty sample of finite numbers
 * @returns the summary
 * @throws RangeError on an empty sample or a value that is not finite (naming its index)
 * @example
 * ```ts
 * import { summarize } from "./summary.ts";
 * const s = summarize([1, 2, 3, 4]);
 * if (s.mean !== 2.5 || Math.abs(s.variance - 5 / 3) > 1e-15) throw new Error();
 * ```
 */
export function summarize(xs: ArrayLike<number>): SampleSummary {
  const n = xs.length;
  if (n === 0) throw new RangeError("summarize: the sample is empty");
  let total = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (!Number.isFinite(x)) throw new RangeError(`summarize: sample value ${i} is ${x}`);
    total += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = total / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (xs[i]! - mean) ** 2;
  return { n, mean, variance: n > 1 ? squares / (n - 1) : 0, min, max };
}

/**
 * The sample mean.
 *
 * @param xs a non-empty sample
 * @returns (1/N) Σ x_i
 * @example
 * ```ts
 * import { sampleMean } from "./summary.ts";
 * if (sampleMean([1, 2, 6]) !== 3) throw new Error();
 * ```
 */
export function sampleMean(xs: ArrayLike<number>): number {
  return summarize(xs).mean;
}

/**
 * The unbiased sample variance.
 *
 * @param xs a sample with at least two values
 * @returns (1/(N − 1)) Σ (x_i − mean)²
 * @throws RangeError for fewer than two values
 * @example
 * ```ts
 * import { sampleVariance } from "./summary.ts";
 * if (sampleVariance([0, 2]) !== 2) throw new Error();
 * ```
 */
export function sampleVariance(xs: ArrayLike<number>): number {
  if (xs.length < 2) throw new RangeError("sampleVariance: needs at least two values");
  return summarize(xs).variance;
}
