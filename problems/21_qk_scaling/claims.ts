/**
 * Problem 21's claims, each with its negative control.
 *
 * @module
 */
import { fraction } from "mathjs";
import {
  attentionRef,
  matMul,
  matrix,
  matrixFromTensor,
  normalMatrix,
  scaledDotProductAttention,
  tensorFromMatrix,
} from "../../shared/attention/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { meanBand, medianOfMeansGroups } from "../../shared/stats/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import { type Claim, ClaimViolation, defineClaims, isViolation } from "../../shared/testing/mod.ts";
import {
  bandsFor,
  type Draw,
  type Entry,
  ENTRY_STATISTICS,
  exactLogitMoment,
  exactProductMoment,
  lecunModel,
  LOGIT_STATISTICS,
  type SamplerConfig,
  sampleStatistics,
  type Statistic,
  type StatisticBand,
} from "./mod.ts";

/**
 * False-alarm probability of each claim's Monte Carlo check as a whole: its bands share it by
 * a union bound, each at δ = 1e-6 / (number of bands of the claim).
 */
const DELTA = 1e-6;
/** d_X values for Monte Carlo: the small ones, where (d_X + 2)/d_X is far from 1. */
const MC_DX = [1, 2, 4];
/** d_K for Monte Carlo. */
const MC_DK = 4;
/**
 * Draws per d_X for the logits. The band half-width is r = σ/√(m/8) with m = ⌊n/41⌋, about
 * σ·√(8·41/n) (K = 41 groups, see {@link LOGIT_BANDS}); the largest σ² of A_00² over
 * d_X ∈ {1, 2, 4} at d_K = 4 is 463.5 (d_X = 1), and n = 230 000 makes r ≤ 0.43·(2/d_X) for
 * each d_X (r = 0.81, 0.39, 0.21 versus gaps 2, 1, 0.5), so a band around (d_X + 2)/d_X
 * cannot contain 1.
 */
const N_LOGITS = 230_000;
/** Draws per d_X for the entries: r ≤ 0.24 for every entry statistic at d_X ≥ 1 (K = 43). */
const N_ENTRIES = 50_000;

/**
 * One claim's Monte Carlo: its statistics, its number of bands (one per statistic and
 * d_X), the false alarm δ of each band, and the number K of median-of-means groups at that
 * δ, worked out by hand: K is the smallest odd integer ≥ ln(1/δ)/kl(½‖1/8), with
 * kl(½‖1/8) = −½ ln(4·(1/8)·(7/8)) = ½ ln(16/7) = 0.41334.
 */
interface BandPlan {
  stats: readonly Statistic[];
  bands: number;
  delta: number;
  groups: number;
}

const plan = (stats: readonly Statistic[], groups: number): BandPlan => {
  const bands = MC_DX.length * stats.length;
  return { stats, bands, delta: DELTA / bands, groups };
};

/**
 * 21a: 9 statistics at 3 values of d_X, 27 bands at δ = 1e-6/27 each:
 * ln(2.7·10⁷)/0.41334 = 41.40, whose ceiling 42 is even, so K = 43.
 */
const ENTRY_BANDS = plan(ENTRY_STATISTICS, 43);
/**
 * 21b: 4 statistics at 3 values of d_X, 12 bands at δ = 1e-6/12 each:
 * ln(1.2·10⁷)/0.41334 = 39.44, whose ceiling 40 is even, so K = 41.
 */
const LOGIT_BANDS = plan(LOGIT_STATISTICS, 41);

const ENTRIES: Entry[] = (["Q", "K"] as const).flatMap((matrix) =>
  [0, 1].flatMap((row) => [0, 1].map((col) => ({ matrix, row, col })))
);
const name = (e: Entry) => `${e.matrix}_${e.row}${e.col}`;

/** Exact: E[entry] = 0 and E[e e'] = 1 if e = e' else 0, for d_X = 1..4 (d_K ≥ 2, L = 2). */
function exactEntryMoments(): number {
  let cases = 0;
  for (let dX = 1; dX <= 4; dX++) {
    const model = lecunModel(dX);
    for (const [i, e] of ENTRIES.entries()) {
      const m1 = exactProductMoment([e], model);
      if (!m1.equals(0)) throw new ClaimViolation(`d_X=${dX}: E[${name(e)}] = ${m1.toFraction()}`);
      for (const f of ENTRIES.slice(i)) {
        const want = e === f ? 1 : 0;
        const m2 = exactProductMoment([e, f], model);
        if (!m2.equals(want)) {
          throw new ClaimViolation(
            `d_X=${dX}: E[${name(e)}·${name(f)}] = ${m2.toFraction()}, expected ${want}`,
          );
        }
        cases++;
      }
    }
  }
  return cases;
}

