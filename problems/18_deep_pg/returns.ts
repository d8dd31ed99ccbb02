/**
 * From sampled episodes to the numbers the two losses need: returns-to-go (bootstrapped at
 * a truncation cut) and their per-(s, a) and per-state sums over a batch.
 *
 * @module
 */
import type { Episode } from "../../shared/cliff/mod.ts";
import type { PgMistake } from "./config.ts";
import { EpisodeBatch } from "./sampler.ts";

/**
 * Undiscounted Monte Carlo returns-to-go Q̂_t = r_t + r_{t+1} + … + r_{T−1} + tail, where
 * `tail` is what follows the last reward: 0 for an episode that terminated, V_φ(s_T) for
 * one cut at the time limit (partial-episode bootstrapping).
 *
 * @param rewards r_0 … r_{T−1}
 * @param tail the value after the last step (default 0)
 * @returns Q̂_0 … Q̂_{T−1}
 * @example
 * ```ts
 * import { returnsToGo } from "./returns.ts";
 * if (returnsToGo([-1, -1, 100]).join() !== "98,99,100") throw new Error();
 * if (returnsToGo([-1, -1], 50).join() !== "48,49") throw new Error(); // cut, V(s_T) = 50
 * ```
 */
export function returnsToGo(rewards: readonly number[], tail = 0): number[] {
  const out = new Array<number>(rewards.length);
  let acc = tail;
  for (let t = rewards.length - 1; t >= 0; t--) {
    acc += rewards[t]!;
    out[t] = acc;
  }
  return out;
}

/** The per-(s, a) and per-state statistics of a batch that the two losses need. */
export interface BatchStats {
  /** W[s][a] = (1/B) Σ over steps with (s_t, a_t) = (s, a) of sign · (Q̂_t − b(s_t)). */
  policyWeights: number[][];
  /** n[s] = (1/B) · number of steps at s. */
  visits: number[];
  /** S[s] = (1/B) Σ over steps at s of the target ⟦Q̂_t⟧. */
  targetSums: number[];
  /**
   * C[s'] = (1/B) Σ over steps of episodes cut at s' of (Q̂_t − V_φ(s_t)): the coefficient
   * of V_φ(s') that a value loss without stop-gradient would also differentiate.
   */
  cutWeights: number[];
  /** Episodes of the batch that were truncated. */
  truncated: number;
}

/** The same statistics in flat arrays, filled in place by {@link accumulateBatch}. */
export interface FlatStats {
  /** W, row-major: W[s · A + a]. */
  policyWeights: Float64Array;
  /** n[s]. */
  visits: Float64Array;
  /** S[s]. */
  targetSums: Float64Array;
  /** C[s]. */
  cutWeights: Float64Array;
}

/** Options of {@link batchStats} and {@link accumulateBatch}. */
export interface BatchStatsOptions {
  /** The baseline table V_φ(s), read before the update (default: all zeros, no baseline). */
  baseline?: ArrayLike<number>;
  /** The table used at a truncation cut (default: `baseline`); null means "cut = end". */
  bootstrap?: ArrayLike<number> | null;
  /** A deliberate mistake for a negative control (default "none"). */
  mistake?: PgMistake;
  /** γ of the returns-to-go, Q̂_t = r_t + γ Q̂_{t+1} (default 1: the handout's sums). */
  discount?: number;
}

/**
 * Zeroed flat statistics for |S| states and |A| actions.
 *
 * @param nStates |S|
 * @param nActions |A|
 * @returns the zeroed arrays
 * @example
 * ```ts
 * import { flatStats } from "./returns.ts";
 * if (flatStats(3, 2).policyWeights.length !== 6) throw new Error();
 * ```
 */
export function flatStats(nStates: number, nActions: number): FlatStats {
  return {
    policyWeights: new Float64Array(nStates * nActions),
    visits: new Float64Array(nStates),
    targetSums: new Float64Array(nStates),
    cutWeights: new Float64Array(nStates),
  };
}

/**
 * The statistics of the episodes in `batch` (the code that trains): overwrites `out` with
 * the per-(s, a) weights and per-state sums of the two losses, averaged over the episodes.
 * The return-to-go of a cut episode continues from V(s_T) of `bootstrap`; a terminated one
 * continues from 0.
 *
 * @param batch the episodes (at least one)
 * @param nActions |A|
 * @param options baseline, bootstrap table, mistake
 * @param out where the statistics go (its sizes give |S|)
 * @param scratch a buffer of at least `batch.maxSteps · batch.size` numbers for the
 *   returns-to-go (allocated if absent)
 * @returns the number of truncated episodes
 * @throws RangeError for an empty batch
 * @example
 * ```ts
 * import { accumulateBatch, flatStats } from "./returns.ts";
 * import { EpisodeBatch } from "./sampler.ts";
 * const batch = new EpisodeBatch(1, 4);
 * batch.states.set([0, 1]); batch.actions.set([1, 0]); batch.rewards.set([-1, 100]);
 * batch.lengths[0] = 2; batch.finalStates[0] = 2; batch.size = 1;
 * const out = flatStats(3, 2);
 * accumulateBatch(batch, 2, { baseline: [0, 10, 0] }, out);
 * if (out.policyWeights[0 * 2 + 1] !== 99 || out.policyWeights[1 * 2 + 0] !== 90) throw new Error();
 * ```
 */
