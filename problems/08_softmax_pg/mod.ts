/**
 * Problem 8: the tabular softmax policy π_Θ(· | s) = μ(θ_s), its log-probability and score
 * ∇_Θ log π_Θ(a | s) (closed form, tfjs autodiff, float64 finite differences), and the
 * explicit-step lemma that says how far along a direction h the probability μ_i(z + αh)
 * is guaranteed to rise.
 *
 * Conventions: Θ is a k × ℓ table `theta[a][s]` (column s is θ_s, the logits of state s);
 * actions and states are 0-based in code (the handout's action 1 is index 0). The vector
 * softmax μ, log-sum-exp and `SoftmaxInputError` (thrown for malformed Θ, indices out of
 * range, or mismatched lengths) come from `shared/softmax`.
 *
 * @module
 */
import { type Fraction, fraction } from "mathjs";
import { tf } from "../../shared/tf/mod.ts";
import { autodiffGradient, centralDifference } from "../../shared/gradients/mod.ts";
import { logSumExp, softmax, SoftmaxInputError, softmaxPolicy } from "../../shared/softmax/mod.ts";

/** A parameter table Θ[a][s] (k actions × ℓ states). */
export type Theta = readonly (readonly number[])[];

/**
 * Validates Θ (rectangular, finite, at least 1 × 1) and returns (k, ℓ).
 *
 * @param theta Θ[a][s]
 * @returns the number of actions k and of states ℓ
 * @throws SoftmaxInputError naming the bad row or entry
 * @example
 * ```ts
 * import { thetaShape } from "./mod.ts";
 * const { k, l } = thetaShape([[0, 1, 2], [3, 4, 5]]);
 * if (k !== 2 || l !== 3) throw new Error();
 * ```
 */
export function thetaShape(theta: Theta): { k: number; l: number } {
  if (!Array.isArray(theta) || theta.length === 0) {
    throw new SoftmaxInputError("Θ must be a non-empty array of rows (one row per action)");
  }
  const l = theta[0]?.length ?? 0;
  if (l === 0) throw new SoftmaxInputError("Θ must have at least one column (state)");
  theta.forEach((row, a) => {
    if (!Array.isArray(row) || row.length !== l) {
      throw new SoftmaxInputError(`Θ row a=${a} has ${row?.length} entries, expected ${l}`);
    }
    row.forEach((x, s) => {
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new SoftmaxInputError(`Θ[a=${a}][s=${s}] = ${x} is not finite`);
      }
    });
  });
  return { k: theta.length, l };
}

function checkIndex(i: number, n: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) {
    throw new SoftmaxInputError(`${what} ${i} is not in [0, ${n})`);
  }
}

/**
 * The column θ_s of Θ.
 *
 * @param theta Θ
 * @param s the state
 * @returns θ_s (k logits)
 * @example
 * ```ts
 * import { column } from "./mod.ts";
 * if (column([[1, 2], [3, 4]], 1).join() !== "2,4") throw new Error();
 * ```
 */
export function column(theta: Theta, s: number): number[] {
  const { l } = thetaShape(theta);
  checkIndex(s, l, "state");
  return theta.map((row) => row[s]!);
}

/**
 * π_Θ(· | s) = μ(θ_s).
 *
 * @param theta Θ
 * @param s the state
 * @returns the action probabilities in state s
 * @example
 * ```ts
 * import { policy } from "./mod.ts";
 * if (policy([[0], [0]], 0).join() !== "0.5,0.5") throw new Error();
 * ```
 */
export function policy(theta: Theta, s: number): number[] {
  return softmax(column(theta, s));
}

/**
 * log π_Θ(a | s) by the definition: the logarithm of the softmax quotient
 * log(e^{Θ_{a,s}} / Σ_j e^{Θ_{j,s}}).
 *
 * @param theta Θ
 * @param a the action
 * @param s the state
 * @returns log π_Θ(a | s)
 * @example
 * ```ts
 * import { logPolicyByDefinition } from "./mod.ts";
 * if (Math.abs(logPolicyByDefinition([[0], [0]], 1, 0) - Math.log(0.5)) > 1e-15) throw new Error();
 * ```
 */
export function logPolicyByDefinition(theta: Theta, a: number, s: number): number {
  const z = column(theta, s);
  checkIndex(a, z.length, "action");
  const e = z.map(Math.exp);
  return Math.log(e[a]! / e.reduce((x, y) => x + y, 0));
}

