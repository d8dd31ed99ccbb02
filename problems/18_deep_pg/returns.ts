/**
 * From sampled episodes to the numbers the two losses need: returns-to-go (bootstrapped at
 * a truncation cut) and their per-(s, a) and per-state sums over a batch.
 *
 * @module
 */
import type { Episode } from "../../shared/cliff/mod.ts";
import type { PgMistake } from "./config.ts";

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

/** Options of {@link batchStats}. */
export interface BatchStatsOptions {
  /** The baseline table V_φ(s), read before the update (default: all zeros, no baseline). */
  baseline?: readonly number[];
  /** The table used at a truncation cut (default: `baseline`); all zeros means "cut = end". */
  bootstrap?: readonly number[] | null;
  /** A deliberate mistake for a negative control (default "none"). */
  mistake?: PgMistake;
}

/**
 * Aggregates a batch of episodes into the weights of the two losses, averaged over the
 * episodes. A truncated episode (`truncated: true`) gets V(s_T) of `bootstrap` added to every
 * return-to-go; a terminated one gets 0.
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
  const mistake = options.mistake ?? "none";
  const V = options.baseline ?? new Array<number>(nStates).fill(0);
  const boot = options.bootstrap === undefined ? V : options.bootstrap;
  const sign = mistake === "reversed-sign" ? -1 : 1;
  const policyWeights = Array.from({ length: nStates }, () => new Array<number>(nActions).fill(0));
  const visits = new Array<number>(nStates).fill(0);
  const targetSums = new Array<number>(nStates).fill(0);
  const cutWeights = new Array<number>(nStates).fill(0);
  const scale = 1 / episodes.length;
  const targets: number[][] = [];
  let truncated = 0;
  for (const ep of episodes) {
    const tail = ep.truncated && boot ? boot[ep.finalState]! : 0;
    if (ep.truncated) truncated++;
    const G = returnsToGo(ep.rewards, tail);
    // the off-by-one: the target of step t is the return-to-go of step t + 1
    const Q = mistake === "shifted-returns" ? G.map((_, t) => G[t + 1] ?? tail) : G;
    targets.push(Q);
    ep.states.forEach((s, t) => {
      visits[s]! += scale;
      targetSums[s]! += scale * Q[t]!;
      if (ep.truncated) cutWeights[ep.finalState]! += scale * (Q[t]! - V[s]!);
    });
  }
  // the leak: a baseline fitted on this very batch (its mean target per state)
  const b = mistake === "leaky-baseline" ? targetSums.map((x, s) => x / (visits[s]! || 1)) : V;
  episodes.forEach((ep, i) => {
    const Q = targets[i]!;
    ep.states.forEach((s, t) => {
      // advantage estimate Q̂_t − b(s_t), with b a constant here
      policyWeights[s]![ep.actions[t]!]! += scale * sign * (Q[t]! - b[s]!);
    });
  });
  return { policyWeights, visits, targetSums, cutWeights, truncated };
}