/** Exact: E[A_ℓℓ'] = 0, E[A²] = 1 off the diagonal, (d_X+2)/d_X on it; d_X 1..4, d_K 1..3. */
function exactLogitMoments(scaled: boolean): number {
  let cases = 0;
  for (let dX = 1; dX <= 4; dX++) {
    for (let dK = 1; dK <= 3; dK++) {
      const model = lecunModel(dX);
      for (const [l, m] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
        const m1 = exactLogitMoment(l, m, 1, dK, model, scaled);
        const m2 = exactLogitMoment(l, m, 2, dK, model, scaled);
        const want = l === m ? fraction(dX + 2, dX) : fraction(1);
        if (!m1.equals(0) || !m2.equals(want)) {
          throw new ClaimViolation(
            `d_X=${dX}, d_K=${dK}: E[A_${l}${m}] = ${m1.toFraction()}, E[A_${l}${m}²] = ${m2.toFraction()}, expected 0 and ${want.toFraction()}`,
          );
        }
        cases++;
      }
    }
  }
  return cases;
}

const e = (matrix: "Q" | "K", row: number, col: number): Entry => ({ matrix, row, col });

/** Each entry statistic of the bands as its factors. */
const ENTRY_FACTORS: Record<string, Entry[]> = {
  "Q_00": [e("Q", 0, 0)],
  "K_11": [e("K", 1, 1)],
  "Q_00²": [e("Q", 0, 0), e("Q", 0, 0)],
  "K_01²": [e("K", 0, 1), e("K", 0, 1)],
  "Q_00·Q_01": [e("Q", 0, 0), e("Q", 0, 1)],
  "Q_00·Q_10": [e("Q", 0, 0), e("Q", 1, 0)],
  "Q_00·K_00": [e("Q", 0, 0), e("K", 0, 0)],
  "Q_00·K_11": [e("Q", 0, 0), e("K", 1, 1)],
  "K_00·K_01": [e("K", 0, 0), e("K", 0, 1)],
};
/** Each logit statistic of the bands as (ℓ, ℓ', power). */
const LOGIT_POWER: Record<string, [number, number, number]> = {
  "A_00": [0, 0, 1],
  "A_01": [0, 1, 1],
  "A_00²": [0, 0, 2],
  "A_01²": [0, 1, 2],
};

/**
 * The band widths rest on the README's variances; each is checked against the exact
 * expansion of E[Y²] (up to fourth moments of the entries, eighth of the Gaussians), so a
 * wrong variance cannot make a band wider or narrower than stated. Returns the cases.
 */
function assertExactVariances(kind: "entries" | "logits"): number {
  let cases = 0;
  const sizes = kind === "entries" ? [[1, 2], [2, 2], [3, 2], [4, 2]] : [[1, 1], [1, 2], [2, 1], [
    2,
    2,
  ], [1, 3]];
  for (const [dX, dK] of sizes as [number, number][]) {
    for (const st of kind === "entries" ? ENTRY_STATISTICS : LOGIT_STATISTICS) {
      let second: number;
      if (kind === "entries") {
        const f = ENTRY_FACTORS[st.name]!;
        second = exactProductMoment([...f, ...f], lecunModel(dX)).valueOf() as number;
      } else {
        const [l, m, p] = LOGIT_POWER[st.name]!;
        second = exactLogitMoment(l, m, 2 * p, dK, lecunModel(dX)).valueOf() as number;
      }
      const want = st.variance(dX, dK) + st.mean(dX, dK) ** 2;
      if (!(Math.abs(second - want) <= 1e-9 * Math.max(1, want))) {
        throw new ClaimViolation(
          `d_X=${dX}, d_K=${dK}: E[${st.name}²] is ${second} exactly, the band assumes ${want}`,
        );
      }
      cases++;
    }
  }
  return cases;
}

/**
 * The band of a statistic is only about the entries its factors name if its `read` takes
 * those entries: on a draw whose entries are distinct primes, every `read` must return
 * the product of its named entries (for the logits, the named A entry to the named power).
 * A statistic that read another entry with the same law would pass every band. Returns the
 * cases.
 */
