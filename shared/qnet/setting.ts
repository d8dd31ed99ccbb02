/**
 * The common setting of the fitted evaluation problems: the evaluated policy on the
 * handout's Cliff Walk, its exact Q^π, exploring-start episodes, and the error measure.
 *
 * The policy is ε-greedy around the edge policy (up on the bottom row, down in the last
 * column, right elsewhere): π(a | s) = (1 − ε) 1{a = edge(s)} + ε / 4. It is proper (it
 * reaches a terminal state with probability 1 from every state), so Q^π is finite with
 * γ = 1, and it is stochastic, so returns are noisy: about a quarter of the walks along
 * the cliff fall in at ε = 0.1.
 *
 * @module
 */
import {
  type CliffWalk,
  cliffWalk,
  edgePolicyActions,
  type Episode,
  rollout,
} from "../cliff/mod.ts";
import { evaluatePolicy } from "../mdp/mod.ts";
import type { Rng } from "../random/mod.ts";
import { QNetInputError, type QNetWeights } from "./network.ts";

/** One point of an error curve. */
export interface ErrorPoint {
  /** Episodes sampled so far. */
  episodes: number;
  /** Transitions (samples (s_t, a_t, target)) so far. */
  samples: number;
  /** RMSE of Q_φ against Q^π over the non-terminal pairs. */
  rmse: number;
  /** Wall time so far, in milliseconds. */
  ms: number;
}

/** The outcome of a fitted evaluation run. */
export interface FittedResult {
  /** The final Q_φ table, flat row-major [|S| · |A|]. */
  table: Float64Array;
  /** Its RMSE against Q^π over the non-terminal pairs. */
  rmse: number;
  /** RMSE after each round. */
  curve: ErrorPoint[];
  /** Episodes sampled. */
  episodes: number;
  /** Transitions used as samples. */
  samples: number;
  /** Truncated episodes (left out: their returns are incomplete). */
  truncated: number;
  /** Adam steps taken in all (every round's and the final ones). */
  steps: number;
  /** The final network's parameters: `table` is its forward pass over the states. */
  weights: QNetWeights;
  /** Wall time in milliseconds. */
  ms: number;
}

/** The walk, the evaluated policy and its exact action values. */
export interface EvaluationSetting {
  /** The handout's walk (4 × 12, −1 per move, cliff −100 and goal +100 end the episode). */
  readonly walk: CliffWalk;
  /** ε of the evaluated policy. */
  readonly epsilon: number;
  /** π(a | s) as rows. */
  readonly policy: readonly (readonly number[])[];
  /** The exact Q^π (float64 linear solve), flat row-major [|S| · |A|]; 0 at terminal states. */
  readonly qExact: Float64Array;
  /** The non-terminal states (the ones whose Q^π is estimated). */
  readonly liveStates: readonly number[];
}

/**
 * Builds the evaluation setting: the ε-greedy edge policy on `cliffWalk(walkOptions)` and its
 * exact Q^π from the suite's linear-solve evaluation.
 *
 * @param epsilon exploration ε ∈ (0, 1]; default 0.1
 * @param gamma the walk's discount; default 1 (the handout's undiscounted walk)
 * @returns the setting
 * @throws QNetInputError for ε outside (0, 1]
 * @example
 * ```ts
 * import { evaluationSetting } from "./mod.ts";
 * const { qExact, liveStates } = evaluationSetting(0.1);
 * // from the start, "right" falls into the cliff at once: Q^π(36, right) = −100
 * if (qExact[36 * 4 + 1] !== -100 || liveStates.length !== 37) throw new Error();
 * ```
 */
export function evaluationSetting(epsilon = 0.1, gamma = 1): EvaluationSetting {
  if (!(epsilon > 0 && epsilon <= 1)) {
    throw new QNetInputError(`epsilon must be in (0, 1], got ${epsilon}`);
  }
  const walk = cliffWalk({ gamma });
  const edge = edgePolicyActions(walk);
  const A = walk.nActions;
  const policy = edge.map((e) =>
    Array.from({ length: A }, (_, a) => (a === e ? 1 - epsilon : 0) + epsilon / A)
  );
  const { Q } = evaluatePolicy(walk, policy);
  const qExact = Float64Array.from(Q.flat());
  const liveStates = Array.from({ length: walk.nStates }, (_, s) => s).filter((s) =>
    !walk.isTerminal[s]
  );
  return { walk, epsilon, policy, qExact, liveStates };
}

/**
 * The root-mean-square error of an estimated table against the exact Q^π over every
 * non-terminal state–action pair: sqrt((1/|P|) Σ_{(s,a) ∈ P} (Q̂(s, a) − Q^π(s, a))²).
 *
 * @param setting the evaluation setting
 * @param table the estimate, flat row-major [|S| · |A|]
 * @returns the RMSE
 * @throws QNetInputError on a wrong length or a non-finite entry on a live pair
 * @example
 * ```ts
 * import { evaluationSetting, qRmse } from "./mod.ts";
 * const setting = evaluationSetting();
 * if (qRmse(setting, setting.qExact) !== 0) throw new Error();
 * ```
 */
export function qRmse(setting: EvaluationSetting, table: ArrayLike<number>): number {
  const A = setting.walk.nActions;
  if (table.length !== setting.qExact.length) {
    throw new QNetInputError(
      `qRmse: table has ${table.length} entries, expected ${setting.qExact.length}`,
    );
  }
  let sum = 0;
  let n = 0;
  for (const s of setting.liveStates) {
    for (let a = 0; a < A; a++) {
      const x = table[s * A + a]!;
      if (!Number.isFinite(x)) throw new QNetInputError(`qRmse: entry (${s}, ${a}) is ${x}`);
      sum += (x - setting.qExact[s * A + a]!) ** 2;
      n++;
    }
  }
  return Math.sqrt(sum / n);
}

/**
 * Samples episodes with exploring starts: s_0 uniform over the non-terminal states, a_0
 * uniform over the actions, then actions from π. Every non-terminal pair is a start with
 * probability 1 / (|live| · |A|) per episode, so every pair is visited.
 *
 * @param setting the evaluation setting
 * @param rng the random source
 * @param count how many episodes
 * @returns the episodes (truncation at the walk's `maxSteps` is reported by each episode)
 * @example
 * ```ts
 * import { evaluationSetting, sampleExploringStarts } from "./mod.ts";
 * import { Rng } from "../random/mod.ts";
 * const eps = sampleExploringStarts(evaluationSetting(), new Rng(1), 5);
 * if (eps.length !== 5 || !eps.every((e) => e.length >= 1)) throw new Error();
 * ```
 */
export function sampleExploringStarts(
  setting: EvaluationSetting,
  rng: Rng,
  count: number,
): Episode[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new QNetInputError(`episode count must be a non-negative integer, got ${count}`);
  }
  const { walk, policy, liveStates } = setting;
  const out: Episode[] = [];
  for (let i = 0; i < count; i++) {
    const start = liveStates[rng.int(liveStates.length)]!;
    const firstAction = rng.int(walk.nActions);
    out.push(rollout(walk, policy, rng, { start, firstAction }));
  }
  return out;
}
