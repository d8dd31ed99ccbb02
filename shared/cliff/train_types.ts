/**
 * The common shape of a Cliff Walk training job, so one command-line entry point can run
 * every agent: each agent's module exports `train(options: TrainOptions):
 * Promise<TrainReport>`.
 *
 * @module
 */

/** What every training job accepts. */
export interface TrainOptions {
  /** The seed of every random choice (initialisation, sampling). */
  seed: number;
  /** The budget in the agent's own unit (episodes, or sampled transitions); default its own. */
  budget?: number;
  /** Called with a one-line progress message now and then (e.g. every few hundred episodes). */
  onProgress?: (line: string) => void;
}

/** One point of a learning curve. */
export interface CurvePoint {
  /** Episodes (or samples) consumed so far. */
  episode: number;
  /** The tracked quantity at that point (what it is: {@link TrainReport.curveLabel}). */
  value: number;
}

/** What every training job returns (plain data: it is written out as JSON). */
export interface TrainReport {
  /** The algorithm's name, e.g. "pg" or "grpo". */
  algorithm: string;
  /** Episodes sampled in total (0 for exact methods). */
  episodes: number;
  /** Wall time in milliseconds. */
  ms: number;
  /** The learning curve. */
  curve: CurvePoint[];
  /** What `curve[i].value` is, e.g. "greedy return" or "RMSE against Q^π". */
  curveLabel?: string;
  /** The final greedy policy, one action per state, if the agent has one. */
  greedyActions?: number[];
  /** A short human-readable summary of the outcome. */
  summary: string;
  /** Whether the agent reached its stated target within the budget, if it has one. */
  reachedTarget?: boolean;
  /** Further plot data (e.g. curves per k, or episode lengths of failures and successes). */
  extra?: Record<string, unknown>;
}
