/**
 * Fitting a value network by full-batch gradient descent on sampled targets (Claim 12d).
 *
 * The network is one dense layer without bias on one-hot inputs: V_φ(x) = φ_x, which can
 * represent every function of a finite input (the handout's "infinite expressive power").
 * On the mean squared error (1/N) Σ_i (y_i − φ_{x_i})² the gradient in φ_x is
 * 2 f_x (φ_x − m_x), with f_x the fraction of samples with input x and m_x their mean target,
 * so gradient descent with learning rate η = 1/(2 f_max) shrinks every error φ_x − m_x by the
 * factor 1 − f_x/f_max ≤ ρ := 1 − f_min/f_max per step. The number of steps is computed from
 * ρ so that the optimisation error is below a stated tolerance, whatever the seed.
 *
 * @module
 */
import { tf } from "../../shared/tf/mod.ts";

/** The largest number of gradient steps {@link fitOneHotRegression} takes. */
export const MAX_STEPS = 10_000;

/** What {@link fitOneHotRegression} returns. */
export interface FitResult {
  /** The trained network's output for each input index. */
  values: number[];
  /** The per-input sample means m_x that the exact minimiser would output (NaN if unseen). */
  sampleMeans: number[];
  /** Gradient-descent steps taken. */
  steps: number;
  /** The learning rate η = 1/(2 f_max). */
  learningRate: number;
  /** The contraction factor ρ = 1 − f_min/f_max. */
  contraction: number;
  /**
   * The bound b + max|y| on every initial error |φ_x − m_x|, with b = √(6/(n + 1)) the
   * glorot-uniform limit of the initial weights.
   */
  initialErrorBound: number;
  /**
   * Whether the step count was cut to {@link MAX_STEPS}: then the contraction bound does not
   * guarantee the tolerance.
   */
  capped: boolean;
}

/** What {@link certifiedSteps} returns. */
export interface StepSchedule {
  /** The number of gradient steps to take: min(MAX_STEPS, T). */
  steps: number;
  /** Whether the certified count T exceeds {@link MAX_STEPS}, so that the cap set `steps`. */
  capped: boolean;
}

/**
 * The number of gradient steps after which errors that start at most e and shrink by the factor
 * ρ per step are at most τ: the least T ≥ 1 with e ρ^T ≤ τ, T = max(1, ⌈log(τ/e) / log ρ⌉)
 * (T = 1 when ρ = 0, as one step lands on the minimiser), capped at {@link MAX_STEPS}.
 *
 * @param contraction the contraction factor ρ, in [0, 1)
 * @param initialError the bound e > 0 on every initial error
 * @param tolerance the error τ ≥ 0 to reach (τ = 0 is reached only when ρ = 0)
 * @returns min(MAX_STEPS, T) steps, and whether T > MAX_STEPS (then the bound does not reach τ)
 * @throws Error if ρ is outside [0, 1), e ≤ 0 or τ < 0 (or any is NaN)
 * @example
 * ```ts
 * import { certifiedSteps } from "./fit.ts";
 * // 8 · (1/2)^T ≤ 1 first at T = 3
 * if (certifiedSteps(0.5, 8, 1).steps !== 3) throw new Error();
 * ```
 */
export function certifiedSteps(
  contraction: number,
  initialError: number,
  tolerance: number,
): StepSchedule {
  if (!(contraction >= 0 && contraction < 1)) {
    throw new Error(`contraction must be in [0, 1), got ${contraction}`);
  }
  if (!(initialError > 0)) throw new Error(`initial error bound must be > 0, got ${initialError}`);
  if (!(tolerance >= 0)) throw new Error(`tolerance must be ≥ 0, got ${tolerance}`);
  const needed = contraction === 0
    ? 1
    : Math.max(1, Math.ceil(Math.log(tolerance / initialError) / Math.log(contraction)));
  return { steps: Math.min(MAX_STEPS, needed), capped: needed > MAX_STEPS };
}