function assertReadsItsFactors(kind: "entries" | "logits"): number {
  const dK = 3;
  // the entries of q, k, a in turn are the primes 2, 3, 5, …: every product is an exact
  // integer, and by unique factorisation a product of other entries is another number
  const primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];
  const fill = (n: number, from: number) => Float64Array.from(primes.slice(from, from + n));
  const draw: Draw = { q: fill(2 * dK, 0), k: fill(2 * dK, 2 * dK), a: fill(4, 4 * dK), dK };
  const value = (f: Entry) => (f.matrix === "Q" ? draw.q : draw.k)[f.row * dK + f.col]!;
  const stats = kind === "entries" ? ENTRY_STATISTICS : LOGIT_STATISTICS;
  for (const st of stats) {
    let want: number;
    if (kind === "entries") want = ENTRY_FACTORS[st.name]!.reduce((acc, f) => acc * value(f), 1);
    else {
      const [l, m, p] = LOGIT_POWER[st.name]!;
      want = draw.a[l * 2 + m]! ** p;
    }
    const got = st.read(draw);
    if (got !== want) {
      throw new ClaimViolation(`${st.name} reads ${got} from a draw where it is ${want}`);
    }
  }
  return stats.length;
}

/**
 * The bands speak about Q = X W^Q, K = X W^K and A = Q Kᵀ/√d_K only if the sampler forms
 * these products; a sampler that formed other matrices with the same means and variances
 * (Q_ℓj = X_ℓ0 · Σ_i W^Q_ij, say: every first and second moment the bands test is unchanged)
 * would pass every band. Two consequences of the products are checked on every one of a few
 * draws at d_K = 4, read off each draw by statistics of its own:
 * - rank: by Cauchy–Binet the minor Q_00 Q_11 − Q_01 Q_10 is Σ over pairs i < i' of
 *   det X_{[0,1]×{i,i'}} · det W^Q_{{i,i'}×[0,1]}, so it is 0 at d_X = 1 (rank Q ≤ d_X), and at
 *   d_X = 2 it is det X · det W^Q_{[0,1]×[0,1]}, a product of two determinants of Gaussian
 *   matrices, non-zero almost surely (rank Q = 2); the same for K. "0" is up to the rounding
 *   of the two products (≤ 1e-12 of their size), "non-zero" is more than 1e-9 of it;
 * - all four entries of A are Q Kᵀ/√d_K, summed here by plain loops (to 1e-12 of Σ_j |q_j k_j|).
 * The draws are seeded per d_X by `seed`. Returns the cases.
 */
function assertDrawsAreProducts(seed: (dX: number) => number): number {
  const dK = MC_DK;
  const n = 50;
  const zero = () => 0;
  const minor = (m: "q" | "k"): Statistic => ({
    name: `${m} minor / size`,
    read: (d) => {
      const [a, b] = [d[m][0]! * d[m][dK + 1]!, d[m][1]! * d[m][dK]!];
      return Math.abs(a - b) / (Math.abs(a) + Math.abs(b));
    },
    mean: zero,
    variance: zero,
  });
  const logitError: Statistic = {
    name: "max |A − Q Kᵀ/√d_K| / size",
    read: (d) => {
      let worst = 0;
      for (let l = 0; l < 2; l++) {
        for (let m = 0; m < 2; m++) {
          let sum = 0, size = 0;
          for (let j = 0; j < dK; j++) {
            sum += d.q[l * dK + j]! * d.k[m * dK + j]!;
            size += Math.abs(d.q[l * dK + j]! * d.k[m * dK + j]!);
          }
          // NaN (an entry of A missing) must fail the check below, so no Math.max
          const err = Math.abs(d.a[l * 2 + m]! - sum / Math.sqrt(dK)) / size;
          worst = err > worst || Number.isNaN(err) ? err : worst;
        }
      }
      return worst;
    },
    mean: zero,
    variance: zero,
  };
  let cases = 0;
  for (const dX of [1, 2]) {
    const stats = [minor("q"), minor("k"), logitError];
    const values = sampleStatistics({ dX, dK, n, seed: seed(dX) }, stats);
    for (let s = 0; s < n; s++) {
      for (const [t, st] of stats.entries()) {
        const v = values[t]![s]!;
        const ok = st === logitError ? v <= 1e-12 : dX === 1 ? v <= 1e-12 : v > 1e-9;
        if (!ok) {
          throw new ClaimViolation(
            `d_X = ${dX}, draw ${s}: ${st.name} = ${v}; the products X W^Q, X W^K, Q Kᵀ/√d_K ` +
              `give ${
                st === logitError ? "0" : dX === 1 ? "0 (rank 1)" : "a non-zero minor (rank 2)"
              }`,
          );
        }
        cases++;
      }
    }
  }
  return cases;
}

