/**
 * Problem 16: fitted Monte Carlo evaluation of Q^π on the Cliff Walk.
 *
 * Episodes with exploring starts are sampled from the fixed ε-greedy edge policy π; every
 * visited pair (s_t, a_t) gets the Monte Carlo return G_t = r_t + γ r_{t+1} + … as its
 * regression target, and the Q-network Q_φ is fitted by Adam to the least-squares loss
 * (1/2N) Σ_i (Q_φ(s_i, a_i) − G_i)². Rounds alternate sampling and fitting, so the error
 * against the exact Q^π can be recorded as the samples grow.
 *
 * @module
 */
import type { ConfigSpec, Episode, TrainOptions, TrainReport } from "../../shared/cliff/mod.ts";
import {
  type ErrorPoint,
  type FittedLearner,
  type FittedResult,
  type FittedRunConfig,
  runFittedEvaluation,
} from "../../shared/qnet/mod.ts";

/**
 * The hyperparameters of fitted Monte Carlo evaluation (all in one place): the round
 * structure of `shared/qnet` (ε, episode budget, episodes and Adam steps per round, final
 * steps, learning rate, hidden widths) and the accuracy bound.
 */
export interface FittedMcConfig extends FittedRunConfig {
  /** The accuracy bound: RMSE against Q^π over all non-terminal pairs. */
  rmseBound: number;
}

/**
 * The defaults: 8,000 episodes (about 69,000 transitions) in 4 rounds of 2,000, 25 Adam steps
 * per round and 700 on the final data: 800 full-table steps in all.
 *
 * @example
 * ```ts
 * import { FITTED_MC_CONFIG } from "./mod.ts";
 * // the budget is whole rounds, and 4 rounds of 25 steps plus the final steps make 800
 * const c = FITTED_MC_CONFIG;
 * if (c.episodes % c.episodesPerRound !== 0) throw new Error();
 * if ((c.episodes / c.episodesPerRound) * c.stepsPerRound + c.finalSteps !== 800) throw new Error();
 * ```
 */
export const FITTED_MC_CONFIG: Readonly<FittedMcConfig> = {
  epsilon: 0.1, // falls in on about a quarter of the walks along the cliff: noisy returns
  episodes: 8000,
  // the curve gets a point per round; the steps between rounds only warm-start the final fit
  episodesPerRound: 2000,
  stepsPerRound: 25,
  // the final fit must converge on the rarely visited pairs too (they carry small weights in
  // the count-weighted loss but full weight in the RMSE); with 700 steps 2 of 300 seeds still
  // missed the bound (README, 16a), which is why 16a is a reliability statement
  finalSteps: 700,
  learningRate: 3e-3,
  hidden: [64, 64],
  // about 7% of the root-mean-square size of Q^π; 298 of 300 seeds end within 5.9, while the
  // plausible mistake (returns shifted by one step) is off by ≳ 25
  rmseBound: 6,
};

/**
 * The configuration `train` uses, under the name the training command expects: every
 * hyperparameter of {@link FittedMcConfig}, overridable through `options.config`.
 */
export const defaultConfig: Readonly<FittedMcConfig> = FITTED_MC_CONFIG;

/** The allowed values of each field of {@link defaultConfig} (what the training flags accept). */
export const configSpec: ConfigSpec<FittedMcConfig> = {
  epsilon: { doc: "ε of the evaluated ε-greedy edge policy", min: 0, minExclusive: true, max: 1 },
  episodes: { doc: "the budget: exploring-start episodes in total", integer: true, min: 1 },
  episodesPerRound: { doc: "episodes sampled per round", integer: true, min: 1 },
  stepsPerRound: { doc: "Adam steps per round", integer: true, min: 0 },
  finalSteps: { doc: "extra Adam steps on the final data", integer: true, min: 0 },
  learningRate: { doc: "Adam's learning rate", min: 0, minExclusive: true },
  rmseBound: { doc: "the accuracy target: RMSE against Q^π", min: 0, minExclusive: true },
};

/**
 * What the regression targets are: the Monte Carlo return G_t (correct), or the return
 * from the next step G_{t+1} (the negative control: the reward of the pair (s_t, a_t) read as
 * r_{t+1}, as in Sutton and Barto's R_{t+1}, while the episode stores it as r_t).
 */
export type McTarget = "return" | "return-from-next-step";

/** Options of {@link fittedMonteCarlo}. */
export interface FittedMcOptions {
  /** Seed of the network's initialisation and of the sampling. */
  seed: number;
  /** Overrides of the configuration. */
  config?: Partial<FittedMcConfig>;
  /** The regression target; default the Monte Carlo return. */
  target?: McTarget;
  /** Called after each round with the point just recorded. */
  onRound?: (point: ErrorPoint) => void;
}

