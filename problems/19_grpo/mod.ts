/**
 * Problem 19: GRPO on the Cliff Walk with terminal rewards only (+100 at the goal, −100 in the
 * cliff, 0 for every other move), and Dr. GRPO beside it. No value network, no KL term.
 *
 * Per update: a group of G trajectories from the start under π_old (the current policy);
 * outcome scores R_i; advantages broadcast to every action of trajectory i:
 *   GRPO:     Â_i = (R_i − mean R) / std R   (0 when the group's scores are all equal),
 *   Dr. GRPO: Â_i = R_i − mean R;
 * then E Adam steps on the PPO-clipped ratio objective against π_old,
 *   GRPO:     J = (1/G) Σ_i (1/|o_i|) Σ_t min(ρ_{i,t} Â_i, clip(ρ_{i,t}, 1 − ε, 1 + ε) Â_i),
 *   Dr. GRPO: J = (1/G) Σ_i Σ_t min(ρ_{i,t} Â_i, clip(ρ_{i,t}, 1 − ε, 1 + ε) Â_i).
 *
 * The pieces: `config.ts` (hyperparameters), `objective.ts` (advantages, weights, the float64
 * oracle), `loss.ts` (the tfjs loss), `exact.ts` (exact outcome of a policy), `trainer.ts` (many seeds as one
 * batched program), `length_bias.ts` (the equal-budget length table).
 *
 * @module
 */
import { cliffWalk, type TrainOptions, type TrainReport } from "../../shared/cliff/mod.ts";
import { type GrpoConfig, grpoConfig, type GrpoVariant } from "./config.ts";
import { trainGrpoSeeds } from "./trainer.ts";

export * from "./config.ts";
export * from "./objective.ts";
export * from "./loss.ts";
export * from "./exact.ts";
export * from "./trainer.ts";

/**
 * The training job of `deno task train grpo` and `deno task train dr-grpo`: one seed, one
 * attempt, the configuration's defaults with the variant and any overrides applied.
 *
 * @param variant which estimator
 * @returns a `train(options)` function
 * @example
 * ```ts
 * import { trainJob } from "./mod.ts";
 * const r = await trainJob("dr-grpo")({ seed: 2, budget: 64 });
 * if (r.algorithm !== "dr-grpo" || r.episodes !== 64 || r.reachedTarget) throw new Error();
 * ```
 */
export function trainJob(
  variant: GrpoVariant,
): (options: TrainOptions<GrpoConfig>) => Promise<TrainReport> {
  return async (options) => {
    const config = grpoConfig({
      ...options.config,
      variant,
      ...(options.budget === undefined ? {} : { budget: options.budget }),
    });
    const [r] = await trainGrpoSeeds([options.seed], config, options.onProgress);
    const run = r!;
    const walk = cliffWalk({ variant: "terminal-only", maxSteps: config.maxSteps });
    return {
      algorithm: variant,
      episodes: run.episodes,
      ms: run.ms,
      curve: run.curve.map((p) => ({ episode: p.episode, value: p.success })),
      curveLabel: "exact success probability of the sampled policy",
      greedyActions: run.policy.map((row) => row.indexOf(Math.max(...row))),
      reachedTarget: run.episodesToTarget !== null,
      episodesToTarget: run.episodesToTarget,
      msToTarget: run.msToTarget,
      value: run.outcome.success,
      valueLabel: `exact success probability within ${walk.maxSteps} moves`,
      policy: run.policy,
      outcome: {
        success: run.outcome.success,
        fall: run.outcome.fall,
        truncated: run.outcome.truncated,
        expectedLength: run.outcome.expectedLength,
      },
      config: { ...config },
      summary: `${variant}: success probability ${run.outcome.success.toFixed(3)} after ` +
        `${run.episodes} episodes` +
        (run.episodesToTarget !== null
          ? ` (target ${config.targetSuccess} reached after ${run.episodesToTarget} episodes)`
          : ` (target ${config.targetSuccess} not reached)`) +
        `; ${run.discardedGroups} groups of equal scores resampled`,
      extra: {
        groupSuccess: run.curve.map((p) => ({ episode: p.episode, value: p.groupSuccess })),
        successLength: run.outcome.successLength,
        failureLength: run.outcome.failureLength,
      },
    };
  };
}
