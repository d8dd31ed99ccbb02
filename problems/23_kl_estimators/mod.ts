/**
 * Problem 23: two Monte Carlo estimators of KL(p‖q) from samples X ~ p, written as
 * functions of the log-ratios λ = log(q(X)/p(X)):
 *
 * - {@link estimatorK1}: D̂(1) = mean(−λ), unbiased but can be negative;
 * - {@link estimatorK2}: D̂(2) = mean(e^λ − λ − 1), unbiased and never negative, evaluated
 *   by {@link k2Term} so that it stays finite and ≥ 0 for |λ| up to 700 and down to 1e-300.
 *
 * Plus the exact quantities the checks compare with: the divergence itself, the exact
 * expectation of an estimator over all N-tuples of samples, and the per-sample standard
 * deviations of both estimators.
 *
 * @module
 */
import { type Fraction, fraction } from "mathjs";

/** Thrown on a malformed distribution, sample or log-ratio; the message names it. */
export class KlInputError extends Error {
  override name = "KlInputError";
}

/** A probability mass function on {0, …, n − 1}, as an array of probabilities. */
export type Pmf = readonly number[];

/**
 * Checks that an array is a probability mass function: finite, non-negative entries
 * summing to 1 within 1e-9.
 *
 * @param p the candidate
 * @param name what it is, for the message (e.g. "p")
 * @throws KlInputError naming the offending index or the sum
 * @example
 * ```ts
 * import { validatePmf } from "./mod.ts";
 * validatePmf([0.25, 0.75], "p"); // no throw
 * let threw = false;
 * try { validatePmf([0.5, -0.1, 0.6], "q"); } catch { threw = true; }
 * if (!threw) throw new Error("a negative entry must be refused");
 * ```
 */
export function validatePmf(p: Pmf, name: string): void {
  if (p.length === 0) throw new KlInputError(`${name} is empty`);
  let total = 0;
  p.forEach((v, i) => {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new KlInputError(`${name}[${i}] = ${v} is not a finite non-negative probability`);
    }
    total += v;
  });
  if (Math.abs(total - 1) > 1e-9) throw new KlInputError(`${name} sums to ${total}, not 1`);
}

/**
 * KL(p‖q) = Σ_x p(x) log(p(x)/q(x)), with 0 log 0 = 0 and +∞ when q(x) = 0 < p(x).
 *
 * @param p the sampling distribution
 * @param q the other distribution, on the same outcomes
 * @returns the divergence (≥ 0)
 * @throws KlInputError if p or q is not a pmf or their lengths differ
 * @example
 * ```ts
 * import { klDivergence } from "./mod.ts";
 * // KL((1/2, 1/2) ‖ (1/4, 3/4)) = ½ log 2 + ½ log(2/3)
 * const d = klDivergence([0.5, 0.5], [0.25, 0.75]);
 * if (Math.abs(d - (0.5 * Math.log(2) + 0.5 * Math.log(2 / 3))) > 1e-15) throw new Error();
 * ```
 */
export function klDivergence(p: Pmf, q: Pmf): number {
  validatePair(p, q);
  let d = 0;
  for (let x = 0; x < p.length; x++) {
    const px = p[x]!;
    if (px === 0) continue;
    if (q[x] === 0) return Infinity;
    d += px * Math.log(px / q[x]!);
  }
  return d;
}

/**
 * The log-ratios λ_i = log(q(X_i)/p(X_i)) of a sample X_1, …, X_N (outcome indices).
 *
 * @param p the sampling distribution
 * @param q the other distribution
 * @param samples outcome indices, each with p(x) > 0
 * @returns λ_i for each sample
 * @throws KlInputError on an index out of range, an outcome p cannot produce, or q(x) = 0
 * @example
 * ```ts
 * import { logRatios } from "./mod.ts";
 * const [l] = logRatios([0.5, 0.5], [0.25, 0.75], [1]);
 * if (Math.abs(l! - Math.log(1.5)) > 1e-15) throw new Error();
 * ```
 */
export function logRatios(p: Pmf, q: Pmf, samples: readonly number[]): number[] {
  validatePair(p, q);
  return samples.map((x, i) => {
    if (!Number.isInteger(x) || x < 0 || x >= p.length) {
      throw new KlInputError(`sample ${i} is ${x}, not an outcome index in 0..${p.length - 1}`);
    }
    if (p[x] === 0) throw new KlInputError(`sample ${i} = ${x} has p(x) = 0: p cannot produce it`);
    if (q[x] === 0) throw new KlInputError(`sample ${i} = ${x} has q(x) = 0: log-ratio is −∞`);
    return Math.log(q[x]! / p[x]!);
  });
}

