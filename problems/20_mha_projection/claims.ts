/**
 * Problem 20's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  columns,
  countParameters,
  countTensorParameters,
  disposeParams,
  fromRows,
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
  type Mha2Params,
  mha2Ref,
  type Mha2Shape,
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
  pinVariant,
} from "../../shared/testing/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  equivalenceBound,
  foldOutputProjection,
  mha1ParameterCount,
  mha2ParameterCount,
  parameterDifference,
  unfoldToMha1,
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
  // the claim checks the call users make (the default pairing); only the control passes a shift
  const p2 = shift === 0 ? foldOutputProjection(p1) : foldOutputProjection(p1, shift);
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

/** An MHA2 shape, the width of the MHA1 heads, a sequence length and a seed. */
const arbCaseD = fc.record({
  dIn: fc.integer({ min: 1, max: 8 }),
  dOut: fc.integer({ min: 1, max: 12 }),
  dAttn: fc.integer({ min: 1, max: 4 }),
  heads: fc.integer({ min: 1, max: 4 }),
  dHead: fc.integer({ min: 1, max: 6 }),
  length: fc.integer({ min: 1, max: 8 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});
type CaseD = Mha2Shape & { dHead: number; length: number; seed: number };

/** d_head divides d_out; it does not (the last block is padded); it exceeds d_out. */
const PINNED_D: CaseD[] = [
  { dIn: 4, dOut: 6, dAttn: 2, heads: 2, dHead: 2, length: 5, seed: 1 },
  { dIn: 5, dOut: 7, dAttn: 3, heads: 2, dHead: 3, length: 6, seed: 2 },
  { dIn: 4, dOut: 3, dAttn: 1, heads: 3, dHead: 5, length: 2, seed: 3 },
];

const OVER_D = "d_in ∈ 1..8, d_out ∈ 1..12, d_attn ∈ 1..4, H ∈ 1..4, d_head ∈ 1..6, L ∈ 1..8, " +
  "LeCun-normal weights, X ~ N(0, 4); float64 reference, entrywise rounding-error bound; " +
  "plus an exact hand case and a rank-2 value map split over two heads of width 1";

/**
 * The README's rounding bound for 20d written out index by index: for entry (ℓ, j),
 * (γ_{m1} + γ_{m2})·2·Σ_h max_r Σ_i |X_ri| |W̃_h^V|_ij with m1 = d_in + L + H'·d_head (the
 * MHA1 of H' heads) and m2 = d_in + L + H − 1 (the MHA2 of H heads), u = 2^-53.
 */
function unfoldBound(x: Matrix, p2: Mha2Params, heads1: number, dHead: number): number[] {
  const L = x.rows, dIn = x.cols, H = p2.heads, dOut = p2.wv.cols / H;
  const g = (n: number) => n * U64 / (1 - n * U64);
  const factor = (g(dIn + L + heads1 * dHead) + g(dIn + L + H - 1)) * 2;
  const out: number[] = [];
  for (let l = 0; l < L; l++) {
    for (let j = 0; j < dOut; j++) {
      let total = 0;
      for (let h = 0; h < H; h++) {
        let best = 0;
        for (let r = 0; r < L; r++) {
          let s = 0;
          for (let i = 0; i < dIn; i++) {
            s += Math.abs(x.data[r * dIn + i]!) *
              Math.abs(p2.wv.data[i * H * dOut + h * dOut + j]!);
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

/**
 * The smallest margin bound − |MHA1(X) − MHA2(X)| over the entries, in units of the bound, for the MHA1 `p1` that is to compute the MHA2 `p2`; also checks that `p1` has
 * `heads1` heads of width d_head (its matrices' sizes say so).
 */
function unfoldMargin(x: Matrix, p2: Mha2Params, p1: Mha1Params, heads1: number, dHead: number) {
  const w = heads1 * dHead, dOut = p2.wv.cols / p2.heads;
  if (
    p1.heads !== heads1 || p1.dHead !== dHead || p1.wv.cols !== w || p1.wo.rows !== w ||
    p1.wo.cols !== dOut || p1.wq.cols !== heads1 * p2.dAttn || p1.wk.cols !== heads1 * p2.dAttn
  ) {
    throw new ClaimViolation(
      `the MHA1 has ${p1.heads} heads, W^V ${p1.wv.cols} columns, ` +
        `W^O ${p1.wo.rows}×${p1.wo.cols}; wanted ${heads1} heads of width ${dHead}`,
    );
  }
  const y1 = mha1Ref(x, p1).data, y2 = mha2Ref(x, p2).data;
  const bound = unfoldBound(x, p2, heads1, dHead);
  // a zero bound (all of column j of every W̃_h is 0) leaves no room: the entry must be exact
  return Math.min(...bound.map((b, i) => {
    const err = Math.abs(y1[i]! - y2[i]!);
    return b > 0 ? (b - err) / b : (err === 0 ? 1 : -1);
  }));
}

/** 20d on one random case; `blocksPerHead` overrides ⌈d_out/d_head⌉ (the control). */
function unfoldCaseMargin(c: CaseD, blocksPerHead?: number): number {
  const rng = new Rng(c.seed);
  const p2 = initMha2(rng, c);
  const x = normalMatrix(rng, c.length, c.dIn, 2);
  const blocks = blocksPerHead ?? Math.ceil(c.dOut / c.dHead);
  return unfoldMargin(x, p2, unfoldToMha1(p2, c.dHead, blocksPerHead), c.heads * blocks, c.dHead);
}

/**
 * The hand case of 20d: H = 2, d_in = d_out = 2, W^Q = W^K = 0, so with L = 4 every weight is
 * exactly 1/4 and MHA2(X) has every row mean(X)(W̃_1 + W̃_2) = (1, 1)[[3, 2], [1, 0]] = (4, 2),
 * all in exact binary arithmetic (small integers and quarters).
 */
const HAND_D = {
  x: fromRows([[1, 2], [3, 0], [-1, 1], [1, 1]]),
  p2: {
    heads: 2,
    dAttn: 1,
    wq: fromRows([[0, 0], [0, 0]]),
    wk: fromRows([[0, 0], [0, 0]]),
    // [W̃_1 W̃_2] = [[1, 2], [0, 1]] and [[2, 0], [1, −1]]: both of rank 2 > d_head = 1
    wv: fromRows([[1, 2, 2, 0], [0, 1, 1, -1]]),
  } satisfies Mha2Params,
};

/**
 * The referee's case of 20d: H = 2, W̃_2 = 0 and W̃_1 of rank 2; with d_head = 1 the rank
 * count Σ_h ⌈r_h/d_head⌉ = 2 + 0 gives an MHA1 with the same H = 2, both heads on W_1^Q, W_1^K:
 * the construction applied to head 1 alone (an MHA2 with one head).
 */
function referee(seed: number): number {
  const rng = new Rng(seed);
  const p2 = initMha2(rng, { dIn: 2, dOut: 2, dAttn: 2, heads: 2 });
  for (let i = 0; i < 2; i++) p2.wv.data.fill(0, i * 4 + 2, i * 4 + 4); // W̃_2 = 0
  const head1: Mha2Params = {
    heads: 1,
    dAttn: 2,
    wq: columns(p2.wq, 0, 2),
    wk: columns(p2.wk, 0, 2),
    wv: columns(p2.wv, 0, 2),
  };
  const x = normalMatrix(rng, 5, 2, 2);
  return unfoldMargin(x, p2, unfoldToMha1(head1, 1), 2, 1);
}

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
  {
    id: "20d",
    statement:
      "every MHA2 is an MHA1 with more heads: H·⌈d_out/d_head⌉ heads of width d_head sharing the W_h^Q, W_h^K (Σ_h ⌈r_h/d_head⌉ with r_h = rank W̃_h^V)",
    check: (ctx) => {
      // exact: every number on the hand case's paths is a small dyadic rational
      const hand = unfoldToMha1(HAND_D.p2, 1);
      const y = mha1Ref(HAND_D.x, hand);
      if (hand.heads !== 4 || y.data.some((v, i) => v !== [4, 2][i % 2])) {
        throw new ClaimViolation(
          `hand case: ${hand.heads} heads, rows ${JSON.stringify(Array.from(y.data))}; ` +
            "wanted 4 heads and every row (4, 2)",
        );
      }
      const rank = referee(ctx.seedFor("referee"));
      if (!(rank >= 0)) throw new ClaimViolation(`rank case: margin ${rank} < 0`);
      const ev = checkProperty(
        { seed: ctx.seedFor("shapes"), over: OVER_D, numRuns: 60, examples: PINNED_D },
        arbCaseD,
        (c) => unfoldCaseMargin(c),
      );
      return { ...ev, cases: ev.cases + 2, worstMargin: Math.min(ev.worstMargin, rank) };
    },
    negativeControl: {
      variant:
        "an MHA2 is an MHA1 with the same H heads (head h keeps the first d_head columns of W̃_h^V)",
      check: (ctx) => {
        // pinned: on the hand case the same-H MHA1 has 2 heads and rows (4, 0): output
        // column 2 of W̃_h is dropped, mean(X)(W̃_1 + W̃_2) restricted to column 1
        const wrong = unfoldToMha1(HAND_D.p2, 1, 1);
        const y = mha1Ref(HAND_D.x, wrong);
        pinVariant("the same-H MHA1's heads and first row on the hand case", [
          wrong.heads,
          y.data[0]!,
          y.data[1]!,
        ], [2, 4, 0]);
        checkProperty(
          { seed: ctx.seedFor("shapes"), over: OVER_D, numRuns: 60, examples: PINNED_D },
          arbCaseD,
          (c) => unfoldCaseMargin(c, 1),
        );
      },
    },
  },
]);
