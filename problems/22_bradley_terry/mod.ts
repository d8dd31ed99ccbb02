/**
 * Problem 22: the two-class cross-entropy of a preference classifier, and the Bradley–Terry
 * loss it becomes when the two logits are rewards, f = (r(x, y_A), r(x, y_B)).
 *
 * - float64 closed forms: {@link crossEntropy2}, {@link bradleyTerryLoss} and their gradients;
 * - tfjs: {@link tfCrossEntropy} (tfjs's own softmax cross-entropy), {@link tfBradleyTerry},
 *   a tiny MLP reward model ({@link makeRewardModel}), and {@link trainRewardModel}, which fits
 *   it to synthetic preferences ({@link syntheticPreferences}).
 *
 * Labels follow the handout: z = 0 when y_A is preferred, z = 1 when y_B is.
 *
 * @module
 */
import { Rng } from "../../shared/random/mod.ts";
import { tf } from "../../shared/tf/mod.ts";
import { softplus } from "../../shared/softmax/mod.ts";

/** Thrown on malformed labels, shapes or settings; the message names them. */
export class PreferenceInputError extends Error {
  override name = "PreferenceInputError";
}

/**
 * The logistic function σ(x) = 1/(1 + e^{−x}), without overflow for large |x|.
 *
 * @param x any finite number
 * @returns σ(x) ∈ [0, 1]
 * @example
 * ```ts
 * import { sigmoid } from "./mod.ts";
 * if (sigmoid(0) !== 0.5 || sigmoid(-1000) !== 0) throw new Error();
 * ```
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function checkLabel(z: number, where: string): void {
  if (z !== 0 && z !== 1) throw new PreferenceInputError(`${where}: label z = ${z} is not 0 or 1`);
}

/**
 * The handout's two-class cross-entropy of one example:
 * −(1 − z) log(e^{f1}/(e^{f1} + e^{f2})) − z log(e^{f2}/(e^{f1} + e^{f2})), written as
 * (1 − z)·softplus(f2 − f1) + z·softplus(f1 − f2) so that it never overflows.
 *
 * @param f1 the logit of class 1 ("y_A preferred", z = 0)
 * @param f2 the logit of class 2 ("y_B preferred", z = 1)
 * @param z the label, 0 or 1
 * @returns the loss ≥ 0
 * @throws PreferenceInputError if z is not 0 or 1
 * @example
 * ```ts
 * import { crossEntropy2 } from "./mod.ts";
 * // equal logits: both classes have probability 1/2
 * if (Math.abs(crossEntropy2(3, 3, 1) - Math.log(2)) > 1e-15) throw new Error();
 * ```
 */
export function crossEntropy2(f1: number, f2: number, z: number): number {
  checkLabel(z, "crossEntropy2");
  return (1 - z) * softplus(f2 - f1) + z * softplus(f1 - f2);
}

/**
 * The gradient of {@link crossEntropy2} in (f1, f2): (μ1 − (1 − z), μ2 − z), where
 * μ = softmax(f1, f2).
 *
 * @param f1 the logit of class 1
 * @param f2 the logit of class 2
 * @param z the label
 * @returns [∂/∂f1, ∂/∂f2]
 * @example
 * ```ts
 * import { crossEntropy2Grad } from "./mod.ts";
 * const [g1, g2] = crossEntropy2Grad(0, 0, 0);
 * if (g1 !== -0.5 || g2 !== 0.5) throw new Error();
 * ```
 */
export function crossEntropy2Grad(f1: number, f2: number, z: number): [number, number] {
  checkLabel(z, "crossEntropy2Grad");
  return [sigmoid(f1 - f2) - (1 - z), sigmoid(f2 - f1) - z];
}

/**
 * The Bradley–Terry loss of one comparison: −log σ(r_winner − r_loser) = softplus(r_loser − r_winner).
 *
 * @param rWinner the reward of the preferred response
 * @param rLoser the reward of the other one
 * @returns the loss ≥ 0
 * @example
 * ```ts
 * import { bradleyTerryLoss } from "./mod.ts";
 * if (Math.abs(bradleyTerryLoss(1, 1) - Math.log(2)) > 1e-15) throw new Error();
 * ```
 */
