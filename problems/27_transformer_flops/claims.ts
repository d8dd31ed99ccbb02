/**
 * Problem 27's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  countParameters,
  initMha1,
  lecunNormal,
  type OpCounter,
} from "../../shared/attention/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import {
  countForwardOps,
  crossoverLength,
  ffnParameterCount,
  forwardCount,
  mhaParameterCount,
} from "./mod.ts";

/** (d, H) with H | d: d = H·d_K, H ∈ 1..8, d_K ∈ 1..12 (sizes the reference runs fast). */
const arbWidthHeads = fc.record({
  heads: fc.integer({ min: 1, max: 8 }),
  dK: fc.integer({ min: 1, max: 12 }),
})
  .map(({ heads, dK }) => ({ d: heads * dK, heads }));

/** (L, d, H) for the instrumented count. */
const arbShape = fc.tuple(fc.integer({ min: 1, max: 24 }), arbWidthHeads).map(([L, w]) => ({
  L,
  ...w,
}));

/** The parameters stored by the built MHA and FFN of width d with H heads. */
function builtCounts(d: number, heads: number, seed: number): { mha: number; ffn: number } {
  const rng = new Rng(seed);
  const mha = initMha1(rng, { dIn: d, dOut: d, dAttn: d / heads, dHead: d / heads, heads });
  const ffn = { w1: lecunNormal(rng, d, 4 * d), w2: lecunNormal(rng, 4 * d, d) };
  return { mha: countParameters(mha), ffn: countParameters(ffn) };
}

/** 0 when the instrumented count equals the formula, else a ClaimViolation naming the gap. */
function countGap(ops: OpCounter, macs: number, elementwise: number, where: string): number {
  if (ops.macs !== macs || ops.elementwise !== elementwise) {
    throw new ClaimViolation(
      `${where}: counted ${ops.macs} multiply–adds and ${ops.elementwise} other operations, ` +
        `formula ${macs} and ${elementwise}`,
    );
  }
  return 0;
}

/**
 * The quadratic and linear coefficients α, β of the instrumented FLOP count F(L) = αL² + βL,
 * read off the counts at L = 1, 2 and confirmed at L = 3 (no constant or cubic term).
 */
function measuredCoefficients(
  d: number,
  heads: number,
  seed: number,
): { alpha: number; beta: number } {
  const f = (L: number) => {
    const ops = countForwardOps(L, d, heads, seed);
    return 2 * ops.macs + ops.elementwise;
  };
  const f1 = f(1), f2 = f(2), f3 = f(3);
  const alpha = (f2 - 2 * f1) / 2, beta = 2 * f1 - f2 / 2;
  if (9 * alpha + 3 * beta !== f3) {
    throw new ClaimViolation(`d=${d}, H=${heads}: the counted FLOPs are not of the form αL² + βL`);
  }
  return { alpha, beta };
}

const OVER_A =
  "d = H·d_K with H ∈ 1..8, d_K ∈ 1..12, plus d = 512 with H = 8 and d = 16384 with H = 128 by formula";
const OVER_B =
  "L ∈ 1..24, d = H·d_K with H ∈ 1..8, d_K ∈ 1..12 (the reference run with its counter)";
const OVER_C = "d = H·d_K with H ∈ 1..8, d_K ∈ 1..12: α, β from instrumented counts at L = 1, 2, 3";

