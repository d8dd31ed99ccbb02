/**
 * The round structure shared by the fitted evaluation algorithms (Problems 16 and 17): sample
 * exploring-start episodes, hand the terminated ones to the algorithm's regression data, take
 * Adam steps on it, record the RMSE against Q^π, and repeat until the episode budget is spent.
 * What differs between the algorithms, their regression targets, stays with each one behind
 * {@link FittedLearner}.
 *
 * @module
 */
import type { Episode } from "../cliff/mod.ts";
import { Rng } from "../random/mod.ts";
import { QNetInputError } from "./network.ts";
import { TableQNet } from "./table_net.ts";
import {
  type ErrorPoint,
  type EvaluationSetting,
  evaluationSetting,
  type FittedResult,
  qRmse,
  sampleExploringStarts,
} from "./setting.ts";

/** The hyperparameters every fitted evaluation run has. */
export interface FittedRunConfig {
  /** ε of the evaluated ε-greedy edge policy. */
  epsilon: number;
  /** The sample budget: episodes in total (each with an exploring start). */
  episodes: number;
  /** Episodes sampled per round. */
  episodesPerRound: number;
  /** Adam steps per round (on the whole data so far). */
  stepsPerRound: number;
  /** Extra Adam steps after the last round, so the fit converges on the final data. */
  finalSteps: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Hidden widths of the Q-network. */
  hidden: readonly number[];
}

/** The algorithm's own part of a fitted evaluation run: its regression data and targets. */
export interface FittedLearner {
  /** Samples (s_t, a_t, target) added so far. */
  readonly samples: number;
  /**
   * Adds every step of a terminated episode as a sample.
   *
   * @param episode the episode
   */
  add(episode: Episode): void;
  /**
   * Takes `steps` Adam steps of Q_φ on the data so far.
   *
   * @param net the Q-network being fitted (it carries its Adam state)
   * @param steps how many steps
   */
  fit(net: TableQNet, steps: number): void;
}

/** Options of {@link runFittedEvaluation}. */
export interface FittedRunOptions {
  /** Seed of the network's initialisation and of the sampling. */
  seed: number;
  /** Called after each round with the point just recorded. */
  onRound?: (point: ErrorPoint) => void;
}

/**
 * Runs a fitted evaluation of Q^π for the ε-greedy edge policy on the handout's walk. Each
 * round samples up to `episodesPerRound` exploring-start episodes (truncated ones are counted
 * and left out: a cut episode has no terminal state, so neither its return nor its last
 * bootstrap pair is known), adds the others to the learner, takes `stepsPerRound` Adam steps
 * (plus `finalSteps` after the last round) and records the RMSE against Q^π.
 *
 * One seed drives everything: the episodes come from `new Rng(seed)`, whose first draw seeds
 * the network's initialisation (so the two streams do not coincide).
 *
 * @param config the round structure, the policy's ε and the network
 * @param options seed and progress callback
 * @param makeLearner builds the algorithm's learner from the setting and the fresh network
 * @returns the final table, its RMSE, the error curve and the sample counts
 * @throws QNetInputError for a non-positive budget or round size
 * @example
 * ```ts
 * import { runFittedEvaluation } from "./mod.ts";
 * // a learner that regresses every visited pair onto 0
 * const zeros = new Float64Array(48 * 4);
 * const seen = new Float64Array(48 * 4);
 * let samples = 0;
 * const r = runFittedEvaluation(
 *   { epsilon: 0.1, episodes: 20, episodesPerRound: 10, stepsPerRound: 2, finalSteps: 0, learningRate: 1e-3, hidden: [8] },
 *   { seed: 1 },
 *   () => ({
 *     get samples() { return samples; },
 *     add: (ep) => ep.states.forEach((s, t) => { seen[s * 4 + ep.actions[t]!] = 1; samples++; }),
 *     fit: (net, steps) => { for (let i = 0; i < steps; i++) net.adamStep(zeros, seen); },
 *   }),
 * );
 * if (r.curve.length !== 2 || r.episodes !== 20 || r.samples !== samples) throw new Error();
 * ```
 */
export function runFittedEvaluation(
  config: FittedRunConfig,
  options: FittedRunOptions,
  makeLearner: (setting: EvaluationSetting, net: TableQNet) => FittedLearner,
): FittedResult {
  for (const key of ["episodes", "episodesPerRound"] as const) {
    if (!(Number.isInteger(config[key]) && config[key] > 0)) {
      throw new QNetInputError(`${key} must be a positive integer, got ${config[key]}`);
    }
  }
  for (const key of ["stepsPerRound", "finalSteps"] as const) {
    if (!(Number.isInteger(config[key]) && config[key] >= 0)) {
      throw new QNetInputError(`${key} must be a non-negative integer, got ${config[key]}`);
    }
  }
  const start = performance.now();
  const setting = evaluationSetting(config.epsilon);
  const { walk } = setting;
  const rng = new Rng(options.seed);
  const net = new TableQNet(
    {
      nStates: walk.nStates,
      nActions: walk.nActions,
      seed: rng.int(2 ** 31),
      hidden: config.hidden,
      outputScale: walk.rewardBound, // Q in units of the reward scale 100
    },
    { learningRate: config.learningRate },
  );
  const curve: ErrorPoint[] = [];
  let episodes = 0;
  let truncated = 0;
  const learner = makeLearner(setting, net);
  while (episodes < config.episodes) {
    const batch = Math.min(config.episodesPerRound, config.episodes - episodes);
    for (const ep of sampleExploringStarts(setting, rng, batch)) {
      episodes++;
      if (ep.truncated) {
        truncated++; // no terminal state reached: the targets are incomplete
        continue;
      }
      learner.add(ep);
    }
    learner.fit(
      net,
      config.stepsPerRound + (episodes >= config.episodes ? config.finalSteps : 0),
    );
    const point = {
      episodes,
      samples: learner.samples,
      rmse: qRmse(setting, net.table()),
      ms: performance.now() - start,
    };
    curve.push(point);
    options.onRound?.(point);
  }
  const table = net.table();
  return {
    table,
    rmse: qRmse(setting, table),
    curve,
    episodes,
    samples: learner.samples,
    truncated,
    steps: net.steps,
    weights: net.weights(),
    ms: performance.now() - start,
  };
}
