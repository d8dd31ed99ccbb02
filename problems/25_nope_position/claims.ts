/**
 * Problem 25's claim with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { Rng } from "../../shared/random/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { checkProperty, type Claim, defineClaims } from "../../shared/testing/mod.ts";
import { firstCoordinates, nopeLayer, nopeOutputs, nopeOutputsTf } from "./mod.ts";

/** A layer (free entries and W^Q random, W^Q at scales 0.1 to 100) and a token sequence. */
const arbCase = fc.record({
  vocab: fc.integer({ min: 2, max: 12 }),
  d: fc.integer({ min: 2, max: 8 }),
  dK: fc.integer({ min: 1, max: 6 }),
  length: fc.integer({ min: 2, max: 40 }),
  queryScale: fc.constantFrom(0.1, 1, 10, 100),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
}).map((c) => {
  const rng = new Rng(c.seed);
  const layer = nopeLayer(rng, c);
  // ⟨im_start⟩ (token 0) first, then ordinary tokens 1..N−1
  const tokens = [0, ...Array.from({ length: c.length - 1 }, () => 1 + rng.int(c.vocab - 1))];
  return { ...c, layer, tokens };
});

const OVER = "N ∈ 2..12, d ∈ 2..8, d_K ∈ 1..6, L ∈ 2..40, free entries N(0, 1), W^Q N(0, s²) " +
  "with s ∈ {0.1, 1, 10, 100}; float64 reference and float32 tfjs attention";

/**
 * Relative tolerances. float64: the keys are exactly equal, so each row's scores are bitwise
 * equal, the weights are e/(ℓ·e) and y_{ℓ,1} = fl(1/ℓ) up to the ℓ-term sum, error ≤ ℓ·2^-53 <
 * 1e-14 for ℓ ≤ 40: 1e-12 is safe. float32: the same argument with 2^-24 gives ≤ 3e-6 at
 * ℓ ≤ 40: 1e-5. Both are far below the gap between 1/ℓ and any wrong value 1/ℓ' (≥ 6e-4 relative).
 */
const TOL64 = 1e-12, TOL32 = 1e-5;

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
    check: (ctx) =>
      withNoTensorLeak("25a", () =>
        checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 60 },
          arbCase,
          (c) => positionMargin(c, true),
        )),
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