export function accumulateBatch(
  batch: EpisodeBatch,
  nActions: number,
  options: BatchStatsOptions,
  out: FlatStats,
  scratch?: Float64Array,
): number {
  const B = batch.size;
  if (B === 0) throw new RangeError("accumulateBatch: empty batch");
  const mistake = options.mistake ?? "none";
  const nStates = out.visits.length;
  const V = options.baseline ?? new Float64Array(nStates);
  const boot = options.bootstrap === undefined ? V : options.bootstrap;
  const sign = mistake === "reversed-sign" ? -1 : 1;
  const gamma = options.discount ?? 1;
  const H = batch.maxSteps;
  const Q = scratch && scratch.length >= B * H ? scratch : new Float64Array(B * H);
  const { policyWeights: W, visits: n, targetSums: T, cutWeights: C } = out;
  W.fill(0);
  n.fill(0);
  T.fill(0);
  C.fill(0);
  const scale = 1 / B;
  let truncated = 0;
  for (let i = 0; i < B; i++) {
    const base = i * H;
    const len = batch.lengths[i]!;
    const cut = batch.truncated[i] === 1;
    if (cut) truncated++;
    const tail = cut && boot ? boot[batch.finalStates[i]!]! : 0;
    // Q̂_t = r_t + γ Q̂_{t+1}, with Q̂_T = the tail
    let acc = tail;
    for (let t = len - 1; t >= 0; t--) {
      // the off-by-one: the target of step t is the return-to-go of step t + 1
      if (mistake === "shifted-returns") Q[base + t] = acc;
      acc = batch.rewards[base + t]! + gamma * acc;
      if (mistake !== "shifted-returns") Q[base + t] = acc;
    }
    for (let t = 0; t < len; t++) {
      const s = batch.states[base + t]!;
      n[s]! += scale;
      T[s]! += scale * Q[base + t]!;
      if (cut) C[batch.finalStates[i]!]! += scale * (Q[base + t]! - V[s]!);
    }
  }
  // the leak: a baseline fitted on this very batch (its mean target per state)
  const b = mistake === "leaky-baseline" ? T.map((x, s) => x / (n[s]! || 1)) : V;
  for (let i = 0; i < B; i++) {
    const base = i * H;
    const len = batch.lengths[i]!;
    for (let t = 0; t < len; t++) {
      const s = batch.states[base + t]!;
      // advantage estimate Q̂_t − b(s_t), with b a constant here
      W[s * nActions + batch.actions[base + t]!]! += scale * sign * (Q[base + t]! - b[s]!);
    }
  }
  return truncated;
}

/**
 * Aggregates a batch of episodes into the weights of the two losses, averaged over the
 * episodes: {@link accumulateBatch} on episodes given as objects. A truncated episode
 * (`truncated: true`) gets V(s_T) of `bootstrap` added to every return-to-go; a terminated
 * one gets 0.
 *
 * @param episodes the batch
 * @param nStates |S|
 * @param nActions |A|
 * @param options baseline, bootstrap table, mistake
 * @returns the statistics
 * @throws RangeError for an empty batch
 * @example
 * ```ts
 * import { batchStats } from "./returns.ts";
 * const ep = { states: [0, 1], actions: [1, 0], rewards: [-1, 100], finalState: 2, truncated: false };
 * const st = batchStats([ep], 3, 2, { baseline: [0, 10, 0] });
 * if (st.policyWeights[0]![1] !== 99 || st.policyWeights[1]![0] !== 90) throw new Error();
 * ```
 */
export function batchStats(
  episodes: readonly Pick<Episode, "states" | "actions" | "rewards" | "finalState" | "truncated">[],
  nStates: number,
  nActions: number,
  options: BatchStatsOptions = {},
): BatchStats {
  if (episodes.length === 0) throw new RangeError("batchStats: empty batch");
  const H = Math.max(1, ...episodes.map((ep) => ep.states.length));
  const batch = new EpisodeBatch(episodes.length, H);
  episodes.forEach((ep, i) => {
    batch.states.set(ep.states, i * H);
    batch.actions.set(ep.actions, i * H);
    batch.rewards.set(ep.rewards, i * H);
    batch.lengths[i] = ep.states.length;
    batch.finalStates[i] = ep.finalState;
    batch.truncated[i] = ep.truncated ? 1 : 0;
  });
  batch.size = episodes.length;
  const out = flatStats(nStates, nActions);
  const truncated = accumulateBatch(batch, nActions, options, out);
  return {
    policyWeights: Array.from(
      { length: nStates },
      (_, s) => Array.from(out.policyWeights.subarray(s * nActions, (s + 1) * nActions)),
    ),
    visits: Array.from(out.visits),
    targetSums: Array.from(out.targetSums),
    cutWeights: Array.from(out.cutWeights),
    truncated,
  };
}
