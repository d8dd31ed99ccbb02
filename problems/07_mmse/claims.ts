/**
 * Problem 7's claims, each with its negative control. Everything is exact (rationals).
 *
 * @module
 */
import fc from "fast-check";
import { type Fraction, fraction } from "mathjs";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import {
  conditionalMean,
  conditionalMedian,
  type Estimator,
  type Joint,
  jointFromWeights,
  marginalY,
  mse,
  squaredDistance,
} from "./mod.ts";

/** A random joint law and a competing estimator f. */
interface Case {
  joint: Joint;
  f: Fraction[];
}

/** Halves in [−4, 4] for X values and estimator values. */
const half = fc.integer({ min: -8, max: 8 }).map((k) => fraction(k, 2));

/**
 * Random joint laws: 1–4 distinct X values in [−4, 4] (halves), Y with 1–4 values,
 * integer weights 0–5 per (x, y) (so some y often have probability 0), and a competitor f
 * that is either random, or f* itself, or f* changed only where P(Y = y) = 0.
 */
const arbCase: fc.Arbitrary<Case> = fc.record({
  xs: fc.uniqueArray(fc.integer({ min: -8, max: 8 }), { minLength: 1, maxLength: 4 }),
  nY: fc.integer({ min: 1, max: 4 }),
}).chain(({ xs, nY }) =>
  fc.tuple(
    fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: nY, maxLength: nY }), {
      minLength: xs.length,
      maxLength: xs.length,
    }).map((w) => (w.flat().every((x) =>
        x === 0
      )
      ? w.map((row, i) => row.map((x, y) => (i === 0 && y === 0 ? 1 : x)))
      : w)
    ),
    fc.array(half, { minLength: nY, maxLength: nY }),
    fc.constantFrom("random", "optimal", "optimal-on-support"),
  ).map(([weights, fRandom, kind]) => {
    const joint = jointFromWeights(xs.map((x) => fraction(x, 2)), weights);
    const star = conditionalMean(joint);
    const py = marginalY(joint);
    const f = kind === "random"
      ? fRandom
      : kind === "optimal"
      ? star
      : star.map((v, y) => (py[y]!.equals(0) ? fRandom[y]! : v));
    return { joint, f };
  })
);

const OVER = "random discrete joint laws (1–4 values of X in [−4, 4], 1–4 values of Y, integer " +
  "weights 0–5, zero-probability y included) and competitors f: random, f*, or f* changed off the support of Y";

/** X ∈ {0, 0, 3} uniformly, Y constant: mean 1, median 0, and one more y with probability 0. */
const pinned: Case = (() => {
  const joint = jointFromWeights([fraction(0), fraction(3)], [[2, 0], [1, 0]]);
  return { joint, f: [fraction(1, 2), fraction(7)] };
})();

/** X = Y uniform on {0, 1}, f = f*: centring at E[X] = 1/2 misses the cross term −2 Cov(X, f*(Y)) = −1/2. */
const correlated: Case = (() => {
  const joint = jointFromWeights([fraction(0), fraction(1)], [[1, 0], [0, 1]]);
  return { joint, f: conditionalMean(joint) };
})();

/** The constant estimator y ↦ E[X] (the unconditional mean), exactly. */
function unconditionalMean(joint: Joint): Fraction[] {
  const m = joint.atoms.reduce((acc, { x, p }) => acc.add(p.mul(x)), fraction(0));
  return Array.from({ length: joint.nY }, () => m);
}

/**
 * The 07a control must test the lower conditional median and nothing else: at every y with
 * P(Y = y) > 0, P(X ≤ m | y) ≥ 1/2 and P(X ≥ m | y) ≥ 1/2, and P(X < m | y) < 1/2 (the atoms
 * strictly below m hold less than half). Anything else is a broken control
 * (a plain Error, which never counts as a rejection).
 */
function medianOrCrash(joint: Joint): Fraction[] {
  const m = conditionalMedian(joint);
  marginalY(joint).forEach((py, y) => {
    if (py.equals(0)) return;
    const below = joint.atoms.filter((a) => a.y === y && a.x.compare(m[y]!) <= 0);
    const above = joint.atoms.filter((a) => a.y === y && a.x.compare(m[y]!) >= 0);
    const mass = (as: typeof below) => as.reduce((acc, a) => acc.add(a.p), fraction(0));
    if (mass(below).mul(2).compare(py) < 0 || mass(above).mul(2).compare(py) < 0) {
      throw new Error(`the control's candidate ${m[y]!.toFraction()} is no median at y = ${y}`);
    }
    // and the lower one, as stated: no smaller x at y already has P(X ≤ x | y) ≥ 1/2
    const strictlyBelow = joint.atoms.filter((a) => a.y === y && a.x.compare(m[y]!) < 0);
    if (mass(strictlyBelow).mul(2).compare(py) >= 0) {
      throw new Error(`the control's candidate ${m[y]!.toFraction()} is not the lower median`);
    }
  });
  return m;
}

