/**
 * A confidence band for the mean of an unbounded variable with a known variance bound: the
 * median of k group means (median of means), with k chosen for a false-alarm probability δ.
 *
 * Why it holds: split n i.i.d. values into k disjoint groups of m = ⌊n/k⌋. Each group mean has
 * variance ≤ σ²/m, so by Chebyshev it misses the true mean by r = σ/√(m·p) or more with
 * probability ≤ p. The group means are independent, and the median misses by r or more only if
 * at least k/2 of them do, which by the Chernoff bound for a Binomial(k, p) has probability
 * ≤ exp(−k·kl(½‖p)), kl(½‖p) = −½·log(4p(1 − p)). With p = 1/8, kl = 0.4133, so
 * k = ⌈log(1/δ)/0.4133⌉ (made odd) groups give false-alarm ≤ δ; for δ = 1e-6 that is k = 35
 * and r = σ·√(8·35/n).
 *
 * @module
 */

/** Thrown on an invalid band request; the message names the offending argument. */
export class BandInputError extends Error {
  override name = "BandInputError";
}

/** Chebyshev miss probability per group. */
const GROUP_MISS = 1 / 8;

/** A median-of-means estimate with its band. */
export interface MeanBand {
  /** The median of the group means. */
  estimate: number;
  /** The band's half-width r: |estimate − mean| ≤ r except with probability ≤ δ. */
  halfWidth: number;
  /** Number of groups k. */
  groups: number;
  /** Values used (k·m; up to k − 1 trailing values are left out). */
  used: number;
  /** The false-alarm probability δ. */
  delta: number;
}

/**
 * The number of groups for false-alarm δ: the smallest odd k with
 * exp(−k·kl(½‖1/8)) ≤ δ.
 *
 * @param delta the false-alarm probability, in (0, 1)
 * @returns k
 * @throws BandInputError if δ is outside (0, 1)
 * @example
 * ```ts
 * import { groupsFor } from "./median_of_means.ts";
 * if (groupsFor(1e-6) !== 35) throw new Error();
 * ```
 */
export function groupsFor(delta: number): number {
  if (!(delta > 0 && delta < 1)) throw new BandInputError(`δ = ${delta} is not in (0, 1)`);
  const kl = -0.5 * Math.log(4 * GROUP_MISS * (1 - GROUP_MISS));
  const k = Math.ceil(Math.log(1 / delta) / kl);
  return k % 2 === 1 ? k : k + 1;
}

/**
 * The half-width r = σ/√(m·p) of the median-of-means band for n values with variance ≤ σ².
 *
 * @param variance an upper bound σ² on the variance of one value
 * @param n the number of values
 * @param delta the false-alarm probability
 * @returns r
 * @throws BandInputError if n < k or the variance is negative or not finite
 * @example
 * ```ts
 * import { momHalfWidth } from "./median_of_means.ts";
 * const r = momHalfWidth(1, 35_000, 1e-6); // √(8 / 1000)
 * if (Math.abs(r - Math.sqrt(0.008)) > 1e-15) throw new Error();
 * ```
 */
export function momHalfWidth(variance: number, n: number, delta: number): number {
  const k = groupsFor(delta);
  if (!(Number.isFinite(variance) && variance >= 0)) {
    throw new BandInputError(`variance bound ${variance} is not a finite number ≥ 0`);
  }
  const m = Math.floor(n / k);
  if (m < 1) throw new BandInputError(`n = ${n} values cannot fill ${k} groups`);
  return Math.sqrt(variance / (m * GROUP_MISS));
}

/**
 * The median-of-means estimate of E[Y] from i.i.d. values, with its band.
 *
 * @param values i.i.d. draws of Y
 * @param variance an upper bound on Var(Y)
 * @param delta the false-alarm probability
 * @returns the estimate and the band's half-width
 * @example
 * ```ts
 * import { medianOfMeans } from "./median_of_means.ts";
 * const b = medianOfMeans(new Float64Array(350).fill(2), 1, 1e-6);
 * if (b.estimate !== 2 || b.groups !== 35) throw new Error();
 * ```
 */
export function medianOfMeans(
  values: ArrayLike<number>,
  variance: number,
  delta: number,
): MeanBand {
  const k = groupsFor(delta);
  const halfWidth = momHalfWidth(variance, values.length, delta);
  const m = Math.floor(values.length / k);
  const means: number[] = [];
  for (let g = 0; g < k; g++) {
    let s = 0;
    for (let i = g * m; i < (g + 1) * m; i++) s += values[i]!;
    means.push(s / m);
  }
  means.sort((a, b) => a - b);
  return { estimate: means[(k - 1) / 2]!, halfWidth, groups: k, used: k * m, delta };
}
