/**
 * Problem 19: GRPO on the Cliff Walk with terminal rewards only (+100 at the goal, −100 in the
 * cliff, 0 for every other move), and Dr. GRPO beside it. No value network, no KL term.
 *
 * Per iteration: a group of G trajectories from the start under π_old (the current policy);
 * outcome rewards R_i; advantages broadcast to every action of trajectory i:
 *   GRPO:     Â_i = (R_i − mean R) / std R   (0 when the group's rewards are all equal),
 *   Dr. GRPO: Â_i = R_i − mean R;
 * then E epochs of Adam on the PPO-clipped ratio objective against π_old,
 *   GRPO:     J = (1/G) Σ_i (1/|o_i|) Σ_t min(ρ_{i,t} Â_i, clip(ρ_{i,t}, 1 − ε, 1 + ε) Â_i),
 *   Dr. GRPO: J = (1/G) Σ_i Σ_t min(ρ_{i,t} Â_i, clip(ρ_{i,t}, 1 − ε, 1 + ε) Â_i),
 * with ρ_{i,t} = π_θ(a_t | s_t) / π_old(a_t | s_t) and |o_i| the trajectory's length.
 *
 * Speed: by Problem 14, min(ρÂ, clip(ρ)Â) = Â·min(ρ, 1 + ε) if Â ≥ 0 and Â·max(ρ, 1 − ε) if
 * Â < 0, and ρ depends only on (s, a). So the objective is Σ_{s,a} W⁺[s, a] min(ρ[s, a], 1 + ε)
 * + W⁻[s, a] max(ρ[s, a], 1 − ε), with W± the summed positive / negative step weights: one
 * network evaluation on all 48 states per epoch (checked against the per-step form in
 * mod_test.ts). Rollouts sample from a table read once per iteration.
 *
 * @module
 */
import {
  type CliffWalk,
  cliffWalk,
  type Episode,
  rollout,
  runAttempts,
  type TrainOptions,
  type TrainReport,
} from "../../shared/cliff/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { seedFor } from "../../shared/testing/mod.ts";
import { tf } from "../../shared/tf/mod.ts";
import {
  createMlp,
  disposeMlp,
  type Mlp,
  mlpForwardAll,
  policyTable,
} from "../../shared/mlp/mod.ts";

/** The two estimators. */
export type GrpoVariant = "grpo" | "dr-grpo";

/** Hyperparameters (one typed object, CleanRL-style). */
export interface GrpoConfig {
  /** "grpo" (std-normalised advantages, 1/|o_i|) or "dr-grpo" (mean-only, no 1/|o_i|). */
  variant: GrpoVariant;
  /** Trajectories per group (all from the start). */
  groupSize: number;
  /** Adam epochs on each group against the policy that sampled it. */
  epochs: number;
  /** PPO clip ε. */
  clip: number;
  /** Apply the clip (false: the plain ratio objective, a negative control). */
  useClip: boolean;
  /** Multiply the advantages by this (+1; −1: the reversed-sign negative control). */
  advantageSign: number;
  /** Adam learning rate. */
  lr: number;
  /** Hidden units of the policy MLP. */
  hidden: number;
  /** Output-layer scale at initialisation (small: near-uniform start). */
  outputScale: number;
  /** Truncation length of an episode. */
  maxSteps: number;
  /**
   * The outcome score of a truncated episode (its return is 0: it reached neither terminal).
   * −100 scores it as the failure it is; 0 scores it by its return.
   */
  truncatedScore: number;
  /** Episode budget of one attempt. */
  budget: number;
  /**
   * Independent attempts (fresh network, fresh seed) while the previous one ran out of
   * budget. GRPO can stall for good: once every episode of a group fails, all advantages are
   * 0 and nothing changes; over 160 seeds one attempt of GRPO stalled on about 3% of them
   * (Dr. GRPO on none), so four attempts make a failed run a one-in-a-million event.
   */
  attempts: number;
  /** Stop once the exact success probability of the sampled policy reaches this. */
  targetSuccess: number;
}

