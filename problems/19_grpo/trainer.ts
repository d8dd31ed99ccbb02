/**
 * GRPO and Dr. GRPO on the terminal-only Cliff Walk, K seeds at once. Per update and per
 * seed: read π_old on all states (one batched forward pass for all seeds), compute its exact
 * success probability, sample a group of G episodes from the start in plain TypeScript,
 * score them, and take E Adam steps on the clipped loss of all seeds together (one batched
 * gradient per step). Every seed is one attempt: no restarts.
 *
 * @module
 */
import { type CliffWalk, cliffWalk } from "../../shared/cliff/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { seedFor } from "../../shared/testing/mod.ts";
import { tf } from "../../shared/tf/mod.ts";
import type { GrpoConfig } from "./config.ts";
import { type ExactOutcome, exactOutcome } from "./exact.ts";
import { EpisodeSampler, type SampledEpisode } from "./group_sampler.ts";
import { clippedLoss } from "./loss.ts";
import { clipWeights, groupAdvantages } from "./objective.ts";
import {
  createStackedMlp,
  disposeStackedMlp,
  stackedLogits,
  type StackedMlp,
} from "./stacked_mlp.ts";

/** One point of a learning curve (one update). */
export interface GrpoCurvePoint {
  /** Episodes sampled before this update. */
  episode: number;
  /** Exact probability that an episode of π_old ends in the goal. */
  success: number;
  /** Fraction of the group's episodes that ended in the goal (NaN before the first group). */
  groupSuccess: number;
}

/** What one seed's run found. */
export interface SeedRun {
  /** The seed. */
  seed: number;
  /** Episodes sampled (discarded groups included). */
  episodes: number;
  /** Episodes sampled when the exact success probability first reached the target, or null. */
  episodesToTarget: number | null;
  /** Wall time of the program at that point, ms, or null. */
  msToTarget: number | null;
  /** Wall time of the program when this seed stopped, ms. */
  ms: number;
  /** Exact outcome of the final policy. */
  outcome: ExactOutcome;
  /** The final policy table π(· | s). */
  policy: number[][];
  /** Groups discarded because their scores were all equal. */
  discardedGroups: number;
  /** Updates whose group carried no signal (all advantages 0) and were taken anyway. */
  emptyUpdates: number;
  /** The learning curve. */
  curve: GrpoCurvePoint[];
}

/** Per-seed state while the program runs. */
interface SeedState {
  seed: number;
  config: Readonly<GrpoConfig>;
  rng: Rng;
  active: boolean;
  episodes: number;
  episodesToTarget: number | null;
  msToTarget: number | null;
  ms: number;
  outcome: ExactOutcome | null;
  policy: number[][];
  discardedGroups: number;
  emptyUpdates: number;
  curve: GrpoCurvePoint[];
  lastGroupSuccess: number;
}

/** One run of a batched program: a seed and its configuration. */
export interface GrpoRun {
  /** Initialisation and sampling derive from it. */
  seed: number;
  /** The hyperparameters (validated by the caller: see `grpoConfig`). */
  config: Readonly<GrpoConfig>;
}

/** The fields every run of one batched program must share (they shape the tfjs program). */
export const SHARED_FIELDS = [
  "hidden",
  "outputScale",
  "lr",
  "epochs",
  "clip",
  "useClip",
  "maxSteps",
] as const;

/**
 * Trains one GRPO (or Dr. GRPO) run per seed with one configuration, as one batched tfjs
 * program (see {@link trainGrpoRuns}).
 *
 * @param seeds one seed per run
 * @param config the hyperparameters (validated by the caller: see `grpoConfig`)
 * @param onProgress called with a progress line every 25 updates
 * @returns one result per seed, in order
 * @example
 * ```ts
 * import { grpoConfig } from "./config.ts";
 * import { trainGrpoSeeds } from "./trainer.ts";
 * // two seeds, two groups of 64 each
 * const runs = await trainGrpoSeeds([1, 2], grpoConfig({ budget: 128, resampleEqualGroups: false }));
 * if (runs.length !== 2 || runs[0]!.episodes !== 128 || runs[1]!.curve.length !== 3) throw new Error();
 * ```
 */
export function trainGrpoSeeds(
  seeds: readonly number[],
  config: Readonly<GrpoConfig>,
  onProgress?: (line: string) => void,
): Promise<SeedRun[]> {
  return trainGrpoRuns(seeds.map((seed) => ({ seed, config })), onProgress);
}

