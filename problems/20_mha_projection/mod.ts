/**
 * Problem 20: multi-head attention with an output projection (MHA1) and without (MHA2).
 * Folding W_h^O into W_h^V turns an MHA1 into an equivalent MHA2; the parameter counts of
 * both, their difference, and a float error bound for comparing the two outputs, derived
 * in the README from the standard error analysis of dot products.
 *
 * @module
 */
import {
  columns,
  hconcat,
  matMul,
  type Matrix,
  matrix,
  type Mha1Params,
  type Mha1Shape,
  type Mha2Params,
  type Mha2Shape,
  rowBlock,
  ShapeError,
} from "../../shared/attention/mod.ts";

/**
 * The MHA2 obtained from an MHA1 by W_h^V ← W_h^V W_h^O, all else kept (20a).
 *
 * @param p MHA1 parameters
 * @param shift use W_{(h + shift) mod H}^O instead of W_h^O (0, the default, is the
 *   construction of 20a; any other value is the wrong pairing used as a negative control)
 * @returns MHA2 parameters with `wv` `[dIn, H·dOut]`
 * @example
 * ```ts
 * import { initMha1 } from "../../shared/attention/mod.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * import { foldOutputProjection } from "./mod.ts";
 * const p2 = foldOutputProjection(initMha1(new Rng(1), { dIn: 5, dOut: 3, dAttn: 2, dHead: 2, heads: 4 }));
 * if (p2.wv.rows !== 5 || p2.wv.cols !== 12) throw new Error();
 * ```
 */
export function foldOutputProjection(p: Mha1Params, shift = 0): Mha2Params {
  checkMha1(p);
  const blocks: Matrix[] = [];
  for (let h = 0; h < p.heads; h++) {
    const wvH = columns(p.wv, h * p.dHead, p.dHead); // W_h^V: [dIn, dHead]
    const g = (((h + shift) % p.heads) + p.heads) % p.heads;
    const woH = rowBlock(p.wo, g * p.dHead, p.dHead); // W_h^O: [dHead, dOut]
    blocks.push(matMul(wvH, woH)); // [dIn, dHead] x [dHead, dOut] -> [dIn, dOut]
  }
  return { heads: p.heads, dAttn: p.dAttn, wq: p.wq, wk: p.wk, wv: hconcat(blocks) };
}

/**
 * The converse direction (20d): an MHA1 with H·⌈d_out/d_head⌉ heads of width d_head computing
 * the same function as a given MHA2. Head h of the MHA2 becomes ⌈d_out/d_head⌉ heads that share
 * its W_h^Q and W_h^K; head (h, b) carries columns [b·d_head, (b+1)·d_head) of W̃_h^V (zero
 * beyond d_out) and its output block is the matching rows of the identity I_{d_out}, so the
 * blocks add back up to A_h X W̃_h^V.
 *
 * @param p MHA2 parameters
 * @param dHead the value width of the MHA1 heads
 * @param blocksPerHead MHA1 heads per MHA2 head; the default ⌈d_out/d_head⌉ is the
 *   construction of 20d. A smaller value drops the columns of W̃_h from
 *   blocksPerHead·d_head on: the wrong construction used as 20d's negative control (with 1,
 *   "an MHA2 is an MHA1 with the same H heads")
 * @returns MHA1 parameters with H·blocksPerHead heads
 * @throws RangeError if d_head or blocksPerHead is not a positive integer
 * @example
 * ```ts
 * import { initMha2, mha1Ref, mha2Ref, normalMatrix } from "../../shared/attention/mod.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * import { unfoldToMha1 } from "./mod.ts";
 * const p2 = initMha2(new Rng(1), { dIn: 3, dOut: 2, dAttn: 2, heads: 1 });
 * const p1 = unfoldToMha1(p2, 1); // two heads of width 1 share the queries and keys
 * const x = normalMatrix(new Rng(2), 4, 3, 1);
 * const a = mha1Ref(x, p1).data, b = mha2Ref(x, p2).data;
 * if (p1.heads !== 2 || a.some((v, i) => Math.abs(v - b[i]!) > 1e-12)) throw new Error();
 * ```
 */
