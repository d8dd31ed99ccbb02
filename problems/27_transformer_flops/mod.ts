/**
 * Problem 27: parameter and FLOP counts of one attention layer (MHA without mask, then the
 * position-wise FFN with expansion 4), d_K = d/H. The counting functions are exact
 * polynomials derived in the README; `countForwardOps` runs the float64 reference with its
 * operation counter so the formulas can be checked against what the code actually does.
 *
 * Convention: one FLOP is one arithmetic operation; a multiply–add of a matrix product is
 * 2 FLOPs; each attention score costs 6 further operations (scale, and max, subtract, exp,
 * add, divide of the softmax), each ReLU 1.
 *
 * @module
 */
import {
  ffnRef,
  initMha1,
  lecunNormal,
  mha1Ref,
  normalMatrix,
  type OpCounter,
} from "../../shared/attention/mod.ts";
import { Rng } from "../../shared/random/mod.ts";

/** Thrown when d, H or L are not admissible (H must divide d). */
export class DimensionError extends Error {
  override name = "DimensionError";
}

function checkDims(d: number, heads: number, length = 1): void {
  for (const [name, v] of [["d", d], ["H", heads], ["L", length]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new DimensionError(`${name} must be a positive integer, got ${v}`);
    }
  }
  if (d % heads !== 0) throw new DimensionError(`H = ${heads} must divide d = ${d}`);
}

/**
 * Trainable parameters of the MHA: W_h^Q, W_h^K, W_h^V ∈ R^{d×d_K} for H heads and
 * W^O ∈ R^{H d_K × d}, with d_K = d/H: 3·H·d·d_K + H·d_K·d = 4d².
 *
 * @param d model width
 * @param heads H, dividing d
 * @returns 4d²
 * @throws DimensionError if H does not divide d
 * @example
 * ```ts
 * import { mhaParameterCount } from "./mod.ts";
 * if (mhaParameterCount(512, 8) !== 4 * 512 * 512) throw new Error();
 * ```
 */
export function mhaParameterCount(d: number, heads: number): number {
  checkDims(d, heads);
  const dK = d / heads;
  return 3 * heads * d * dK + heads * dK * d;
}

/**
 * Trainable parameters of the FFN: W_1 ∈ R^{4d×d}, W_2 ∈ R^{d×4d}: 8d².
 *
 * @param d model width
 * @returns 8d²
 * @example
 * ```ts
 * import { ffnParameterCount } from "./mod.ts";
 * if (ffnParameterCount(3) !== 72) throw new Error();
 * ```
 */
export function ffnParameterCount(d: number): number {
  checkDims(d, 1);
  return 2 * 4 * d * d;
}

/** The forward cost of the layer, split the way the proof splits it. */
export interface ForwardCount {
  /** Multiply–adds of the matrix products: 12Ld² + 2L²d. */
  macs: number;
  /** Other operations: 6HL² (scaling and softmax) + 4Ld (ReLU). */
  elementwise: number;
  /** 2·macs + elementwise = 24Ld² + 4L²d + 6HL² + 4Ld. */
  flops: number;
  /** The part quadratic in L: 4L²d + 6HL². */
  quadratic: number;
  /** The part linear in L: 24Ld² + 4Ld. */
  linear: number;
}

/**
 * The forward FLOP count of MHA (no mask) + FFN, as derived in the README (27b).
 *
 * @param length L
 * @param d model width
 * @param heads H, dividing d
 * @returns the count and its split
 * @throws DimensionError on non-positive or non-integer sizes, or H not dividing d
 * @example
 * ```ts
 * import { forwardCount } from "./mod.ts";
 * const c = forwardCount(2, 4, 2);
 * if (c.flops !== 24 * 2 * 16 + 4 * 4 * 4 + 6 * 2 * 4 + 4 * 2 * 4) throw new Error();
 * if (c.flops !== c.quadratic + c.linear) throw new Error();
 * ```
 */
export function forwardCount(length: number, d: number, heads: number): ForwardCount {
  checkDims(d, heads, length);
  const L = length;
  const macs = 3 * L * d * d + 2 * L * L * d + L * d * d + 8 * L * d * d;
  const elementwise = 6 * heads * L * L + 4 * L * d;
  return {
    macs,
    elementwise,
    flops: 2 * macs + elementwise,
    quadratic: 4 * L * L * d + 6 * heads * L * L,
    linear: 24 * L * d * d + 4 * L * d,
  };
}

/**
 * Runs the float64 reference (MHA1 with H heads of width d/H, then the ReLU FFN) on random
 * inputs with its operation counter and returns what it counted.
 *
 * @param length L
 * @param d model width
 * @param heads H, dividing d
 * @param seed seeds the random input and weights (the count does not depend on them)
 * @returns the counted multiply–adds and other operations
 * @throws DimensionError as {@link forwardCount}
 * @example
 * ```ts
 * import { countForwardOps, forwardCount } from "./mod.ts";
 * const ops = countForwardOps(3, 4, 2, 1);
 * if (ops.macs !== forwardCount(3, 4, 2).macs) throw new Error();
 * ```
 */
export function countForwardOps(
  length: number,
  d: number,
  heads: number,
  seed: number,
): OpCounter {
  checkDims(d, heads, length);
  const rng = new Rng(seed);
  const dK = d / heads;
  const mha = initMha1(rng, { dIn: d, dOut: d, dAttn: dK, dHead: dK, heads });
  const ffn = { w1: lecunNormal(rng, d, 4 * d), w2: lecunNormal(rng, 4 * d, d) };
  const ops: OpCounter = { macs: 0, elementwise: 0 };
  const z = mha1Ref(normalMatrix(rng, length, d, 1), mha, { ops }); // [L, d]
  ffnRef(z, ffn, ops); // [L, d]
  return ops;
}

/** Where the L² part of the FLOP count overtakes the L part. */
export interface Crossover {
  /** The real solution L* of quadratic(L) = linear(L). */
  exact: number;
  /** The smallest integer L at which the quadratic part is strictly larger. */
  firstDominant: number;
}

/**
 * The crossover length. Convention "matmul": only the matrix products count (4L²d vs
 * 24Ld², so L* = 6d); convention "all": every counted operation (4L²d + 6HL² vs
 * 24Ld² + 4Ld, so L* = (24d² + 4d)/(4d + 6H)).
 *
 * @param d model width
 * @param heads H, dividing d
 * @param convention which operations count (default "matmul")
 * @returns L* and the first integer L past it
 * @throws DimensionError as {@link forwardCount}
 * @example
 * ```ts
 * import { crossoverLength } from "./mod.ts";
 * if (crossoverLength(16384, 128).exact !== 98304) throw new Error("6d for Llama 3 405B");
 * if (crossoverLength(16384, 128, "all").firstDominant !== 97167) throw new Error();
 * ```
 */
export function crossoverLength(
  d: number,
  heads: number,
  convention: "matmul" | "all" = "matmul",
): Crossover {
  checkDims(d, heads);
  // quadratic(L) = αL², linear(L) = βL, so they are equal at L* = β/α.
  const alpha = convention === "matmul" ? 4 * d : 4 * d + 6 * heads;
  const beta = convention === "matmul" ? 24 * d * d : 24 * d * d + 4 * d;
  const exact = beta / alpha;
  // αL² > βL ⇔ L > β/α; the smallest such integer, computed in integers to avoid rounding.
  const firstDominant = (beta - (beta % alpha)) / alpha + 1;
  return { exact, firstDominant };
}