/**
 * One term of D̂(1): −λ = log(p(X)/q(X)).
 *
 * @param logRatio λ = log(q(X)/p(X))
 * @returns −λ
 * @example
 * ```ts
 * import { k1Term } from "./mod.ts";
 * if (k1Term(Math.log(2)) !== -Math.log(2)) throw new Error();
 * ```
 */
export function k1Term(logRatio: number): number {
  return -logRatio;
}

/**
 * One term of D̂(2): h(λ) = e^λ − λ − 1, evaluated so that it is finite and ≥ 0 wherever
 * e^λ is finite (λ ≤ 709). The naive `Math.exp(λ) − λ − 1` cancels catastrophically near
 * λ = 0 (it returns −1.1e-16 at λ = 1.37e-11, where the truth is 9.4e-23); here:
 *
 * - |λ| ≤ 1: h(λ) = λ² Σ_{k≥0} λ^k/(k+2)!, a Horner sum whose bracket is ≥ 1/2 − 1/6 − … > 0.3,
 *   so the result is λ² times a positive number, accurate to a few ulps;
 * - λ > 1: expm1(λ) − λ, where expm1(λ) > 1.7 λ and nothing cancels;
 * - λ < −1: (−λ − 1) + e^λ, a sum of two non-negative numbers.
 *
 * @param logRatio λ = log(q(X)/p(X)), |λ| ≤ 709
 * @returns e^λ − λ − 1 ≥ 0
 * @throws KlInputError if λ is NaN or so large that e^λ overflows
 * @example
 * ```ts
 * import { k2Term } from "./mod.ts";
 * const h = k2Term(1e-12); // ≈ λ²/2 = 5e-25
 * if (!(h > 0 && Math.abs(h - 5e-25) < 1e-36)) throw new Error();
 * if (!(k2Term(-700) === 699)) throw new Error("−λ − 1 + e^λ, e^−700 below an ulp of 699");
 * ```
 */
export function k2Term(logRatio: number): number {
  const x = logRatio;
  if (Number.isNaN(x) || x > 709) {
    throw new KlInputError(`log-ratio ${x} is NaN or too large (e^λ overflows above 709)`);
  }
  if (x > 1) return Math.expm1(x) - x;
  if (x < -1) return (-x - 1) + Math.exp(x);
  // Horner for Σ_{k=0}^{K} x^k/(k+2)!: with |x| ≤ 1, 1/19! < 1e-17 bounds the tail.
  let bracket = 0;
  for (let k = 17; k >= 0; k--) bracket = bracket * x + INV_FACT[k + 2]!;
  return x * x * bracket;
}

/** 1/n! for n = 0..19. */
const INV_FACT: number[] = (() => {
  const out = [1];
  for (let n = 1; n < 20; n++) out.push(out[n - 1]! / n);
  return out;
})();

/**
 * The naive evaluation e^λ − λ − 1 as one writes it; kept only to show that it can round
 * below zero (the negative control of claim 23d).
 *
 * @param logRatio λ
 * @returns Math.exp(λ) − λ − 1 in float64
 * @example
 * ```ts
 * import { naiveK2Term } from "./mod.ts";
 * if (!(naiveK2Term(1.37e-11) < 0)) throw new Error("rounds below zero");
 * ```
 */
export function naiveK2Term(logRatio: number): number {
  return Math.exp(logRatio) - logRatio - 1;
}

/**
 * D̂(1) = (1/N) Σ log(p(X_i)/q(X_i)) = −mean(λ).
 *
 * @param logRatios λ_i = log(q(X_i)/p(X_i)) for X_i ~ p
 * @returns the estimate
 * @throws KlInputError on an empty array or a non-finite λ
 * @example
 * ```ts
 * import { estimatorK1 } from "./mod.ts";
 * if (estimatorK1([Math.log(2), Math.log(0.5)]) !== 0) throw new Error();
 * ```
 */
export function estimatorK1(logRatios: ArrayLike<number>): number {
  return mean(logRatios, k1Term);
}

/**
 * D̂(2) = (1/N) Σ (q(X_i)/p(X_i) − log(q(X_i)/p(X_i)) − 1) = mean(e^λ − λ − 1), each term
 * by {@link k2Term}.
 *
 * @param logRatios λ_i = log(q(X_i)/p(X_i)) for X_i ~ p
 * @returns the estimate, ≥ 0
 * @throws KlInputError on an empty array or a λ that is NaN or above 709
 * @example
 * ```ts
 * import { estimatorK2 } from "./mod.ts";
 * const d = estimatorK2([Math.log(2), Math.log(0.5)]); // ((1 − log 2) + (log 2 − 1/2)) / 2
 * if (Math.abs(d - 0.25) > 1e-15) throw new Error();
 * ```
 */
