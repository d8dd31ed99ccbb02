/**
 * Problem 18: deep policy gradient without k-step TD on the undiscounted Cliff Walk. A
 * policy network π_θ and a baseline network V_φ; Monte Carlo returns-to-go
 * Q̂_t = r_t + … + r_{T−1};
 *   g_θ = −Σ_t ∇_θ log π_θ(a_t | s_t) (Q̂_t − V_φ(s_t)),
 *   g_φ = Σ_t ∇_φ ½ (⟦Q̂_t⟧ − V_φ(s_t))²  (⟦·⟧: stop-gradient; the target is data),
 * both applied by Adam, averaged over a batch of episodes per update.
 *
 * Speed: each update evaluates both networks once on all 48 states, samples the batch from
 * that table in plain TypeScript, and takes one gradient step per network whose loss is
 * written over the 48 states with per-(s, a) weights: Σ_t w_t log π(a_t | s_t) =
 * Σ_{s,a} W[s, a] log π(a | s) with W[s, a] the sum of w_t over the steps with (s_t, a_t) =
 * (s, a), and the same for the squared error. The gradients are those of the per-step sums
 * (checked in mod_test.ts against a per-step tfjs loss).
 *
 * @module
 */
import {
  type CliffWalk,
  cliffWalk,
  edgePathActions,
  type Episode,
  greedyEpisode,
  rollout,
  runAttempts,
  type TrainOptions,
  type TrainReport,
} from "../../shared/cliff/mod.ts";
import { evaluatePolicy, ImproperPolicyError } from "../../shared/mdp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { seedFor } from "../../shared/testing/mod.ts";
import { tf } from "../../shared/tf/mod.ts";
import {
  createMlp,
  disposeMlp,
  type Mlp,
  mlpForwardAll,
  policyTable,
  valueTable,
} from "../../shared/mlp/mod.ts";

/** Hyperparameters of the deep policy gradient (CleanRL-style: one typed object). */
export interface PgConfig {
  /** Hidden units of both MLPs. */
  hidden: number;
  /** Adam learning rate of the policy θ. */
  policyLr: number;
  /** Adam learning rate of the baseline φ. */
  valueLr: number;
  /** Episodes sampled per update (the gradient averages over them). */
  episodesPerUpdate: number;
  /** Episode budget of one attempt: an attempt stops after this many episodes at the latest. */
  budget: number;
  /**
   * Independent attempts (fresh networks, fresh seed) made while the previous one ran out of
   * budget without reaching the target; a run that needs them reports it. One attempt fails on
   * about 1% of seeds (stuck on a longer safe path or in a loop), so three make a failure of
   * the whole run a one-in-a-million event.
   */
  attempts: number;
  /** Truncation length of an episode (its return-to-go is then partial). */
  maxSteps: number;
  /** Output-layer weight scale of the policy at initialisation (small: near-uniform start). */
  outputScale: number;
  /** Stop when the greedy policy walks the edge path and V^{π_θ}(start) ≥ 88 − this. */
  sampledGap: number;
  /** Use the baseline V_φ (the handout's algorithm); false gives plain REINFORCE. */
  baseline: boolean;
  /** Multiply the advantage by this (+1; −1 is the reversed-sign negative control). */
  advantageSign: number;
  /**
   * p0 of the sampled trajectories: "live" draws s_0 uniformly from the non-terminal states
   * (every state is trained directly), "start" always uses the walk's start state.
   */
  startDistribution: "live" | "start";
}

/** The configuration used by the checks and by `deno task train pg`. */
export const PG_CONFIG: Readonly<PgConfig> = {
  hidden: 64,
  policyLr: 0.01,
  valueLr: 0.01,
  episodesPerUpdate: 32,
  budget: 20_000,
  attempts: 3,
  maxSteps: 100,
  outputScale: 0.01,
  sampledGap: 5,
  baseline: true,
  advantageSign: 1,
  startDistribution: "live",
};

/** The greedy return that counts as reaching the goal without falling (paths of ≤ 17 moves). */
export const SAFE_RETURN = 84;
/** The return of the 13-move edge path. */
export const EDGE_RETURN = 88;

/** One point of the learning curve. */
export interface PgCurvePoint {
  /** Episodes sampled so far. */
  episode: number;
  /** Mean undiscounted return of the batch just sampled. */
  batchReturn: number;
  /** Return of the greedy policy's path from the start (deterministic walk). */
  greedyReturn: number;
}

