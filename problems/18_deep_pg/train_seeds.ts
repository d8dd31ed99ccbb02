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
  type PolicyOutcome,
  policyOutcome,
} from "../../shared/cliff/mod.ts";
import { createStackedMlp, disposeStackedMlp, readPolicyAndValues } from "../../shared/mlp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { seedFor } from "../../shared/testing/mod.ts";
import { tf } from "../../shared/tf/mod.ts";
import { entropyBonus, type PgConfig, type PgMistake, resolveConfig } from "./config.ts";
import { stackedTrainingLoss, stackedValueLoss } from "./losses.ts";
import { accumulateBatch, flatStats } from "./returns.ts";
import { EpisodeBatch, FlatSampler } from "./sampler.ts";
import { TargetCheck } from "./target.ts";

/** V*(start) of the handout's walk: the 13-move edge path, 12 · (−1) + 100. */
export const OPTIMAL_VALUE = 88;

/**
 * The initialiser seeds of a training seed's two networks: π_θ from the first, V_φ from the
 * second (each network's layers from that seed and the next, `createStackedMlp`).
 *
 * @param seed the training seed
 * @returns the policy's and the baseline's initialiser seeds
 * @example
 * ```ts
 * import { networkSeeds } from "./train_seeds.ts";
 * const { policy, value } = networkSeeds(1);
 * if (policy === value || networkSeeds(1).value !== value) throw new Error();
 * ```
 */
export function networkSeeds(seed: number): { policy: number; value: number } {
  return { policy: seedFor("pg θ", seed), value: seedFor("pg φ", seed) };
}

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
  /** The final baseline table V_φ(s), as the last update read it. */
  baseline: number[];
  /**
   * Exact V^{π_θ}(start) before each update and at the end: `curve[i]` after i · B episodes
   * (only with `options.curve`; otherwise empty). A policy that cannot end from some live
   * state (a float32 softmax row that underflowed to one-hot) has no finite value and is
   * recorded as −∞, below every target.
   */
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
  /**
   * Record the learning curve: the exact V^{π_θ}(start) after every update (one linear solve
   * per update and seed). Without it, an update whose policy is provably below the target
   * (`TargetCheck`) skips the solve; the decisions are the same.
   */
  curve?: boolean;
  /** Called with a progress line every 100 updates. */
  onProgress?: (line: string) => void;
  /** If given, filled with the milliseconds spent per phase (read, evaluate, sample, stats, step). */
  phases?: Record<string, number>;
}