export function bradleyTerryLoss(rWinner: number, rLoser: number): number {
  return softplus(rLoser - rWinner);
}

/**
 * The gradient of {@link bradleyTerryLoss} in (r_winner, r_loser): (−σ(r_l − r_w), σ(r_l − r_w)).
 *
 * @param rWinner the reward of the preferred response
 * @param rLoser the reward of the other one
 * @returns [∂/∂r_winner, ∂/∂r_loser]
 * @example
 * ```ts
 * import { bradleyTerryGrad } from "./mod.ts";
 * const [gw, gl] = bradleyTerryGrad(0, 0);
 * if (gw !== -0.5 || gl !== 0.5) throw new Error();
 * ```
 */
export function bradleyTerryGrad(rWinner: number, rLoser: number): [number, number] {
  const s = sigmoid(rLoser - rWinner);
  return [-s, s];
}

/**
 * tfjs's standard softmax cross-entropy (`tf.losses.softmaxCrossEntropy`, summed over the
 * batch) of two-class logits against one-hot labels: class 1 when z = 0, class 2 when z = 1.
 *
 * @param logits [B, 2] logits f = (f1, f2) per example
 * @param z [B] labels, 0 or 1 (float32)
 * @returns a scalar tensor: Σ_b CE(f_b, z_b)
 * @example
 * ```ts
 * import { tf } from "../../shared/tf/mod.ts";
 * import { tfCrossEntropy } from "./mod.ts";
 * const v = tf.tidy(() => tfCrossEntropy(tf.tensor2d([[0, 0]]), tf.tensor1d([1])).arraySync());
 * if (Math.abs((v as number) - Math.log(2)) > 1e-6) throw new Error();
 * ```
 */
export function tfCrossEntropy(logits: tf.Tensor2D, z: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    // one-hot of z: [B] -> [B, 2], row (1 − z, z)
    const oneHot = tf.stack([tf.sub(1, z), z], 1);
    return tf.losses.softmaxCrossEntropy(
      oneHot,
      logits,
      undefined,
      0,
      tf.Reduction.SUM,
    ) as tf.Scalar;
  });
}

/**
 * The Bradley–Terry loss Σ_b −log σ(r_winner − r_loser) in tfjs, where the winner is y_A when
 * z = 0 and y_B when z = 1.
 *
 * @param rA [B] rewards r(x, y_A)
 * @param rB [B] rewards r(x, y_B)
 * @param z [B] labels, 0 or 1 (float32)
 * @returns a scalar tensor
 * @example
 * ```ts
 * import { tf } from "../../shared/tf/mod.ts";
 * import { tfBradleyTerry } from "./mod.ts";
 * const v = tf.tidy(() => tfBradleyTerry(tf.tensor1d([2]), tf.tensor1d([0]), tf.tensor1d([0])).arraySync());
 * if (Math.abs((v as number) - Math.log1p(Math.exp(-2))) > 1e-6) throw new Error();
 * ```
 */
export function tfBradleyTerry(rA: tf.Tensor1D, rB: tf.Tensor1D, z: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    // r_winner − r_loser = (1 − 2z)(r_A − r_B): +(r_A − r_B) when A wins, −(…) when B wins
    const margin = tf.mul(tf.sub(1, tf.mul(2, z)), tf.sub(rA, rB));
    // −log σ(m) = softplus(−m). (tf.logSigmoid's custom gradient reads a tensor that an
    // enclosing tf.tidy has already freed when differentiated under tf.variableGrads.)
    return tf.sum(tf.softplus(tf.neg(margin)));
  });
}