/**
 * The band the Monte Carlo rests on is the README's, at the claim's per-band δ:
 * - K, worked out by hand, is the smallest odd K with exp(−K·kl(½‖1/8)) ≤ δ, i.e.
 *   (7/16)^(K/2) ≤ δ, i.e. 7^K·(1/δ)² ≤ 16^K with 1/δ = bands·10⁶: checked in integers (it
 *   holds at K and fails at K − 2), and the suite's `medianOfMeansGroups(δ)` must equal it;
 * - its false alarm, at most P(Binomial(K, 1/8) ≥ (K + 1)/2), is ≤ δ, summed exactly in
 *   integers (not Chernoff's bound), so the bands together false-alarm with probability
 *   ≤ bands·δ = 1e-6;
 * - it is K groups of m = ⌊n/K⌋ consecutive draws (later draws unused), the median of
 *   their means, half-width r = σ/√(m/8) (Chebyshev with p = 1/8 per group). The
 *   hand-built sample has group means 0, 1, …, K − 1 in a shuffled order and leftover draws
 *   far below them, so the median of the K means is (K − 1)/2, and any other grouping, a
 *   skipped group or a read leftover gives another value.
 * Returns the cases.
 */
function assertMedianOfMeansBand({ bands, delta, groups: k }: BandPlan): number {
  const K = BigInt(k);
  const inverseDelta = BigInt(bands) * 1_000_000n; // 1/δ
  const chernoff = (j: bigint) => 7n ** j * inverseDelta ** 2n <= 16n ** j;
  if (k % 2 !== 1 || !chernoff(K) || chernoff(K - 2n)) {
    throw new ClaimViolation(
      `K = ${k} is not the smallest odd K with 7^K·(${inverseDelta})² ≤ 16^K (δ = 1e-6/${bands})`,
    );
  }
  const suite = medianOfMeansGroups(delta);
  if (suite !== k) {
    throw new ClaimViolation(
      `medianOfMeansGroups(1e-6/${bands}) = ${suite}, the README's K at that δ is ${k}`,
    );
  }
  // exact: 8^K · P(Bin(K, 1/8) ≥ (K+1)/2) = Σ_{j ≥ (K+1)/2} C(K, j) 7^(K − j) ≤ 8^K · δ
  let choose = 1n; // C(K, j), built up from C(K, 0)
  let count = 0n;
  for (let j = 0n; j <= K; j++) {
    if (2n * j >= K + 1n) count += choose * 7n ** (K - j);
    choose = (choose * (K - j)) / (j + 1n);
  }
  if (!(count * inverseDelta <= 8n ** K)) {
    throw new ClaimViolation(
      `P(Bin(${k}, 1/8) ≥ ${(k + 1) / 2}) = ${count}/8^${k} exceeds δ = 1e-6/${bands}`,
    );
  }
  const m = 3;
  const sigma = 2;
  const xs: number[] = [];
  for (let g = 0; g < k; g++) {
    const mean = (g * 13) % k; // a permutation of 0..K−1 (K = 41, 43 are prime to 13)
    xs.push(mean - 1, mean + 2, mean - 1);
  }
  // n = 3K + 3, so m = 3: the three leftovers belong to no group (if read as a (K+1)-th
  // group, its mean −1000 would move the median down by one half)
  xs.push(-1000, -1000, -1000);
  const band = meanBand(xs, { kind: "median-of-means", sigma }, delta);
  const want = sigma / Math.sqrt(m / 8); // = σ·√(8K/(n − 3))
  if (band.estimate !== (k - 1) / 2 || !(Math.abs(band.halfWidth - want) <= 1e-12 * want)) {
    throw new ClaimViolation(
      `median-of-means band on a hand-built sample: ${band.estimate} ± ${band.halfWidth} ` +
        `(${band.method}), the README's band is ${(k - 1) / 2} ± ${want} (${k} groups of ${m})`,
    );
  }
  return 4;
}

/**
 * Runs the bands and throws if any claimed mean lies outside its band; otherwise returns
 * the bands, the draws, and the worst margin min (half-width − |estimate − claimed|).
 */