/**
 * log π_Θ(a | s) read from the whole policy table: every state's softmax over actions is
 * computed at once (`softmaxPolicy` of shared/softmax on Θᵀ, one row per state), and the
 * entry (s, a) is taken afterwards. Unlike {@link logPolicyByDefinition}, nothing here
 * selects column s before the arithmetic, so a normaliser that mixed states would show in
 * the derivatives with respect to the other columns (Claim 08b).
 *
 * @param theta Θ
 * @param a the action
 * @param s the state
 * @returns log π_Θ(a | s)
 * @example
 * ```ts
 * import { logPolicyFromTable } from "./mod.ts";
 * const v = logPolicyFromTable([[0, 9], [Math.log(3), -9]], 1, 0);
 * if (Math.abs(v - Math.log(0.75)) > 1e-15) throw new Error(String(v));
 * ```
 */
export function logPolicyFromTable(theta: Theta, a: number, s: number): number {
  const { k, l } = thetaShape(theta);
  checkIndex(a, k, "action");
  checkIndex(s, l, "state");
  // Θᵀ: [k, ℓ] -> [ℓ, k], row s holds the logits θ_s of state s
  const perState = Array.from({ length: l }, (_, u) => theta.map((row) => row[u]!));
  return Math.log(softmaxPolicy(perState)[s]![a]!);
}

/**
 * log π_Θ(a | s) by Claim 08a's formula: Θ_{a,s} − log(1ᵀ e^{θ_s}). `normaliser` replaces
 * the log-sum-exp (the negative controls pass a wrong one).
 *
 * @param theta Θ
 * @param a the action
 * @param s the state
 * @param normaliser the function of θ_s subtracted (default log-sum-exp)
 * @returns the formula's value
 * @example
 * ```ts
 * import { logPolicyByFormula } from "./mod.ts";
 * if (Math.abs(logPolicyByFormula([[1], [1]], 0, 0) - Math.log(0.5)) > 1e-15) throw new Error();
 * ```
 */
export function logPolicyByFormula(
  theta: Theta,
  a: number,
  s: number,
  normaliser: (z: readonly number[]) => number = logSumExp,
): number {
  const z = column(theta, s);
  checkIndex(a, z.length, "action");
  // eq. (a): log π(a | s) = Θ_{a,s} − log(1ᵀ e^{θ_s})
  return theta[a]![s]! - normaliser(z);
}

/**
 * ∇_Θ log π_Θ(a0 | s0) in closed form (Claims 08b, 08c): the k × ℓ matrix whose column s0 is
 * u_{a0} − π_Θ(· | s0) and whose other columns are 0.
 *
 * @param theta Θ
 * @param a0 the action
 * @param s0 the state
 * @returns the gradient as a k × ℓ table
 * @example
 * ```ts
 * import { scoreClosedForm } from "./mod.ts";
 * const g = scoreClosedForm([[0, 5], [0, 7]], 0, 0);
 * if (g[0]![0] !== 0.5 || g[1]![0] !== -0.5 || g[0]![1] !== 0) throw new Error();
 * ```
 */
export function scoreClosedForm(theta: Theta, a0: number, s0: number): number[][] {
  const { k, l } = thetaShape(theta);
  checkIndex(a0, k, "action");
  const p = policy(theta, s0);
  return Array.from(
    { length: k },
    (_, a) => Array.from({ length: l }, (_, s) => (s === s0 ? (a === a0 ? 1 : 0) - p[a]! : 0)),
  );
}

/**
 * ∇_Θ log π_Θ(a0 | s0) by float64 central differences of the definition (h = 1e-5).
 *
 * @param theta Θ
 * @param a0 the action
 * @param s0 the state
 * @param logPi the log-probability to differentiate (default the definition)
 * @returns the k × ℓ gradient table
 * @example
 * ```ts
 * import { scoreFiniteDifference } from "./mod.ts";
 * const g = scoreFiniteDifference([[0], [0]], 0, 0);
 * if (Math.abs(g[0]![0]! - 0.5) > 1e-9) throw new Error();
 * ```
 */
export function scoreFiniteDifference(
  theta: Theta,
  a0: number,
  s0: number,
  logPi: (t: Theta, a: number, s: number) => number = logPolicyByDefinition,
): number[][] {
  const { k, l } = thetaShape(theta);
  const flat = centralDifference((x) => logPi(unflatten(x, k, l), a0, s0), theta.flat());
  return unflatten(flat, k, l);
}

