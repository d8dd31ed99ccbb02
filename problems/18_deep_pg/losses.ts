/**
 * The two losses of the deep policy gradient as tfjs programs, written over the 48 states:
 * each network runs once on all states, and the sampled steps enter through per-(s, a) and
 * per-state weights (README: "Written over the 48 states"). The stacked forms train K seeds
 * at once; a single network is the case K = 1.
 *
 * @module
 */
import { stackedForwardAll, type StackedMlp } from "../../shared/mlp/mod.ts";
import { tf } from "../../shared/tf/mod.ts";

/**
 * The policy loss −Σ_{k,s,a} W[k, s, a] log π_{θ_k}(a | s): its gradient in θ_k is g_θ of the
 * handout for copy k (averaged over its batch). Call inside a gradient function.
 *
 * @param net the K stacked policy networks
 * @param weights W as a [K, S, A] tensor
 * @returns the scalar loss
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp } from "../../shared/mlp/mod.ts";
 * import { stackedPolicyLoss } from "./losses.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * const net = createStackedMlp(2, 4, 2, [1, 2], 0); // uniform policies
 * const loss = tf.tidy(() => stackedPolicyLoss(net, tf.tensor3d([[[1, 0], [0, 0]], [[0, 0], [0, 1]]])).arraySync() as number);
 * if (Math.abs(loss - 2 * Math.log(2)) > 1e-6) throw new Error(); // two copies, −log(1/2) each
 * disposeStackedMlp(net);
 * ```
 */
export function stackedPolicyLoss(net: StackedMlp, weights: tf.Tensor3D): tf.Scalar {
  const logp = tf.logSoftmax(stackedForwardAll(net)); // [K, S, A]
  return tf.neg(tf.sum(tf.mul(weights, logp)));
}

/**
 * The entropy term Σ_{k,s} c[k, s] H(π_{θ_k}(· | s)), H(p) = −Σ_a p_a log p_a: with
 * c = β · n (visits) it is β Σ_t H(π_θ(· | s_t)), the bonus that A2C-style policy gradients
 * subtract from the policy loss. Call inside a gradient function.
 *
 * @param net the K stacked policy networks
 * @param coefficients c as a [K, S] tensor
 * @returns the scalar Σ c H
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp } from "../../shared/mlp/mod.ts";
 * import { stackedEntropy } from "./losses.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * const net = createStackedMlp(2, 4, 2, [1], 0); // uniform: H = log 2 in each state
 * const h = tf.tidy(() => stackedEntropy(net, tf.tensor2d([[1, 3]])).arraySync() as number);
 * if (Math.abs(h - 4 * Math.log(2)) > 1e-6) throw new Error();
 * disposeStackedMlp(net);
 * ```
 */
export function stackedEntropy(net: StackedMlp, coefficients: tf.Tensor2D): tf.Scalar {
  const logp = tf.logSoftmax(stackedForwardAll(net)); // [K, S, A]
  const H = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 2)); // [K, S]
  return tf.sum(tf.mul(coefficients, H));
}

/**
 * The policy objective exactly as training minimises it: the policy loss minus the entropy
 * bonus, −Σ_{k,s,a} W[k, s, a] log π_{θ_k}(a | s) − Σ_{k,s} E[k, s] H(π_{θ_k}(· | s)), with
 * E = β n (so the bonus is maximised). Without `entropyWeights` it is the policy loss alone.
 * Call inside a gradient function.
 *
 * @param net the K stacked policy networks
 * @param weights W as a [K, S, A] tensor
 * @param entropyWeights E as a [K, S] tensor (omitted when β = 0)
 * @returns the scalar loss
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp } from "../../shared/mlp/mod.ts";
 * import { stackedTrainingLoss } from "./losses.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * const net = createStackedMlp(2, 4, 2, [1], 0); // uniform: log π = H = log 2 at each state
 * const loss = tf.tidy(() =>
 *   stackedTrainingLoss(net, tf.tensor3d([[[1, 0], [0, 0]]]), tf.tensor2d([[2, 0]])).arraySync() as number
 * );
 * if (Math.abs(loss - (Math.log(2) - 2 * Math.log(2))) > 1e-6) throw new Error();
 * disposeStackedMlp(net);
 * ```
 */
export function stackedTrainingLoss(
  net: StackedMlp,
  weights: tf.Tensor3D,
  entropyWeights?: tf.Tensor2D,
): tf.Scalar {
  const loss = stackedPolicyLoss(net, weights);
  // the bonus is maximised: it enters the minimised loss with a minus sign
  return entropyWeights ? tf.sub(loss, stackedEntropy(net, entropyWeights)) : loss;
}

/**
 * The baseline loss Σ_{k,s} (½ n[k, s] V_k(s)² − S[k, s] V_k(s)) = Σ_t ½ (⟦Q̂_t⟧ − V_φ(s_t))²
 * minus a constant: the gradient g_φ, with the target entering only as data (the
 * stop-gradient). `cut` (optional) adds −Σ C[k, s] V_k(s): the extra gradient a loss without
 * the stop-gradient would have (the `value-target-gradient` mistake).
 *
 * @param net the K stacked value networks
 * @param visits n as a [K, S] tensor
 * @param targetSums S as a [K, S] tensor
 * @param cut C as a [K, S] tensor, only for the mistake
 * @returns the scalar loss
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp } from "../../shared/mlp/mod.ts";
 * import { stackedValueLoss } from "./losses.ts";
 * import { tf } from "../../shared/tf/mod.ts";
 * const net = createStackedMlp(2, 4, 1, [1], 0); // outputs 0: loss 0
 * const loss = tf.tidy(() => stackedValueLoss(net, tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 4]])).arraySync());
 * if (loss !== 0) throw new Error();
 * disposeStackedMlp(net);
 * ```
 */
export function stackedValueLoss(
  net: StackedMlp,
  visits: tf.Tensor2D,
  targetSums: tf.Tensor2D,
  cut?: tf.Tensor2D,
): tf.Scalar {
  const v = tf.squeeze(stackedForwardAll(net), [2]); // [K, S, 1] -> [K, S]
  const loss = tf.sum(tf.sub(tf.mul(tf.mul(0.5, visits), tf.square(v)), tf.mul(targetSums, v)));
  // d/dφ ½(c + V(s_T) − V(s_t))² also has (c + V(s_T) − V(s_t)) ∇V(s_T): that is −C · ∇V
  return (cut ? tf.sub(loss, tf.sum(tf.mul(cut, v))) : loss) as tf.Scalar;
}