export function unfoldToMha1(
  p: Mha2Params,
  dHead: number,
  blocksPerHead?: number,
): Mha1Params {
  if (!Number.isInteger(dHead) || dHead < 1) {
    throw new RangeError(`d_head must be a positive integer, got ${dHead}`);
  }
  const dOut = p.wv.cols / p.heads, dIn = p.wv.rows;
  // ⌈d_out/d_head⌉ blocks of d_head columns cover the d_out columns of W̃_h (20d)
  const blocks = blocksPerHead ?? Math.ceil(dOut / dHead);
  if (!Number.isInteger(blocks) || blocks < 1) {
    throw new RangeError(`blocksPerHead must be a positive integer, got ${blocks}`);
  }
  const heads = p.heads * blocks;
  const wq: Matrix[] = [], wk: Matrix[] = [], wv = matrix(dIn, heads * dHead);
  const wo = matrix(heads * dHead, dOut);
  for (let h = 0; h < p.heads; h++) {
    for (let b = 0; b < blocks; b++) {
      const g = h * blocks + b; // the new head
      wq.push(columns(p.wq, h * p.dAttn, p.dAttn));
      wk.push(columns(p.wk, h * p.dAttn, p.dAttn));
      for (let c = 0; c < dHead && b * dHead + c < dOut; c++) {
        const col = b * dHead + c; // column of W̃_h^V, and of the output
        for (let i = 0; i < dIn; i++) {
          wv.data[i * heads * dHead + g * dHead + c] = p.wv.data[i * p.wv.cols + h * dOut + col]!;
        }
        wo.data[(g * dHead + c) * dOut + col] = 1; // row of I_{d_out}
      }
    }
  }
  return { heads, dAttn: p.dAttn, dHead, wq: hconcat(wq), wk: hconcat(wk), wv, wo };
}

/** Checks that the blocks of an MHA1 fit together, naming the matrix that does not. */
function checkMha1(p: Mha1Params): void {
  const hv = p.heads * p.dHead, ha = p.heads * p.dAttn;
  if (p.wv.cols !== hv) {
    throw new ShapeError(`MHA1: W^V has ${p.wv.cols} columns, expected H·d_head = ${hv}`);
  }
  if (p.wo.rows !== hv) {
    throw new ShapeError(`MHA1: W^O has ${p.wo.rows} rows, expected H·d_head = ${hv}`);
  }
  if (p.wq.cols !== ha || p.wk.cols !== ha) {
    throw new ShapeError(`MHA1: W^Q, W^K have ${p.wq.cols}, ${p.wk.cols} columns, expected ${ha}`);
  }
}

/**
 * Trainable parameters of MHA1: H(2·d_in·d_attn + d_in·d_head) + H·d_head·d_out.
 *
 * @param s the shape
 * @returns the count
 * @example
 * ```ts
 * import { mha1ParameterCount } from "./mod.ts";
 * if (mha1ParameterCount({ dIn: 512, dOut: 512, dAttn: 64, dHead: 64, heads: 8 }) !== 4 * 512 * 512) throw new Error();
 * ```
 */
export function mha1ParameterCount(s: Mha1Shape): number {
  return s.heads * (2 * s.dIn * s.dAttn + s.dIn * s.dHead) + s.heads * s.dHead * s.dOut;
}

/**
 * Trainable parameters of MHA2: H(2·d_in·d_attn + d_in·d_out).
 *
 * @param s the shape
 * @returns the count
 * @example
 * ```ts
 * import { mha2ParameterCount } from "./mod.ts";
 * if (mha2ParameterCount({ dIn: 2, dOut: 3, dAttn: 1, heads: 2 }) !== 2 * (4 + 6)) throw new Error();
 * ```
 */
export function mha2ParameterCount(s: Mha2Shape): number {
  return s.heads * (2 * s.dIn * s.dAttn + s.dIn * s.dOut);
}

/**
 * MHA2's count minus MHA1's for the same d_in, d_out, d_attn, H:
 * H(d_in·d_out − d_head(d_in + d_out)); d_attn cancels.
 *
 * @param s the shape (d_attn is ignored: it cancels)
 * @returns the difference (negative when MHA2 is smaller)
 * @example
 * ```ts
 * import { parameterDifference } from "./mod.ts";
 * if (parameterDifference({ dIn: 512, dOut: 512, dAttn: 64, dHead: 64, heads: 8 }) !== 1572864) throw new Error();
 * ```
 */
export function parameterDifference(s: Mha1Shape): number {
  return s.heads * (s.dIn * s.dOut - s.dHead * (s.dIn + s.dOut));
}

function absMatrix(m: Matrix): Matrix {
  return matrix(m.rows, m.cols, m.data.map(Math.abs));
}

/**
 * The standard rounding constant γ_n = n·u/(1 − n·u): a product of n factors (1 + δ_i)^{±1} with |δ_i| ≤ u is
 * 1 + θ with |θ| ≤ γ_n, provided n·u < 1.
 *
 * @param n the number of rounding factors
 * @param unitRoundoff u
 * @returns γ_n
 * @throws RangeError if n·u ≥ 1 (no such bound exists)
 * @example
 * ```ts
 * import { gamma } from "./mod.ts";
 * if (gamma(2, 0.25) !== 1) throw new Error("2·(1/4)/(1 − 1/2)");
 * ```
 */