/** The configuration of the checks and of `deno task train grpo`. */
export const GRPO_CONFIG: Readonly<GrpoConfig> = {
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
  budget: 12_000,
  attempts: 4,
  targetSuccess: 0.95,
};

/** One point of the learning curve (one group). */
export interface GrpoCurvePoint {
  /** Episodes so far. */
  episode: number;
  /** Fraction of the group's episodes that ended in the goal. */
  groupSuccess: number;
  /** Exact probability that an episode of the current policy ends in the goal (≤ maxSteps moves). */
  success: number;
  /** Mean length of the group's successful episodes (NaN if none). */
  successLength: number;
  /** Mean length of the group's failed episodes (cliff or truncated; NaN if none). */
  failureLength: number;
}

/** What a run found. */
export interface GrpoResult {
  /** Which estimator. */
  variant: GrpoVariant;
  /** Episodes sampled (over all attempts). */
  episodes: number;
  /** Attempts made (1 unless an attempt ran out of budget before the target). */
  attempts: number;
  /** Episodes when the exact success probability first reached the target, or null. */
  episodesToTarget: number | null;
  /** Wall time to that point, ms. */
  msToTarget: number | null;
  /** Total wall time, ms. */
  ms: number;
  /** Exact success probability of the final policy. */
  success: number;
  /** The final policy table. */
  policy: number[][];
  /** Greedy actions of the final policy. */
  greedyActions: number[];
  /** The learning curve. */
  curve: GrpoCurvePoint[];
  /** Mean length of successful and failed episodes over the whole run. */
  lengths: { success: number; failure: number; successes: number; failures: number };
}

/**
 * Group-relative advantages of outcome rewards: (R_i − mean) / std for GRPO (population
 * standard deviation; all zeros when it is 0), R_i − mean for Dr. GRPO.
 *
 * @param rewards the group's rewards R_1 … R_G
 * @param variant "grpo" or "dr-grpo"
 * @returns the advantages
 * @example
 * ```ts
 * import { groupAdvantages } from "./mod.ts";
 * const a = groupAdvantages([100, -100], "grpo");
 * if (a[0] !== 1 || a[1] !== -1) throw new Error();
 * if (groupAdvantages([100, -100], "dr-grpo")[0] !== 100) throw new Error();
 * ```
 */
export function groupAdvantages(rewards: readonly number[], variant: GrpoVariant): number[] {
  if (rewards.length === 0) throw new RangeError("a group needs at least one trajectory");
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  const centred = rewards.map((r) => r - mean);
  if (variant === "dr-grpo") return centred;
  const std = Math.sqrt(centred.reduce((a, c) => a + c * c, 0) / rewards.length);
  return std === 0 ? centred.map(() => 0) : centred.map((c) => c / std);
}

/** The summed step weights of the clipped objective, split by the advantage's sign. */
export interface ClipWeights {
  /** W⁺[s][a] = Σ over steps with (s_t, a_t) = (s, a) and Â ≥ 0 of Â · (1/|o_i| or 1) / G. */
  positive: number[][];
  /** W⁻[s][a]: the same over steps with Â < 0 (negative numbers). */
  negative: number[][];
}

/**
 * Broadcasts each trajectory's advantage to its actions and sums the step weights by (s, a)
 * and sign: the weight of a step is Â_i / (G |o_i|) for GRPO and Â_i / G for Dr. GRPO.
 *
 * @param group the trajectories
 * @param advantages one advantage per trajectory
 * @param variant "grpo" divides by the trajectory length, "dr-grpo" does not
 * @param nStates |S|
 * @param nActions |A|
 * @returns W⁺ and W⁻
 * @example
 * ```ts
 * import { clipWeights } from "./mod.ts";
 * const group = [{ states: [0, 1], actions: [1, 1] }, { states: [0], actions: [0] }];
 * const w = clipWeights(group, [1, -1], "grpo", 2, 2);
 * if (w.positive[0]![1] !== 0.25 || w.negative[0]![0] !== -0.5) throw new Error();
 * ```
 */