/**
 * ∇_Θ log π_Θ(a0 | s0) by tfjs autodiff (float32) of tf.logSoftmax(Θᵀ)[s0, a0], leak-free.
 *
 * @param theta Θ
 * @param a0 the action
 * @param s0 the state
 * @returns the k × ℓ gradient table
 * @example
 * ```ts
 * import { scoreAutodiff } from "./mod.ts";
 * const g = scoreAutodiff([[0, 3], [0, 1]], 1, 0);
 * if (g[1]![0] !== 0.5 || g[0]![0] !== -0.5 || g[0]![1] !== 0) throw new Error(String(g));
 * ```
 */
export function scoreAutodiff(theta: Theta, a0: number, s0: number): number[][] {
  const { k, l } = thetaShape(theta);
  checkIndex(a0, k, "action");
  checkIndex(s0, l, "state");
  const flat = autodiffGradient((x) => {
    const logits = tf.transpose(tf.reshape(x, [k, l])); // [k, ℓ] -> [ℓ, k]: row s is θ_s
    const logPi = tf.logSoftmax(logits); // log softmax over actions, per state: [ℓ, k]
    return tf.squeeze(tf.slice(logPi, [s0, a0], [1, 1])) as tf.Scalar;
  }, theta.flat());
  return unflatten(flat, k, l);
}

/**
 * The policy-gradient direction of Claims 08f–08h:
 * g = E_{a∼π(·|s0)}[C_a ∇_Θ log π_Θ(a | s0)] = Σ_a π(a | s0) C_a ∇_Θ log π_Θ(a | s0).
 *
 * @param theta Θ
 * @param s0 the state
 * @param c the weights C_a, one per action
 * @returns g as a k × ℓ table
 * @throws SoftmaxInputError if c has the wrong length or a non-finite entry
 * @example
 * ```ts
 * import { policyGradientDirection } from "./mod.ts";
 * // π uniform, C = (1, 2): g_{·,s0} = π ⊙ (C − C̄) = (−1/4, 1/4)
 * const g = policyGradientDirection([[0], [0]], 0, [1, 2]);
 * if (g[0]![0] !== -0.25 || g[1]![0] !== 0.25) throw new Error(String(g));
 * ```
 */
export function policyGradientDirection(
  theta: Theta,
  s0: number,
  c: readonly number[],
): number[][] {
  const { k, l } = thetaShape(theta);
  if (c.length !== k) throw new SoftmaxInputError(`C has ${c.length} entries, expected k = ${k}`);
  c.forEach((x, a) => {
    if (!Number.isFinite(x)) throw new SoftmaxInputError(`C[${a}] = ${x} is not finite`);
  });
  const p = policy(theta, s0);
  const g = Array.from({ length: k }, () => new Array<number>(l).fill(0));
  p.forEach((pa, a) => {
    const score = scoreClosedForm(theta, a, s0);
    score.forEach((row, i) => row.forEach((x, s) => (g[i]![s]! += pa * c[a]! * x)));
  });
  return g;
}

/**
 * The parameter step Θ + α g, entrywise.
 *
 * @param theta Θ
 * @param g the direction (same shape)
 * @param alpha the step size α
 * @returns Θ + α g
 * @example
 * ```ts
 * import { step } from "./mod.ts";
 * if (step([[1, 2]], [[1, -1]], 0.5).join() !== "1.5,1.5") throw new Error();
 * ```
 */
export function step(theta: Theta, g: Theta, alpha: number): number[][] {
  return theta.map((row, a) => row.map((x, s) => x + alpha * g[a]![s]!));
}

/** What the explicit-step lemma guarantees for f(α) = μ_i(z + αh). */
export interface ExplicitStep {
  /** f'(0) = μ_i(z)(h_i − ⟨μ(z), h⟩), the closed form. */
  derivative: number;
  /** D = max_j h_j − min_j h_j. */
  spread: number;
  /** α* = 4 f'(0) / D² (only meaningful when f'(0) > 0). */
  alpha: number;
  /** The guaranteed rise at α*: 2 f'(0)² / D². */
  guaranteedGain: number;
}