/**
 * The 07a control: first, on every case, the candidate must be a conditional median (else the
 * control is broken, not rejected); then the claim that it minimises the MSE is checked.
 */
function medianControl(seed: number) {
  const over = `${OVER}; the conditional median as candidate`;
  checkProperty({ seed, over, numRuns: 300, examples: [pinned] }, arbCase, (c) => {
    medianOrCrash(c.joint);
  });
  return checkProperty(
    { seed, over, numRuns: 300, examples: [pinned] },
    arbCase,
    (c) => minimiserMargin(c, medianOrCrash(c.joint)),
  );
}

/**
 * The premise of both claims: the joint is a law on its support, every atom with positive
 * probability and the probabilities summing to 1 exactly (both identities are linear in the
 * atoms, so a lost or an extra atom could leave them true of something that is no law).
 */
function checkLaw(joint: Joint): void {
  const total = joint.atoms.reduce((acc, a) => acc.add(a.p), fraction(0));
  const empty = joint.atoms.find((a) => !(a.p.compare(0) > 0));
  if (!total.equals(1) || empty !== undefined) {
    throw new ClaimViolation(
      `the joint is no law on its support: total ${total.toFraction()}${
        empty ? `, an atom of probability ${empty.p.toFraction()}` : ""
      }`,
    );
  }
}

/** The margin of "candidate g minimises the MSE", exactly: min over f ∈ {f, f*} of MSE(f) − MSE(g). */
function minimiserMargin(c: Case, g: Estimator): number {
  checkLaw(c.joint);
  const star = conditionalMean(c.joint);
  const best = mse(c.joint, g);
  const gaps = [mse(c.joint, c.f).sub(best), mse(c.joint, star).sub(best)];
  // equality must hold exactly when the competitor agrees with g on the support of Y
  const py = marginalY(c.joint);
  const same = g.every((v, y) => py[y]!.equals(0) || v.equals(c.f[y]!));
  if (!same && !(gaps[0]!.compare(0) > 0)) {
    throw new ClaimViolation(
      `a different estimator does as well: MSE gap ${gaps[0]!.toFraction()}`,
    );
  }
  return Math.min(...gaps.map((x) => x.valueOf() as number));
}

/** Whether MSE(f) = MSE(g) + E[(f(Y) − g(Y))²] exactly; returns 0 or throws. */
function decompositionMargin(c: Case, g: Estimator): number {
  checkLaw(c.joint);
  const lhs = mse(c.joint, c.f);
  const rhs = mse(c.joint, g).add(squaredDistance(c.joint, c.f, g));
  if (!lhs.equals(rhs)) {
    throw new ClaimViolation(
      `MSE(f) = ${lhs.toFraction()} but MSE(g) + E[(f − g)²] = ${rhs.toFraction()}`,
    );
  }
  return 0;
}

/** The claims of Problem 7. */
export const claims: Claim[] = defineClaims(7, [
  {
    id: "07a",
    statement:
      "the conditional mean f*(y) = E[X | Y = y] minimises E[(X − f(Y))²], uniquely up to values where P(Y = y) = 0",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER, numRuns: 300, examples: [pinned] },
        arbCase,
        (c) => minimiserMargin(c, conditionalMean(c.joint)),
      ),
    negativeControl: {
      variant: "the conditional median claimed to minimise the squared error",
      check: (ctx) => medianControl(ctx.seed),
    },
  },
  {
    id: "07b",
    statement: "MSE(f) = MSE(f*) + E[(f(Y) − f*(Y))²] for every estimator f, exactly",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER, numRuns: 300, examples: [pinned] },
        arbCase,
        (c) => decompositionMargin(c, conditionalMean(c.joint)),
      ),
    negativeControl: {
      variant:
        "the same decomposition centred at the unconditional mean E[X] (the bias–variance identity of constant guesses)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER, numRuns: 300, examples: [pinned, correlated] },
          arbCase,
          (c) => decompositionMargin(c, unconditionalMean(c.joint)),
        ),
    },
  },
]);

/** The pinned case (X ∈ {0, 0, 3}, mean 1, median 0), for the unit tests. */
export const pinnedCase: Case = pinned;
