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

/** Coefficients of a count c(L) = αL² + βL. */
interface Coefficients {
  alpha: number;
  beta: number;
}

/**
 * The quadratic and linear coefficients of the instrumented counts, F(L) = αL² + βL for all
 * operations (2 per multiply–add) and M(L) = αL² + βL for the multiply–adds alone: read off
 * the counts at L = 1, 2 and confirmed at L = 3 (no constant or cubic term).
 */
function measuredCoefficients(
  d: number,
  heads: number,
  seed: number,
): { all: Coefficients; matmul: Coefficients } {
  const key = `${d},${heads},${seed}`;
  const known = measured.get(key);
  if (known) return known;
  const fresh = measureCoefficients(d, heads, seed);
  measured.set(key, fresh);
  return fresh;
}

/** Counts already fitted, by (d, H, seed): 27b asks for the same widths at many L. */
const measured = new Map<string, { all: Coefficients; matmul: Coefficients }>();

function measureCoefficients(
  d: number,
  heads: number,
  seed: number,
): { all: Coefficients; matmul: Coefficients } {
  const counts = [1, 2, 3].map((L) => countForwardOps(L, d, heads, seed));
  const fit = (c: number[], what: string): Coefficients => {
    const [c1, c2, c3] = c as [number, number, number];
    const alpha = (c2 - 2 * c1) / 2, beta = 2 * c1 - c2 / 2;
    if (9 * alpha + 3 * beta !== c3) {
      throw new ClaimViolation(`d=${d}, H=${heads}: the counted ${what} are not αL² + βL`);
    }
    return { alpha, beta };
  };
  return {
    all: fit(counts.map((o) => 2 * o.macs + o.elementwise), "FLOPs"),
    matmul: fit(counts.map((o) => o.macs), "multiply–adds"),
  };
}

/**
 * Checks a crossover against measured coefficients: L* = β/α, the quadratic part is not
 * larger at firstDominant − 1 and strictly larger at firstDominant.
 */
function assertCrossover(
  measured: Coefficients,
  formula: { exact: number; firstDominant: number },
  where: string,
): void {
  const { alpha, beta } = measured, L = formula.firstDominant;
  const before = alpha * (L - 1) ** 2 <= beta * (L - 1), after = alpha * L * L > beta * L;
  if (!before || !after || Math.abs(beta / alpha - formula.exact) > 1e-12 * formula.exact) {
    throw new ClaimViolation(
      `${where}: measured L* = ${beta / alpha}, formula ${formula.exact}, first dominant ${L}`,
    );
  }
}

const OVER_A =
  "d = H·d_K with H ∈ 1..8, d_K ∈ 1..12, plus d = 512 with H = 8 and d = 16384 with H = 128 by formula";
const OVER_B =
  "L ∈ 1..24, d = H·d_K with H ∈ 1..8, d_K ∈ 1..12 (the reference run with its counter)";
const OVER_C = "d = H·d_K with H ∈ 1..8, d_K ∈ 1..12: α, β of all operations and of the " +
  "multiply–adds alone from instrumented counts at L = 1, 2, 3";

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
            built.mha !== mhaParameterCount(d, heads) || built.ffn !== ffnParameterCount(d)
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
          const f = forwardCount(L, d, heads), where = `L=${L}, d=${d}, H=${heads}`;
          const ops = countForwardOps(L, d, heads, ctx.seedFor("ops"));
          countGap(ops, f.macs, f.elementwise, where);
          // the split of the formula against the split of the count: α L² and β L measured
          const { all } = measuredCoefficients(d, heads, ctx.seedFor("ops"));
          if (
            f.flops !== 2 * ops.macs + ops.elementwise || f.quadratic !== all.alpha * L * L ||
            f.linear !== all.beta * L
          ) {
            throw new ClaimViolation(
              `${where}: formula ${f.flops} = ${f.quadratic} (L²) + ${f.linear} (L), counted ` +
                `${2 * ops.macs + ops.elementwise} = ${all.alpha * L * L} + ${all.beta * L}`,
            );
          }
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
          const measured = measuredCoefficients(d, heads, ctx.seedFor("ops"));
          const where = `d=${d}, H=${heads}`;
          assertCrossover(measured.all, crossoverLength(d, heads, "all"), `${where}, all`);
          const matmul = crossoverLength(d, heads, "matmul");
          assertCrossover(measured.matmul, matmul, `${where}, matrix products`);
          // the statement's 6d, against the ratio of the counted multiply–adds
          if (measured.matmul.beta !== 6 * d * measured.matmul.alpha || matmul.exact !== 6 * d) {
            throw new ClaimViolation(
              `${where}: counted multiply–adds give L* = ${
                measured.matmul.beta / measured.matmul.alpha
              }, not 6d = ${6 * d}`,
            );
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
            const { alpha, beta } = measuredCoefficients(d, heads, ctx.seedFor("ops")).all;
            const L = 2 * d;
            return alpha * L * L - beta * L; // ≥ 0 would mean the L² part dominates at L = 2d
          },
        ),
    },
  },
]);
