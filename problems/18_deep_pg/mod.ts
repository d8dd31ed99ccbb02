/**
 * Problem 18: deep policy gradient without k-step TD on the undiscounted Cliff Walk. A
 * policy network π_θ and a baseline network V_φ; Monte Carlo returns-to-go
 * Q̂_t = r_t + … + r_{T−1} (+ V_φ(s_T) at a time-limit cut);
 *   g_θ = −Σ_t ∇_θ log π_θ(a_t | s_t) (Q̂_t − V_φ(s_t)),
 *   g_φ = Σ_t ∇_φ ½ (⟦Q̂_t⟧ − V_φ(s_t))²  (⟦·⟧: stop-gradient; the target is data),
 * both applied by Adam, averaged over a batch of episodes per update.
 *
 * The pieces: `config.ts` (hyperparameters, the controls' mistakes), `returns.ts`
 * (returns-to-go and batch statistics), `losses.ts` (the tfjs losses), `train_seeds.ts` (K
 * seeds as one batched program, exact V^{π_θ}(start) after every update), `expected.ts` (the
 * exact expectations the claims compare with), `sweep.ts` (the reliability sweep).
 *
 * @module
 */
import {
  argmaxActions,
  runAttempts,
  type TrainOptions,
  type TrainReport,
} from "../../shared/cliff/mod.ts";
import { type PgConfig, resolveConfig } from "./config.ts";
import { OPTIMAL_VALUE, type SeedRun, trainSeeds } from "./train_seeds.ts";

export * from "./config.ts";
export * from "./returns.ts";
export * from "./losses.ts";
export * from "./train_seeds.ts";
export * from "./expected.ts";
export * from "./sampler.ts";
export * from "./target.ts";

/** One attempt as {@link combineAttempts} reads it (a {@link SeedRun} is one). */
export type AttemptRun = Pick<SeedRun, "episodes" | "curve" | "episodesToTarget" | "msToTarget">;

/** The attempts of one training job seen as one run: what {@link train} reports. */
export interface CombinedAttempts {
  /** Episodes of all attempts. */
  episodes: number;
  /** Every attempt's curve, each point at the episodes sampled before it in the whole job. */
  curve: { episode: number; value: number }[];
  /** Episodes of the whole job before the update at which the last attempt met the target. */
  episodesToTarget: number | null;
  /** Wall time of the whole job until then, ms. */
  msToTarget: number | null;
}

/**
 * Joins attempts into one run: an attempt starts where the one before it stopped, so its
 * episode counts are shifted by the episodes of all earlier attempts. Point i of an
 * attempt's curve comes after i updates of B episodes (the last point, at the end of the
 * budget, after all of them); only the last attempt can have met the target.
 *
 * @param attempts the attempts in order (at least one)
 * @param episodesPerUpdate B
 * @param msBefore the wall time of all attempts but the last, ms
 * @returns episodes, curve, episodes and time to target of the whole job
 * @throws RangeError for no attempts
 * @example
 * ```ts
 * import { combineAttempts } from "./mod.ts";
 * const failed = { episodes: 20, curve: [-50, -40, -30], episodesToTarget: null, msToTarget: null };
 * const ok = { episodes: 10, curve: [-60, 85], episodesToTarget: 10, msToTarget: 4 };
 * const c = combineAttempts([failed, ok], 10, 7);
 * if (c.episodes !== 30 || c.episodesToTarget !== 30 || c.msToTarget !== 11) throw new Error();
 * if (c.curve.map((p) => p.episode).join() !== "0,10,20,20,30") throw new Error();
 * ```
 */
