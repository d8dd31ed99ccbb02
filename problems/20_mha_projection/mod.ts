/**
 * Problem 20: multi-head attention with an output projection (MHA1) and without (MHA2).
 * Folding W_h^O into W_h^V turns an MHA1 into an equivalent MHA2; the parameter counts of
 * both, their difference, and a rigorous float error bound for comparing the two outputs.
 *
 * @module
 */
import {
  attentionRef,
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

/**
 * The weights softmax(Q_h K_hᵀ/√d_attn) of every head, in float64 (the attention of the
 * reference applied to the identity as values).
 *
 * @param x `[L, dIn]`
 * @param p the query and key projections
 * @returns H matrices `[L, L]`, rows summing to 1
 * @example
 * ```ts
 * import { initMha1, normalMatrix } from "../../shared/attention/mod.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * import { attentionWeights } from "./mod.ts";
 * const [a] = attentionWeights(normalMatrix(new Rng(2), 3, 4, 1), initMha1(new Rng(1), { dIn: 4, dOut: 2, dAttn: 2, dHead: 2, heads: 1 }));
 * if (Math.abs(a!.data[0]! + a!.data[1]! + a!.data[2]! - 1) > 1e-15) throw new Error();
 * ```
 */
export function attentionWeights(
  x: Matrix,
  p: Pick<Mha1Params, "heads" | "dAttn" | "wq" | "wk">,
): Matrix[] {
  const L = x.rows;
  const identity = matrix(L, L);
  for (let i = 0; i < L; i++) identity.data[i * L + i] = 1;
  const q = matMul(x, p.wq), k = matMul(x, p.wk); // [L, dIn] x [dIn, H·dAttn] -> [L, H·dAttn]
  return Array.from({ length: p.heads }, (_, h) =>
    attentionRef(
      columns(q, h * p.dAttn, p.dAttn),
      columns(k, h * p.dAttn, p.dAttn),
      identity,
    ));
}

function absMatrix(m: Matrix): Matrix {
  return matrix(m.rows, m.cols, m.data.map(Math.abs));
}

/**
 * An entrywise bound on |MHA1(X) − MHA2(X)| when both are computed in floating point with
 * unit roundoff u from the same attention weights, MHA2 folded as in 20a. With
 * B = Σ_h A_h |X| |W_h^V| |W_h^O| (all entries non-negative) the bound is
 * 2·u·(2·d_in + 2·L + H·d_head + H + 4)·B: each product of inner dimension n adds at most
 * γ_n = n·u/(1 − n·u) times the product of absolute values (the classical bound for any
 * summation order), MHA1 chains inner dimensions d_in, L, H·d_head, MHA2 d_in, L and a sum
 * of H heads, plus a few roundings of inputs and of the folded weights; the leading 2 covers
 * the 1/(1 − n·u) factors and the difference between computed and exact weights.
 *
 * @param x `[L, dIn]`
 * @param p the MHA1 parameters
 * @param unitRoundoff u: 2^-24 for float32, 2^-53 for float64
 * @returns `[L, dOut]` entrywise tolerances
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
  const L = x.rows, dIn = x.cols;
  const ax = absMatrix(x);
  const weights = attentionWeights(x, p);
  let total: Matrix | undefined;
  for (let h = 0; h < p.heads; h++) {
    const vo = matMul(
      absMatrix(columns(p.wv, h * p.dHead, p.dHead)),
      absMatrix(rowBlock(p.wo, h * p.dHead, p.dHead)),
    ); // |W_h^V| |W_h^O|: [dIn, dOut]
    const term = matMul(weights[h]!, matMul(ax, vo)); // A_h |X| |W_h^V| |W_h^O|: [L, dOut]
    total = total ? matrix(L, term.cols, total.data.map((v, i) => v + term.data[i]!)) : term;
  }
  const factor = 2 * unitRoundoff * (2 * dIn + 2 * L + p.heads * p.dHead + p.heads + 4);
  return matrix(total!.rows, total!.cols, total!.data.map((v) => factor * v));
}