/** What a training run found. */
export interface PgResult {
  /** Episodes sampled in total (over all attempts). */
  episodes: number;
  /** Attempts made (1 unless an attempt ran out of budget before the target). */
  attempts: number;
  /** Episodes when the greedy path first reached the goal without falling (return ≥ 84), or null. */
  episodesToSafe: number | null;
  /** Episodes when the greedy path first was the 13-move edge path (return 88), or null. */
  episodesToEdge: number | null;
  /** Wall time to those two events and in total, ms. */
  msToSafe: number | null;
  /** Wall time to the edge path, ms. */
  msToEdge: number | null;
  /** Total wall time, ms. */
  ms: number;
  /** The final greedy policy (argmax of π_θ per state). */
  greedyActions: number[];
  /** The final greedy path's episode. */
  greedy: Episode;
  /** The final policy table π_θ(· | s). */
  policy: number[][];
  /** Exact expected return of the sampled (stochastic) final policy from the start, V^{π_θ}(start). */
  sampledReturn: number;
  /** Learning curve, one point per update. */
  curve: PgCurvePoint[];
}

/**
 * Undiscounted Monte Carlo returns-to-go Q̂_t = r_t + r_{t+1} + … + r_{T−1}.
 *
 * @param rewards r_0 … r_{T−1}
 * @returns Q̂_0 … Q̂_{T−1}
 * @example
 * ```ts
 * import { returnsToGo } from "./mod.ts";
 * if (returnsToGo([-1, -1, 100]).join() !== "98,99,100") throw new Error();
 * ```
 */
export function returnsToGo(rewards: readonly number[]): number[] {
  const out = new Array<number>(rewards.length);
  let acc = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    acc += rewards[t]!;
    out[t] = acc;
  }
  return out;
}

/** The per-(s, a) and per-state statistics of a batch that the two losses need. */
export interface BatchStats {
  /** W[s][a] = Σ over steps with (s_t, a_t) = (s, a) of sign · (Q̂_t − V(s_t)), divided by the batch size. */
  policyWeights: number[][];
  /** n[s] = number of steps at s, divided by the batch size. */
  visits: number[];
  /** S[s] = Σ over steps at s of Q̂_t, divided by the batch size. */
  targetSums: number[];
}

/**
 * Aggregates a batch of episodes into the weights of the two losses.
 *
 * @param episodes the batch
 * @param V the baseline table V_φ(s) (a constant: read before the update)
 * @param nStates |S|
 * @param nActions |A|
 * @param sign +1, or −1 for the reversed-advantage control
 * @returns the statistics, averaged over the episodes
 * @example
 * ```ts
 * import { batchStats } from "./mod.ts";
 * const ep = { states: [0, 1], actions: [1, 0], rewards: [-1, 100] };
 * const st = batchStats([ep], [0, 10], 2, 2);
 * if (st.policyWeights[0]![1] !== 99 || st.policyWeights[1]![0] !== 90) throw new Error();
 * ```
 */
export function batchStats(
  episodes: readonly Pick<Episode, "states" | "actions" | "rewards">[],
  V: readonly number[],
  nStates: number,
  nActions: number,
  sign = 1,
): BatchStats {
  const policyWeights = Array.from({ length: nStates }, () => new Array<number>(nActions).fill(0));
  const visits = new Array<number>(nStates).fill(0);
  const targetSums = new Array<number>(nStates).fill(0);
  const scale = 1 / episodes.length;
  for (const ep of episodes) {
    const G = returnsToGo(ep.rewards);
    ep.states.forEach((s, t) => {
      // advantage estimate Q̂_t − V_φ(s_t), with V_φ a constant here
      policyWeights[s]![ep.actions[t]!]! += scale * sign * (G[t]! - V[s]!);
      visits[s]! += scale;
      targetSums[s]! += scale * G[t]!;
    });
  }
  return { policyWeights, visits, targetSums };
}

