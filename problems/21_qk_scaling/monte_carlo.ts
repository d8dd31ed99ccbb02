/**
 * Monte Carlo for Problem 21: draw X, W^Q, W^K (L = 2 tokens), form Q, K and the logits A,
 * and record the statistics whose means the claims state, each with the exact variance the
 * README derives, so that a median-of-means band (false alarm δ) can be put around it.
 *
 * @module
 */
import { Rng } from "../../shared/random/mod.ts";
import { type MeanBand, meanBand } from "../../shared/stats/mod.ts";

/** What is sampled: sizes, and the two deliberate deviations the negative controls use. */
export interface SamplerConfig {
  /** d_X, the width of X. */
  dX: number;
  /** d_K, the width of Q and K. */
  dK: number;
  /** Number of independent draws of (X, W^Q, W^K). */
  n: number;
  /** Seed of the draws. */
  seed: number;
  /** Standard deviation of the weights; LeCun: 1/√d_X (the default). */
  weightStd?: number;
  /** Divide the logits by √d_K (the default) or not. */
  scaleLogits?: boolean;
}

/** One recorded statistic: its claimed mean and exact variance (under LeCun, scaled logits). */
export interface Statistic {
  /** Its name, e.g. `A_00²`. */
  name: string;
  /** Reads it off one draw. */
  read(d: Draw): number;
  /** The claimed mean as a function of (d_X, d_K). */
  mean(dX: number, dK: number): number;
  /** The exact variance (README, "Variances for the bands"). */
  variance(dX: number, dK: number): number;
}

/** One draw: Q, K ∈ ℝ^{2×d_K} and A ∈ ℝ^{2×2}, row-major. */
export interface Draw {
  /** Q = X W^Q, row-major [2, d_K]. */
  q: Float64Array;
  /** K = X W^K, row-major [2, d_K]. */
  k: Float64Array;
  /** A = Q Kᵀ (/√d_K), row-major [2, 2]. */
  a: Float64Array;
  /** d_K, to index q and k. */
  dK: number;
}

const r = (d: number) => (d + 2) / d; // E‖x‖⁴/d² = (d_X + 2)/d_X
/** E[A⁴] = (3 + 6/d_K)·E[‖x_ℓ‖⁴‖x_ℓ'‖⁴]/d_X⁴, by cases. */
const fourthDiag = (d: number, k: number) => (3 + 6 / k) * d * (d + 2) * (d + 4) * (d + 6) / d ** 4;
const fourthOff = (d: number, k: number) => (3 + 6 / k) * r(d) ** 2;

/** The statistics of claim 21a (Q and K entries). */
export const ENTRY_STATISTICS: readonly Statistic[] = [
  { name: "Q_00", read: (d) => d.q[0]!, mean: () => 0, variance: () => 1 },
  { name: "K_11", read: (d) => d.k[d.dK + 1]!, mean: () => 0, variance: () => 1 },
  { name: "Q_00²", read: (d) => d.q[0]! ** 2, mean: () => 1, variance: (x) => 3 * r(x) - 1 },
  { name: "K_01²", read: (d) => d.k[1]! ** 2, mean: () => 1, variance: (x) => 3 * r(x) - 1 },
  { name: "Q_00·Q_01", read: (d) => d.q[0]! * d.q[1]!, mean: () => 0, variance: r },
  { name: "Q_00·Q_10", read: (d) => d.q[0]! * d.q[d.dK]!, mean: () => 0, variance: r },
  { name: "Q_00·K_00", read: (d) => d.q[0]! * d.k[0]!, mean: () => 0, variance: r },
  { name: "Q_00·K_11", read: (d) => d.q[0]! * d.k[d.dK + 1]!, mean: () => 0, variance: () => 1 },
  { name: "K_00·K_01", read: (d) => d.k[0]! * d.k[1]!, mean: () => 0, variance: r },
];

/** The statistics of claim 21b (logits). */
export const LOGIT_STATISTICS: readonly Statistic[] = [
  { name: "A_00", read: (d) => d.a[0]!, mean: () => 0, variance: r },
  { name: "A_01", read: (d) => d.a[1]!, mean: () => 0, variance: () => 1 },
  {
    name: "A_00²",
    read: (d) => d.a[0]! ** 2,
    mean: r,
    variance: (x, k) => fourthDiag(x, k) - r(x) ** 2,
  },
  {
    name: "A_01²",
    read: (d) => d.a[1]! ** 2,
    mean: () => 1,
    variance: (x, k) => fourthOff(x, k) - 1,
  },
];