function assertBands(
  configs: SamplerConfig[],
  { stats, delta, bands }: BandPlan,
): { bands: (StatisticBand & { dX: number })[]; cases: number; worstMargin: number } {
  const all: (StatisticBand & { dX: number })[] = [];
  let worstMargin = Infinity;
  for (const config of configs) {
    for (const b of bandsFor(config, stats, delta)) {
      const miss = Math.abs(b.estimate - b.claimed) - b.halfWidth;
      worstMargin = Math.min(worstMargin, -miss);
      if (miss > 0) {
        throw new ClaimViolation(
          `d_X=${config.dX}, d_K=${config.dK}, n=${config.n}, seed ${config.seed}: ${b.name} ` +
            `median of means ${b.estimate.toFixed(4)} is outside ${b.claimed} ± ` +
            `${b.halfWidth.toFixed(4)} (false alarm ≤ 1e-6/${bands} per band)`,
        );
      }
      all.push({ ...b, dX: config.dX });
    }
  }
  return { bands: all, cases: configs.length * configs[0]!.n, worstMargin };
}

/**
 * The suite's attention uses these logits: for X with N(0, 1) entries and LeCun W^Q, W^K,
 * the weights w = softmax(Q Kᵀ/√d_K) of the float64 reference (`attentionRef`) and of the
 * tfjs layer (`scaledDotProductAttention`), read off with V = I_L, satisfy
 * log(w_ij / w_i0) = A_ij − A_i0 with A computed here by plain loops. `scaled: false` compares
 * with the unscaled q·k instead. Returns the worst margin (tolerance − error).
 */
function attentionUsesScaledLogits(seed: number, scaled: boolean): number {
  const rng = new Rng(seed);
  let worst = Infinity;
  for (const [L, dX, dK] of [[5, 8, 4], [4, 3, 16], [6, 16, 9]] as const) {
    const x = normalMatrix(rng, L, dX, 1);
    const q = matMul(x, normalMatrix(rng, dX, dK, 1 / Math.sqrt(dX))); // [L, dX] x [dX, dK]
    const k = matMul(x, normalMatrix(rng, dX, dK, 1 / Math.sqrt(dX)));
    const c = scaled ? 1 / Math.sqrt(dK) : 1;
    const logit = (i: number, j: number) => {
      let sum = 0;
      for (let t = 0; t < dK; t++) sum += q.data[i * dK + t]! * k.data[j * dK + t]!;
      return c * sum;
    };
    const eye = matrix(L, L);
    for (let i = 0; i < L; i++) eye.data[i * L + i] = 1;
    const w64 = attentionRef(q, k, eye);
    const [qt, kt, et] = [q, k, eye].map(tensorFromMatrix) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    const yt = scaledDotProductAttention(qt, kt, et);
    const w32 = matrixFromTensor(yt);
    tf.dispose([qt, kt, et, yt]);
    // float64: a few ulps of the logits (|A| < 40); float32: ~1e-6 relative per weight, so
    // 1e-3 on a log-ratio; a missing 1/√d_K moves the log-ratios by (√d_K − 1)·|A_ij − A_i0|.
    for (const [w, tol] of [[w64, 1e-9], [w32, 1e-3]] as const) {
      for (let i = 0; i < L; i++) {
        for (let j = 1; j < L; j++) {
          const got = Math.log(w.data[i * L + j]! / w.data[i * L]!);
          worst = Math.min(worst, tol - Math.abs(got - (logit(i, j) - logit(i, 0))));
        }
      }
    }
  }
  return worst;
}

const configs = (n: number, seed: (dX: number) => number, extra: Partial<SamplerConfig> = {}) =>
  MC_DX.map((dX) => ({ dX, dK: MC_DK, n, seed: seed(dX), ...extra }));

