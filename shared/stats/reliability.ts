/**
 * Reliability of a randomised procedure measured over independent runs: k successes in n
 * runs, and the exact one-sided Clopper–Pearson lower confidence bound on the success
 * probability. The bound inverts the binomial tail: p_L(k, n, α) is the p at which
 * P(Bin(n, p) ≥ k) = α (and 0 when k = 0), so P(p_L > p) ≤ α whatever the true p.
 *
 * @module
 */

/** A reliability statement: successes, runs, and the lower bound at a level. */
export interface Reliability {
  /** Number of runs n. */
  runs: number;
  /** Number of successful runs k. */
  successes: number;
  /** k / n. */
  rate: number;
  /** The one-sided Clopper–Pearson lower bound p_L(k, n, α). */
  lowerBound: number;
  /** The level α: the bound exceeds the true success probability with probability at most α. */
  alpha: number;
}

/**
 * The binomial upper tail P(Bin(n, p) ≥ k), summed in log space so that tails far below
 * 1e-300 are still ordered correctly (terms are formed as exp of log-binomial terms).
 *
 * @param k the threshold, an integer in [0, n]
 * @param n the number of trials, a non-negative integer
 * @param p the success probability in [0, 1]
 * @returns the tail probability
 * @throws RangeError for k, n or p out of range
 * @example
 * ```ts
 * import { binomialUpperTail } from "./reliability.ts";
 * // P(Bin(3, 1/2) ≥ 2) = (3 + 1) / 8
 * if (Math.abs(binomialUpperTail(2, 3, 0.5) - 0.5) > 1e-15) throw new Error();
 * ```
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  checkCounts(k, n);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (k === 0) return 1;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(n, j) for j = k, built up from log C(n, 0) = 0
  let logC = 0;
  for (let j = 1; j <= k; j++) logC += Math.log((n - j + 1) / j);
  const logs: number[] = [];
  for (let j = k; j <= n; j++) {
    logs.push(logC + j * logP + (n - j) * logQ);
    logC += Math.log((n - j) / (j + 1)); // C(n, j + 1) = C(n, j)(n − j)/(j + 1)
  }
  const top = Math.max(...logs);
  let total = 0;
  for (const l of logs) total += Math.exp(l - top);
  return Math.min(1, Math.exp(top) * total);
}

/**
 * The one-sided Clopper–Pearson lower bound: the smallest p not rejected by the exact
 * binomial test at level α after k successes in n trials, i.e. the root of
 * P(Bin(n, p) ≥ k) = α (the tail increases in p), found by bisection to 1e-12. For k = n
 * the root is α^{1/n}; for k = 0 the bound is 0.
 *
 * @param successes k, an integer in [0, n]
 * @param trials n ≥ 1
 * @param alpha the level α in (0, 1)
 * @returns p_L with P(p_L > p) ≤ α for every true p
 * @throws RangeError for counts or a level out of range
 * @example
 * ```ts
 * import { clopperPearsonLower } from "./reliability.ts";
 * // 20 successes in 20 runs at α = 1e-6: α^(1/20) = 10^(−0.3)
 * if (Math.abs(clopperPearsonLower(20, 20, 1e-6) - 10 ** -0.3) > 1e-10) throw new Error();
 * if (clopperPearsonLower(0, 20, 1e-6) !== 0) throw new Error();
 * ```
 */
export function clopperPearsonLower(successes: number, trials: number, alpha: number): number {
  checkCounts(successes, trials);
  if (trials < 1) throw new RangeError(`trials must be ≥ 1, got ${trials}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (successes === 0) return 0;
  if (successes === trials) return alpha ** (1 / trials);
  let lo = 0;
  let hi = 1;
  while (hi - lo > 1e-12) {
    const mid = (lo + hi) / 2;
    // the tail at mid below α: mid is still rejected, the bound lies above it
    if (binomialUpperTail(successes, trials, mid) < alpha) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The fewest successes in n runs whose Clopper–Pearson lower bound at α reaches a rate:
 * what a reliability claim "success probability ≥ rate" needs to see.
 *
 * @param rate the rate to guarantee, in [0, 1)
 * @param trials n ≥ 1
 * @param alpha the level α in (0, 1)
 * @returns the least k with p_L(k, n, α) ≥ rate, or null if even k = n is not enough
 * @throws RangeError for arguments out of range
 * @example
 * ```ts
 * import { clopperPearsonLower, successesNeeded } from "./reliability.ts";
 * const k = successesNeeded(0.25, 20, 1e-6)!;
 * if (!(clopperPearsonLower(k, 20, 1e-6) >= 0.25 && clopperPearsonLower(k - 1, 20, 1e-6) < 0.25)) {
 *   throw new Error();
 * }
 * if (successesNeeded(0.9, 20, 1e-6) !== null) throw new Error(); // 0.9 needs more runs
 * ```
 */
export function successesNeeded(rate: number, trials: number, alpha: number): number | null {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`rate must be in [0, 1), got ${rate}`);
  for (let k = 0; k <= trials; k++) {
    if (clopperPearsonLower(k, trials, alpha) >= rate) return k;
  }
  return null;
}

/**
 * Summarises the outcomes of n independent runs: count, rate and the lower bound.
 *
 * @param outcomes one boolean per run (true: the run succeeded)
 * @param alpha the level α in (0, 1)
 * @returns the reliability statement
 * @throws RangeError for an empty list or a level out of range
 * @example
 * ```ts
 * import { reliability } from "./reliability.ts";
 * const r = reliability([true, true, false, true], 0.05);
 * if (r.successes !== 3 || r.runs !== 4 || !(r.lowerBound > 0.1 && r.lowerBound < 0.75)) {
 *   throw new Error();
 * }
 * ```
 */
export function reliability(outcomes: readonly boolean[], alpha: number): Reliability {
  if (outcomes.length === 0) throw new RangeError("reliability: no runs");
  const successes = outcomes.filter((x) => x).length;
  return {
    runs: outcomes.length,
    successes,
    rate: successes / outcomes.length,
    lowerBound: clopperPearsonLower(successes, outcomes.length, alpha),
    alpha,
  };
}

function checkCounts(k: number, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`trials must be a non-negative integer, got ${n}`);
  }
  if (!Number.isSafeInteger(k) || k < 0 || k > n) {
    throw new RangeError(`successes must be an integer in [0, ${n}], got ${k}`);
  }
}
