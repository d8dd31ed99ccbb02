/**
 * Problem 20's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  countParameters,
  countTensorParameters,
  disposeParams,
  initMha1,
  initMha2,
  type Matrix,
  matrix,
  matrixFromTensor,
  mha1,
  type Mha1Params,
  mha1Ref,
  type Mha1Shape,
  mha2,
  mha2Ref,
  normalMatrix,
  tensorFromMatrix,
  toTensors,
} from "../../shared/attention/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  equivalenceBound,
  foldOutputProjection,
  mha1ParameterCount,
  mha2ParameterCount,
  parameterDifference,
} from "./mod.ts";

/** A shape, a sequence length and a seed for the weights and the input. */
const arbCase = fc.record({
  dIn: fc.integer({ min: 1, max: 16 }),
  dOut: fc.integer({ min: 1, max: 16 }),
  dAttn: fc.integer({ min: 1, max: 8 }),
  dHead: fc.integer({ min: 1, max: 8 }),
  heads: fc.integer({ min: 1, max: 4 }),
  length: fc.integer({ min: 1, max: 12 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});
type Case = Mha1Shape & { length: number; seed: number };

/** Two heads, so the wrong pairing of W^O blocks in the control is a different model. */
const PINNED: Case = { dIn: 6, dOut: 5, dAttn: 3, dHead: 2, heads: 2, length: 7, seed: 1 };

const U32 = 2 ** -24, U64 = 2 ** -53;

const OVER_A = "d_in, d_out ∈ 1..16, d_attn, d_head ∈ 1..8, H ∈ 1..4, L ∈ 1..12, LeCun-normal " +
  "weights, X ~ N(0, 4); float32 tfjs and float64 reference, entrywise rounding-error bound";

/**
 * The README's bound written out index by index, with no matrix product: for entry (ℓ, j),
 * (γ_{m1} + γ_{m2})·2·Σ_h max_r Σ_{i,c} |X_ri| |W^V_h|_ic |W^O_h|_cj with
 * m1 = d_in + L + H·d_head + 3 and m2 = d_in + L + d_head + H + 1. The claim checks that the
 * tolerance it applies is exactly this (to rounding), so the tolerance cannot drift.
 */
function boundByLoops(x: Matrix, p: Mha1Params, u: number): number[] {
  const L = x.rows, dIn = x.cols, dOut = p.wo.cols, H = p.heads, dh = p.dHead;
  const g = (n: number) => n * u / (1 - n * u);
  const factor = (g(dIn + L + H * dh + 3) + g(dIn + L + dh + H + 1)) * 2;
  const out: number[] = [];
  for (let l = 0; l < L; l++) {
    for (let j = 0; j < dOut; j++) {
      let total = 0;
      for (let h = 0; h < H; h++) {
        let best = 0;
        for (let r = 0; r < L; r++) {
          let s = 0;
          for (let i = 0; i < dIn; i++) {
            for (let c = 0; c < dh; c++) {
              s += Math.abs(x.data[r * dIn + i]!) * Math.abs(p.wv.data[i * H * dh + h * dh + c]!) *
                Math.abs(p.wo.data[(h * dh + c) * dOut + j]!);
            }
          }
          best = Math.max(best, s);
        }
        total += best;
      }
      out.push(factor * total);
    }
  }
  return out;
}

/** Throws unless `equivalenceBound` is the README's bound (relative 1e-12: summation order). */
function assertDerivedBound(x: Matrix, p: Mha1Params, bound: Matrix, u: number): void {
  const want = boundByLoops(x, p, u);
  bound.data.forEach((v, i) => {
    if (!(Math.abs(v - want[i]!) <= 1e-12 * want[i]!)) {
      throw new ClaimViolation(`bound entry ${i} is ${v}, the README's formula gives ${want[i]}`);
    }
  });
}

/**
 * The smallest margin bound − |MHA1(X) − MHA2(X)| over all entries, in float64 and float32,
 * in units of the bound (≥ 0 holds). `shift` ≠ 0 folds with the wrong W^O blocks.
 */
function equivalenceMargin(c: Case, shift: number): number {
  const rng = new Rng(c.seed);
  const p1 = initMha1(rng, c);
  const p2 = foldOutputProjection(p1, shift);
  const x = normalMatrix(rng, c.length, c.dIn, 2);
  const margin = (a: Matrix, b: Matrix, bound: Matrix) =>
    Math.min(...a.data.map((v, i) => (bound.data[i]! - Math.abs(v - b.data[i]!)) / bound.data[i]!));
  const b64 = equivalenceBound(x, p1, U64), b32 = equivalenceBound(x, p1, U32);
  assertDerivedBound(x, p1, b64, U64);
  assertDerivedBound(x, p1, b32, U32);
  const m64 = margin(mha1Ref(x, p1), mha2Ref(x, p2), b64);
  const xt = tensorFromMatrix(x), t1 = toTensors(p1), t2 = toTensors(p2);
  const y1 = mha1(xt, t1), y2 = mha2(xt, t2);
  const [a, b] = [matrixFromTensor(y1), matrixFromTensor(y2)];
  tf.dispose([xt, y1, y2]);
  disposeParams(t1);
  disposeParams(t2);
  return Math.min(m64, margin(a, b, b32));
}

/**
 * The models of a shape, built and counted: as tfjs tensors (the "variables" a training
 * run holds) and as float64 matrices, which must agree; `tensors: false` counts the float64
 * matrices only (the control, after the claim has shown the two agree).
 */
function countedModels(
  s: Mha1Shape,
  seed: number,
  tensors = true,
): { mha1: number; mha2: number } {
  const rng = new Rng(seed);
  // The count does not depend on the values: zero matrices build the 512-wide models fast.
  const zeros = (_: Rng, rows: number, cols: number) => matrix(rows, cols);
  const p1 = initMha1(rng, s, zeros), p2 = initMha2(rng, s, zeros);
  const counts = { mha1: countParameters(p1), mha2: countParameters(p2) };
  if (!tensors) return counts;
  const t1 = toTensors(p1), t2 = toTensors(p2);
  const inTensors = { mha1: countTensorParameters(t1), mha2: countTensorParameters(t2) };
  disposeParams(t1);
  disposeParams(t2);
  if (inTensors.mha1 !== counts.mha1 || inTensors.mha2 !== counts.mha2) {
    throw new ClaimViolation("tensor and float64 parameter counts differ");
  }
  return counts;
}

/** The shapes of 20c: d_in = d_out = 512, d_head = 64, several H and d_attn. */
const SHAPES_C: Mha1Shape[] = [[1, 64], [2, 64], [4, 64], [8, 64], [1, 16], [8, 16]].map((
  [heads, dAttn],
) => ({ dIn: 512, dOut: 512, dHead: 64, dAttn: dAttn!, heads: heads! }));

/** The claims of Problem 20. */
export const claims: Claim[] = defineClaims(20, [
  {
    id: "20a",
    statement: "MHA1 and the MHA2 with W_h^V ← W_h^V W_h^O agree for every X (within rounding)",
    check: (ctx) =>
      withNoTensorLeak("20a", () =>
        checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 60, examples: [PINNED] },
          arbCase,
          (c) => equivalenceMargin(c, 0),
        )),
    negativeControl: {
      variant: "the fold with mismatched blocks W_h^V W_{h+1}^O",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 60, examples: [PINNED] },
          arbCase,
          (c) => equivalenceMargin(c, 1),
        ),
    },
  },
  {
    id: "20b",
    statement:
      "MHA1 has H(2 d_in d_attn + d_in d_head) + H d_head d_out parameters, MHA2 H(2 d_in d_attn + d_in d_out)",
    check: (ctx) =>
      withNoTensorLeak("20b", () =>
        checkProperty(
          { seed: ctx.seed, over: "the shapes of 20a", numRuns: 60, examples: [PINNED] },
          arbCase,
          (c) => {
            const counted = countedModels(c, c.seed);
            if (counted.mha1 !== mha1ParameterCount(c) || counted.mha2 !== mha2ParameterCount(c)) {
              throw new ClaimViolation(`${JSON.stringify(c)}: counted ${JSON.stringify(counted)}`);
            }
            return 0;
          },
        )),
    negativeControl: {
      variant: "MHA2 counted as MHA1 without W^O, H(2 d_in d_attn + d_in d_head)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: "the shapes of 20a", numRuns: 60, examples: [PINNED] },
          arbCase,
          (c) => {
            const counted = countedModels(c, c.seed);
            const wrong = c.heads * (2 * c.dIn * c.dAttn + c.dIn * c.dHead);
            if (counted.mha2 !== wrong) {
              throw new ClaimViolation(
                `${JSON.stringify(c)}: counted MHA2 ${counted.mha2} ≠ ${wrong}`,
              );
            }
            return 0;
          },
        ),
    },
  },
  {
    id: "20c",
    statement:
      "for d_in = d_out = 512, d_head = 64, MHA2 has 196,608·H more parameters; 1,572,864 at H = 8 (H·d_head = d_in)",
    check: (ctx) =>
      withNoTensorLeak("20c", () => {
        for (const s of SHAPES_C) {
          const counted = countedModels(s, ctx.seedFor("models"));
          const diff = counted.mha2 - counted.mha1;
          if (diff !== 196608 * s.heads || diff !== parameterDifference(s)) {
            throw new ClaimViolation(
              `H = ${s.heads}, d_attn = ${s.dAttn}: counted difference ${diff}`,
            );
          }
        }
        if (
          parameterDifference({ dIn: 512, dOut: 512, dAttn: 64, dHead: 64, heads: 8 }) !== 1572864
        ) {
          throw new ClaimViolation("H = 8: difference is not 1,572,864");
        }
        return {
          over:
            "H ∈ {1, 2, 4, 8} with d_attn = 64, and d_attn = 16 at H ∈ {1, 8}: models built and counted",
          cases: SHAPES_C.length,
          note: "difference 196,608·H; H = 8: MHA1 1,048,576, MHA2 2,621,440, difference 1,572,864",
        };
      }),
    negativeControl: {
      variant: "the difference is only W^O's d_in·d_out = 262,144 entries",
      check: (ctx) => {
        for (const s of SHAPES_C) {
          const counted = countedModels(s, ctx.seedFor("models"), false);
          if (counted.mha2 - counted.mha1 !== 512 * 512) {
            throw new ClaimViolation(
              `H = ${s.heads}: counted difference ${counted.mha2 - counted.mha1} ≠ 262,144`,
            );
          }
        }
      },
    },
  },
]);
