/**
 * The hyperparameters of Problem 18's deep policy gradient, in one typed, commented object
 * (CleanRL-style), and the deliberate mistakes its negative controls train with.
 *
 * @module
 */

/**
 * The default hyperparameters: the ones the claims and `deno task train pg` use. Every
 * field can be overridden (`options.config` of `train`, or a partial config of `trainSeeds`).
 */
export const defaultConfig = {
  /** Hidden units of both MLPs (one tanh layer; the input is one-hot over the 48 states). */
  hidden: 32,
  /** Adam learning rate of the policy θ. */
  policyLr: 0.02,
  /** Adam learning rate of the baseline φ. */
  valueLr: 0.05,
  /** Episodes sampled per update; g_θ and g_φ average over them. */
  episodesPerUpdate: 128,
  /**
   * Episode budget of one attempt: no update starts once this many episodes have been sampled
   * (updates sample `episodesPerUpdate` at a time, so a run that misses the target ends at
   * the first multiple of it at or above the budget).
   */
  budget: 12_000,
  /**
   * Independent attempts (fresh networks, derived seed) while the previous one ran out of
   * budget. A user option of `train` only: the claims measure single attempts.
   */
  attempts: 1,
  /** Truncation length of an episode; the cut is bootstrapped with V_φ (see `truncation`). */
  maxSteps: 100,
  /** Output-layer weight scale of the policy at initialisation (small: a near-uniform start). */
  outputScale: 0.01,
  /**
   * The target: the exact V^{π_θ}(start) ≥ 88 − targetGap (88 = V*(start)). With gap 5 this
   * means P(fall) ≤ 5/188 and an expected length ≤ 18 moves (README, Lemma 2).
   */
  targetGap: 5,
  /**
   * p0 of the sampled trajectories: "start" is the handout's start state (bottom left);
   * "live" draws s_0 uniformly from the 37 non-terminal states.
   */
  start: "start" as "start" | "live",
  /**
   * What the return-to-go of a truncated episode includes: "bootstrap" adds V_φ(s_T) at the
   * cut (partial-episode bootstrapping); "terminal" treats the cut as an end (biased).
   */
  truncation: "bootstrap" as "bootstrap" | "terminal",
  /** Use the baseline V_φ (the handout's algorithm); false gives plain REINFORCE. */
  baseline: true,
  /**
   * Entropy bonus β_0 at the first update: the policy loss subtracts β Σ_t H(π_θ(· | s_t)),
   * with β decaying linearly from β_0 to 0 at `entropyEpisodes` (0: no bonus).
   */
  entropy: 5,
  /** Episodes over which the entropy bonus decays to 0. */
  entropyEpisodes: 6_000,
  /**
   * γ of the returns-to-go Q̂_t = r_t + γ Q̂_{t+1} (1: the handout's undiscounted sums). Below
   * 1 a fall is worse than wandering, so the near-uniform start is not pulled into the cliff
   * (README, "Deviations"); the target stays the undiscounted V^{π_θ}(start).
   */
  discount: 0.97,
};

/** The hyperparameters, as the type of {@link defaultConfig}. */
export type PgConfig = typeof defaultConfig;

/**
 * Mistakes people make when implementing the pseudo-code, for the negative controls:
 * - `"shifted-returns"`: Q̂_t = r_{t+1} + … + r_{T−1}, the reward of the step itself dropped.
 * - `"leaky-baseline"`: the baseline fitted on the batch before it is used (here: the
 *   batch's own mean target at each state, the fit a tabular V_φ would reach).
 * - `"value-target-gradient"`: no stop-gradient on the bootstrapped target: the value loss
 *   also differentiates V_φ(s_T) inside ⟦Q̂_t⟧.
 * - `"reversed-sign"`: the advantage with the wrong sign (ascent on −J).
 */
export type PgMistake =
  | "none"
  | "shifted-returns"
  | "leaky-baseline"
  | "value-target-gradient"
  | "reversed-sign";