/**
 * The policy loss −Σ_{s,a} W[s, a] log π_θ(a | s): its gradient is g_θ of the handout
 * (averaged over the batch). Call inside a gradient function.
 *
 * @param net the policy network
 * @param weights W as a [S, A] tensor
 * @returns the scalar loss
 * @example
 * ```ts
 * import { createMlp, disposeMlp } from "../../shared/mlp/mod.ts";
 * import { policyLoss } from "./mod.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * const net = createMlp(2, 4, 2, 1, 0);
 * const loss = tf.tidy(() => policyLoss(net, tf.tensor2d([[1, 0], [0, 0]])).arraySync() as number);
 * if (Math.abs(loss - Math.log(2)) > 1e-6) throw new Error(); // uniform: −log(1/2)
 * disposeMlp(net);
 * ```
 */
export function policyLoss(net: Mlp, weights: tf.Tensor2D): tf.Scalar {
  const logp = tf.logSoftmax(mlpForwardAll(net)); // [S, A]
  return tf.neg(tf.sum(tf.mul(weights, logp)));
}

/**
 * The baseline loss Σ_s (½ n_s V_φ(s)² − S_s V_φ(s)) = Σ_t ½ (⟦Q̂_t⟧ − V_φ(s_t))² minus a
 * constant: the same gradient g_φ, with the target entering only as data (a stop-gradient).
 *
 * @param net the value network
 * @param visits n_s as a [S] tensor
 * @param targetSums S_s as a [S] tensor
 * @returns the scalar loss
 * @example
 * ```ts
 * import { createMlp, disposeMlp } from "../../shared/mlp/mod.ts";
 * import { valueLoss } from "./mod.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * const net = createMlp(2, 4, 1, 1, 0); // outputs 0: loss 0
 * const loss = tf.tidy(() => valueLoss(net, tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
 * if (loss !== 0) throw new Error();
 * disposeMlp(net);
 * ```
 */
export function valueLoss(net: Mlp, visits: tf.Tensor1D, targetSums: tf.Tensor1D): tf.Scalar {
  const v = tf.reshape(mlpForwardAll(net), [-1]); // [S, 1] -> [S]
  return tf.sum(tf.sub(tf.mul(tf.mul(0.5, visits), tf.square(v)), tf.mul(targetSums, v)));
}

/**
 * Trains the deep policy gradient on a walk until the greedy policy walks the edge path and
 * the sampled policy's exact expected return is within `sampledGap` of 88, or the budget is
 * spent. All tensors are disposed before it returns.
 *
 * @param seed the seed of the initialisation and of the sampling
 * @param config hyperparameters (default {@link PG_CONFIG})
 * @param onProgress called with a progress line every 50 updates
 * @param walk the walk (default: the handout's 4 × 12 walk with `config.maxSteps`)
 * @returns episodes and wall time to each target, the final policy, the curve
 * @example
 * ```ts
 * import { PG_CONFIG, trainPolicyGradient } from "./mod.ts";
 * const r = await trainPolicyGradient(1, { ...PG_CONFIG, budget: 64, attempts: 1 });
 * if (r.episodes !== 64 || r.curve.length !== 2 || r.attempts !== 1) throw new Error();
 * ```
 */
export async function trainPolicyGradient(
  seed: number,
  config: Readonly<PgConfig> = PG_CONFIG,
  onProgress?: (line: string) => void,
  walk: CliffWalk = cliffWalk({ maxSteps: config.maxSteps }),
): Promise<PgResult> {
  checkConfig(config);
  const run = await runAttempts(
    seed,
    config.attempts,
    "pg",
    (attemptSeed) => trainOneAttempt(attemptSeed, config, onProgress, walk),
    (r) => reachedTarget(r, config),
    (k) => onProgress?.(`pg: attempt ${k} with fresh networks (the last ran out of budget)`),
  );
  const { last, episodesBefore, msBefore } = run;
  const first = run.results.find((r) => r.episodesToSafe !== null);
  const offsetOf = (r: PgResult) =>
    run.results.slice(0, run.results.indexOf(r)).reduce((a, x) => a + x.episodes, 0);
  const msOffsetOf = (r: PgResult) =>
    run.results.slice(0, run.results.indexOf(r)).reduce((a, x) => a + x.ms, 0);
  const shift = (x: number | null, by: number) => (x === null ? null : x + by);
  return {
    ...last,
    episodes: episodesBefore + last.episodes,
    attempts: run.results.length,
    episodesToSafe: first ? shift(first.episodesToSafe, offsetOf(first)) : null,
    msToSafe: first ? shift(first.msToSafe, msOffsetOf(first)) : null,
    episodesToEdge: shift(last.episodesToEdge, episodesBefore),
    msToEdge: shift(last.msToEdge, msBefore),
    ms: msBefore + last.ms,
    curve: run.results.flatMap((r) =>
      r.curve.map((p) => ({ ...p, episode: p.episode + offsetOf(r) }))
    ),
  };
}