export function gamma(n: number, unitRoundoff: number): number {
  const nu = n * unitRoundoff;
  if (!(nu < 1)) throw new RangeError(`γ_${n} needs n·u < 1, got ${nu}`);
  return nu / (1 - nu);
}

/**
 * Upper bound on the row sums of the computed attention weights: 2. The exact weights sum
 * to 1; the computed ones differ by the rounding of the exponentials and of one sum and one
 * division per entry, a relative error far below 1 for any exp accurate to a few ulps.
 */
export const WEIGHT_ROW_SUM_BOUND = 2;

/**
 * The rounding counts of the two models' paths from the inputs to an output entry (README,
 * "In floating point"): every term of the expanded output carries at most this many factors
 * (1 + δ). MHA1: X, W^V and W^O rounded to the working precision (3), the products X W^V
 * (d_in), A_h V_h (L) and concat·W^O (H·d_head). MHA2: X rounded (1), the fold W^V_h W^O_h
 * (d_head) and its rounding (1), X W̃^V_h (d_in), A_h Ṽ_h (L), the sum of H heads (H − 1).
 *
 * @param s the MHA1 shape (d_out does not enter)
 * @param length L
 * @returns the two counts m1, m2
 * @example
 * ```ts
 * import { roundingCounts } from "./mod.ts";
 * const m = roundingCounts({ dIn: 4, dOut: 2, dAttn: 2, dHead: 3, heads: 2 }, 5);
 * if (m.mha1 !== 4 + 5 + 6 + 3 || m.mha2 !== 4 + 5 + 3 + 2 + 1) throw new Error();
 * ```
 */
export function roundingCounts(s: Mha1Shape, length: number): { mha1: number; mha2: number } {
  return {
    mha1: s.dIn + length + s.heads * s.dHead + 3,
    mha2: s.dIn + length + s.dHead + s.heads + 1,
  };
}

/**
 * An entrywise bound on |MHA1(X) − MHA2(X)| when both are computed in floating
 * point with unit roundoff u, MHA2 folded as in 20a, derived in the README ("In floating
 * point"): (γ_{m1} + γ_{m2}) · ρ · Σ_h max_r (|X| |W_h^V| |W_h^O|)[r, j], with m1, m2 the
 * {@link roundingCounts} and ρ = {@link WEIGHT_ROW_SUM_BOUND} bounding the row sums of the
 * computed weights (which both models share: the same operations on the same numbers).
 *
 * @param x `[L, dIn]`
 * @param p the MHA1 parameters
 * @param unitRoundoff u: 2^-24 for float32, 2^-53 for float64
 * @returns `[L, dOut]` entrywise tolerances
 * @throws ShapeError if X and the parameters do not fit; RangeError if m·u ≥ 1
 * @example
 * ```ts
 * import { initMha1, normalMatrix } from "../../shared/attention/mod.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * import { equivalenceBound } from "./mod.ts";
 * const b = equivalenceBound(normalMatrix(new Rng(2), 3, 4, 1), initMha1(new Rng(1), { dIn: 4, dOut: 2, dAttn: 2, dHead: 2, heads: 2 }), 2 ** -24);
 * if (!b.data.every((v) => v > 0 && v < 1e-4)) throw new Error();
 * ```
 */
export function equivalenceBound(x: Matrix, p: Mha1Params, unitRoundoff: number): Matrix {
  checkMha1(p);
  if (x.cols !== p.wq.rows) {
    throw new ShapeError(`equivalenceBound: X has ${x.cols} columns, W^Q has ${p.wq.rows} rows`);
  }
  const L = x.rows;
  const m = roundingCounts({ dIn: x.cols, dOut: p.wo.cols, ...p }, L);
  const factor = (gamma(m.mha1, unitRoundoff) + gamma(m.mha2, unitRoundoff)) *
    WEIGHT_ROW_SUM_BOUND;
  const ax = absMatrix(x);
  const total = matrix(L, p.wo.cols);
  for (let h = 0; h < p.heads; h++) {
    const vo = matMul(
      absMatrix(columns(p.wv, h * p.dHead, p.dHead)),
      absMatrix(rowBlock(p.wo, h * p.dHead, p.dHead)),
    ); // |W_h^V| |W_h^O|: [dIn, dOut]
    const y = matMul(ax, vo); // |X| |W_h^V| |W_h^O|: [L, dOut]
    // a row of non-negative weights summing to ≤ ρ averages rows: ≤ ρ · column maximum
    for (let j = 0; j < y.cols; j++) {
      let colMax = 0;
      for (let r = 0; r < L; r++) colMax = Math.max(colMax, y.data[r * y.cols + j]!);
      for (let l = 0; l < L; l++) total.data[l * y.cols + j]! += factor * colMax;
    }
  }
  return total;
}