/**
 * Trains one attempt per seed, all seeds as one batched program, each until its target or
 * its budget. All tensors are disposed before it returns.
 *
 * @param seeds the seeds (at least one); seed k fixes copy k's initialisation and sampling
 * @param partial hyperparameters overriding {@link defaultConfig}
 * @param options a mistake for a control, the walk, the curve, a progress callback
 * @returns one run per seed, in order
 * @throws RangeError for a bad configuration or no seeds
 * @example
 * ```ts
 * import { trainSeeds } from "./train_seeds.ts";
 * const [a, b] = await trainSeeds([1, 2], { budget: 32, episodesPerUpdate: 16 }, { curve: true });
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
  const phases = options.phases ?? {};
  let clock = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    phases[name] = (phases[name] ?? 0) + now - clock;
    clock = now;
  };
  const withCut = mistakes.includes("value-target-gradient");
  const t0 = performance.now();
  const K = seeds.length;
  const S = walk.nStates;
  const A = walk.nActions;
  const B = config.episodesPerUpdate;
  const maxSteps = walk.maxSteps === Infinity ? config.maxSteps : walk.maxSteps;
  const target = OPTIMAL_VALUE - config.targetGap;
  const live = walk.isTerminal.flatMap((t, s) => (t ? [] : [s]));
  const rngs = seeds.map((seed) => new Rng(seedFor("pg rollouts", seed)));
  const sampler = new FlatSampler(walk);
  const check = new TargetCheck(walk, target);
  const batch = new EpisodeBatch(B, maxSteps);
  const scratch = new Float64Array(B * maxSteps);
  const stats = flatStats(S, A);
  const table = new Float64Array(S * A);
  const value = new Float64Array(S);
  const zeros = new Float64Array(S);
  const pi = createStackedMlp(
    S,
    config.hidden,
    A,
    seeds.map((seed) => networkSeeds(seed).policy),
    config.outputScale,
  );
  const vf = createStackedMlp(S, config.hidden, 1, seeds.map((seed) => networkSeeds(seed).value));
  const piOpt = tf.train.adam(config.policyLr);
  const vOpt = tf.train.adam(config.valueLr);
  // a run's `final` is set when it stops (null until then)
  const runs: (Omit<SeedRun, "final"> & { final: PolicyOutcome | null })[] = seeds.map((
    seed,
  ) => ({
    seed,
    reached: false,
    episodesToTarget: null,
    msToTarget: null,
    episodes: 0,
    final: null,
    policy: [],
    baseline: [],
    curve: [],
    truncatedFraction: 0,
  }));
  const active = seeds.map(() => true);
  const truncatedCount = seeds.map(() => 0);
  const W = new Float32Array(K * S * A);
  const n = new Float32Array(K * S);
  const T = new Float32Array(K * S);
  const C = new Float32Array(K * S);
  const E = new Float32Array(K * S);
  const useValues = config.baseline || config.truncation === "bootstrap";
  try {
    for (let update = 0;; update++) {
      const { probs, values } = await readPolicyAndValues(pi, vf);
      lap("read");
      W.fill(0);
      n.fill(0);
      T.fill(0);
      C.fill(0);
      E.fill(0);
      for (let k = 0; k < K; k++) {
        if (!active[k]) continue; // a finished seed gets zero weights: its result is recorded
        const run = runs[k]!;
        // the float32 softmax rows, renormalised in float64
        for (let s = 0; s < S; s++) {
          let total = 0;
          for (let a = 0; a < A; a++) total += probs[(k * S + s) * A + a]!;
          for (let a = 0; a < A; a++) table[s * A + a] = probs[(k * S + s) * A + a]! / total;
        }
        // the exact target: V^{π_θ}(start) from (I − P_π) V = r_π on the live states
        let reached = false;
        // the exact outcome, where this evaluation solved for it (the bound alone gives none)
        let outcome: PolicyOutcome | null = null;
        if (options.curve) {
          outcome = policyOutcome(walk, rowsOf(table, S, A));
          run.curve.push(outcome.proper ? outcome.value : -Infinity);
          reached = outcome.proper && outcome.value >= target;
        } else {
          const d = check.decide(table);
          outcome = d.outcome;
          reached = d.reached;
        }
        lap("evaluate");
        if (reached || run.episodes >= config.budget) {
          if (reached) {
            run.reached = true;
            run.episodesToTarget = run.episodes;
            run.msToTarget = performance.now() - t0;
          }
          run.final = outcome ?? policyOutcome(walk, rowsOf(table, S, A));
          run.policy = rowsOf(table, S, A);
          run.baseline = Array.from(values.subarray(k * S, (k + 1) * S));
          active[k] = false;
          continue;
        }
        // a batch of B episodes from p0 with the current table, in plain TypeScript
        sampler.load(table);
        batch.size = 0;
        for (let i = 0; i < B; i++) {
          const start = config.start === "live" ? live[rngs[k]!.int(live.length)]! : walk.start;
          sampler.sample(rngs[k]!, start, batch);
        }
        run.episodes += B;
        lap("sample");
        for (let s = 0; s < S; s++) value[s] = useValues ? values[k * S + s]! : 0;
        truncatedCount[k]! += accumulateBatch(
          batch,
          A,
          {
            baseline: config.baseline ? value : zeros,
            bootstrap: config.truncation === "bootstrap" ? value : null,
            mistake: mistakes[k],
            discount: config.discount,
          },
          stats,
          scratch,
        );
        W.set(stats.policyWeights, k * S * A);
        n.set(stats.visits, k * S);
        // the entropy bonus's weight at s: β n_s, β decaying linearly with the episodes
        const beta = entropyBonus(config, run.episodes - B);
        if (beta > 0) { for (let s = 0; s < S; s++) E[k * S + s] = beta * stats.visits[s]!; }
        T.set(stats.targetSums, k * S);
        // the cut term belongs only to the copies trained with that mistake
        if (mistakes[k] === "value-target-gradient") C.set(stats.cutWeights, k * S);
        lap("stats");
      }
      if (!active.some((x) => x)) break;
      // g_θ and g_φ from one backward pass (the losses share no parameter), each applied by
      // its own Adam
      tf.tidy(() => {
        const w = tf.tensor3d(W, [K, S, A]);
        const nT = tf.tensor2d(n, [K, S]);
        const tT = tf.tensor2d(T, [K, S]);
        const cT = withCut ? tf.tensor2d(C, [K, S]) : undefined;
        const eT = config.entropy > 0 ? tf.tensor2d(E, [K, S]) : undefined;
        const policy = () => stackedTrainingLoss(pi, w, eT);
        const vars = useValues ? [...pi.variables, ...vf.variables] : pi.variables;
        const { grads } = tf.variableGrads(
          () =>
            useValues ? tf.add(policy(), stackedValueLoss(vf, nT, tT, cT)) : policy() as tf.Scalar,
          vars,
        );
        const named = (vs: tf.Variable[]) =>
          vs.map((v) => ({ name: v.name, tensor: grads[v.name]! }));
        piOpt.applyGradients(named(pi.variables));
        if (useValues) vOpt.applyGradients(named(vf.variables));
      });
      lap("step");
      if (options.onProgress && update % 100 === 0) {
        const done = runs.filter((r) => r.reached).length;
        options.onProgress(`pg: update ${update}, ${done}/${K} seeds at the target`);
      }
    }
  } finally {
    disposeStackedMlp(pi);
    disposeStackedMlp(vf);
    piOpt.dispose();
    vOpt.dispose();
  }
  // every run stopped with its exact outcome set
  return runs.map((r, k) => ({
    ...r,
    final: r.final!,
    truncatedFraction: r.episodes > 0 ? truncatedCount[k]! / r.episodes : 0,
  }));
}

/** Rows π(· | s) of a flat table. */
function rowsOf(flat: Float64Array, S: number, A: number): number[][] {
  return Array.from({ length: S }, (_, s) => Array.from(flat.subarray(s * A, (s + 1) * A)));
}