/**
 * Trains several GRPO / Dr. GRPO runs as one batched tfjs program: K stacked policy networks,
 * one forward pass for all, one gradient step for all. Runs may differ in everything that
 * happens in plain TypeScript (estimator, sign of the advantages, group size, scoring,
 * resampling, budget, target) but share the fields in {@link SHARED_FIELDS}. A run stops when
 * the exact success probability of its sampled policy reaches its target (if `stopAtTarget`)
 * or when another group would exceed its budget. All tensors are disposed before it returns.
 *
 * @param runs the runs
 * @param onProgress called with a progress line every 25 updates
 * @returns one result per run, in order
 * @throws RangeError if the runs disagree on a shared field
 * @example
 * ```ts
 * import { grpoConfig } from "./config.ts";
 * import { trainGrpoRuns } from "./trainer.ts";
 * const grpo = grpoConfig({ budget: 64 });
 * const dr = grpoConfig({ variant: "dr-grpo", budget: 128 });
 * const [a, b] = await trainGrpoRuns([{ seed: 1, config: grpo }, { seed: 1, config: dr }]);
 * if (a!.episodes > 64 || b!.episodes > 128 || b!.curve.length < 2) throw new Error();
 * ```
 */
export async function trainGrpoRuns(
  runs: readonly GrpoRun[],
  onProgress?: (line: string) => void,
): Promise<SeedRun[]> {
  const t0 = performance.now();
  if (runs.length === 0) return [];
  const config = runs[0]!.config;
  for (const run of runs) {
    for (const field of SHARED_FIELDS) {
      if (run.config[field] !== config[field]) {
        throw new RangeError(
          `runs of one batched program share ${field}: ${run.config[field]} ≠ ${config[field]}`,
        );
      }
    }
  }
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: config.maxSteps });
  const sampler = new EpisodeSampler(walk);
  const S = walk.nStates;
  const A = walk.nActions;
  const K = runs.length;
  const states: SeedState[] = runs.map(({ seed, config }) => ({
    seed,
    config,
    rng: new Rng(seedFor(`${config.variant} rollouts`, seed)),
    active: true,
    episodes: 0,
    episodesToTarget: null,
    msToTarget: null,
    ms: 0,
    outcome: null,
    policy: [],
    discardedGroups: 0,
    emptyUpdates: 0,
    curve: [],
    lastGroupSuccess: NaN,
  }));
  const net = initialPolicies(runs, S, A);
  const opt = tf.train.adam(config.lr);
  const clip = config.useClip ? config.clip : null;
  try {
    for (let update = 0;; update++) {
      // π_old of every seed on every state: one forward pass, read once
      const oldLogp = tf.tidy(() => tf.logSoftmax(stackedLogits(net))); // [K, S, A]
      const probs = tf.tidy(() => tf.exp(oldLogp));
      const flat = await probs.data();
      probs.dispose();
      const Wp = new Float32Array(K * S * A);
      const Wn = new Float32Array(K * S * A);
      for (let k = 0; k < K; k++) {
        const st = states[k]!;
        if (!st.active) continue;
        st.policy = tableOf(flat, k, S, A);
        st.outcome = exactOutcome(walk, st.policy, config.maxSteps);
        const target = st.config;
        st.curve.push({
          episode: st.episodes,
          success: st.outcome.success,
          groupSuccess: st.lastGroupSuccess,
        });
        st.ms = performance.now() - t0;
        if (st.episodesToTarget === null && st.outcome.success >= target.targetSuccess) {
          st.episodesToTarget = st.episodes;
          st.msToTarget = st.ms;
          if (target.stopAtTarget) st.active = false;
        }
        if (st.active && st.episodes + target.groupSize > target.budget) st.active = false;
        if (!st.active) continue;
        sampler.load(st.policy);
        const w = sampleGroupWeights(st, walk, sampler);
        packCopy(Wp, k, w.positive);
        packCopy(Wn, k, w.negative);
      }
      if (!states.some((st) => st.active)) {
        oldLogp.dispose();
        break;
      }
      const positive = tf.tensor3d(Wp, [K, S, A]);
      const negative = tf.tensor3d(Wn, [K, S, A]);
      for (let e = 0; e < config.epochs; e++) {
        // stopped seeds have zero weights: their gradient is 0 and their result is final
        opt.minimize(
          () => clippedLoss(stackedLogits(net), oldLogp, positive, negative, clip),
          false,
          net.variables,
        );
      }
      tf.dispose([oldLogp, positive, negative]);
      if (onProgress && update % 25 === 0) {
        const live = states.filter((st) => st.active);
        onProgress(
          `update ${update}: ${live.length} of ${K} runs training, ` +
            `success probability ${live.map((st) => st.outcome!.success.toFixed(3)).join(" ")}`,
        );
      }
    }
  } finally {
    disposeStackedMlp(net);
    opt.dispose();
  }
  return states.map((st) => ({
    seed: st.seed,
    episodes: st.episodes,
    episodesToTarget: st.episodesToTarget,
    msToTarget: st.msToTarget,
    ms: st.ms,
    outcome: st.outcome!,
    policy: st.policy,
    discardedGroups: st.discardedGroups,
    emptyUpdates: st.emptyUpdates,
    curve: st.curve,
  }));
}