export function estimatorK2(logRatios: ArrayLike<number>): number {
  return mean(logRatios, k2Term);
}

function mean(logRatios: ArrayLike<number>, term: (l: number) => number): number {
  if (logRatios.length === 0) throw new KlInputError("no log-ratios: the sample is empty");
  let s = 0;
  for (let i = 0; i < logRatios.length; i++) {
    const l = logRatios[i]!;
    if (!Number.isFinite(l)) throw new KlInputError(`log-ratio ${i} is ${l}, not finite`);
    s += term(l);
  }
  return s / logRatios.length;
}

/**
 * The exact expectation of an estimator over N i.i.d. samples from `sampler`: the finite sum
 * over all |X|^N tuples of Π sampler(x_i) · estimator(log-ratios of the tuple), where the
 * log-ratios are always log(q/p) (so sampling from q instead of p is a wrong variant one can
 * express).
 *
 * @param p the distribution defining the log-ratios
 * @param q the other distribution
 * @param n the sample size N (|X|^N tuples are enumerated; keep it small)
 * @param estimator maps the tuple's log-ratios to an estimate
 * @param sampler the distribution the tuple is drawn from; default p
 * @returns E[estimator]
 * @throws KlInputError if |X|^N exceeds 100 000
 * @example
 * ```ts
 * import { estimatorK1, exactExpectation, klDivergence } from "./mod.ts";
 * const p = [0.2, 0.3, 0.5], q = [0.4, 0.4, 0.2];
 * const e = exactExpectation(p, q, 2, estimatorK1);
 * if (Math.abs(e - klDivergence(p, q)) > 1e-15) throw new Error();
 * ```
 */
export function exactExpectation(
  p: Pmf,
  q: Pmf,
  n: number,
  estimator: (logRatios: number[]) => number,
  sampler: Pmf = p,
): number {
  validatePair(p, q);
  validatePmf(sampler, "sampler");
  let total = 0;
  for (const tuple of tuples(p.length, n)) {
    let weight = 1;
    for (const x of tuple) weight *= sampler[x]!;
    if (weight === 0) continue;
    total += weight * estimator(tuple.map((x) => Math.log(q[x]! / p[x]!)));
  }
  return total;
}

/**
 * The rational part of D̂(2)'s expectation, exactly: E_{p^N}[(1/N) Σ_i (q(X_i)/p(X_i) − 1)]
 * for p, q given by integer weights (normalised here), summed over all |X|^N tuples in
 * mathjs Fractions. Claim 23c says it is 0 when p and q have the same support.
 *
 * @param pWeights non-negative integer weights of p
 * @param qWeights non-negative integer weights of q
 * @param n the sample size N
 * @returns the exact expectation as a Fraction
 * @throws KlInputError on non-integer or all-zero weights, or unequal lengths
 * @example
 * ```ts
 * import { exactRatioPartExpectation } from "./mod.ts";
 * if (exactRatioPartExpectation([1, 2, 3], [3, 2, 1], 2).valueOf() !== 0) throw new Error();
 * ```
 */
export function exactRatioPartExpectation(
  pWeights: readonly number[],
  qWeights: readonly number[],
  n: number,
): Fraction {
  const p = normaliseExact(pWeights, "p");
  const q = normaliseExact(qWeights, "q");
  if (p.length !== q.length) {
    throw new KlInputError(`p has ${p.length} outcomes but q has ${q.length}`);
  }
  let total = fraction(0);
  for (const tuple of tuples(p.length, n)) {
    let weight = fraction(1);
    for (const x of tuple) weight = weight.mul(p[x]!);
    if (weight.equals(0)) continue;
    let inner = fraction(0);
    for (const x of tuple) inner = inner.add(q[x]!.div(p[x]!).sub(1));
    total = total.add(weight.mul(inner.div(n)));
  }
  return total;
}

function normaliseExact(weights: readonly number[], name: string): Fraction[] {
  weights.forEach((w, i) => {
    if (!Number.isSafeInteger(w) || w < 0) {
      throw new KlInputError(`${name} weight ${i} is ${w}, not a non-negative integer`);
    }
  });
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) throw new KlInputError(`${name} weights are all zero`);
  return weights.map((w) => fraction(w, total));
}

