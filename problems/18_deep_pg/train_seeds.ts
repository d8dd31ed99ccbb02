/**
 * Trains the deep policy gradient for K seeds at once, one attempt each, as one batched
 * tfjs program: per update, the K policy and K value networks run once on all 48 states
 * (one read each), every seed's batch is sampled from its probability table in plain
 * TypeScript, and one gradient step updates all K networks (the losses of different seeds
 * share no parameter, and Adam is elementwise, so each seed trains exactly as alone).
 *
 * The target is on the exact value of the learned stochastic policy: after every update,
 * V^{π_θ}(start) is solved from the model; a seed stops when it reaches 88 − targetGap.
 *
 * @module
 */
import {
  type CliffWalk,
  cliffWalk,
  type Episode,
  type PolicyOutcome,
  policyOutcome,
  rollout,
} from "../../shared/cliff/mod.ts";
import {
  createStackedMlp,
  disposeStackedMlp,
  stackedPolicyTables,
  stackedValueTables,
} from "../../shared/mlp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { seedFor } from "../../shared/testing/mod.ts";
import { tf } from "../../shared/tf/mod.ts";
import { type PgConfig, type PgMistake, resolveConfig } from "./config.ts";
import { stackedPolicyLoss, stackedValueLoss } from "./losses.ts";
import { batchStats } from "./returns.ts";

/** V*(start) of the handout's walk: the 13-move edge path, 12 · (−1) + 100. */
export const OPTIMAL_VALUE = 88;

/** One seed's run. */
export interface SeedRun {
  /** The seed. */
  seed: number;
  /** Whether the exact V^{π_θ}(start) reached 88 − targetGap within the budget. */
  reached: boolean;
  /** Episodes sampled before the update at which the target was first met (null: never). */
  episodesToTarget: number | null;
  /** Wall time of the whole batched program until then, ms (null: never). */
  msToTarget: number | null;
  /** Episodes this seed sampled. */
  episodes: number;
  /** The exact outcome of the final policy (at the target, or at the end of the budget). */
  final: PolicyOutcome;
  /** The final policy table π_θ(· | s). */
  policy: number[][];
  /** Exact V^{π_θ}(start) before each update and at the end: `curve[i]` after i · B episodes. */
  curve: number[];
  /** Fraction of sampled episodes cut at maxSteps. */
  truncatedFraction: number;
}

/** Options of {@link trainSeeds}. */
export interface TrainSeedsOptions {
  /**
   * A deliberate mistake for the negative controls (default "none"): one for every seed, or
   * a list with one per seed (so a claim and its controls train as one batched program).
   */
  mistake?: PgMistake | readonly PgMistake[];
  /** The walk (default the handout's 4 × 12 walk with `maxSteps` from the config). */
  walk?: CliffWalk;
  /** Called with a progress line every 100 updates. */
  onProgress?: (line: string) => void;
}

/**
 * Trains one attempt per seed, all seeds as one batched program, each until its target or
 * its budget. All tensors are disposed before it returns.
 *
 * @param seeds the seeds (at least one); seed k fixes copy k's initialisation and sampling
 * @param partial hyperparameters overriding {@link defaultConfig}
 * @param options a mistake for a control, the walk, a progress callback
 * @returns one run per seed, in order
 * @throws RangeError for a bad configuration or no seeds
 * @example
 * ```ts
 * import { trainSeeds } from "./train_seeds.ts";
 * const [a, b] = await trainSeeds([1, 2], { budget: 32 });
 * if (a!.episodes !== 32 || b!.curve.length !== 3 || a!.seed !== 1) throw new Error();
 * ```
 */