/** The claims of Problem 21. */
export const claims: Claim[] = defineClaims(21, [
  {
    id: "21a",
    statement: "under LeCun initialisation the entries of Q = XW^Q and K = XW^K have mean 0, " +
      "variance 1, and are pairwise uncorrelated",
    check: (ctx) => {
      const exact = exactEntryMoments() + assertExactVariances("entries") +
        assertReadsItsFactors("entries") + assertMedianOfMeansBand(ENTRY_BANDS) +
        assertDrawsAreProducts((dX) => ctx.seedFor(`products dX=${dX}`));
      const mc = assertBands(
        configs(N_ENTRIES, (dX) => ctx.seedFor(`entries dX=${dX}`)),
        ENTRY_BANDS,
      );
      return {
        over: "exact: all first and second moments of Q, K entries (L = 2, two columns), " +
          "d_X = 1..4; Monte Carlo: d_X ∈ {1, 2, 4}, d_K = 4, median-of-means bands at " +
          `δ = 1e-6 per claim, split over its ${ENTRY_BANDS.bands} bands (K = ${ENTRY_BANDS.groups})`,
        cases: exact + mc.cases,
        worstMargin: mc.worstMargin,
        note: `n = ${N_ENTRIES} per d_X, seed ${ctx.seed}`,
      };
    },
    negativeControl: {
      variant: "weights N(0, 1) instead of N(0, 1/d_X): Var Q_ℓj = d_X, still claimed 1",
      check: (ctx) =>
        assertBands(
          [{ dX: 2, dK: MC_DK, n: N_ENTRIES, seed: ctx.seedFor("unit weights"), weightStd: 1 }],
          ENTRY_BANDS,
        ),
    },
  },
  {
    id: "21b",
    statement: "A = QKᵀ/√d_K has E[A_ℓℓ'] = 0, E[A_ℓℓ'²] = 1 for ℓ ≠ ℓ' and (d_X + 2)/d_X " +
      "for ℓ = ℓ'",
    check: async (ctx) => {
      const exact = exactLogitMoments(true) + assertExactVariances("logits") +
        assertReadsItsFactors("logits") + assertMedianOfMeansBand(LOGIT_BANDS) +
        assertDrawsAreProducts((dX) => ctx.seedFor(`products dX=${dX}`));
      const used = await withNoTensorLeak(
        "21b",
        () => attentionUsesScaledLogits(ctx.seedFor("attention"), true),
      );
      if (!(used >= 0)) {
        throw new ClaimViolation(
          `the suite's attention weights are not softmax(QKᵀ/√d_K): log-ratio off by ${-used} beyond tolerance`,
        );
      }
      const mc = assertBands(
        configs(N_LOGITS, (dX) => ctx.seedFor(`logits dX=${dX}`)),
        LOGIT_BANDS,
      );
      // Resolution: each diagonal band must exclude the off-diagonal value 1.
      const diag = mc.bands.filter((b) => b.name === "A_00²");
      for (const b of diag) {
        if (!(Math.abs(b.estimate - 1) > b.halfWidth)) {
          throw new ClaimViolation(
            `d_X=${b.dX}: the band ${b.estimate} ± ${b.halfWidth} cannot tell (d_X+2)/d_X from 1`,
          );
        }
      }
      return {
        over: "exact: E[A], E[A²] for d_X = 1..4, d_K = 1..3, all (ℓ, ℓ') with L = 2; Monte " +
          "Carlo: d_X ∈ {1, 2, 4}, d_K = 4, median-of-means bands at δ = 1e-6 per claim, split " +
          `over its ${LOGIT_BANDS.bands} bands (K = ${LOGIT_BANDS.groups})`,
        cases: exact + mc.cases,
        worstMargin: mc.worstMargin,
        note: `n = ${N_LOGITS} per d_X, seed ${ctx.seed}; E[A_00²]: ` +
          diag.map((b) =>
            `d_X=${b.dX}: ${b.estimate.toFixed(3)} ± ${b.halfWidth.toFixed(3)} (claimed ${
              b.claimed.toFixed(3)
            })`
          ).join(", "),
      };
    },
    negativeControl: {
      variant: "logits without the 1/√d_K scale (q·k itself): E[(q·k)²] = d_K·(…), still " +
        "claimed 1 and (d_X+2)/d_X; the attention weights, the exact expansion and the bands must each reject it",
      check: (ctx) => {
        // Each part of the claim's check on its own must catch the missing scale.
        const verdicts: string[] = [];
        for (
          const [part, run] of [
            ["exact", () => exactLogitMoments(false)],
            [
              "attention",
              () => {
                const m = attentionUsesScaledLogits(ctx.seedFor("attention"), false);
                if (!(m >= 0)) throw new ClaimViolation(`log-ratios off by ${-m}`);
              },
            ],
            [
              "Monte Carlo",
              () =>
                assertBands(
                  [{
                    dX: 2,
                    dK: MC_DK,
                    n: 60_000,
                    seed: ctx.seedFor("unscaled"),
                    scaleLogits: false,
                  }],
                  LOGIT_BANDS,
                ),
            ],
          ] as const
        ) {
          try {
            run();
            return `the ${part} check accepted unscaled logits`; // accepted: the control failed
          } catch (e) {
            if (!isViolation(e)) throw e;
            verdicts.push(`${part}: ${(e as Error).message}`);
          }
        }
        throw new ClaimViolation(verdicts.join("; "));
      },
    },
  },
]);