/** Standard deviations of the two estimators for one pair (p, q). */
export interface EstimatorSpread {
  /** A name for the pair. */
  label: string;
  /** KL(p‖q), the mean of both estimators. */
  kl: number;
  /** The sample size N the standard deviations are for. */
  n: number;
  /** Standard deviation of D̂(1) over N samples: sd(log(p/q)(X))/√N. */
  sd1: number;
  /** Standard deviation of D̂(2) over N samples: sd(h(λ(X)))/√N. */
  sd2: number;
}

/**
 * The exact standard deviations of D̂(1) and D̂(2) over N samples from p: each is a mean of
 * N i.i.d. terms t(X), so sd = √(E_p[(t − E_p t)²])/√N, a finite sum over the outcomes with
 * p(x) > 0. It is summed in two passes (first E_p t, then the squared deviations), not as
 * E_p[t²] − (E_p t)²: for D̂(2) with q close to p the spread is far below the mean and that
 * difference cancels to rounding noise (with p = (½, ½), q = (½ + 10⁻⁵, ½ − 10⁻⁵) it is
 * negative, while the true sd is 2.7e-15).
 *
 * @param p the sampling distribution (same support as q)
 * @param q the other distribution
 * @param n the sample size; default 1
 * @param label a name for the row
 * @returns the row
 * @example
 * ```ts
 * import { estimatorSpread } from "./mod.ts";
 * const r = estimatorSpread([0.5, 0.5], [0.5, 0.5]);
 * if (r.kl !== 0 || r.sd1 !== 0 || r.sd2 !== 0) throw new Error("p = q: both estimators are 0");
 * ```
 */
export function estimatorSpread(p: Pmf, q: Pmf, n = 1, label = "pair"): EstimatorSpread {
  validatePair(p, q);
  const kl = klDivergence(p, q);
  const support = [...p.keys()].filter((x) => p[x]! > 0);
  const lambda = support.map((x) => Math.log(q[x]! / p[x]!));
  // sd of Σ p(x)·term(λ_x) about its own mean; every summand p(x)·d² is ≥ 0
  const sd = (term: (l: number) => number) => {
    const t = lambda.map(term);
    let m = 0;
    support.forEach((x, i) => m += p[x]! * t[i]!);
    let v = 0;
    support.forEach((x, i) => v += p[x]! * (t[i]! - m) ** 2);
    return Math.sqrt(v / n);
  };
  return { label, kl, n, sd1: sd(k1Term), sd2: sd(k2Term) };
}

/**
 * The standard deviations of D̂(1) and D̂(2) side by side on a few fixed pairs of
 * distributions on 4 outcomes, from q close to p to q far from p (data for a plot).
 *
 * @param n the sample size; default 1
 * @returns one row per pair
 * @example
 * ```ts
 * import { estimatorSpreadTable } from "./mod.ts";
 * const rows = estimatorSpreadTable();
 * // when q is close to p, D̂(2) is far less spread than D̂(1)
 * if (!(rows[0]!.sd2 < rows[0]!.sd1 / 10)) throw new Error();
 * ```
 */
export function estimatorSpreadTable(n = 1): EstimatorSpread[] {
  const p = [0.25, 0.25, 0.25, 0.25];
  const pairs: [string, Pmf][] = [
    ["q = p ± 0.01", [0.26, 0.24, 0.26, 0.24]],
    ["q = p ± 0.05", [0.3, 0.2, 0.3, 0.2]],
    ["q = p ± 0.15", [0.4, 0.1, 0.4, 0.1]],
    ["q skewed", [0.7, 0.1, 0.1, 0.1]],
    ["q nearly degenerate", [0.97, 0.01, 0.01, 0.01]],
  ];
  return pairs.map(([label, q]) => estimatorSpread(p, q, n, label));
}

function validatePair(p: Pmf, q: Pmf): void {
  validatePmf(p, "p");
  validatePmf(q, "q");
  if (p.length !== q.length) {
    throw new KlInputError(`p has ${p.length} outcomes but q has ${q.length}`);
  }
}

/** All tuples in {0..k−1}^n, in lexicographic order. */
function* tuples(k: number, n: number): Generator<number[]> {
  if (!Number.isInteger(n) || n < 1) throw new KlInputError(`sample size ${n} is not ≥ 1`);
  if (k ** n > 100_000) throw new KlInputError(`${k}^${n} tuples are too many to enumerate`);
  const t = new Array<number>(n).fill(0);
  while (true) {
    yield [...t];
    let i = n - 1;
    while (i >= 0 && t[i] === k - 1) t[i--] = 0;
    if (i < 0) return;
    t[i]!++;
  }
}