/** Whether an attempt stopped on its target: the edge path, and π_θ's return within the gap. */
function reachedTarget(r: PgResult, config: Readonly<PgConfig>): boolean {
  return r.episodesToEdge !== null && r.sampledReturn >= EDGE_RETURN - config.sampledGap;
}

/** One attempt: fresh networks and optimizers, at most `config.budget` episodes. */
async function trainOneAttempt(
  seed: number,
  config: Readonly<PgConfig>,
  onProgress: ((line: string) => void) | undefined,
  walk: CliffWalk,
): Promise<PgResult> {
  const t0 = performance.now();
  const rng = new Rng(seedFor("pg rollouts", seed));
  const pi = createMlp(
    walk.nStates,
    config.hidden,
    walk.nActions,
    seedFor("pg θ", seed),
    config.outputScale,
  );
  const vf = createMlp(walk.nStates, config.hidden, 1, seedFor("pg φ", seed));
  const piOpt = tf.train.adam(config.policyLr);
  const vOpt = tf.train.adam(config.valueLr);
  const edge = edgePathActions(walk).join();
  const live = walk.isTerminal.flatMap((t, s) => (t ? [] : [s]));
  const curve: PgCurvePoint[] = [];
  let episodes = 0;
  let episodesToSafe: number | null = null;
  let episodesToEdge: number | null = null;
  let msToSafe: number | null = null;
  let msToEdge: number | null = null;
  let table: number[][] = [];
  let sampledReturn = -Infinity;
  let greedy!: Episode;
  let greedyActions: number[] = [];
  try {
    for (let update = 0;; update++) {
      // evaluate both networks once on all states; sample from the tables
      table = await policyTable(pi);
      greedyActions = table.map(argmax);
      greedy = greedyEpisode(walk, greedyActions);
      if (episodesToSafe === null && greedy.end === "goal" && greedy.return >= SAFE_RETURN) {
        episodesToSafe = episodes;
        msToSafe = performance.now() - t0;
      }
      const onEdge = greedy.end === "goal" && greedy.actions.join() === edge;
      if (episodesToEdge === null && onEdge) {
        episodesToEdge = episodes;
        msToEdge = performance.now() - t0;
      }
      if (onEdge) {
        // exact expected return of the stochastic policy: (I − P^π) V = r^π
        sampledReturn = expectedReturn(walk, table);
        if (sampledReturn >= EDGE_RETURN - config.sampledGap) break;
      }
      if (episodes >= config.budget) break;
      const V = config.baseline ? await valueTable(vf) : new Array<number>(walk.nStates).fill(0);
      const batch: Episode[] = [];
      for (let i = 0; i < config.episodesPerUpdate; i++) {
        const start = config.startDistribution === "live"
          ? live[rng.int(live.length)]!
          : walk.start;
        batch.push(rollout(walk, table, rng, { start }));
      }
      episodes += batch.length;
      const stats = batchStats(batch, V, walk.nStates, walk.nActions, config.advantageSign);
      const W = tf.tensor2d(stats.policyWeights);
      const n = tf.tensor1d(stats.visits);
      const S = tf.tensor1d(stats.targetSums);
      // g_θ and g_φ, each applied by its own Adam (minimize disposes the gradients)
      piOpt.minimize(() => policyLoss(pi, W), false, pi.variables);
      if (config.baseline) vOpt.minimize(() => valueLoss(vf, n, S), false, vf.variables);
      tf.dispose([W, n, S]);
      const batchReturn = batch.reduce((acc, ep) => acc + ep.return, 0) / batch.length;
      curve.push({ episode: episodes, batchReturn, greedyReturn: greedy.return });
      if (onProgress && update % 50 === 0) {
        onProgress(
          `pg: ${episodes} episodes, batch return ${
            batchReturn.toFixed(1)
          }, greedy ${greedy.end} ` +
            `${greedy.return} in ${greedy.length} moves`,
        );
      }
    }
  } finally {
    disposeMlp(pi);
    disposeMlp(vf);
    piOpt.dispose();
    vOpt.dispose();
  }
  if (sampledReturn === -Infinity) sampledReturn = expectedReturn(walk, table);
  return {
    episodes,
    attempts: 1,
    episodesToSafe,
    episodesToEdge,
    msToSafe,
    msToEdge,
    ms: performance.now() - t0,
    greedyActions,
    greedy,
    policy: table,
    sampledReturn,
    curve,
  };
}