/** A tiny reward model r_ψ(φ) = w₂ · tanh(W₁ φ + b₁) + b₂ on feature vectors φ ∈ ℝ^F. */
export interface RewardModel {
  /** W₁: [F, H]. */
  w1: tf.Variable;
  /** b₁: [H]. */
  b1: tf.Variable;
  /** w₂: [H, 1]. */
  w2: tf.Variable;
  /** b₂: [1]. */
  b2: tf.Variable;
}

/**
 * Creates the reward model's variables with seeded Glorot-normal weights and zero biases.
 * Dispose them with {@link disposeRewardModel}.
 *
 * The weights of seed s are drawn by tfjs's Glorot-normal initialiser, w₁ with its seed 2s
 * and w₂ with 2s + 1. A tfjs seed names one stream of normals, which every shape reads from
 * its start, so two tensors drawn with one seed are rescaled copies of each other (on their
 * common prefix); the even and odd seeds keep the streams of all models apart: models of
 * different integer seeds share no draw, and neither do the two layers of one model. (With
 * w₁ from s and w₂ from s + 1, model s's w₂ would be model s + 1's w₁ rescaled.)
 *
 * @param features F, the feature width
 * @param hidden H, the hidden width
 * @param seed initialiser seed, an integer
 * @returns the model
 * @example
 * ```ts
 * import { disposeRewardModel, makeRewardModel } from "./mod.ts";
 * const m = makeRewardModel(4, 8, 1);
 * if (m.w1.shape.join() !== "4,8") throw new Error();
 * disposeRewardModel(m);
 * ```
 */
export function makeRewardModel(features: number, hidden: number, seed: number): RewardModel {
  return tf.tidy(() => ({
    w1: tf.variable(
      tf.initializers.glorotNormal({ seed: 2 * seed }).apply([features, hidden]) as tf.Tensor,
    ),
    b1: tf.variable(tf.zeros([hidden])),
    w2: tf.variable(
      tf.initializers.glorotNormal({ seed: 2 * seed + 1 }).apply([hidden, 1]) as tf.Tensor,
    ),
    b2: tf.variable(tf.zeros([1])),
  }));
}

/**
 * Disposes the model's variables.
 *
 * @param model the model
 * @example
 * ```ts
 * import { disposeRewardModel, makeRewardModel } from "./mod.ts";
 * disposeRewardModel(makeRewardModel(2, 2, 3));
 * ```
 */
export function disposeRewardModel(model: RewardModel): void {
  tf.dispose([model.w1, model.b1, model.w2, model.b2]);
}

/**
 * The rewards r_ψ(φ_b) of a batch of feature vectors.
 *
 * @param model the reward model
 * @param phi [B, F] features
 * @returns [B] rewards
 * @example
 * ```ts
 * import { tf } from "../../shared/tf/mod.ts";
 * import { disposeRewardModel, makeRewardModel, rewards } from "./mod.ts";
 * const m = makeRewardModel(3, 4, 5);
 * const n = tf.tidy(() => rewards(m, tf.zeros([7, 3])).shape[0]);
 * disposeRewardModel(m);
 * if (n !== 7) throw new Error();
 * ```
 */
export function rewards(model: RewardModel, phi: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    // [B, F] x [F, H] -> [B, H]; tanh; [B, H] x [H, 1] -> [B, 1] -> [B]
    const h = tf.tanh(tf.add(tf.matMul(phi, model.w1), model.b1));
    return tf.add(tf.matMul(h, model.w2), model.b2).reshape([-1]) as tf.Tensor1D;
  });
}

/** Synthetic preference data: responses with features and a hidden reward, and all pairs. */
export interface PreferenceData {
  /** Features of every (prompt, response) item, row-major [items, F]. */
  features: number[][];
  /** The hidden reward of each item. */
  hiddenReward: number[];
  /** The prompt of each item. */
  prompt: number[];
  /** Compared pairs: item indices of y_A and y_B (same prompt) and the label z. */
  pairs: { a: number; b: number; z: number }[];
}