/**
 * The Monte Carlo returns of an episode, G_t = Σ_{j ≥ t} γ^{j−t} r_j, by the backward
 * recursion G_t = r_t + γ G_{t+1} with G_T = 0.
 *
 * @param episode the episode (terminated: a truncated one's returns are incomplete)
 * @param gamma the discount γ
 * @returns G_0, …, G_{T−1}
 * @example
 * ```ts
 * import { monteCarloReturns } from "./mod.ts";
 * const ep = { rewards: [-1, -1, 100] };
 * if (monteCarloReturns(ep, 1).join() !== "98,99,100") throw new Error();
 * ```
 */
export function monteCarloReturns(episode: Pick<Episode, "rewards">, gamma: number): number[] {
  // built backwards, G_{T−1} first, so that no entry needs a placeholder value
  const backwards: number[] = [];
  let g = 0;
  for (let t = episode.rewards.length - 1; t >= 0; t--) {
    g = episode.rewards[t]! + gamma * g; // G_t = r_t + γ G_{t+1}
    backwards.push(g);
  }
  return backwards.reverse();
}

/**
 * The regression target of every step of an episode: the return G_t, or for the control
 * the return from the next step G_{t+1} (with G_T = 0).
 *
 * @param episode the episode (terminated)
 * @param gamma the discount γ
 * @param target which target; default the Monte Carlo return
 * @returns one target per step t = 0 … T − 1
 * @example
 * ```ts
 * import { regressionTargets } from "./mod.ts";
 * const ep = { rewards: [-1, -1, 100] };
 * if (regressionTargets(ep, 1).join() !== "98,99,100") throw new Error();
 * if (regressionTargets(ep, 1, "return-from-next-step").join() !== "99,100,0") throw new Error();
 * ```
 */
export function regressionTargets(
  episode: Pick<Episode, "rewards">,
  gamma: number,
  target: McTarget = "return",
): number[] {
  const G = monteCarloReturns(episode, gamma);
  // the control's off-by-one: G_{t+1} (with G_T = 0) in place of G_t
  const shift = target === "return-from-next-step" ? 1 : 0;
  return G.map((_, t) => G[t + shift] ?? 0);
}

/**
 * Fitted Monte Carlo evaluation of Q^π for the ε-greedy edge policy on the handout's walk.
 *
 * The least-squares loss over all samples so far equals, up to a constant in φ, the
 * count-weighted loss over distinct pairs with the mean target of each pair (see the
 * README), so each Adam step is one full-batch step on that table: one forward pass over
 * the 48 states.
 *
 * @param options seed, configuration overrides, target kind, progress callback
 * @returns the final table, its RMSE, the error curve and the sample counts
 * @throws QNetInputError for a non-positive budget or round size
 * @example
 * ```ts
 * import { fittedMonteCarlo } from "./mod.ts";
 * const small = { episodes: 200, episodesPerRound: 100, stepsPerRound: 5, finalSteps: 0 };
 * const r = fittedMonteCarlo({ seed: 1, config: small });
 * if (r.curve.length !== 2 || r.episodes !== 200 || !(r.rmse > 0)) throw new Error();
 * ```
 */
export function fittedMonteCarlo(options: FittedMcOptions): FittedResult {
  const cfg: FittedMcConfig = { ...FITTED_MC_CONFIG, ...options.config };
  return runFittedEvaluation(
    cfg,
    options,
    ({ walk }) => returnLearner(walk.nStates, walk.nActions, walk.gamma, options.target),
  );
}

/**
 * The regression data of fitted Monte Carlo as sufficient statistics: per pair p = (s, a)
 * the count n(p) and the sum of its targets, so each Adam step fits the mean target ȳ(p)
 * with weight n(p) (Lemma 2 of the README).
 *
 * @example
 * ```ts
 * import { MonteCarloData } from "./mod.ts";
 * const data = new MonteCarloData(3, 2, 1);
 * // the pair (0, 1) twice, with returns 98 and 100
 * data.add({ states: [0, 1, 0], actions: [1, 1, 1], rewards: [-1, -1, 100] });
 * const y = data.targets();
 * if (y[1] !== 99 || y[3] !== 99 || data.weights()[1] !== 2 || data.samples !== 3) throw new Error();
 * ```
 */
export class MonteCarloData {
  /** |A|. */
  readonly nActions: number;
  /** γ. */
  readonly gamma: number;
  /** Which target (the control uses the shifted one). */
  readonly target: McTarget;
  /** Samples (s_t, a_t, target) added so far. */
  samples = 0;
  #count: Float64Array; // pairs, flat index s · |A| + a
  #sum: Float64Array;