/**
 * Trains a one-dense-layer network on one-hot inputs by full-batch gradient descent (tfjs,
 * float32) until the contraction bound guarantees |φ_x − m_x| ≤ tolerance (in exact
 * arithmetic) for every seen input x. Disposes every tensor, variable and optimizer it made.
 *
 * @param inputs the input index of each sample (0 ≤ x < nInputs)
 * @param targets the target of each sample
 * @param nInputs the number of distinct inputs (one-hot width)
 * @param seed the seed of the kernel initialiser
 * @param tolerance the optimisation error τ ≥ 0 to reach (default 1e-4); the step count is
 *   {@link certifiedSteps}(ρ, b + max|y|, τ)
 * @returns the fitted values, the sample means, steps, learning rate, contraction, and whether
 *   the step cap {@link MAX_STEPS} cut the run short
 * @throws Error on mismatched lengths, an input out of range, no samples, or a tolerance < 0
 * @example
 * ```ts
 * import { fitOneHotRegression } from "./fit.ts";
 * const fit = fitOneHotRegression([0, 0, 1], [1, 3, 5], 2, 7);
 * if (Math.abs(fit.values[0]! - 2) > 1e-3 || Math.abs(fit.values[1]! - 5) > 1e-3) throw new Error(String(fit.values));
 * ```
 */
export function fitOneHotRegression(
  inputs: readonly number[],
  targets: readonly number[],
  nInputs: number,
  seed: number,
  tolerance = 1e-4,
): FitResult {
  const N = inputs.length;
  if (N === 0 || targets.length !== N) {
    throw new Error(
      `need as many targets as inputs (≥ 1), got ${N} inputs and ${targets.length} targets`,
    );
  }
  const counts = new Array<number>(nInputs).fill(0);
  const sums = new Array<number>(nInputs).fill(0);
  inputs.forEach((x, i) => {
    if (!Number.isInteger(x) || x < 0 || x >= nInputs) {
      throw new Error(`input ${i} is ${x}, not an index in [0, ${nInputs})`);
    }
    counts[x]!++;
    sums[x]! += targets[i]!;
  });
  const seen = counts.filter((c) => c > 0);
  const fMax = Math.max(...seen) / N;
  const fMin = Math.min(...seen) / N;
  const learningRate = 1 / (2 * fMax);
  const contraction = 1 - fMin / fMax;
  // glorotUniform draws from [−√(6/(fanIn + fanOut)), +√(…)]
  const initBound = Math.sqrt(6 / (nInputs + 1));
  const maxTarget = Math.max(...targets.map(Math.abs));
  const initialError = initBound + maxTarget;
  const { steps, capped } = certifiedSteps(contraction, initialError, tolerance);

  const model = tf.sequential({
    layers: [tf.layers.dense({
      units: 1,
      inputShape: [nInputs],
      useBias: false,
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    })],
  });
  const optimizer = tf.train.sgd(learningRate);
  const x = tf.tidy(() => tf.oneHot(tf.tensor1d([...inputs], "int32"), nInputs).toFloat()); // [N, nInputs]
  const y = tf.tensor2d([...targets], [N, 1]); // [N, 1]
  for (let step = 0; step < steps; step++) {
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const prediction = model.apply(x) as tf.Tensor; // [N, nInputs] x [nInputs, 1] -> [N, 1]
        return tf.mean(tf.square(tf.sub(y, prediction))) as tf.Scalar; // (1/N) Σ (y − V_φ(x))²
      })
    );
    optimizer.applyGradients(grads);
    tf.dispose([value, grads]);
  }
  const values = tf.tidy(() => Array.from((model.apply(tf.eye(nInputs)) as tf.Tensor).dataSync()));
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return {
    values,
    sampleMeans: sums.map((s, i) => (counts[i]! > 0 ? s / counts[i]! : NaN)),
    steps,
    learningRate,
    contraction,
    initialErrorBound: initialError,
    capped,
  };
}