/** Sizes of {@link syntheticPreferences}. */
export interface PreferenceConfig {
  /** Number of prompts x. */
  prompts: number;
  /** Responses per prompt. */
  responses: number;
  /** Feature width F. */
  features: number;
}

/**
 * Synthetic preferences: each (prompt, response) item gets Gaussian features φ ∈ ℝ^F, a
 * hidden reward r* = θ*·φ + sin(φ₁) with Gaussian θ*, and every pair of responses to the same
 * prompt is compared once, in random order, labelled by r* (z = 0 iff r*(y_A) > r*(y_B);
 * Gaussian features make ties a probability-zero event).
 *
 * The draws, in order: θ* (F `normal()`s), then for each prompt the features of its
 * responses (F `normal()`s each, response by response), followed by one `uniform()` per pair
 * (i, j), i < j, in lexicographic order, which puts y_i first iff it is below 1/2. Fixing the
 * order lets a caller rebuild θ* and every φ from the same seed and check r* independently.
 *
 * @param config sizes
 * @param seed the seed, or a random source to draw from (which the draws advance)
 * @returns the data
 * @throws PreferenceInputError on sizes that are not positive integers (responses ≥ 2)
 * @example
 * ```ts
 * import { syntheticPreferences } from "./mod.ts";
 * const d = syntheticPreferences({ prompts: 2, responses: 3, features: 4 }, 1);
 * if (d.pairs.length !== 6 || d.features.length !== 6) throw new Error("3 pairs per prompt");
 * ```
 */
export function syntheticPreferences(
  config: PreferenceConfig,
  seed: number | Rng,
): PreferenceData {
  const { prompts, responses, features } = config;
  // each size is refused below its least meaningful value (two responses make one pair)
  if (!Number.isInteger(prompts) || prompts < 1) {
    throw new PreferenceInputError(`prompts = ${prompts} is not an integer ≥ 1`);
  }
  if (!Number.isInteger(responses) || responses < 2) {
    throw new PreferenceInputError(`responses = ${responses} is not an integer ≥ 2`);
  }
  if (!Number.isInteger(features) || features < 1) {
    throw new PreferenceInputError(`features = ${features} is not an integer ≥ 1`);
  }
  const rng = typeof seed === "number" ? new Rng(seed) : seed;
  const theta = Array.from({ length: features }, () => rng.normal());
  const data: PreferenceData = { features: [], hiddenReward: [], prompt: [], pairs: [] };
  for (let x = 0; x < prompts; x++) {
    const first = data.features.length;
    for (let y = 0; y < responses; y++) {
      const phi = Array.from({ length: features }, () => rng.normal());
      data.features.push(phi);
      data.hiddenReward.push(phi.reduce((s, v, i) => s + v * theta[i]!, 0) + Math.sin(phi[0]!));
      data.prompt.push(x);
    }
    for (let i = first; i < first + responses; i++) {
      for (let j = i + 1; j < first + responses; j++) {
        // a fair coin: u < 1/2 on exactly half of the uniform's 2^53 values
        const [a, b] = rng.uniform() < 0.5 ? [i, j] : [j, i];
        data.pairs.push({ a, b, z: data.hiddenReward[a]! > data.hiddenReward[b]! ? 0 : 1 });
      }
    }
  }
  return data;
}

/** Settings of {@link trainRewardModel}. */
export interface TrainConfig {
  /** Hidden width H of the reward model. */
  hidden: number;
  /** Adam step size. */
  learningRate: number;
  /** Full-batch steps. */
  steps: number;
  /** Initialiser seed. */
  seed: number;
  /** Train on the opposite labels (z → 1 − z): the negative control's variant. */
  swapLabels?: boolean;
}

/** What training produced. */
export interface TrainResult {
  /** The learned reward of every item. */
  learnedReward: number[];
  /** Bradley–Terry loss (summed over pairs) before and after training. */
  lossBefore: number;
  /** Bradley–Terry loss after training. */
  lossAfter: number;
}

