/**
 * Independent restarts of a training run: a stochastic learner that gets stuck on a plateau
 * (a loop, a route that is safe but long, or a group whose rewards are all equal so its
 * gradient is zero) is started again with fresh parameters and a fresh seed, up to a stated
 * number of attempts. If one attempt fails with probability p, independently, all k fail
 * with probability p^k; the checks state k and the measured p.
 *
 * @module
 */
import { seedFor } from "../testing/mod.ts";

/** What every attempt reports, so attempts can be added up. */
export interface AttemptResult {
  /** Episodes the attempt sampled. */
  episodes: number;
  /** Its wall time, ms. */
  ms: number;
}

/** The attempts made, the last one first among equals. */
export interface Attempts<R> {
  /** Every attempt's result, in order; the last reached the target or was the final try. */
  results: R[];
  /** The last attempt's result. */
  last: R;
  /** Episodes before the last attempt (add to its episode counts). */
  episodesBefore: number;
  /** Wall time before the last attempt, ms. */
  msBefore: number;
}

/**
 * Runs `attempt` until `reached` holds or `attempts` tries are used. The first try uses
 * `seed`; try k > 1 uses a seed derived from `seed` and `label`.
 *
 * @param seed the run's seed
 * @param attempts the most tries (≥ 1)
 * @param label names the derived seeds
 * @param attempt one try from a seed (fresh parameters inside)
 * @param reached whether a try met its target
 * @param onRestart called before each retry with its number
 * @returns all results and the offsets of the last one
 * @throws RangeError if attempts is not a positive integer
 * @example
 * ```ts
 * import { runAttempts } from "./restarts.ts";
 * // a learner that succeeds on its second try
 * let calls = 0;
 * const r = await runAttempts(7, 3, "demo", async () => ({ episodes: 10, ms: 1, ok: ++calls === 2 }), (x) => x.ok);
 * if (r.results.length !== 2 || r.episodesBefore !== 10 || !r.last.ok) throw new Error();
 * ```
 */
export async function runAttempts<R extends AttemptResult>(
  seed: number,
  attempts: number,
  label: string,
  attempt: (seed: number) => Promise<R>,
  reached: (r: R) => boolean,
  onRestart?: (k: number) => void,
): Promise<Attempts<R>> {
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
  }
  const results: R[] = [];
  for (let k = 1; k <= attempts; k++) {
    if (k > 1) onRestart?.(k);
    const r = await attempt(k === 1 ? seed : seedFor(`${label} attempt ${k}`, seed));
    results.push(r);
    if (reached(r)) break;
  }
  const before = results.slice(0, -1);
  return {
    results,
    last: results[results.length - 1]!,
    episodesBefore: before.reduce((a, r) => a + r.episodes, 0),
    msBefore: before.reduce((a, r) => a + r.ms, 0),
  };
}