export function clipWeights(
  group: readonly Pick<Episode, "states" | "actions">[],
  advantages: readonly number[],
  variant: GrpoVariant,
  nStates: number,
  nActions: number,
): ClipWeights {
  const positive = Array.from({ length: nStates }, () => new Array<number>(nActions).fill(0));
  const negative = Array.from({ length: nStates }, () => new Array<number>(nActions).fill(0));
  group.forEach((ep, i) => {
    const A = advantages[i]!;
    if (A === 0 || ep.states.length === 0) return;
    const w = variant === "grpo" ? A / (group.length * ep.states.length) : A / group.length;
    const target = A > 0 ? positive : negative;
    ep.states.forEach((s, t) => {
      target[s]![ep.actions[t]!]! += w;
    });
  });
  return { positive, negative };
}

/**
 * The negated clipped objective −Σ_{s,a} (W⁺ min(ρ, 1 + ε) + W⁻ max(ρ, 1 − ε)) with
 * ρ = exp(log π_θ − log π_old); without the clip, −Σ (W⁺ + W⁻) ρ. Call inside a gradient
 * function.
 *
 * @param net the policy network π_θ
 * @param oldLogp log π_old as a [S, A] tensor (a constant)
 * @param positive W⁺ as a [S, A] tensor
 * @param negative W⁻ as a [S, A] tensor
 * @param clip ε, or null for no clip
 * @returns the scalar loss
 * @example
 * ```ts
 * import { clippedLoss } from "./mod.ts";
 * import { createMlp, disposeMlp, mlpForwardAll } from "../../shared/mlp/mod.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * const net = createMlp(1, 2, 2, 1);
 * const loss = tf.tidy(() => {
 *   const old = tf.logSoftmax(mlpForwardAll(net)); // ρ = 1 everywhere
 *   return clippedLoss(net, old, tf.tensor2d([[2, 0]]), tf.tensor2d([[0, -0.5]]), 0.2).arraySync();
 * });
 * if (Math.abs(loss - -1.5) > 1e-6) throw new Error(String(loss));
 * disposeMlp(net);
 * ```
 */
export function clippedLoss(
  net: Mlp,
  oldLogp: tf.Tensor2D,
  positive: tf.Tensor2D,
  negative: tf.Tensor2D,
  clip: number | null,
): tf.Scalar {
  const ratio = tf.exp(tf.sub(tf.logSoftmax(mlpForwardAll(net)), oldLogp)); // [S, A]
  if (clip === null) return tf.neg(tf.sum(tf.mul(tf.add(positive, negative), ratio)));
  // Problem 14: Â ≥ 0 → Â min(ρ, 1 + ε); Â < 0 → Â max(ρ, 1 − ε)
  const up = tf.mul(positive, tf.minimum(ratio, 1 + clip));
  const down = tf.mul(negative, tf.maximum(ratio, 1 - clip));
  return tf.neg(tf.sum(tf.add(up, down)));
}

/**
 * The clipped objective in float64, two ways: per step as written in the GRPO / Dr. GRPO
 * formula, and grouped by (s, a) and sign as the training loss computes it (Problem 14's
 * identity). Used to cross-check the grouped form.
 *
 * @param group the trajectories
 * @param advantages one advantage per trajectory
 * @param variant "grpo" or "dr-grpo"
 * @param ratio ρ[s][a] = π_θ(a | s) / π_old(a | s)
 * @param clip ε
 * @returns both values of J
 * @example
 * ```ts
 * import { clippedObjective } from "./mod.ts";
 * const group = [{ states: [0], actions: [0] }, { states: [0, 0], actions: [1, 0] }];
 * const j = clippedObjective(group, [1, -1], "grpo", [[1.5, 0.5]], 0.2);
 * // step terms: 1·min(1.5, 1.2) = 1.2; −1·max(0.5, 0.8) = −0.8, −1·max(1.5, 0.8) = −1.5
 * if (Math.abs(j.perStep - (1.2 / 1 + (-0.8 - 1.5) / 2) / 2) > 1e-12) throw new Error();
 * if (Math.abs(j.grouped - j.perStep) > 1e-12) throw new Error();
 * ```
 */