export async function trainSeeds(
  seeds: readonly number[],
  partial: Partial<PgConfig> = {},
  options: TrainSeedsOptions = {},
): Promise<SeedRun[]> {
  const config = resolveConfig(partial);
  if (seeds.length === 0) throw new RangeError("trainSeeds: at least one seed is needed");
  const walk = options.walk ?? cliffWalk({ maxSteps: config.maxSteps });
  const mistakes: readonly PgMistake[] = Array.isArray(options.mistake)
    ? options.mistake
    : seeds.map(() => (options.mistake as PgMistake | undefined) ?? "none");
  if (mistakes.length !== seeds.length) {
    throw new RangeError(`trainSeeds: ${mistakes.length} mistakes for ${seeds.length} seeds`);
  }
  const withCut = mistakes.includes("value-target-gradient");
  const t0 = performance.now();
  const K = seeds.length;
  const S = walk.nStates;
  const A = walk.nActions;
  const target = OPTIMAL_VALUE - config.targetGap;
  const live = walk.isTerminal.flatMap((t, s) => (t ? [] : [s]));
  const rngs = seeds.map((seed) => new Rng(seedFor("pg rollouts", seed)));
  const pi = createStackedMlp(
    S,
    config.hidden,
    A,
    seeds.map((seed) => seedFor("pg θ", seed)),
    config.outputScale,
  );
  const vf = createStackedMlp(S, config.hidden, 1, seeds.map((seed) => seedFor("pg φ", seed)));
  const piOpt = tf.train.adam(config.policyLr);
  const vOpt = tf.train.adam(config.valueLr);
  const runs: SeedRun[] = seeds.map((seed) => ({
    seed,
    reached: false,
    episodesToTarget: null,
    msToTarget: null,
    episodes: 0,
    final: policyOutcome(walk, walk.isTerminal.map(() => [0.25, 0.25, 0.25, 0.25])),
    policy: [],
    curve: [],
    truncatedFraction: 0,
  }));
  const active = seeds.map(() => true);
  const truncatedCount = seeds.map(() => 0);
  const zeros = new Array<number>(S).fill(0);
  try {
    for (let update = 0;; update++) {
      const tables = await stackedPolicyTables(pi);
      for (let k = 0; k < K; k++) {
        if (!active[k]) continue;
        const run = runs[k]!;
        // exact value of the stochastic policy: (I − P_π) V = r_π on the live states
        const outcome = policyOutcome(walk, tables[k]!);
        run.curve.push(outcome.proper ? outcome.value : -Infinity);
        run.final = outcome;
        run.policy = tables[k]!;
        if (outcome.proper && outcome.value >= target) {
          run.reached = true;
          run.episodesToTarget = run.episodes;
          run.msToTarget = performance.now() - t0;
          active[k] = false;
        } else if (run.episodes >= config.budget) {
          active[k] = false;
        }
      }
      if (!active.some((x) => x)) break;
      const values = config.baseline || config.truncation === "bootstrap"
        ? await stackedValueTables(vf)
        : seeds.map(() => zeros);
      const W = new Float32Array(K * S * A);
      const n = new Float32Array(K * S);
      const T = new Float32Array(K * S);
      const C = new Float32Array(K * S);
      for (let k = 0; k < K; k++) {
        if (!active[k]) continue; // a finished seed gets zero weights: its result is recorded
        const batch: Episode[] = [];
        for (let i = 0; i < config.episodesPerUpdate; i++) {
          const start = config.start === "live" ? live[rngs[k]!.int(live.length)]! : walk.start;
          batch.push(rollout(walk, tables[k]!, rngs[k]!, { start }));
        }
        runs[k]!.episodes += batch.length;
        const st = batchStats(batch, S, A, {
          baseline: config.baseline ? values[k] : zeros,
          bootstrap: config.truncation === "bootstrap" ? values[k] : null,
          mistake: mistakes[k],
        });
        truncatedCount[k]! += st.truncated;
        for (let s = 0; s < S; s++) {
          for (let a = 0; a < A; a++) W[(k * S + s) * A + a] = st.policyWeights[s]![a]!;
          n[k * S + s] = st.visits[s]!;
          T[k * S + s] = st.targetSums[s]!;
          // the cut term belongs only to the copies trained with that mistake
          if (mistakes[k] === "value-target-gradient") C[k * S + s] = st.cutWeights[s]!;
        }
      }
      const w = tf.tensor3d(W, [K, S, A]);
      const nT = tf.tensor2d(n, [K, S]);
      const tT = tf.tensor2d(T, [K, S]);
      const cT = withCut ? tf.tensor2d(C, [K, S]) : undefined;
      // g_θ and g_φ, each applied by its own Adam (minimize disposes the gradients)
      piOpt.minimize(() => stackedPolicyLoss(pi, w), false, pi.variables);
      if (config.baseline || config.truncation === "bootstrap") {
        vOpt.minimize(() => stackedValueLoss(vf, nT, tT, cT), false, vf.variables);
      }
      tf.dispose([w, nT, tT, ...(cT ? [cT] : [])]);
      if (options.onProgress && update % 100 === 0) {
        const done = runs.filter((r) => r.reached).length;
        const best = Math.max(...runs.map((r) => r.curve[r.curve.length - 1] ?? -Infinity));
        options.onProgress(
          `pg: update ${update}, ${done}/${K} seeds at the target, best V(start) ${
            best.toFixed(1)
          }`,
        );
      }
    }
  } finally {
    disposeStackedMlp(pi);
    disposeStackedMlp(vf);
    piOpt.dispose();
    vOpt.dispose();
  }
  runs.forEach((r, k) => {
    r.truncatedFraction = r.episodes > 0 ? truncatedCount[k]! / r.episodes : 0;
  });
  return runs;
}
