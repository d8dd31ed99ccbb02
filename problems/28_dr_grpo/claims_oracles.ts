/**
 * Oracles of Problem 28's claims that must not share code with the estimators they check.
 *
 * @module
 */
import type { FiniteLaw } from "./mod.ts";

/**
 * The compositions of `total` into `parts` non-negative integers (c_1, …, c_parts), Σ c = total.
 *
 * @param total the sum
 * @param parts how many parts (≥ 1)
 * @returns every composition, each once
 */
function compositions(total: number, parts: number): number[][] {
  if (parts === 1) return [[total]];
  const out: number[][] = [];
  for (let c = 0; c <= total; c++) {
    for (const rest of compositions(total - c, parts - 1)) out.push([c, ...rest]);
  }
  return out;
}

/** The binomial coefficient C(n, k) as a float64 (exact for the small n used here). */
function binomial(n: number, k: number): number {
  let b = 1;
  for (let i = 1; i <= k; i++) b = (b * (n - k + i)) / i;
  return b;
}

/**
 * φ_N(x) = E[GRPO advantage of member 1 | r^(1) = x] by another route than the estimator's
 * tuple enumeration: the other N − 1 rewards enter the advantage only through how many of
 * them take each value v of the law, so the sum runs over count vectors c (Σ_v c_v = N − 1)
 * with multinomial probability (N − 1)! / Π_v c_v! · Π_v p_v^{c_v}. The group's mean and
 * population standard deviation are written from the counts, and the advantage is 0 when all N
 * rewards are the same value (c puts all N − 1 on the value x itself).
 *
 * @param law the law of the reward, distinct values with probabilities
 * @param x the first member's reward
 * @param n the group size N ≥ 1
 * @returns φ_N(x)
 */
export function grpoPhiByCounts(law: FiniteLaw, x: number, n: number): number {
  let phi = 0;
  for (const c of compositions(n - 1, law.length)) {
    let left = n - 1;
    let weight = 1;
    let sum = x;
    c.forEach((cv, v) => {
      weight *= binomial(left, cv) * law[v]!.prob ** cv;
      left -= cv;
      sum += cv * law[v]!.value;
    });
    const allEqual = c.every((cv, v) => cv === 0 || law[v]!.value === x);
    if (allEqual) continue; // advantage 0
    const mean = sum / n;
    let squares = (x - mean) ** 2;
    c.forEach((cv, v) => {
      squares += cv * (law[v]!.value - mean) ** 2;
    });
    phi += (weight * (x - mean)) / Math.sqrt(squares / n);
  }
  return phi;
}
