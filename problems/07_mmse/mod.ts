/**
 * Problem 7 in exact rational arithmetic (mathjs Fraction): a discrete joint law of
 * (X, Y), estimators f as tables over the values of Y, the mean squared error
 * E[(X − f(Y))²], the conditional mean f*(y) = E[X | Y = y], the conditional median (a
 * false candidate), and the excess E[(f(Y) − g(Y))²].
 *
 * @module
 */
import { type Fraction, fraction } from "mathjs";

/** One atom of the joint law: P(X = x, Y = y) = p. */
export interface Atom {
  /** The value of X. */
  x: Fraction;
  /** The value of Y, as an index 0 … nY − 1. */
  y: number;
  /** Its probability. */
  p: Fraction;
}

/** A discrete joint law of (X, Y) with Y ∈ {0, …, nY − 1}. */
export interface Joint {
  /** The atoms (probabilities ≥ 0 summing to 1). */
  atoms: Atom[];
  /** The number of values of Y. */
  nY: number;
}

/** An estimator: f[y] is the guess for X after observing Y = y. */
export type Estimator = readonly Fraction[];

/** Thrown for a malformed joint law or estimator; the message names the place. */
export class JointInputError extends Error {
  override name = "JointInputError";
}

const ZERO = fraction(0);

/**
 * Builds a joint law from integer weights w[i][y] on the X values xs[i], normalised.
 *
 * @param xs the values of X
 * @param weights weights[i][y] ≥ 0 (integers or rationals), not all zero
 * @returns the joint law
 * @throws JointInputError on a negative weight, ragged rows or an all-zero table
 * @example
 * ```ts
 * import { fraction } from "mathjs";
 * import { jointFromWeights } from "./mod.ts";
 * const j = jointFromWeights([fraction(0), fraction(1)], [[1, 0], [1, 2]]);
 * if (j.nY !== 2 || j.atoms.length !== 3 || j.atoms[2]!.p.toFraction() !== "1/2") throw new Error();
 * ```
 */
export function jointFromWeights(
  xs: readonly Fraction[],
  weights: readonly (readonly number[])[],
): Joint {
  if (xs.length === 0 || weights.length !== xs.length) {
    throw new JointInputError(
      `need one weight row per X value: ${xs.length} values, ${weights.length} rows`,
    );
  }
  const nY = weights[0]!.length;
  let total = ZERO;
  weights.forEach((row, i) => {
    if (row.length !== nY) {
      throw new JointInputError(`weight row ${i} has ${row.length} entries, expected ${nY}`);
    }
    row.forEach((w, y) => {
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new JointInputError(
          `weight for X value ${i}, Y = ${y} is ${w}, not a finite number ≥ 0`,
        );
      }
      total = total.add(fraction(w));
    });
  });
  if (total.equals(ZERO)) throw new JointInputError("all weights are zero");
  const atoms: Atom[] = [];
  weights.forEach((row, i) =>
    row.forEach((w, y) => {
      if (w > 0) atoms.push({ x: xs[i]!, y, p: fraction(w).div(total) });
    })
  );
  return { atoms, nY };
}

/**
 * P(Y = y) for every y.
 *
 * @param joint the law
 * @returns the marginal of Y
 * @example
 * ```ts
 * import { fraction } from "mathjs";
 * import { jointFromWeights, marginalY } from "./mod.ts";
 * const j = jointFromWeights([fraction(0), fraction(1)], [[1, 0], [1, 2]]);
 * if (marginalY(j).map((p) => p.toFraction()).join() !== "1/2,1/2") throw new Error();
 * ```
 */
export function marginalY(joint: Joint): Fraction[] {
  const m = Array.from({ length: joint.nY }, () => ZERO);
  for (const { y, p } of joint.atoms) m[y] = m[y]!.add(p);
  return m;
}

