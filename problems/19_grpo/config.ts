/**
 * Problem 19's hyperparameters: one typed, commented object (`defaultConfig`) and the ranges
 * of its fields (`configSpec`), from which `deno task train grpo` derives its flags.
 *
 * @module
 */
import { type ConfigSpec, resolveConfig } from "../../shared/cliff/mod.ts";

/** The two estimators. */
export type GrpoVariant = "grpo" | "dr-grpo";

/** Hyperparameters of one GRPO / Dr. GRPO run (CleanRL-style: all in one place). */
export interface GrpoConfig {
  /** "grpo" (std-normalised advantages, 1/|o_i|) or "dr-grpo" (mean-only, no 1/|o_i|). */
  variant: GrpoVariant;
  /** Trajectories per group G (all from the start). */
  groupSize: number;
  /** Adam steps on each group against the policy that sampled it. */
  epochs: number;
  /** PPO clip ε. */
  clip: number;
  /** Apply the clip (false: the plain ratio objective). */
  useClip: boolean;
  /** Multiply the advantages by this (+1; −1 is the reversed-sign negative control). */
  advantageSign: number;
  /** Adam learning rate. */
  lr: number;
  /** Hidden units of the policy MLP. */
  hidden: number;
  /** Output-layer scale at initialisation (small: a near-uniform start). */
  outputScale: number;
  /** Truncation length of an episode. */
  maxSteps: number;
  /**
   * The outcome score of a truncated episode (its return is 0: it reached neither terminal).
   * −100 scores it as the failure it is; 0 scores it by its return.
   */
  truncatedScore: number;
  /**
   * Deviation from plain GRPO (DAPO's dynamic sampling): a group whose scores are all equal
   * carries no signal (every advantage is 0), so it is discarded and a fresh group sampled,
   * its episodes counted in the budget, up to `maxResamples` times per update.
   */
  resampleEqualGroups: boolean;
  /** The most groups discarded in a row before an update is taken anyway. */
  maxResamples: number;
  /** Episode budget of the run (every sampled episode counts, discarded groups too). */
  budget: number;
  /** The target: the exact success probability of the sampled policy. */
  targetSuccess: number;
  /** Stop once the target is reached (false: spend the whole budget, for equal-budget comparisons). */
  stopAtTarget: boolean;
}

/** The configuration of the checks and of `deno task train grpo`. */
export const defaultConfig: Readonly<GrpoConfig> = {
  variant: "grpo",
  groupSize: 64,
  epochs: 4,
  clip: 0.2,
  useClip: true,
  advantageSign: 1,
  lr: 0.005,
  hidden: 64,
  outputScale: 0.01,
  maxSteps: 100,
  truncatedScore: -100,
  resampleEqualGroups: true,
  maxResamples: 8,
  budget: 8_000,
  targetSuccess: 0.95,
  stopAtTarget: true,
};

/** The allowed values of every field (flags of `deno task train` are checked against them). */
export const configSpec: ConfigSpec<GrpoConfig> = {
  variant: { oneOf: ["grpo", "dr-grpo"], doc: "the estimator" },
  groupSize: { integer: true, min: 2, max: 4096, doc: "trajectories per group" },
  epochs: { integer: true, min: 1, max: 100, doc: "Adam steps per group" },
  clip: { min: 0, max: 1, minExclusive: true, maxExclusive: true, doc: "PPO clip ε" },
  useClip: { doc: "apply the clip" },
  advantageSign: { oneOf: [1, -1], doc: "−1 reverses the advantages (a negative control)" },
  lr: { min: 0, max: 1, minExclusive: true, doc: "Adam learning rate" },
  hidden: { integer: true, min: 1, max: 1024, doc: "hidden units of the policy MLP" },
  outputScale: { min: 0, max: 10, doc: "output-layer scale at initialisation" },
  maxSteps: { integer: true, min: 1, max: 10_000, doc: "truncation length of an episode" },
  truncatedScore: { min: -100, max: 100, doc: "outcome score of a truncated episode" },
  resampleEqualGroups: { doc: "discard and resample groups whose scores are all equal" },
  maxResamples: { integer: true, min: 0, max: 1000, doc: "most discarded groups per update" },
  budget: { integer: true, min: 0, max: 10_000_000, doc: "episode budget" },
  targetSuccess: { min: 0, max: 1, doc: "target exact success probability" },
  stopAtTarget: { doc: "stop once the target is reached" },
};

/**
 * The default configuration with overrides, validated field by field.
 *
 * @param overrides fields to change
 * @returns the configuration
 * @throws RangeError naming the first bad field, its value and what is allowed
 * @example
 * ```ts
 * import { grpoConfig } from "./config.ts";
 * if (grpoConfig({ variant: "dr-grpo" }).variant !== "dr-grpo") throw new Error();
 * let message = "";
 * try { grpoConfig({ clip: 1.5 }); } catch (e) { message = (e as Error).message; }
 * if (message !== "GrpoConfig.clip must be a number in (0, 1), got 1.5") throw new Error(message);
 * ```
 */
export function grpoConfig(overrides: Partial<GrpoConfig> = {}): GrpoConfig {
  return resolveConfig("GrpoConfig", defaultConfig, configSpec, overrides);
}