export function combineAttempts(
  attempts: readonly AttemptRun[],
  episodesPerUpdate: number,
  msBefore: number,
): CombinedAttempts {
  const last = attempts[attempts.length - 1];
  if (!last) throw new RangeError("combineAttempts: at least one attempt is needed");
  const B = episodesPerUpdate;
  let offset = 0;
  const curve = attempts.flatMap((x) => {
    // point i after min(i · B, episodes) of this attempt's own episodes
    const pts = x.curve.map((value, i) => ({
      episode: offset + Math.min(i * B, x.episodes),
      value,
    }));
    offset += x.episodes;
    return pts;
  });
  const episodesBefore = offset - last.episodes;
  return {
    episodes: offset,
    curve,
    episodesToTarget: last.episodesToTarget === null
      ? null
      : episodesBefore + last.episodesToTarget,
    msToTarget: last.msToTarget === null ? null : msBefore + last.msToTarget,
  };
}

/** Options of {@link train}: the common ones plus any hyperparameter. */
export interface PgTrainOptions extends TrainOptions {
  /** Hyperparameters overriding {@link defaultConfig} (`budget` also overrides it). */
  config?: Partial<PgConfig>;
}

/**
 * The training job of `deno task train pg`: one seed, `config.attempts` attempts (default
 * one; a later attempt starts fresh networks from a derived seed when the last one ran out
 * of budget).
 *
 * @param options seed, episode budget, progress callback, hyperparameters
 * @returns the report: the curve is the exact V^{π_θ}(start) per update; `extra.value` the
 *   final exact value, `extra.episodesToTarget` the episodes to the target (null: not reached)
 * @example
 * ```ts
 * import { train } from "./mod.ts";
 * const r = await train({ seed: 1, budget: 32, config: { episodesPerUpdate: 16 } });
 * if (r.algorithm !== "pg" || r.episodes !== 32 || typeof r.extra?.value !== "number") throw new Error();
 * ```
 */
export async function train(options: PgTrainOptions): Promise<TrainReport> {
  const config = resolveConfig({
    ...options.config,
    ...(options.budget === undefined ? {} : { budget: options.budget }),
  });
  const t0 = performance.now();
  const run = await runAttempts(
    options.seed,
    config.attempts,
    "pg",
    async (seed) => {
      const t = performance.now();
      const [r] = await trainSeeds([seed], config, { curve: true, onProgress: options.onProgress });
      return { ...r!, ms: performance.now() - t };
    },
    (r) => r.reached,
    (k) =>
      options.onProgress?.(`pg: attempt ${k} with fresh networks (the last ran out of budget)`),
  );
  const r: SeedRun = run.last;
  const { episodes, curve, episodesToTarget: toTarget, msToTarget } = combineAttempts(
    run.results,
    config.episodesPerUpdate,
    run.msBefore,
  );
  const o = r.final;
  return {
    algorithm: "pg",
    episodes,
    ms: performance.now() - t0,
    curve,
    curveLabel: "exact V^π(start) of the learned stochastic policy",
    greedyActions: argmaxActions(r.policy),
    reachedTarget: r.reached,
    episodesToTarget: toTarget,
    msToTarget,
    value: o.value,
    valueLabel: "exact V^π(start) of the learned stochastic policy",
    policy: r.policy,
    config: { ...config },
    summary:
      `learned stochastic policy: V(start) = ${o.value.toFixed(2)} (V* = ${OPTIMAL_VALUE}, ` +
      `target ≥ ${OPTIMAL_VALUE - config.targetGap}), P(goal) = ${o.success.toFixed(4)}, ` +
      `P(fall) = ${o.fall.toFixed(4)}, expected length ${o.expectedLength.toFixed(2)} moves; ` +
      (toTarget === null ? "target not reached" : `target after ${toTarget} episodes`) +
      (run.results.length > 1 ? ` (attempt ${run.results.length})` : ""),
    extra: {
      value: o.value,
      episodesToTarget: toTarget,
      msToTarget,
      success: o.success,
      fall: o.fall,
      expectedLength: o.expectedLength,
      truncatedFraction: r.truncatedFraction,
      attempts: run.results.length,
      policy: r.policy,
    },
  };
}