/**
 * Fits a fresh reward model to the preferences by minimising the two-class cross-entropy of
 * f = (r(x, y_A), r(x, y_B)) — which claim 22b says is the Bradley–Terry loss — with
 * full-batch Adam, then returns the learned reward of every item. Disposes everything it made.
 *
 * @param data the preferences
 * @param config model size, optimiser settings, seed
 * @returns learned rewards and the loss before and after
 * @example
 * ```ts
 * import { syntheticPreferences, trainRewardModel } from "./mod.ts";
 * const d = syntheticPreferences({ prompts: 1, responses: 3, features: 2 }, 4);
 * const r = trainRewardModel(d, { hidden: 4, learningRate: 0.05, steps: 50, seed: 1 });
 * if (!(r.lossAfter < r.lossBefore)) throw new Error("training lowers the loss");
 * ```
 */
export function trainRewardModel(data: PreferenceData, config: TrainConfig): TrainResult {
  const model = makeRewardModel(data.features[0]!.length, config.hidden, config.seed);
  const optimizer: tf.Optimizer = tf.train.adam(config.learningRate);
  const phi = tf.tensor2d(data.features);
  // Features of y_A and y_B per pair, gathered here in plain JS: the wasm backend lacks the
  // kernel that differentiates tf.gather.
  const phiA = tf.tensor2d(data.pairs.map((p) => data.features[p.a]!));
  const phiB = tf.tensor2d(data.pairs.map((p) => data.features[p.b]!));
  const z = tf.tensor1d(data.pairs.map((p) => (config.swapLabels ? 1 - p.z : p.z)));
  // The loss of claim 22a: softmax cross-entropy of the logits (r(x, y_A), r(x, y_B)).
  const loss = () =>
    tf.tidy(() => {
      // f = (r(x, y_A), r(x, y_B)): [B] and [B] -> [B, 2]
      const f = tf.stack([rewards(model, phiA), rewards(model, phiB)], 1) as tf.Tensor2D;
      return tfCrossEntropy(f, z);
    });
  try {
    const lossBefore = scalarOf(loss());
    for (let step = 0; step < config.steps; step++) {
      tf.tidy(() => {
        const { grads, value } = tf.variableGrads(loss, [model.w1, model.b1, model.w2, model.b2]);
        optimizer.applyGradients(grads);
        tf.dispose([value, grads]);
      });
    }
    const lossAfter = scalarOf(loss());
    const learned = tf.tidy(() => rewards(model, phi));
    const learnedReward = Array.from(learned.dataSync());
    learned.dispose();
    return { learnedReward, lossBefore, lossAfter };
  } finally {
    optimizer.dispose();
    disposeRewardModel(model);
    tf.dispose([phi, phiA, phiB, z]);
  }
}

function scalarOf(t: tf.Scalar): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

/**
 * The pairs of items (same prompt) that a learned reward orders differently from the hidden
 * one: empty when the hidden ranking within every prompt is recovered.
 *
 * @param data the preferences (hidden rewards and prompts)
 * @param learned the learned reward of every item
 * @returns the discordant pairs [i, j]
 * @example
 * ```ts
 * import { discordantPairs, syntheticPreferences } from "./mod.ts";
 * const d = syntheticPreferences({ prompts: 1, responses: 4, features: 2 }, 2);
 * if (discordantPairs(d, d.hiddenReward).length !== 0) throw new Error();
 * if (discordantPairs(d, d.hiddenReward.map((r) => -r)).length !== 6) throw new Error();
 * ```
 */
export function discordantPairs(
  data: PreferenceData,
  learned: readonly number[],
): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < learned.length; i++) {
    for (let j = i + 1; j < learned.length; j++) {
      if (data.prompt[i] !== data.prompt[j]) continue;
      const hidden = Math.sign(data.hiddenReward[i]! - data.hiddenReward[j]!);
      if (Math.sign(learned[i]! - learned[j]!) !== hidden) out.push([i, j]);
    }
  }
  return out;
}