export function clippedObjective(
  group: readonly Pick<Episode, "states" | "actions">[],
  advantages: readonly number[],
  variant: GrpoVariant,
  ratio: readonly (readonly number[])[],
  clip: number,
): { perStep: number; grouped: number } {
  let perStep = 0;
  group.forEach((ep, i) => {
    const A = advantages[i]!;
    let sum = 0;
    ep.states.forEach((s, t) => {
      const rho = ratio[s]![ep.actions[t]!]!;
      const clipped = Math.min(Math.max(rho, 1 - clip), 1 + clip);
      sum += Math.min(rho * A, clipped * A); // the PPO-clipped term of one step
    });
    perStep += variant === "grpo" ? sum / Math.max(ep.states.length, 1) : sum;
  });
  perStep /= group.length;
  const w = clipWeights(group, advantages, variant, ratio.length, ratio[0]?.length ?? 0);
  let grouped = 0;
  ratio.forEach((row, s) =>
    row.forEach((rho, a) => {
      grouped += w.positive[s]![a]! * Math.min(rho, 1 + clip) +
        w.negative[s]![a]! * Math.max(rho, 1 - clip);
    })
  );
  return { perStep, grouped };
}

/**
 * The exact probability that an episode of a stochastic policy, started at the walk's start,
 * ends in the goal within `maxSteps` moves (dynamic programming over the horizon).
 *
 * @param walk the walk
 * @param table rows π(· | s)
 * @param maxSteps the horizon
 * @returns P(goal within maxSteps)
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions } from "../../shared/cliff/mod.ts";
 * import { successProbability } from "./mod.ts";
 * const walk = cliffWalk({ variant: "terminal-only" });
 * const table = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
 * if (successProbability(walk, table, 13) !== 1 || successProbability(walk, table, 12) !== 0) {
 *   throw new Error();
 * }
 * ```
 */
export function successProbability(
  walk: CliffWalk,
  table: readonly (readonly number[])[],
  maxSteps: number,
): number {
  // p_k(s) = P(goal within k moves from s); p_0 = 0 on live states
  let p = new Array<number>(walk.nStates).fill(0);
  for (let k = 1; k <= maxSteps; k++) {
    const next = new Array<number>(walk.nStates).fill(0);
    for (let s = 0; s < walk.nStates; s++) {
      if (walk.isTerminal[s]) continue;
      let acc = 0;
      for (let a = 0; a < walk.nActions; a++) {
        const pa = table[s]![a]!;
        if (pa === 0) continue;
        for (const o of walk.outcomes[s]![a]!) {
          const reach = o.next === walk.goal ? 1 : walk.isTerminal[o.next] ? 0 : p[o.next]!;
          acc += pa * o.prob * reach;
        }
      }
      next[s] = acc;
    }
    p = next;
  }
  return p[walk.start]!;
}

/**
 * Trains GRPO or Dr. GRPO until the exact success probability reaches the target or the
 * budget is spent. All tensors are disposed before it returns.
 *
 * @param seed the seed of initialisation and sampling
 * @param config hyperparameters (default {@link GRPO_CONFIG})
 * @param onProgress called with a progress line every 25 groups
 * @returns episodes and time to target, the final policy, the curves
 * @example
 * ```ts
 * import { GRPO_CONFIG, trainGrpo } from "./mod.ts";
 * // one attempt of two groups of 64
 * const r = await trainGrpo(1, { ...GRPO_CONFIG, budget: 128, attempts: 1 });
 * if (r.episodes !== 128 || r.curve.length !== 2 || r.attempts !== 1) throw new Error();
 * ```
 */
