/**
 * A learner's reliability claim over independent seeds: one attempt per seed, no restarts,
 * and the claim holds when the one-sided Clopper–Pearson lower bound on the single-attempt
 * success probability reaches the guaranteed rate, i.e. when at least `needed` of the n seeds
 * succeed. A negative control runs the same seeds with the same budget under the same rule;
 * it may stop as soon as so many seeds have failed that `needed` is out of reach, since the
 * seeds it skips cannot change its verdict.
 *
 * @module
 */
import { clopperPearsonLower, successesNeeded } from "../stats/reliability.ts";

/** One seed's attempt. */
export interface SeedAttempt<T> {
  /** The seed. */
  seed: number;
  /** What the attempt returned. */
  result: T;
  /** Whether it succeeded. */
  succeeded: boolean;
}

/** The verdict of {@link seedReliability}. */
export interface SeedReliabilityVerdict<T> {
  /** The attempts made, in seed order (fewer than the seeds if the run stopped early). */
  attempts: SeedAttempt<T>[];
  /** The number of seeds n the claim is stated over. */
  runs: number;
  /** Successes among the attempts made. */
  successes: number;
  /** The fewest successes of n whose lower bound reaches the rate. */
  needed: number;
  /** The Clopper–Pearson lower bound at α of the successes over n (seeds not run count as failures). */
  lowerBound: number;
  /** Whether the claim holds: successes ≥ needed. */
  holds: boolean;
  /** Whether the attempts stopped before the last seed because the verdict was settled. */
  stoppedEarly: boolean;
}

/** Options of {@link seedReliability}. */
export interface SeedReliabilityOptions<T> {
  /** The seeds, one attempt each. */
  seeds: readonly number[];
  /** One attempt. */
  attempt: (seed: number) => T;
  /** Whether an attempt succeeded. */
  succeeded: (result: T) => boolean;
  /** The single-attempt success probability the claim guarantees, in [0, 1). */
  rate: number;
  /** The level α of the lower bound, in (0, 1). */
  alpha: number;
  /** Stop once `needed` is out of reach (a control, whose verdict is then settled). */
  stopWhenRefuted?: boolean;
}

/**
 * Runs one attempt per seed and decides the reliability claim "a single attempt succeeds with
 * probability ≥ rate" at level α: it holds when the successes reach the least count whose
 * Clopper–Pearson lower bound is at least the rate.
 *
 * @param options seeds, attempt, success test, rate, level, early stop
 * @returns the attempts, counts, bound and verdict
 * @throws RangeError when no count of the n seeds can reach the rate at α
 * @example
 * ```ts
 * import { seedReliability } from "./seed_reliability.ts";
 * const seeds = Array.from({ length: 20 }, (_, i) => i);
 * // 20 seeds at 1e-6: a rate of 0.19 needs 14 successes
 * const fine = seedReliability({
 *   seeds, attempt: (s) => s, succeeded: (s) => s >= 6, rate: 0.19, alpha: 1e-6,
 * });
 * if (!(fine.holds && fine.needed === 14 && fine.successes === 14)) throw new Error();
 * const control = seedReliability({
 *   seeds, attempt: (s) => s, succeeded: () => false, rate: 0.19, alpha: 1e-6,
 *   stopWhenRefuted: true,
 * });
 * if (control.holds || control.attempts.length !== 7 || !control.stoppedEarly) throw new Error();
 * ```
 */
export function seedReliability<T>(options: SeedReliabilityOptions<T>): SeedReliabilityVerdict<T> {
  const { seeds, rate, alpha } = options;
  const runs = seeds.length;
  const needed = successesNeeded(rate, runs, alpha);
  if (needed === null) {
    throw new RangeError(
      `no count of ${runs} seeds reaches the rate ${rate} at α = ${alpha}: more seeds are needed`,
    );
  }
  const attempts: SeedAttempt<T>[] = [];
  let successes = 0;
  for (const seed of seeds) {
    const result = options.attempt(seed);
    const succeeded = options.succeeded(result);
    attempts.push({ seed, result, succeeded });
    if (succeeded) successes++;
    const failures = attempts.length - successes;
    // the seeds left can add at most runs − attempts successes
    if (options.stopWhenRefuted && runs - failures < needed) break;
  }
  return {
    attempts,
    runs,
    successes,
    needed,
    lowerBound: clopperPearsonLower(successes, runs, alpha),
    holds: successes >= needed,
    stoppedEarly: attempts.length < runs,
  };
}