/** The claims of Problem 27. */
export const claims: Claim[] = defineClaims(27, [
  {
    id: "27a",
    statement:
      "MHA has 4d² parameters and the FFN 8d² (ratio 2): comparable, for every H dividing d",
    check: (ctx) => {
      const ev = checkProperty(
        {
          seed: ctx.seed,
          over: OVER_A,
          numRuns: 60,
          examples: [{ d: 8, heads: 8 }, { d: 1, heads: 1 }],
        },
        arbWidthHeads,
        ({ d, heads }) => {
          const built = builtCounts(d, heads, ctx.seedFor("params"));
          if (
            built.mha !== 4 * d * d || built.ffn !== 8 * d * d ||
            built.mha !== mhaParameterCount(d, heads)
          ) {
            throw new ClaimViolation(
              `d=${d}, H=${heads}: built MHA ${built.mha}, FFN ${built.ffn}`,
            );
          }
          return 0;
        },
      );
      if (mhaParameterCount(16384, 128) * 2 !== ffnParameterCount(16384)) {
        throw new ClaimViolation("Llama 3 405B widths: FFN is not twice the MHA");
      }
      return {
        ...ev,
        note: "FFN/MHA = 2 exactly; d = 16384: MHA 1,073,741,824, FFN 2,147,483,648",
      };
    },
    negativeControl: {
      variant: "each head with full d×d projections (forgetting d_K = d/H): MHA = 4Hd²",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 60, examples: [{ d: 8, heads: 2 }] },
          arbWidthHeads,
          ({ d, heads }) => {
            const built = builtCounts(d, heads, ctx.seedFor("params"));
            if (built.mha !== 4 * heads * d * d) {
              throw new ClaimViolation(
                `d=${d}, H=${heads}: built MHA ${built.mha} ≠ 4Hd² = ${4 * heads * d * d}`,
              );
            }
            return 0;
          },
        ),
    },
  },
  {
    id: "27b",
    statement:
      "the forward pass costs exactly 24Ld² + 4L²d + 6HL² + 4Ld operations, which is Θ(L²d + Ld²) (4× ≤ it ≤ 28×)",
    check: (ctx) =>
      checkProperty(
        {
          seed: ctx.seed,
          over: OVER_B,
          numRuns: 80,
          examples: [{ L: 1, d: 1, heads: 1 }, { L: 24, d: 8, heads: 8 }],
        },
        arbShape,
        ({ L, d, heads }) => {
          const f = forwardCount(L, d, heads);
          countGap(
            countForwardOps(L, d, heads, ctx.seedFor("ops")),
            f.macs,
            f.elementwise,
            `L=${L}, d=${d}, H=${heads}`,
          );
          const scale = L * L * d + L * d * d;
          // the Θ bounds of the proof: 4·(L²d + Ld²) ≤ F ≤ 28·(L²d + Ld²), margin in units of scale
          return Math.min(f.flops - 4 * scale, 28 * scale - f.flops) / scale;
        },
      ),
    negativeControl: {
      variant:
        "the count without the attention-score products (only 24Ld² + 6HL² + 4Ld, linear-in-d² only)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_B, numRuns: 80 },
          arbShape,
          ({ L, d, heads }) => {
            const ops = countForwardOps(L, d, heads, ctx.seedFor("ops"));
            return countGap(
              ops,
              12 * L * d * d,
              6 * heads * L * L + 4 * L * d,
              `L=${L}, d=${d}, H=${heads}`,
            );
          },
        ),
    },
  },
  {
    id: "27c",
    statement:
      "the L² part overtakes the L part at L* = 6d (matrix products) or (24d² + 4d)/(4d + 6H) (all operations)",
    check: (ctx) => {
      const ev = checkProperty(
        {
          seed: ctx.seed,
          over: OVER_C,
          numRuns: 40,
          examples: [{ d: 1, heads: 1 }, { d: 64, heads: 8 }],
        },
        arbWidthHeads,
        ({ d, heads }) => {
          const { alpha, beta } = measuredCoefficients(d, heads, ctx.seedFor("ops"));
          const all = crossoverLength(d, heads, "all");
          const L = all.firstDominant;
          // the quadratic part is not larger at L − 1 and is strictly larger at L
          const before = alpha * (L - 1) ** 2 <= beta * (L - 1), after = alpha * L * L > beta * L;
          if (!before || !after || Math.abs(beta / alpha - all.exact) > 1e-12 * all.exact) {
            throw new ClaimViolation(
              `d=${d}, H=${heads}: measured L* = ${beta / alpha}, formula ${all.exact}`,
            );
          }
          // without the softmax and ReLU operations the ratio is exactly 6d
          if (crossoverLength(d, heads).exact !== 6 * d) {
            throw new ClaimViolation(`d=${d}: matmul L* ≠ 6d`);
          }
          return 0;
        },
      );
      const llama = crossoverLength(16384, 128), llamaAll = crossoverLength(16384, 128, "all");
      return {
        ...ev,
        note: `Llama 3 405B (d = 16384, H = 128): L* = ${llama.exact} (matrix products), ` +
          `${
            llamaAll.exact.toFixed(1)
          } (all operations; dominant from L = ${llamaAll.firstDominant})`,
      };
    },
    negativeControl: {
      variant:
        "the folklore crossover L* = d (attention 'quadratic' as soon as L > d), tested at L = 2d",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_C, numRuns: 40 },
          arbWidthHeads,
          ({ d, heads }) => {
            const { alpha, beta } = measuredCoefficients(d, heads, ctx.seedFor("ops"));
            const L = 2 * d;
            return alpha * L * L - beta * L; // ≥ 0 would mean the L² part dominates at L = 2d
          },
        ),
    },
  },
]);