export async function trainGrpo(
  seed: number,
  config: Readonly<GrpoConfig> = GRPO_CONFIG,
  onProgress?: (line: string) => void,
): Promise<GrpoResult> {
  checkConfig(config);
  const run = await runAttempts(
    seed,
    config.attempts,
    config.variant,
    (attemptSeed) => trainOneAttempt(attemptSeed, config, onProgress),
    (r) => r.episodesToTarget !== null,
    (k) => onProgress?.(`${config.variant}: attempt ${k} with a fresh network (the last stalled)`),
  );
  const { last, episodesBefore, msBefore } = run;
  const shift = (x: number | null, by: number) => (x === null ? null : x + by);
  let offset = 0;
  const curve = run.results.flatMap((r) => {
    const points = r.curve.map((p) => ({ ...p, episode: p.episode + offset }));
    offset += r.episodes;
    return points;
  });
  const sum = (f: (r: GrpoResult) => number) => run.results.reduce((a, r) => a + f(r), 0);
  const successes = sum((r) => r.lengths.successes);
  const failures = sum((r) => r.lengths.failures);
  return {
    ...last,
    episodes: episodesBefore + last.episodes,
    attempts: run.results.length,
    episodesToTarget: shift(last.episodesToTarget, episodesBefore),
    msToTarget: shift(last.msToTarget, msBefore),
    ms: msBefore + last.ms,
    curve,
    lengths: {
      success: successes
        ? sum((r) => (r.lengths.successes ? r.lengths.success * r.lengths.successes : 0)) /
          successes
        : NaN,
      failure: failures
        ? sum((r) => (r.lengths.failures ? r.lengths.failure * r.lengths.failures : 0)) / failures
        : NaN,
      successes,
      failures,
    },
  };
}

/** One attempt: a fresh policy network and optimizer, at most `config.budget` episodes. */
async function trainOneAttempt(
  seed: number,
  config: Readonly<GrpoConfig>,
  onProgress: ((line: string) => void) | undefined,
): Promise<GrpoResult> {
  const t0 = performance.now();
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: config.maxSteps });
  const rng = new Rng(seedFor(`${config.variant} rollouts`, seed));
  const pi = createMlp(
    walk.nStates,
    config.hidden,
    walk.nActions,
    seedFor("grpo θ", seed),
    config.outputScale,
  );
  const opt = tf.train.adam(config.lr);
  const curve: GrpoCurvePoint[] = [];
  const totals = { success: 0, failure: 0, successes: 0, failures: 0 };
  let episodes = 0;
  let episodesToTarget: number | null = null;
  let msToTarget: number | null = null;
  let table: number[][] = [];
  let success = 0;
  try {
    for (let group = 0;; group++) {
      table = await policyTable(pi); // π_old on all states, read once per group
      success = successProbability(walk, table, config.maxSteps);
      if (success >= config.targetSuccess) {
        episodesToTarget = episodes;
        msToTarget = performance.now() - t0;
        break;
      }
      if (episodes + config.groupSize > config.budget) break;
      const batch: Episode[] = [];
      for (let i = 0; i < config.groupSize; i++) batch.push(rollout(walk, table, rng));
      episodes += batch.length;
      // outcome score of each trajectory: its return (+100 goal, −100 cliff); a truncated
      // episode (return 0) is scored `truncatedScore`
      const rewards = batch.map((ep) => (ep.truncated ? config.truncatedScore : ep.return));
      const advantages = groupAdvantages(rewards, config.variant).map((a) =>
        a * config.advantageSign
      );
      const w = clipWeights(batch, advantages, config.variant, walk.nStates, walk.nActions);
      const oldLogp = tf.tidy(() => tf.logSoftmax(mlpForwardAll(pi))); // [S, A], constant
      const Wp = tf.tensor2d(w.positive);
      const Wn = tf.tensor2d(w.negative);
      for (let e = 0; e < config.epochs; e++) {
        opt.minimize(
          () => clippedLoss(pi, oldLogp, Wp, Wn, config.useClip ? config.clip : null),
          false,
          pi.variables,
        );
      }
      tf.dispose([oldLogp, Wp, Wn]);
      const ok = batch.filter((ep) => ep.end === "goal");
      const bad = batch.filter((ep) => ep.end !== "goal");
      totals.successes += ok.length;
      totals.failures += bad.length;
      totals.success += ok.reduce((a, ep) => a + ep.length, 0);
      totals.failure += bad.reduce((a, ep) => a + ep.length, 0);
      curve.push({
        episode: episodes,
        groupSuccess: ok.length / batch.length,
        success,
        successLength: mean(ok.map((ep) => ep.length)),
        failureLength: mean(bad.map((ep) => ep.length)),
      });
      if (onProgress && group % 25 === 0) {
        onProgress(
          `${config.variant}: ${episodes} episodes, success probability ${success.toFixed(3)}, ` +
            `group ${ok.length}/${batch.length} reached the goal`,
        );
      }
    }
  } finally {
    disposeMlp(pi);
    opt.dispose();
  }
  return {
    variant: config.variant,
    episodes,
    attempts: 1,
    episodesToTarget,
    msToTarget,
    ms: performance.now() - t0,
    success,
    policy: table,
    greedyActions: table.map((row) => row.indexOf(Math.max(...row))),
    curve,
    lengths: {
      success: totals.successes ? totals.success / totals.successes : NaN,
      failure: totals.failures ? totals.failure / totals.failures : NaN,
      successes: totals.successes,
      failures: totals.failures,
    },
  };
}

