/**
 * Problem 25's claim with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { Rng } from "../../shared/random/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import { firstCoordinates, nopeLayer, nopeOutputs, nopeOutputsTf } from "./mod.ts";

/**
 * The standard deviations of W^Q the claim draws with; `undefined` leaves it to `nopeLayer`'s
 * default, which the module states is 1.
 */
const QUERY_SCALES = [0.1, undefined, 10, 100] as const;
const DEFAULT_QUERY_SCALE = 1;

/** A layer (free entries and W^Q random, W^Q at scales 0.1 to 100) and a token sequence. */
const arbCase = fc.record({
  vocab: fc.integer({ min: 2, max: 12 }),
  d: fc.integer({ min: 2, max: 8 }),
  dK: fc.integer({ min: 1, max: 6 }),
  length: fc.integer({ min: 2, max: 40 }),
  queryScale: fc.constantFrom(...QUERY_SCALES),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
}).map((c) => {
  const rng = new Rng(c.seed);
  const layer = nopeLayer(rng, c);
  // ⟨im_start⟩ (token 0) first, then ordinary tokens 1..N−1
  const tokens = [0, ...Array.from({ length: c.length - 1 }, () => 1 + rng.int(c.vocab - 1))];
  return { ...c, layer, tokens };
});

const OVER = "N ∈ 2..12, d ∈ 2..8, d_K ∈ 1..6, L ∈ 2..40, free entries N(0, 1), W^Q N(0, s²) " +
  "with s ∈ {0.1, 1 (the default), 10, 100}; float64 reference and float32 tfjs attention";

/** Layers of the largest shape (N = 12, d = 8, d_K = 6: 48 entries of W^Q) drawn per scale. */
const SPREAD_LAYERS = 20;

/**
 * The premise "W^Q is N(0, s²)" at each scale the claim draws with, the default included: a
 * W^Q of zeros would make every score 0 and a wrong scale would leave the stated range of
 * scores untried, so "any W^Q" would be checked on fewer matrices than the evidence says. Over n = 20 · 48 = 960 entries
 * drawn as the claim draws them, Σ (w/s)² / n must lie in [0.7, 1.35]: Σ (w/s)² is χ²_n, and
 * Chernoff's bound P(χ²_n ≥ nt), and for t < 1 P(χ²_n ≤ nt), ≤ (t e^{1−t})^{n/2} puts the
 * false alarm of all four scales below 2e-10 (computed below). Throws a ClaimViolation
 * otherwise; returns a note.
 */
function checkQuerySpread(seed: number): string {
  const n = SPREAD_LAYERS * 6 * 8;
  const [lo, hi] = [0.7, 1.35];
  const tail = (t: number) => Math.exp((n / 2) * (Math.log(t) + 1 - t));
  const falseAlarm = QUERY_SCALES.length * (tail(lo) + tail(hi));
  const rng = new Rng(seed);
  const spreads: string[] = [];
  for (const queryScale of QUERY_SCALES) {
    const s = queryScale ?? DEFAULT_QUERY_SCALE;
    let sum = 0;
    for (let i = 0; i < SPREAD_LAYERS; i++) {
      const { wqT } = nopeLayer(rng, { vocab: 12, d: 8, dK: 6, queryScale });
      for (const w of wqT.data) sum += (w / s) ** 2;
    }
    const ratio = sum / n;
    const label = queryScale === undefined ? `the default ${s}` : `${s}`;
    if (!(ratio >= lo && ratio <= hi)) {
      throw new ClaimViolation(
        `W^Q drawn with scale s = ${label} has mean square ${ratio} s² over ${n} entries, ` +
          `outside [${lo}, ${hi}] s²: it is not N(0, s²)`,
      );
    }
    spreads.push(`${label}: ${ratio.toFixed(3)}`);
  }
  return `W^Q mean square / s² over ${n} entries per scale (${
    spreads.join(", ")
  }) within [${lo}, ${hi}], false alarm ≤ ${falseAlarm.toExponential(1)}`;
}

/**
 * Relative tolerances. float64: the keys are exactly equal, so each row's scores are bitwise
 * equal, the weights are e/(ℓ·e) and y_{ℓ,1} = fl(1/ℓ) up to the ℓ-term sum, error ≤ ℓ·2^-53 <
 * 1e-14 for ℓ ≤ 40: 1e-12 is safe. float32: the same argument with 2^-24 gives ≤ 3e-6 at
 * ℓ ≤ 40: 1e-5. Both are far below the gap between 1/ℓ and any wrong value 1/ℓ' (≥ 6e-4 relative).
 */
const TOL64 = 1e-12, TOL32 = 1e-5;

/**
 * The premise "the stated M, W^K, W^V", entry by entry (they are set, not computed, so
 * exactly): row 1 of M all ones, row 2 of M = e_1ᵀ, every row of (W^K)ᵀ = e_1ᵀ, row 1 of
 * (W^V)ᵀ = e_2ᵀ. Without it the property would be checked on layers other than the stated
 * ones (a zero row of W^K, say, still gives equal keys and passes). Throws a ClaimViolation
 * naming the first entry that differs.
 */
function checkStatedMatrices(layer: ReturnType<typeof nopeLayer>): void {
  const { m, wkT, wvT } = layer;
  const want: [string, Float64Array, number, number, (i: number, j: number) => number][] = [
    ["M", m.data, 2, m.cols, (i, j) => (i === 0 || j === 0 ? 1 : 0)],
    ["(W^K)ᵀ", wkT.data, wkT.rows, wkT.cols, (_, j) => (j === 0 ? 1 : 0)],
    ["(W^V)ᵀ", wvT.data, 1, wvT.cols, (_, j) => (j === 1 ? 1 : 0)],
  ];
  for (const [name, data, rows, cols, entry] of want) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (data[i * cols + j] !== entry(i, j)) {
          throw new ClaimViolation(
            `${name}[${i + 1}, ${j + 1}] = ${data[i * cols + j]}, the construction states ${
              entry(i, j)
            }`,
          );
        }
      }
    }
  }
}

/** The smallest relative margin of y_{ℓ,1} against 1/ℓ, float64 and float32. */
function positionMargin(
  c: { layer: ReturnType<typeof nopeLayer>; tokens: number[] },
  causal: boolean,
): number {
  let worst = Infinity;
  for (
    const [y, tol] of [[nopeOutputs(c.layer, c.tokens, { causal }), TOL64], [
      nopeOutputsTf(c.layer, c.tokens, { causal }),
      TOL32,
    ]] as const
  ) {
    firstCoordinates(y).forEach((v, i) => {
      const l = i + 1;
      worst = Math.min(worst, tol - Math.abs(v * l - 1)); // |y_{ℓ,1} − 1/ℓ| / (1/ℓ)
    });
  }
  return worst;
}

/** The claims of Problem 25. */
export const claims: Claim[] = defineClaims(25, [
  {
    id: "25a",
    statement:
      "with the stated M, W^K, W^V and any W^Q, masked attention gives y_ℓ,1 = 1/ℓ for every ℓ",
    check: async (ctx) => {
      const spread = checkQuerySpread(ctx.seedFor("W^Q spread"));
      const evidence = await withNoTensorLeak("25a", () =>
        checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 60 },
          arbCase,
          (c) => {
            checkStatedMatrices(c.layer);
            return positionMargin(c, true);
          },
        ));
      return { ...evidence, note: spread };
    },
    negativeControl: {
      variant: "the same layer without the causal mask (then y_ℓ,1 = 1/L for every ℓ)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 60 },
          arbCase,
          (c) => positionMargin(c, false),
        ),
    },
  },
]);
