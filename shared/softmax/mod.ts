/**
 * The softmax, float64 and numerically stable, in the two forms the suite needs:
 *
 * - on a vector of logits: {@link softmax} μ(z)_i = e^{z_i} / Σ_j e^{z_j} and
 *   {@link logSumExp} log Σ_j e^{z_j}, both with max z subtracted so that no exponential
 *   overflows, and {@link softplus} log(1 + e^x), the log-sum-exp of (0, x);
 * - as a tabular policy π_θ(a | s) = μ(θ[s])_a with logits `theta[s][a]`:
 *   {@link softmaxPolicy}, and its score ∇_θ log π_θ(a | s) in closed form,
 *   {@link softmaxScore} (from θ) and {@link softmaxScoreFromPolicy} (from π_θ, when the
 *   policy is already at hand).
 *
 * Bad input (an empty vector or row, a non-finite logit, an index out of range) throws
 * {@link SoftmaxInputError} naming the place and the value.
 *
 * @module
 */

/** Thrown for an empty vector or table, a non-finite logit, or an index out of range. */
export class SoftmaxInputError extends Error {
  override name = "SoftmaxInputError";
}

/** Logits θ[s][a] of a tabular softmax policy: one row per state, one entry per action. */
export type Logits = readonly (readonly number[])[];

function checkLogits(z: readonly number[], what: string): void {
  if (!Array.isArray(z) || z.length === 0) {
    throw new SoftmaxInputError(`${what} of an empty vector`);
  }
  z.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new SoftmaxInputError(`logit ${i} is ${x}, not finite`);
    }
  });
}

/**
 * The softmax μ(z)_i = e^{z_i} / Σ_j e^{z_j}, computed as e^{z_i − m} / Σ_j e^{z_j − m}
 * with m = max z: the same quotient, and no exponential exceeds 1.
 *
 * @param z the logits (at least one, all finite)
 * @returns the probabilities
 * @throws SoftmaxInputError on an empty z or a non-finite logit, naming its index and value
 * @example
 * ```ts
 * import { softmax } from "./mod.ts";
 * const mu = softmax([0, Math.log(3)]);
 * if (Math.abs(mu[1]! - 0.75) > 1e-15) throw new Error();
 * if (softmax([1000, 0])[0] !== 1) throw new Error("no overflow");
 * ```
 */
export function softmax(z: readonly number[]): number[] {
  checkLogits(z, "softmax");
  return shiftedSoftmax(z);
}

/** The max-shifted softmax quotient, for logits already checked. */
function shiftedSoftmax(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}

/**
 * log Σ_j e^{z_j}, computed as m + log Σ_j e^{z_j − m} with m = max z (exact algebra; the
 * sum lies in [1, n], so it neither overflows nor loses the leading term).
 *
 * @param z the logits (at least one, all finite)
 * @returns the log-sum-exp
 * @throws SoftmaxInputError on an empty z or a non-finite logit, naming its index and value
 * @example
 * ```ts
 * import { logSumExp } from "./mod.ts";
 * if (Math.abs(logSumExp([1000, 1000]) - (1000 + Math.log(2))) > 1e-12) throw new Error();
 * ```
 */
export function logSumExp(z: readonly number[]): number {
  checkLogits(z, "logSumExp");
  const m = Math.max(...z);
  return m + Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
}

/**
 * softplus(x) = log(1 + e^x) = logSumExp(0, x), computed as max(x, 0) + log1p(e^{−|x|}): no
 * overflow for large x, and no cancellation for very negative x, where it is e^x to full
 * relative precision.
 *
 * @param x a number (±∞ give ∞ and 0; NaN gives NaN)
 * @returns softplus(x) ≥ 0
 * @example
 * ```ts
 * import { softplus } from "./mod.ts";
 * if (softplus(1000) !== 1000 || Math.abs(softplus(0) - Math.LN2) > 1e-16) throw new Error();
 * if (softplus(-800) !== 0 || softplus(-30) !== Math.log1p(Math.exp(-30))) throw new Error();
 * ```
 */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * The tabular softmax policy π_θ(a | s) = exp θ[s][a] / Σ_b exp θ[s][b], row by row with
 * {@link softmax}. Every action has positive probability.
 *
 * @param theta logits, one non-empty row per state
 * @returns the policy table π[s][a]
 * @throws SoftmaxInputError on an empty table or row, or a non-finite logit, naming θ[s][a]
 * @example
 * ```ts
 * import { softmaxPolicy } from "./mod.ts";
 * const pi = softmaxPolicy([[0, Math.log(3)], [0, 0]]);
 * if (Math.abs(pi[0]![1]! - 0.75) > 1e-15 || pi[1]!.join() !== "0.5,0.5") throw new Error();
 * ```
 */
export function softmaxPolicy(theta: Logits): number[][] {
  if (!Array.isArray(theta) || theta.length === 0) {
    throw new SoftmaxInputError("θ must have at least one row (state)");
  }
  return theta.map((row, s) => {
    if (!Array.isArray(row) || row.length === 0) {
      throw new SoftmaxInputError(`θ[${s}] must have at least one logit (action)`);
    }
    row.forEach((x, a) => {
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new SoftmaxInputError(`logit θ[${s}][${a}] = ${x} is not finite`);
      }
    });
    return shiftedSoftmax(row);
  });
}

/**
 * The softmax score ∇_θ log π_θ(a | s) from the policy π = π_θ: a table shaped like π whose
 * entry [s'][b] is 1[s' = s] (1[b = a] − π(b | s)). Only row s is non-zero, because
 * log π_θ(a | s) = θ[s][a] − log Σ_b exp θ[s][b] involves no other row.
 *
 * @param pi the softmax policy π_θ (a table of probabilities)
 * @param s the state
 * @param a the action
 * @returns the gradient table
 * @throws SoftmaxInputError if s or a is out of range
 * @example
 * ```ts
 * import { softmaxScoreFromPolicy } from "./mod.ts";
 * const g = softmaxScoreFromPolicy([[0.25, 0.75], [0.5, 0.5]], 0, 1);
 * if (g[0]!.join() !== "-0.25,0.25" || g[1]!.join() !== "0,0") throw new Error();
 * ```
 */
export function softmaxScoreFromPolicy(
  pi: readonly (readonly number[])[],
  s: number,
  a: number,
): number[][] {
  checkIndex(s, pi.length, "state");
  checkIndex(a, pi[s]!.length, "action");
  const p = pi[s]!;
  return pi.map((row, u) => row.map((_, b) => (u === s ? (b === a ? 1 : 0) - p[b]! : 0)));
}

/**
 * The softmax score ∇_θ log π_θ(a | s) as a table shaped like θ: entry [s'][b] is
 * 1[s' = s] (1[b = a] − π_θ(b | s)) (see {@link softmaxScoreFromPolicy}).
 *
 * @param theta logits, one row per state
 * @param s the state
 * @param a the action
 * @returns the gradient table
 * @throws SoftmaxInputError on bad logits or an index out of range
 * @example
 * ```ts
 * import { softmaxScore } from "./mod.ts";
 * const g = softmaxScore([[0, 0], [1, 2]], 0, 1);
 * if (g[0]!.join() !== "-0.5,0.5" || g[1]!.join() !== "0,0") throw new Error();
 * ```
 */
export function softmaxScore(theta: Logits, s: number, a: number): number[][] {
  return softmaxScoreFromPolicy(softmaxPolicy(theta), s, a);
}

function checkIndex(i: number, n: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) {
    throw new SoftmaxInputError(`${what} ${i} is not in [0, ${n})`);
  }
}