/**
 * The explicit-step lemma for f(α) = μ_i(z + αh): f'(0) = μ_i(h_i − ⟨μ, h⟩) and
 * f'' ≥ −D²/4, so when f'(0) > 0, f(α*) − f(0) ≥ 2f'(0)²/D² at α* = 4f'(0)/D².
 *
 * @param z logits
 * @param h direction
 * @param i the coordinate whose probability is followed
 * @returns derivative, spread, α* and the guaranteed gain
 * @example
 * ```ts
 * import { explicitStep } from "./mod.ts";
 * // z = 0, h = (1, 0): f'(0) = ½ · (1 − ½) = ¼, D = 1, α* = 1, gain ≥ 1/8
 * const e = explicitStep([0, 0], [1, 0], 0);
 * if (e.derivative !== 0.25 || e.alpha !== 1 || e.guaranteedGain !== 0.125) throw new Error();
 * ```
 */
export function explicitStep(z: readonly number[], h: readonly number[], i: number): ExplicitStep {
  if (h.length !== z.length) {
    throw new SoftmaxInputError(`direction has ${h.length} entries, logits have ${z.length}`);
  }
  checkIndex(i, z.length, "coordinate");
  const mu = softmax(z);
  const mean = mu.reduce((acc, p, j) => acc + p * h[j]!, 0);
  const derivative = mu[i]! * (h[i]! - mean);
  const spread = Math.max(...h) - Math.min(...h);
  const alpha = spread > 0 ? (4 * derivative) / spread ** 2 : 0;
  const guaranteedGain = spread > 0 ? (2 * derivative ** 2) / spread ** 2 : 0;
  return { derivative, spread, alpha, guaranteedGain };
}

/**
 * μ_i(z + αh) − μ_i(z), computed from the smaller of μ_i and 1 − μ_i = Σ_{j≠i} μ_j so that
 * the difference keeps its relative accuracy when μ_i is close to 1.
 *
 * @param z logits
 * @param h direction
 * @param i coordinate
 * @param alpha step
 * @returns the change in probability
 * @example
 * ```ts
 * import { probabilityChange } from "./mod.ts";
 * if (!(probabilityChange([0, 0], [1, 0], 0, 1) > 0.23)) throw new Error();
 * ```
 */
export function probabilityChange(
  z: readonly number[],
  h: readonly number[],
  i: number,
  alpha: number,
): number {
  const before = softmax(z);
  const after = softmax(z.map((x, j) => x + alpha * h[j]!));
  if (before[i]! <= 0.5) return after[i]! - before[i]!;
  const rest = (p: number[]) => p.reduce((acc, x, j) => (j === i ? acc : acc + x), 0);
  return rest(before) - rest(after);
}

/** The exact quantities of Claims 08g and 08h at Θ's column 0 (uniform π). */
export interface ExactDirection {
  /** g_{·, s0} = π ⊙ (C − C̄), exactly. */
  g: Fraction[];
  /** ⟨π, g⟩. */
  mean: Fraction;
  /** f'(0) = π_i(g_i − ⟨π, g⟩) for every i. */
  derivative: Fraction[];
}

/**
 * The direction g = E_a[C_a ∇ log π(a | s0)] at uniform π = 1/k, in exact rational
 * arithmetic: column s0 of g is π ⊙ (C − C̄) (Claim 08f's proof), and the derivative of
 * α ↦ π_{Θ+αg}(i | s0) at 0 is π_i(g_i − ⟨π, g⟩).
 *
 * @param c the weights C_a as rationals (numbers converted exactly)
 * @returns g, ⟨π, g⟩ and the derivatives
 * @example
 * ```ts
 * import { exactDirectionAtUniform } from "./mod.ts";
 * const e = exactDirectionAtUniform([1, 2]);
 * if (e.g[0]!.toFraction() !== "-1/4" || e.derivative[0]!.toFraction() !== "-1/8") throw new Error();
 * ```
 */
export function exactDirectionAtUniform(c: readonly number[]): ExactDirection {
  const k = c.length;
  const p = fraction(1, k);
  const cs = c.map((x) => fraction(x));
  const cBar = cs.reduce((acc, x) => acc.add(x.mul(p)), fraction(0));
  const g = cs.map((x) => p.mul(x.sub(cBar)));
  const mean = g.reduce((acc, x) => acc.add(x.mul(p)), fraction(0));
  const derivative = g.map((x) => p.mul(x.sub(mean)));
  return { g, mean, derivative };
}

function unflatten(x: readonly number[], k: number, l: number): number[][] {
  return Array.from({ length: k }, (_, a) => x.slice(a * l, (a + 1) * l));
}