/**
 * The training job of `deno task train pg`.
 *
 * @param options seed, episode budget, progress callback
 * @returns the report (curve: greedy return per update)
 * @example
 * ```ts
 * import { train } from "./mod.ts";
 * const r = await train({ seed: 1, budget: 32 });
 * if (r.algorithm !== "pg" || r.episodes !== 32) throw new Error();
 * ```
 */
export async function train(options: TrainOptions): Promise<TrainReport> {
  // a budget from the command line is the whole run: one attempt of that many episodes
  const config = options.budget === undefined
    ? PG_CONFIG
    : { ...PG_CONFIG, budget: options.budget, attempts: 1 };
  const r = await trainPolicyGradient(options.seed, config, options.onProgress);
  return {
    algorithm: "pg",
    episodes: r.episodes,
    ms: r.ms,
    curve: r.curve.map((p) => ({ episode: p.episode, value: p.greedyReturn })),
    curveLabel: "greedy return from the start",
    greedyActions: r.greedyActions,
    reachedTarget: reachedTarget(r, config),
    summary:
      `greedy path: ${r.greedy.end}, return ${r.greedy.return} in ${r.greedy.length} moves; ` +
      `safe (≥ ${SAFE_RETURN}) after ${r.episodesToSafe ?? "—"} episodes` +
      (r.msToSafe !== null ? ` (${(r.msToSafe / 1000).toFixed(1)} s)` : "") +
      `, edge path after ${r.episodesToEdge ?? "—"} episodes` +
      (r.msToEdge !== null ? ` (${(r.msToEdge / 1000).toFixed(1)} s)` : "") +
      `; sampled policy's expected return ${r.sampledReturn.toFixed(2)}`,
    extra: {
      batchReturns: r.curve.map((p) => ({ episode: p.episode, value: p.batchReturn })),
      episodesToSafe: r.episodesToSafe,
      episodesToEdge: r.episodesToEdge,
      msToSafe: r.msToSafe,
      msToEdge: r.msToEdge,
      sampledReturn: r.sampledReturn,
      policy: r.policy,
    },
  };
}

/**
 * The exact expected undiscounted return of a stochastic policy table from the start:
 * V^π(start) from (I − P^π) V = r^π; −∞ if the policy does not terminate (float32 softmax
 * rows can underflow to exact zeros and make a policy improper).
 *
 * @param walk the walk
 * @param table rows π(· | s) summing to 1
 * @returns V^π(start), or −∞
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions } from "../../shared/cliff/mod.ts";
 * import { expectedReturn } from "./mod.ts";
 * const walk = cliffWalk();
 * const table = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
 * if (expectedReturn(walk, table) !== 88) throw new Error();
 * if (expectedReturn(walk, table.map(() => [1, 0, 0, 0])) !== -Infinity) throw new Error();
 * ```
 */
export function expectedReturn(walk: CliffWalk, table: readonly (readonly number[])[]): number {
  try {
    return evaluatePolicy(walk, table).V[walk.start]!;
  } catch (e) {
    if (e instanceof ImproperPolicyError) return -Infinity;
    throw e;
  }
}

function checkConfig(c: Readonly<PgConfig>): void {
  const positiveInt = ["hidden", "episodesPerUpdate", "maxSteps", "attempts"] as const;
  for (const k of positiveInt) {
    if (!Number.isInteger(c[k]) || c[k] < 1) {
      throw new RangeError(`PgConfig.${k} must be a positive integer, got ${c[k]}`);
    }
  }
  if (!Number.isInteger(c.budget) || c.budget < 0) {
    throw new RangeError(`PgConfig.budget must be a non-negative integer, got ${c.budget}`);
  }
  for (const k of ["policyLr", "valueLr"] as const) {
    if (!(c[k] > 0)) throw new RangeError(`PgConfig.${k} must be > 0, got ${c[k]}`);
  }
}

function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}