  /**
   * @param nStates |S|
   * @param nActions |A|
   * @param gamma γ
   * @param target which target (default the Monte Carlo return)
   */
  constructor(nStates: number, nActions: number, gamma: number, target: McTarget = "return") {
    this.nActions = nActions;
    this.gamma = gamma;
    this.target = target;
    this.#count = new Float64Array(nStates * nActions);
    this.#sum = new Float64Array(nStates * nActions);
  }

  /**
   * Adds every step of a terminated episode as a sample ("every visit").
   *
   * @param episode the episode
   */
  add(episode: Pick<Episode, "states" | "actions" | "rewards">): void {
    const y = regressionTargets(episode, this.gamma, this.target);
    episode.states.forEach((s, t) => {
      const p = s * this.nActions + episode.actions[t]!;
      this.#count[p]! += 1;
      this.#sum[p]! += y[t]!;
      this.samples++;
    });
  }

  /**
   * The regression weights n(p) (0 for pairs without data).
   *
   * @returns n, flat row-major
   */
  weights(): Float64Array {
    return Float64Array.from(this.#count);
  }

  /**
   * The mean targets ȳ(p) (0 where n(p) = 0).
   *
   * @returns ȳ, flat row-major
   */
  targets(): Float64Array {
    return this.#sum.map((x, p) => (this.#count[p]! > 0 ? x / this.#count[p]! : 0));
  }
}

/** The learner of the round loop: the data above, fitted by full-table Adam steps. */
function returnLearner(
  nStates: number,
  nActions: number,
  gamma: number,
  target: McTarget = "return",
): FittedLearner {
  const data = new MonteCarloData(nStates, nActions, gamma, target);
  return {
    get samples() {
      return data.samples;
    },
    add: (ep) => data.add(ep),
    fit(net, steps) {
      // the regression table: mean target ȳ(s, a) with weight n(s, a)
      const targets = data.targets();
      const count = data.weights();
      for (let i = 0; i < steps; i++) net.adamStep(targets, count);
    },
  };
}

/** Options of the training job: the common ones plus configuration overrides. */
export interface FittedMcTrainOptions extends TrainOptions {
  /** Overrides of {@link defaultConfig}; `budget`, when given, sets `episodes`. */
  config?: Partial<FittedMcConfig>;
}

/**
 * The training job `deno task train mc`: fitted Monte Carlo evaluation (budget = episodes),
 * reporting the RMSE curve against Q^π, whether the accuracy bound was met
 * (`reachedTarget`) and the final RMSE (`extra.value`).
 *
 * @param options seed, budget in episodes, configuration overrides, progress callback
 * @returns the report (plain data)
 * @example
 * ```ts
 * import { train } from "./mod.ts";
 * const r = await train({ seed: 1, budget: 400, config: { episodesPerRound: 400 } });
 * if (r.algorithm !== "mc" || r.episodes !== 400 || r.curve.length !== 1) throw new Error();
 * if (r.extra?.value !== r.curve[0]!.value) throw new Error("value is the final RMSE");
 * ```
 */
export function train(options: FittedMcTrainOptions): Promise<TrainReport> {
  const cfg: FittedMcConfig = {
    ...defaultConfig,
    ...options.config,
    ...(options.budget === undefined ? {} : { episodes: options.budget }),
  };
  const result = fittedMonteCarlo({
    seed: options.seed,
    config: cfg,
    onRound: (p) =>
      options.onProgress?.(
        `mc: ${p.episodes} episodes, ${p.samples} samples, RMSE vs Q^π ${p.rmse.toFixed(2)}`,
      ),
  });
  const first = result.curve.find((p) => p.rmse <= cfg.rmseBound);
  return Promise.resolve({
    algorithm: "mc",
    episodes: result.episodes,
    ms: result.ms,
    curve: result.curve.map((p) => ({ episode: p.episodes, value: p.rmse })),
    curveLabel: "RMSE of Q_φ against Q^π over non-terminal pairs",
    summary: `fitted Monte Carlo: RMSE ${result.rmse.toFixed(2)} after ${result.episodes} ` +
      `episodes (${result.samples} samples, ${(result.ms / 1000).toFixed(1)} s); bound ` +
      `${cfg.rmseBound} ` +
      (first
        ? `first met after ${first.episodes} episodes (${first.samples} samples, ${
          (first.ms / 1000).toFixed(1)
        } s)`
        : "not met"),
    reachedTarget: result.rmse <= cfg.rmseBound,
    extra: {
      value: result.rmse,
      rmseBound: cfg.rmseBound,
      samples: result.samples,
      truncated: result.truncated,
      curveSamples: result.curve.map((p) => ({ samples: p.samples, rmse: p.rmse, ms: p.ms })),
      firstBelowBound: first ?? null,
    },
  });
}
