/**
 * The bridge between the stacked tfjs networks and the float64 oracles of the gradient
 * claims: one copy's weights read out as float64 arrays, random directions in that layout,
 * and the inner product of a tfjs gradient with such a direction.
 *
 * @module
 */
import type { StackedMlp } from "../../shared/mlp/mod.ts";
import type { Rng } from "../../shared/random/mod.ts";
import type { tf } from "../../shared/tf/mod.ts";
import type { MlpWeights } from "./claims_oracles.ts";

/**
 * Copy k of a stack as float64 arrays.
 *
 * @param net the stacked networks
 * @param k the copy
 * @returns its weights, row-major
 * @example
 * ```ts
 * import { createStackedMlp, disposeStackedMlp } from "../../shared/mlp/mod.ts";
 * import { weightsOf } from "./claims_tf_weights.ts";
 * const net = createStackedMlp(3, 2, 4, [1, 2]);
 * const w = await weightsOf(net, 1);
 * if (w.w1.length !== 6 || w.w2.length !== 8 || w.b2.length !== 4) throw new Error();
 * disposeStackedMlp(net);
 * ```
 */
export async function weightsOf(net: StackedMlp, k: number): Promise<MlpWeights> {
  const [w1, b1, w2, b2] = await Promise.all(net.variables.map((v) => v.data()));
  const H = net.w1.shape[2]!;
  const S = net.nStates;
  const O = net.nOut;
  const slice = (a: ArrayLike<number>, n: number) =>
    Float64Array.from({ length: n }, (_, i) => a[k * n + i]!);
  return {
    w1: slice(w1!, S * H),
    b1: slice(b1!, H),
    w2: slice(w2!, H * O),
    b2: slice(b2!, O),
    nStates: S,
    hidden: H,
    nOut: O,
  };
}

/**
 * A random direction with the layout of `w`, entries N(0, 1).
 *
 * @param w the layout
 * @param rng the random source
 * @returns the direction
 * @example
 * ```ts
 * import { Rng } from "../../shared/random/mod.ts";
 * import { randomDirection } from "./claims_tf_weights.ts";
 * const zero = new Float64Array(2);
 * const w = { w1: zero, b1: zero, w2: zero, b2: zero, nStates: 1, hidden: 2, nOut: 2 };
 * if (randomDirection(w, new Rng(1)).w1.every((x) => x === 0)) throw new Error();
 * ```
 */
export function randomDirection(w: MlpWeights, rng: Rng): MlpWeights {
  const r = (a: Float64Array) => a.map(() => rng.normal());
  return { ...w, w1: r(w.w1), b1: r(w.b1), w2: r(w.w2), b2: r(w.b2) };
}

/**
 * ⟨g, u⟩ for copy k of a stacked gradient (tfjs) and a float64 direction.
 *
 * @param grads the gradients of w1, b1, w2, b2 of the stack, in that order
 * @param u the direction of copy k
 * @param k the copy
 * @returns the inner product
 * @example
 * ```ts
 * import { tf } from "../../shared/tf/mod.ts";
 * import { dotCopy } from "./claims_tf_weights.ts";
 * const one = new Float64Array([1]);
 * const u = { w1: one, b1: one, w2: one, b2: one, nStates: 1, hidden: 1, nOut: 1 };
 * const g = [1, 2, 3, 4].map((x) => tf.tensor1d([0, x])); // copy 1 holds x
 * if ((await dotCopy(g, u, 1)) !== 10) throw new Error();
 * tf.dispose(g);
 * ```
 */
export async function dotCopy(grads: tf.Tensor[], u: MlpWeights, k: number): Promise<number> {
  let total = 0;
  const parts = [u.w1, u.b1, u.w2, u.b2];
  for (let i = 0; i < 4; i++) {
    const g = await grads[i]!.data();
    const part = parts[i]!;
    for (let j = 0; j < part.length; j++) total += g[k * part.length + j]! * part[j]!;
  }
  return total;
}