/**
 * The training jobs of `deno task train grpo` and `deno task train dr-grpo`.
 *
 * @param variant which estimator
 * @returns a `train(options)` function
 * @example
 * ```ts
 * import { trainJob } from "./mod.ts";
 * const r = await trainJob("dr-grpo")({ seed: 2, budget: 64 });
 * if (r.algorithm !== "dr-grpo" || r.episodes !== 64) throw new Error();
 * ```
 */
export function trainJob(variant: GrpoVariant): (options: TrainOptions) => Promise<TrainReport> {
  return async (options) => {
    // a budget from the command line is the whole run: one attempt of that many episodes
    const config = options.budget === undefined
      ? { ...GRPO_CONFIG, variant }
      : { ...GRPO_CONFIG, variant, budget: options.budget, attempts: 1 };
    const r = await trainGrpo(options.seed, config, options.onProgress);
    return {
      algorithm: variant,
      episodes: r.episodes,
      ms: r.ms,
      curve: r.curve.map((p) => ({ episode: p.episode, value: p.success })),
      curveLabel: "exact success probability of the sampled policy",
      greedyActions: r.greedyActions,
      reachedTarget: r.episodesToTarget !== null,
      summary: `success probability ${r.success.toFixed(3)} after ${r.episodes} episodes` +
        (r.episodesToTarget !== null
          ? ` (target ${config.targetSuccess} reached after ${r.episodesToTarget} episodes, ${
            ((r.msToTarget ?? 0) / 1000).toFixed(1)
          } s)`
          : ` (target ${config.targetSuccess} not reached)`) +
        `; mean length: successes ${r.lengths.success.toFixed(1)}, failures ${
          r.lengths.failure.toFixed(1)
        }`,
      extra: {
        groupSuccess: r.curve.map((p) => ({ episode: p.episode, value: p.groupSuccess })),
        successLength: r.curve.map((p) => ({ episode: p.episode, value: p.successLength })),
        failureLength: r.curve.map((p) => ({ episode: p.episode, value: p.failureLength })),
        lengths: r.lengths,
        policy: r.policy,
      },
    };
  };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function checkConfig(c: Readonly<GrpoConfig>): void {
  for (const k of ["groupSize", "epochs", "hidden", "maxSteps", "attempts"] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) {
      throw new RangeError(`GrpoConfig.${k} must be a positive integer, got ${c[k]}`);
    }
  }
  if (!Number.isInteger(c.budget) || c.budget < 0) {
    throw new RangeError(`GrpoConfig.budget must be a non-negative integer, got ${c.budget}`);
  }
  if (!(c.clip > 0 && c.clip < 1)) {
    throw new RangeError(`GrpoConfig.clip must be in (0, 1), got ${c.clip}`);
  }
  if (!(c.lr > 0)) throw new RangeError(`GrpoConfig.lr must be > 0, got ${c.lr}`);
  if (c.variant !== "grpo" && c.variant !== "dr-grpo") {
    throw new RangeError(
      `GrpoConfig.variant must be "grpo" or "dr-grpo", got ${String(c.variant)}`,
    );
  }
}