/**
 * The MMSE estimator f*(y) = E[X | Y = y] (and 0 where P(Y = y) = 0, where any value
 * does equally well).
 *
 * @param joint the law
 * @returns f* as a table over y
 * @example
 * ```ts
 * import { fraction } from "mathjs";
 * import { conditionalMean, jointFromWeights } from "./mod.ts";
 * // given Y = 0: X is 0 or 1 equally likely; given Y = 1: X = 1
 * const j = jointFromWeights([fraction(0), fraction(1)], [[1, 0], [1, 2]]);
 * if (conditionalMean(j).map((f) => f.toFraction()).join() !== "1/2,1") throw new Error();
 * ```
 */
export function conditionalMean(joint: Joint): Fraction[] {
  const py = marginalY(joint);
  const num = Array.from({ length: joint.nY }, () => ZERO);
  for (const { x, y, p } of joint.atoms) num[y] = num[y]!.add(p.mul(x));
  return num.map((n, y) => (py[y]!.equals(ZERO) ? ZERO : n.div(py[y]!)));
}

/**
 * The lower conditional median of X given Y = y (0 where P(Y = y) = 0): the smallest x
 * with P(X ≤ x | Y = y) ≥ 1/2. It minimises E|X − f(Y)|, not the squared error.
 *
 * @param joint the law
 * @returns the median table
 * @example
 * ```ts
 * import { fraction } from "mathjs";
 * import { conditionalMedian, jointFromWeights } from "./mod.ts";
 * // X ∈ {0, 0, 3} uniformly (one Y value): median 0, mean 1
 * const j = jointFromWeights([fraction(0), fraction(3)], [[2], [1]]);
 * if (!conditionalMedian(j)[0]!.equals(0)) throw new Error();
 * ```
 */
export function conditionalMedian(joint: Joint): Fraction[] {
  const py = marginalY(joint);
  return py.map((mass, y) => {
    if (mass.equals(ZERO)) return ZERO;
    const atoms = joint.atoms.filter((a) => a.y === y).sort((a, b) => a.x.compare(b.x));
    let acc = ZERO;
    const half = mass.div(2);
    // the cumulative mass reaches P(Y = y) ≥ half at the last atom, so some atom is found
    return atoms.find((a) => (acc = acc.add(a.p)).compare(half) >= 0)!.x;
  });
}

/**
 * The mean squared error E[(X − f(Y))²], exactly.
 *
 * @param joint the law
 * @param f the estimator, one value per y
 * @returns the MSE
 * @throws JointInputError if f does not have one value per y
 * @example
 * ```ts
 * import { fraction } from "mathjs";
 * import { jointFromWeights, mse } from "./mod.ts";
 * const j = jointFromWeights([fraction(0), fraction(3)], [[2], [1]]);
 * if (mse(j, [fraction(1)]).toFraction() !== "2") throw new Error(); // (1 + 1 + 4)/3
 * ```
 */
export function mse(joint: Joint, f: Estimator): Fraction {
  checkEstimator(joint, f);
  let total = ZERO;
  for (const { x, y, p } of joint.atoms) {
    const e = x.sub(f[y]!);
    total = total.add(p.mul(e).mul(e));
  }
  return total;
}

/**
 * E[(f(Y) − g(Y))²] under the law of Y.
 *
 * @param joint the law
 * @param f an estimator
 * @param g another estimator
 * @returns the mean squared difference
 * @example
 * ```ts
 * import { fraction } from "mathjs";
 * import { jointFromWeights, squaredDistance } from "./mod.ts";
 * const j = jointFromWeights([fraction(0)], [[1, 1]]);
 * if (squaredDistance(j, [fraction(1), fraction(0)], [fraction(0), fraction(0)]).toFraction() !== "1/2") throw new Error();
 * ```
 */
export function squaredDistance(joint: Joint, f: Estimator, g: Estimator): Fraction {
  checkEstimator(joint, f);
  checkEstimator(joint, g);
  const py = marginalY(joint);
  let total = ZERO;
  py.forEach((p, y) => {
    const d = f[y]!.sub(g[y]!);
    total = total.add(p.mul(d).mul(d));
  });
  return total;
}

function checkEstimator(joint: Joint, f: Estimator): void {
  if (f.length !== joint.nY) {
    throw new JointInputError(
      `the estimator has ${f.length} values, expected one per value of Y (${joint.nY})`,
    );
  }
}
