/**
 * "The estimate equals the exact value" as a pass/fail check: the exact value must lie in
 * the confidence band; otherwise a ClaimViolation names the estimate, the band, N, the
 * bound used and the seed.
 *
 * @module
 */
import { ClaimViolation } from "../testing/mod.ts";
import { MAX_FALSE_ALARM, type MeanBand, meanBand, type MeanMethod } from "./bands.ts";

/** Options for {@link assertMeanEquals}. */
export interface AgreementOptions {
  /** How the band is justified. */
  method: MeanMethod;
  /** The seed the samples were drawn with (printed in every message). */
  seed: number;
  /** What is estimated, for the message. */
  label: string;
  /** False-alarm probability δ ≤ 1e-6 (default 1e-6). */
  falseAlarm?: number;
}

/** The outcome of a passed agreement check. */
export interface Agreement extends MeanBand {
  /** The exact value compared against. */
  exact: number;
  /** halfWidth − |estimate − exact| (≥ 0: inside the band). */
  margin: number;
  /** The seed of the samples. */
  seed: number;
  /** A one-line report: label, estimate, band, N, seed. */
  report: string;
}

/**
 * Passes when the exact mean lies in the band around the sample estimate; the false
 * alarm probability of this check is at most δ.
 *
 * @param xs i.i.d. samples
 * @param exact the exact mean the samples should have
 * @param opts bound, seed, label, δ
 * @returns the band, margin and a report line
 * @throws ClaimViolation when the exact value is outside the band (message: estimate,
 *   band, N, δ, bound, seed)
 * @example
 * ```ts
 * import { assertMeanEquals } from "./agreement.ts";
 * const xs = Array.from({ length: 4000 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // mean 1/4
 * assertMeanEquals(xs, 0.25, { method: { kind: "hoeffding", lo: 0, hi: 1 }, seed: 0, label: "p" });
 * let rejected = false;
 * try {
 *   assertMeanEquals(xs, 0.5, { method: { kind: "hoeffding", lo: 0, hi: 1 }, seed: 0, label: "p" });
 * } catch { rejected = true; }
 * if (!rejected) throw new Error("1/2 is far outside the band");
 * ```
 */
export function assertMeanEquals(
  xs: ArrayLike<number>,
  exact: number,
  opts: AgreementOptions,
): Agreement {
  if (!Number.isFinite(exact)) throw new RangeError(`${opts.label}: exact value ${exact}`);
  const band = meanBand(xs, opts.method, opts.falseAlarm ?? MAX_FALSE_ALARM);
  const margin = band.halfWidth - Math.abs(band.estimate - exact);
  const report = `${opts.label}: estimate ${band.estimate} ± ${band.halfWidth} (${band.method}, ` +
    `δ = ${band.falseAlarm}, N = ${band.n}, seed ${opts.seed}); exact ${exact}`;
  if (!(margin >= 0)) {
    throw new ClaimViolation(`${report}: the exact value lies outside the band by ${-margin}`);
  }
  return { ...band, exact, margin, seed: opts.seed, report };
}

/** Options for {@link assertVarianceEquals}. */
export interface VarianceAgreementOptions {
  /** The exact mean μ of the samples (known, so (x − μ)² is an unbiased variance sample). */
  mean: number;
  /** The interval the samples lie in. */
  lo: number;
  /** The interval the samples lie in. */
  hi: number;
  /** The seed the samples were drawn with. */
  seed: number;
  /** What is estimated, for the message. */
  label: string;
  /** False-alarm probability δ ≤ 1e-6 (default 1e-6). */
  falseAlarm?: number;
}

/**
 * Passes when the exact variance lies in the band around the estimate
 * (1/N) Σ (x_i − μ)², using the exact mean μ: each (x_i − μ)² is an unbiased sample of
 * the variance lying in [0, max(hi − μ, μ − lo)²], so the empirical Bernstein band
 * applies to it.
 *
 * @param xs i.i.d. samples in [lo, hi]
 * @param exactVariance the variance the samples should have
 * @param opts exact mean, range, seed, label, δ
 * @returns the band, margin and a report line
 * @throws ClaimViolation when the exact variance is outside the band
 * @example
 * ```ts
 * import { assertVarianceEquals } from "./agreement.ts";
 * const xs = Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? -1 : 1)); // variance 1
 * assertVarianceEquals(xs, 1, { mean: 0, lo: -1, hi: 1, seed: 0, label: "v" });
 * ```
 */
export function assertVarianceEquals(
  xs: ArrayLike<number>,
  exactVariance: number,
  opts: VarianceAgreementOptions,
): Agreement {
  const { mean, lo, hi } = opts;
  if (!(lo <= mean && mean <= hi)) {
    throw new RangeError(`${opts.label}: the mean ${mean} lies outside [${lo}, ${hi}]`);
  }
  const squares = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!(x >= lo && x <= hi)) {
      throw new RangeError(`${opts.label}: sample ${i} = ${x} lies outside [${lo}, ${hi}]`);
    }
    squares[i] = (x - mean) ** 2;
  }
  const top = Math.max(hi - mean, mean - lo) ** 2;
  return assertMeanEquals(squares, exactVariance, {
    method: { kind: "empirical-bernstein", lo: 0, hi: top },
    seed: opts.seed,
    label: `${opts.label} (variance about the exact mean)`,
    falseAlarm: opts.falseAlarm,
  });
}