/**
 * Draws n independent (X, W^Q, W^K) with L = 2 and records each statistic of each draw.
 *
 * Each draw fills X (row-major [2, d_X]), then W^Q, then W^K (row-major [d_X, d_K]), each
 * from index 0 with Box–Muller pairs: two uniforms u₁, u₂ give (ρ cos θ, ρ sin θ) with
 * ρ = σ √(−2 ln(1 − u₁)) and θ = 2π u₂ (σ = 1 for X, the weight standard deviation for W);
 * an array of odd length takes only the cosine of its last pair. So each draw consumes
 * exactly 2 d_X + 4 ⌈d_X d_K / 2⌉ uniforms, and n draws n times as many, nothing more.
 *
 * @param config sizes, seed and variant
 * @param stats the statistics to record
 * @param rng the random source: by default `new Rng(config.seed)`; a source with chosen
 *   uniforms (such as `ConstantUniform`) makes every draw computable by hand
 * @returns one Float64Array of n values per statistic, in order
 * @throws Error if d_X, d_K or n is not a positive integer, or d_K < 2
 * @example
 * ```ts
 * import { ENTRY_STATISTICS, sampleStatistics } from "./monte_carlo.ts";
 * const [q] = sampleStatistics({ dX: 2, dK: 2, n: 10, seed: 1 }, ENTRY_STATISTICS);
 * if (q!.length !== 10) throw new Error();
 * ```
 */
export function sampleStatistics(
  config: SamplerConfig,
  stats: readonly Statistic[],
  rng: Rng = new Rng(config.seed),
): Float64Array[] {
  const { dX, dK, n } = config;
  for (const [name, v] of [["d_X", dX], ["d_K", dK], ["n", n]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} = ${v} is not a positive integer`);
  }
  if (dK < 2) throw new Error(`d_K = ${dK}: the statistics need two key columns`);
  const wStd = config.weightStd ?? 1 / Math.sqrt(dX);
  const scale = config.scaleLogits === false ? 1 : 1 / Math.sqrt(dK);
  const x = new Float64Array(2 * dX);
  const wq = new Float64Array(dX * dK);
  const wk = new Float64Array(dX * dK);
  const draw: Draw = {
    q: new Float64Array(2 * dK),
    k: new Float64Array(2 * dK),
    a: new Float64Array(4),
    dK,
  };
  const out = stats.map(() => new Float64Array(n));
  for (let s = 0; s < n; s++) {
    fillNormal(rng, x, 1);
    fillNormal(rng, wq, wStd);
    fillNormal(rng, wk, wStd);
    // Q = X W^Q, K = X W^K: [2, d_X] x [d_X, d_K] -> [2, d_K]
    for (let l = 0; l < 2; l++) {
      for (let j = 0; j < dK; j++) {
        let sq = 0;
        let sk = 0;
        for (let i = 0; i < dX; i++) {
          sq += x[l * dX + i]! * wq[i * dK + j]!;
          sk += x[l * dX + i]! * wk[i * dK + j]!;
        }
        draw.q[l * dK + j] = sq;
        draw.k[l * dK + j] = sk;
      }
    }
    // A = Q Kᵀ / √d_K: [2, d_K] x [d_K, 2] -> [2, 2]
    for (let l = 0; l < 2; l++) {
      for (let m = 0; m < 2; m++) {
        let s2 = 0;
        for (let j = 0; j < dK; j++) s2 += draw.q[l * dK + j]! * draw.k[m * dK + j]!;
        draw.a[l * 2 + m] = s2 * scale;
      }
    }
    for (let t = 0; t < stats.length; t++) out[t]![s] = stats[t]!.read(draw);
  }
  return out;
}

/** Fills an array with i.i.d. N(0, std²) draws, two per Box–Muller pair of uniforms. */
function fillNormal(rng: Rng, out: Float64Array, std: number): void {
  for (let i = 0; i < out.length; i += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(1 - rng.uniform())); // 1 − u ∈ (0, 1]
    const angle = 2 * Math.PI * rng.uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
}

/** A statistic's band and the value it is compared with. */
export interface StatisticBand extends MeanBand {
  /** The statistic. */
  name: string;
  /** The claimed mean. */
  claimed: number;
}

/**
 * Samples and returns the median-of-means band of every statistic, using the claimed mean
 * and the exact variance at (d_X, d_K) of the LeCun, scaled model.
 *
 * @param config sizes, seed and variant (the variance bounds are always the claimed model's)
 * @param stats the statistics
 * @param delta false-alarm probability per statistic
 * @returns one band per statistic
 * @example
 * ```ts
 * import { bandsFor, LOGIT_STATISTICS } from "./monte_carlo.ts";
 * const bands = bandsFor({ dX: 1, dK: 2, n: 3500, seed: 7 }, LOGIT_STATISTICS, 1e-6);
 * if (bands[2]!.claimed !== 3) throw new Error("E[A_00²] = (1 + 2)/1");
 * ```
 */
export function bandsFor(
  config: SamplerConfig,
  stats: readonly Statistic[],
  delta: number,
): StatisticBand[] {
  const values = sampleStatistics(config, stats);
  return stats.map((st, t) => ({
    name: st.name,
    claimed: st.mean(config.dX, config.dK),
    ...meanBand(
      values[t]!,
      { kind: "median-of-means", sigma: Math.sqrt(st.variance(config.dX, config.dK)) },
      delta,
    ),
  }));
}
