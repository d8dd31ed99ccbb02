/**
 * Monte Carlo statistics for the suite: sample summaries, confidence bands for a mean at
 * a stated false-alarm probability (at most 1e-6 per check: Hoeffding or empirical
 * Bernstein for bounded samples, median of means with a σ bound for unbounded ones),
 * and pass/fail helpers that turn "the estimate equals the exact value" into a
 * ClaimViolation with the band, N and the seed in the message.
 *
 * @example
 * ```ts
 * import { assertMeanEquals } from "./mod.ts";
 * import { Rng } from "../random/mod.ts";
 * const rng = new Rng(42);
 * const xs = Array.from({ length: 20000 }, () => rng.uniform()); // mean 1/2
 * const ok = assertMeanEquals(xs, 0.5, { method: { kind: "empirical-bernstein", lo: 0, hi: 1 }, seed: 42, label: "U(0,1)" });
 * if (!(ok.halfWidth < 0.03)) throw new Error(ok.report);
 * ```
 *
 * @module
 */
export * from "./summary.ts";
export * from "./bands.ts";
export * from "./agreement.ts";
export * from "./reliability.ts";
