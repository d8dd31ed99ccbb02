/**
 * The small tfjs networks of the Cliff Walk agents: an MLP from a one-hot state to action
 * logits (the policy π_θ) or to one number (the baseline V_φ). With only |S| = 48 states, every
 * update evaluates a network once on all states (a [48, 48] identity batch) and reads the
 * table back: rollouts then sample from that table in plain TypeScript, never calling tfjs
 * per step.
 *
 * @module
 */
import { tf } from "../tf/mod.ts";

export * from "./stacked.ts";

/** A two-layer perceptron one-hot(s) → tanh hidden layer → outputs, as tf variables. */
export interface Mlp {
  /** [nStates, hidden] first-layer weights. */
  readonly w1: tf.Variable;
  /** [hidden] first-layer bias. */
  readonly b1: tf.Variable;
  /** [hidden, nOut] output weights. */
  readonly w2: tf.Variable;
  /** [nOut] output bias. */
  readonly b2: tf.Variable;
  /** The four variables, for optimizers. */
  readonly variables: tf.Variable[];
  /** Number of states (input width). */
  readonly nStates: number;
  /** Output width. */
  readonly nOut: number;
}

/**
 * Creates the MLP. Weights: Glorot-uniform for the hidden layer, and the output layer scaled
 * by `outputScale` (a small scale starts the policy near uniform); biases 0. Seeded.
 *
 * @param nStates number of states (the one-hot width)
 * @param hidden hidden units
 * @param nOut outputs (|A| logits, or 1 for a value)
 * @param seed initialiser seed
 * @param outputScale multiplier of the output weights (default 1)
 * @returns the network's variables
 * @example
 * ```ts
 * import { createMlp, disposeMlp, mlpForwardAll } from "./mod.ts";
 * import { tf } from "../tf/mod.ts";
 * const net = createMlp(48, 16, 4, 1);
 * const out = tf.tidy(() => mlpForwardAll(net));
 * if (out.shape.join() !== "48,4") throw new Error();
 * out.dispose();
 * disposeMlp(net);
 * ```
 */
export function createMlp(
  nStates: number,
  hidden: number,
  nOut: number,
  seed: number,
  outputScale = 1,
): Mlp {
  // tf.variable keeps its initial tensor's data alive; creating it inside tidy disposes the
  // initial tensor object itself, so nothing but the variable remains
  const w1 = tf.tidy(() =>
    tf.variable(tf.initializers.glorotUniform({ seed: seed | 0 }).apply([nStates, hidden]))
  );
  const b1 = tf.tidy(() => tf.variable(tf.zeros([hidden])));
  const w2 = tf.tidy(() =>
    tf.variable(
      tf.mul(
        tf.initializers.glorotUniform({ seed: (seed + 1) | 0 }).apply([hidden, nOut]),
        outputScale,
      ),
    )
  );
  const b2 = tf.tidy(() => tf.variable(tf.zeros([nOut])));
  return { w1, b1, w2, b2, variables: [w1, b1, w2, b2], nStates, nOut };
}

/**
 * The network on every state at once: rows of one-hot(s) for s = 0 … |S| − 1. Call inside
 * `tf.tidy` or a gradient function.
 *
 * @param net the network
 * @returns [nStates, nOut] outputs
 * @example
 * ```ts
 * import { createMlp, disposeMlp, mlpForwardAll } from "./mod.ts";
 * import { tf } from "../tf/mod.ts";
 * const net = createMlp(3, 4, 1, 2);
 * const v = tf.tidy(() => mlpForwardAll(net).arraySync() as number[][]);
 * if (v.length !== 3 || v[0]!.length !== 1) throw new Error();
 * disposeMlp(net);
 * ```
 */
export function mlpForwardAll(net: Mlp): tf.Tensor2D {
  const x = tf.eye(net.nStates); // [S, S]: row s is one-hot(s)
  const h = tf.tanh(tf.add(tf.matMul(x, net.w1), net.b1)); // [S, S] x [S, H] -> [S, H]
  return tf.add(tf.matMul(h, net.w2), net.b2) as tf.Tensor2D; // [S, H] x [H, nOut] -> [S, nOut]
}

/**
 * Reads the policy table π_θ(a | s) for every state (softmax of the logits), as float64
 * rows renormalised to sum to 1 (float32 softmax rows sum to 1 only within ~1e-7, and the
 * exact evaluators of `shared/mdp` ask for 1e-9).
 *
 * @param net the policy network
 * @returns rows π(· | s), each summing to 1 in float64
 * @example
 * ```ts
 * import { createMlp, disposeMlp, policyTable } from "./mod.ts";
 * const net = createMlp(48, 8, 4, 3, 0.01);
 * const table = await policyTable(net);
 * if (Math.abs(table[0]!.reduce((a, b) => a + b, 0) - 1) > 1e-12) throw new Error();
 * disposeMlp(net);
 * ```
 */
export async function policyTable(net: Mlp): Promise<number[][]> {
  const probs = tf.tidy(() => tf.softmax(mlpForwardAll(net)));
  const flat = await probs.data();
  probs.dispose();
  return rows(flat, net.nOut).map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((p) => p / total);
  });
}

/**
 * Reads the value table V_φ(s) for every state.
 *
 * @param net a network with one output
 * @returns V(s) per state
 * @example
 * ```ts
 * import { createMlp, disposeMlp, valueTable } from "./mod.ts";
 * const net = createMlp(5, 4, 1, 4);
 * if ((await valueTable(net)).length !== 5) throw new Error();
 * disposeMlp(net);
 * ```
 */
export async function valueTable(net: Mlp): Promise<number[]> {
  const out = tf.tidy(() => mlpForwardAll(net));
  const flat = await out.data();
  out.dispose();
  return Array.from(flat);
}

/**
 * Disposes the network's variables.
 *
 * @param net the network
 * @example
 * ```ts
 * import { createMlp, disposeMlp } from "./mod.ts";
 * disposeMlp(createMlp(2, 2, 2, 5));
 * ```
 */
export function disposeMlp(net: Mlp): void {
  for (const v of net.variables) v.dispose();
}

function rows(flat: ArrayLike<number>, width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += width) {
    out.push(Array.from({ length: width }, (_, j) => flat[i + j]!));
  }
  return out;
}