/**
 * The entropy bonus β of an update: β_0 (`entropy`) falling linearly with the episodes
 * sampled before the update, to 0 at `entropyEpisodes` and after.
 *
 * @param config the hyperparameters (`entropy`, `entropyEpisodes`)
 * @param episodesBefore episodes sampled before this update
 * @returns β ≥ 0
 * @example
 * ```ts
 * import { defaultConfig, entropyBonus } from "./config.ts";
 * if (entropyBonus(defaultConfig, 0) !== 5 || entropyBonus(defaultConfig, 3000) !== 2.5) throw new Error();
 * if (entropyBonus(defaultConfig, 6000) !== 0 || entropyBonus(defaultConfig, 9000) !== 0) throw new Error();
 * ```
 */
export function entropyBonus(
  config: Pick<PgConfig, "entropy" | "entropyEpisodes">,
  episodesBefore: number,
): number {
  return config.entropy * Math.max(0, 1 - episodesBefore / config.entropyEpisodes);
}

/**
 * Merges a partial configuration into the defaults and validates every field.
 *
 * @param partial fields to override
 * @returns the full configuration
 * @throws RangeError naming the first bad field and its value
 * @example
 * ```ts
 * import { resolveConfig } from "./config.ts";
 * if (resolveConfig({ hidden: 8 }).hidden !== 8) throw new Error();
 * let threw = false;
 * try { resolveConfig({ policyLr: 0 }); } catch { threw = true; }
 * if (!threw) throw new Error();
 * ```
 */
export function resolveConfig(partial: Partial<PgConfig> = {}): PgConfig {
  for (const key of Object.keys(partial)) {
    if (!(key in defaultConfig)) {
      throw new RangeError(
        `PgConfig has no field "${key}" (fields: ${Object.keys(defaultConfig).join(", ")})`,
      );
    }
  }
  const c: PgConfig = { ...defaultConfig, ...partial };
  for (const k of ["hidden", "episodesPerUpdate", "maxSteps", "attempts"] as const) {
    if (!Number.isSafeInteger(c[k]) || c[k] < 1) {
      throw new RangeError(`PgConfig.${k} must be a positive integer, got ${c[k]}`);
    }
  }
  if (!Number.isSafeInteger(c.budget) || c.budget < 0) {
    throw new RangeError(`PgConfig.budget must be a non-negative integer, got ${c.budget}`);
  }
  for (const k of ["policyLr", "valueLr"] as const) {
    if (!(c[k] > 0 && c[k] < Infinity)) {
      throw new RangeError(`PgConfig.${k} must be > 0, got ${c[k]}`);
    }
  }
  if (!(c.outputScale >= 0 && c.outputScale < Infinity)) {
    throw new RangeError(`PgConfig.outputScale must be ≥ 0, got ${c.outputScale}`);
  }
  if (!(c.targetGap >= 0 && c.targetGap < Infinity)) {
    throw new RangeError(`PgConfig.targetGap must be ≥ 0, got ${c.targetGap}`);
  }
  if (!(c.entropy >= 0 && c.entropy < Infinity)) {
    throw new RangeError(`PgConfig.entropy must be ≥ 0, got ${c.entropy}`);
  }
  if (!(c.entropyEpisodes > 0 && c.entropyEpisodes < Infinity)) {
    throw new RangeError(`PgConfig.entropyEpisodes must be > 0, got ${c.entropyEpisodes}`);
  }
  if (!(c.discount > 0 && c.discount <= 1)) {
    throw new RangeError(`PgConfig.discount must be in (0, 1], got ${c.discount}`);
  }
  if (c.start !== "start" && c.start !== "live") {
    throw new RangeError(`PgConfig.start must be "start" or "live", got ${String(c.start)}`);
  }
  if (c.truncation !== "bootstrap" && c.truncation !== "terminal") {
    throw new RangeError(
      `PgConfig.truncation must be "bootstrap" or "terminal", got ${String(c.truncation)}`,
    );
  }
  if (typeof c.baseline !== "boolean") {
    throw new RangeError(`PgConfig.baseline must be a boolean, got ${String(c.baseline)}`);
  }
  return c;
}
