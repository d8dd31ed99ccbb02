/**
 * Exact moments of products of entries of Q = X W^Q and K = X W^K, by expanding every entry
 * Q_{ℓj} = Σ_i X_{ℓi} W^Q_{ij} and summing, over all index tuples, the expectation of each
 * monomial in independent centred Gaussians (E[g^k] = σ^k (k − 1)!! for even k, 0 for odd).
 * Everything is a mathjs Fraction: no rounding, no sampling.
 *
 * @module
 */
import { type Fraction, fraction } from "mathjs";

/** One entry of Q or K: row ℓ (a token), column j (a key dimension). 0-based. */
export interface Entry {
  /** Which product: Q = X W^Q or K = X W^K. */
  matrix: "Q" | "K";
  /** The row ℓ. */
  row: number;
  /** The column j. */
  col: number;
}

/** The random model: X has i.i.d. N(0, 1) entries, W^Q, W^K i.i.d. N(0, weightVariance). */
export interface MomentModel {
  /** d_X, the width of X. */
  dX: number;
  /** Variance of every weight: 1/d_X for LeCun initialisation. */
  weightVariance: Fraction;
  /**
   * E[x⁴] for the entries of X: 3 for Gaussians. Other values describe a non-Gaussian X
   * with the same variance (1 for random signs), to show where the 3 enters.
   */
  xFourthMoment?: number;
}

/**
 * The LeCun model of Problem 21: X Gaussian, weights N(0, 1/d_X).
 *
 * @param dX d_X
 * @returns the model
 * @example
 * ```ts
 * import { lecunModel } from "./exact_moments.ts";
 * if (lecunModel(4).weightVariance.toFraction() !== "1/4") throw new Error();
 * ```
 */
export function lecunModel(dX: number): MomentModel {
  return { dX, weightVariance: fraction(1, dX) };
}

/** (k − 1)!! for even k, 0 for odd k: E[g^k] for g ~ N(0, 1). */
function gaussianMoment(k: number): number {
  if (k % 2 === 1) return 0;
  let out = 1;
  for (let i = k - 1; i > 1; i -= 2) out *= i;
  return out;
}

/**
 * E[Π_r factor_r] exactly, for entries of Q and K under the model.
 *
 * @param factors the entries multiplied together (repeats allowed)
 * @param model the random model
 * @returns the expectation as a Fraction
 * @throws Error if d_X is not a positive integer or a factor has a negative index
 * @example
 * ```ts
 * import { exactProductMoment, lecunModel } from "./exact_moments.ts";
 * const q = { matrix: "Q", row: 0, col: 0 } as const;
 * // E[Q_00²] = 1 and E[Q_00⁴] = 3(d_X + 2)/d_X, here with d_X = 2
 * if (exactProductMoment([q, q], lecunModel(2)).toFraction() !== "1") throw new Error();
 * if (exactProductMoment([q, q, q, q], lecunModel(2)).toFraction() !== "6") throw new Error();
 * ```
 */
export function exactProductMoment(factors: readonly Entry[], model: MomentModel): Fraction {
  const { dX } = model;
  if (!Number.isInteger(dX) || dX < 1) throw new Error(`d_X = ${dX} is not a positive integer`);
  factors.forEach((f, r) => {
    if (!(f.row >= 0 && f.col >= 0)) throw new Error(`factor ${r} has a negative index`);
  });
  const xMoment = (k: number) =>
    k === 4 && model.xFourthMoment !== undefined ? model.xFourthMoment : gaussianMoment(k);
  let total = fraction(0);
  const idx = new Array<number>(factors.length).fill(0);
  const tuples = dX ** factors.length;
  for (let t = 0; t < tuples; t++) {
    // idx = the base-d_X digits of t: the summation index i_r of each factor
    let rest = t;
    for (let r = 0; r < factors.length; r++) {
      idx[r] = rest % dX;
      rest = Math.floor(rest / dX);
    }
    const xCounts = new Map<string, number>();
    const wCounts = new Map<string, number>();
    factors.forEach((f, r) => {
      const xKey = `${f.row},${idx[r]}`; // X_{ℓ i}
      const wKey = `${f.matrix},${idx[r]},${f.col}`; // W^M_{i j}
      xCounts.set(xKey, (xCounts.get(xKey) ?? 0) + 1);
      wCounts.set(wKey, (wCounts.get(wKey) ?? 0) + 1);
    });
    let term = fraction(1);
    for (const k of xCounts.values()) term = term.mul(xMoment(k));
    for (const k of wCounts.values()) {
      if (k % 2 === 1) {
        term = fraction(0);
        break;
      }
      term = term.mul(model.weightVariance.pow(k / 2)).mul(gaussianMoment(k));
    }
    total = total.add(term);
  }
  return total;
}

/**
 * E[(A_{ℓℓ'})^p] exactly, where A_{ℓℓ'} = c · Σ_j Q_{ℓj} K_{ℓ'j} with c = 1/√d_K (scaled) or
 * c = 1 (the unscaled variant). For the scaled logit and odd p the result must be 0 (it would
 * otherwise be irrational); for even p, c^p = d_K^{−p/2} is rational.
 *
 * @param row ℓ
 * @param col ℓ'
 * @param power p ≥ 1
 * @param dK d_K
 * @param model the random model
 * @param scaled whether to divide by √d_K
 * @returns the expectation as a Fraction
 * @throws Error if p is odd, the logit is scaled and the unscaled moment is not 0
 * @example
 * ```ts
 * import { exactLogitMoment, lecunModel } from "./exact_moments.ts";
 * // d_X = 1: E[A_00²] = (1 + 2)/1 = 3, E[A_01²] = 1
 * if (exactLogitMoment(0, 0, 2, 2, lecunModel(1)).toFraction() !== "3") throw new Error();
 * if (exactLogitMoment(0, 1, 2, 2, lecunModel(1)).toFraction() !== "1") throw new Error();
 * ```
 */
export function exactLogitMoment(
  row: number,
  col: number,
  power: number,
  dK: number,
  model: MomentModel,
  scaled = true,
): Fraction {
  let total = fraction(0);
  const js = new Array<number>(power).fill(0);
  for (let t = 0; t < dK ** power; t++) {
    let rest = t;
    const factors: Entry[] = [];
    for (let r = 0; r < power; r++) {
      js[r] = rest % dK;
      rest = Math.floor(rest / dK);
      // one term q_{ℓ j} k_{ℓ' j} of the inner product q_ℓ · k_ℓ'
      factors.push({ matrix: "Q", row, col: js[r]! }, { matrix: "K", row: col, col: js[r]! });
    }
    total = total.add(exactProductMoment(factors, model));
  }
  if (!scaled) return total;
  if (power % 2 === 1) {
    if (!total.equals(0)) throw new Error(`odd moment ${total.toFraction()} ≠ 0 times √d_K`);
    return total;
  }
  return total.div(fraction(dK).pow(power / 2));
}