/**
 * The initialiser seed of a run's policy network, derived from the run's seed (its own label,
 * so the network and the rollouts of a run draw from unrelated streams).
 *
 * @param seed the run's seed
 * @returns the seed `createMlp` / `createStackedMlp` initialise its network from
 * @example
 * ```ts
 * import { policySeed } from "./trainer.ts";
 * if (policySeed(1) === policySeed(2) || policySeed(1) !== policySeed(1)) throw new Error();
 * ```
 */
export function policySeed(seed: number): number {
  return seedFor("grpo θ", seed);
}

/**
 * The K policy networks a batched program starts from: copy k is run k's MLP (hidden width
 * and output scale of the runs' shared configuration), initialised from `policySeed` of its
 * seed. The caller disposes it.
 *
 * @param runs the runs (they share `hidden` and `outputScale`)
 * @param nStates |S|
 * @param nActions |A|
 * @returns the stacked networks, one copy per run, in order
 * @example
 * ```ts
 * import { grpoConfig } from "./config.ts";
 * import { initialPolicies } from "./trainer.ts";
 * import { disposeStackedMlp } from "./stacked_mlp.ts";
 * const net = initialPolicies([{ seed: 1, config: grpoConfig() }, { seed: 2, config: grpoConfig() }], 48, 4);
 * if (net.copies !== 2 || net.w2.shape.join() !== "2,64,4") throw new Error();
 * disposeStackedMlp(net);
 * ```
 */
export function initialPolicies(
  runs: readonly GrpoRun[],
  nStates: number,
  nActions: number,
): StackedMlp {
  const config = runs[0]!.config;
  return createStackedMlp(
    nStates,
    config.hidden,
    nActions,
    runs.map(({ seed }) => policySeed(seed)),
    config.outputScale,
  );
}

/**
 * Samples one run's group (resampling groups of equal scores if configured, within the
 * budget), scores and weighs it.
 */
function sampleGroupWeights(st: SeedState, walk: CliffWalk, sampler: EpisodeSampler) {
  const config = st.config;
  let group: SampledEpisode[] = [];
  let scores: number[] = [];
  for (let tries = 0;; tries++) {
    group = [];
    for (let i = 0; i < config.groupSize; i++) group.push(sampler.episode(st.rng, config.maxSteps));
    st.episodes += group.length;
    // outcome score: +100 goal, −100 cliff; a truncated episode (return 0) scores
    // `truncatedScore`
    scores = group.map((ep) =>
      ep.end === "goal"
        ? walk.rewards.goal
        : ep.end === "cliff"
        ? walk.rewards.cliff
        : config.truncatedScore
    );
    const informative = scores.some((r) => r !== scores[0]);
    if (informative || !config.resampleEqualGroups || tries >= config.maxResamples) break;
    if (st.episodes + config.groupSize > config.budget) break;
    st.discardedGroups++;
  }
  st.lastGroupSuccess = group.filter((ep) => ep.end === "goal").length / group.length;
  const advantages = groupAdvantages(scores, config.variant).map((a) => a * config.advantageSign);
  if (advantages.every((a) => a === 0)) st.emptyUpdates++;
  return clipWeights(group, advantages, config.variant, walk.nStates, walk.nActions);
}

/**
 * Writes copy k's [S][A] table into a flat row-major [K, S, A] array (the layout of
 * `tf.tensor3d(flat, [K, S, A])`).
 *
 * @param flat the [K, S, A] array
 * @param k the copy
 * @param table its rows
 * @example
 * ```ts
 * import { packCopy } from "./trainer.ts";
 * const flat = new Float32Array(2 * 3 * 2);
 * packCopy(flat, 1, [[1, 2], [3, 4], [5, 6]]);
 * if (flat[6] !== 1 || flat[9] !== 4 || flat[11] !== 6 || flat[5] !== 0) throw new Error();
 * ```
 */
export function packCopy(flat: Float32Array, k: number, table: readonly (readonly number[])[]) {
  const S = table.length;
  const A = table[0]?.length ?? 0;
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) flat[(k * S + s) * A + a] = table[s]![a]!;
  }
}

/** Copy k's rows π(· | s) from the flat [K, S, A] table, renormalised in float64. */
function tableOf(flat: ArrayLike<number>, k: number, S: number, A: number): number[][] {
  const rows: number[][] = [];
  for (let s = 0; s < S; s++) {
    const row: number[] = [];
    let total = 0;
    for (let a = 0; a < A; a++) {
      const p = flat[(k * S + s) * A + a]!;
      row.push(p);
      total += p;
    }
    rows.push(row.map((p) => p / total));
  }
  return rows;
}
