/**
 * Problem 14's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { centralDifference } from "../../shared/gradients/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import {
  clipActiveOnImprovingSide,
  ClipInputError,
  clippedObjective,
  clippedObjectiveAutodiff,
  clippedObjectiveClosedForm,
  clippedObjectiveDerivative,
  clippedObjectiveTf,
} from "./mod.ts";

/** ε = k/100 for k in 1..99, with the edges 0.01 and 0.99 and the usual 0.2 pinned. */
const arbEps = fc.oneof(
  fc.integer({ min: 1, max: 99 }).map((k) => k / 100),
  fc.constantFrom(0.01, 0.2, 0.99),
);

/** ℓ ∈ [0, 3] on a 1/100 grid, or exactly at the clip boundaries 1 ± ε, or 0. */
const arbRatio = (eps: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: 300 }).map((k) => k / 100),
    fc.constantFrom(1 - eps, 1 + eps, 0, 1),
  );

/** A ≥ 0 (0 pinned) or A < 0, on a 1/8 grid up to |A| = 20. */
const arbAdvantage = (sign: "nonnegative" | "negative") =>
  sign === "nonnegative"
    ? fc.oneof(fc.integer({ min: 0, max: 160 }).map((k) => k / 8), fc.constant(0))
    : fc.integer({ min: 1, max: 160 }).map((k) => -k / 8);

type Case = { ratio: number; advantage: number; eps: number };

const cases = (sign: "nonnegative" | "negative"): fc.Arbitrary<Case> =>
  arbEps.chain((eps) =>
    fc.record({ ratio: arbRatio(eps), advantage: arbAdvantage(sign), eps: fc.constant(eps) })
  );

/**
 * Ratios that stay at least 0.005 away from the kinks 1 ± ε (ε is a multiple of 1/100, ℓ is
 * a multiple of 1/100 plus 0.005), so the derivative exists and float32 cannot misplace ℓ.
 */
const smoothCases: fc.Arbitrary<Case> = arbEps.chain((eps) =>
  fc.record({
    ratio: fc.integer({ min: 0, max: 299 }).map((k) => k / 100 + 0.005),
    advantage: fc.oneof(fc.integer({ min: -160, max: 160 }).map((k) => k / 8), fc.constant(0)),
    eps: fc.constant(eps),
  })
);

/**
 * Margin for an exact identity in float64: 0 when the two sides are identical, else a
 * violation. Exact equality is the right test: multiplying by a fixed A is monotone in
 * floating point and min, max, clip are exact, so the proof goes through bit for bit.
 */
function identical(lhs: number, rhs: number, c: Case): number {
  if (lhs !== rhs) {
    throw new ClaimViolation(
      `ℓ = ${c.ratio}, A = ${c.advantage}, ε = ${c.eps}: definition ${lhs} ≠ closed form ${rhs}`,
    );
  }
  return 0;
}

const OVER_A =
  "ε ∈ (0, 1) on a 1/100 grid, ℓ ∈ [0, 3] incl. ℓ = 1 ± ε exactly, A ∈ [0, 20] incl. A = 0";
const OVER_B = "ε ∈ (0, 1) on a 1/100 grid, ℓ ∈ [0, 3] incl. ℓ = 1 ± ε exactly, A ∈ [−20, 0)";
const OVER_C = "ε ∈ (0, 1), ℓ ∈ [0.005, 2.995] at least 0.005 from 1 ± ε, A ∈ [−20, 20] incl. 0";

/** The tfjs surrogate (the loss that trains) at one point, read back as a number. */
function tfValue(c: Case): number {
  return tf.tidy(() => clippedObjectiveTf(tf.scalar(c.ratio), c.advantage, c.eps).dataSync()[0]!);
}

/**
 * The closed form in float32, as tfjs computes it: ℓ, A and the clip bound rounded to float32,
 * min or max exact, one float32 rounding of the product (a product of two float32 numbers is
 * exact in float64, so fround of it is the correctly rounded float32 product).
 */
function closedFormFloat32(c: Case): number {
  const f = Math.fround;
  return c.advantage >= 0
    ? f(Math.min(f(c.ratio), f(1 + c.eps)) * f(c.advantage))
    : f(Math.max(f(c.ratio), f(1 - c.eps)) * f(c.advantage));
}

/**
 * The hypotheses of Problem 14 are ℓ ≥ 0, ε ∈ (0, 1) and A finite: the functions the claims run
 * must accept every input on the edge of that domain (ℓ = 0, ε = 0.01 and 0.99, |A| = 20) and
 * refuse every input just outside it (ℓ < 0, ε = 0 or 1, a non-finite ℓ, ε or A), so that a claim
 * can never be "verified" on inputs the proof does not cover. Returns the number of inputs tried.
 */
function checkDomain(f: (ratio: number, advantage: number, eps: number) => number): number {
  const inside: Case[] = [
    { ratio: 0, advantage: -20, eps: 0.01 },
    { ratio: 0, advantage: 20, eps: 0.99 },
    { ratio: 3, advantage: 0, eps: 0.5 },
  ];
  const outside: Case[] = [
    { ratio: -0.01, advantage: 1, eps: 0.2 },
    { ratio: -Infinity, advantage: 1, eps: 0.2 },
    { ratio: Infinity, advantage: 1, eps: 0.2 },
    { ratio: NaN, advantage: 1, eps: 0.2 },
    { ratio: 1, advantage: 1, eps: 0 },
    { ratio: 1, advantage: 1, eps: 1 },
    { ratio: 1, advantage: 1, eps: -0.5 },
    { ratio: 1, advantage: 1, eps: 1.5 },
    { ratio: 1, advantage: 1, eps: NaN },
    { ratio: 1, advantage: NaN, eps: 0.2 },
    { ratio: 1, advantage: Infinity, eps: 0.2 },
    { ratio: 1, advantage: -Infinity, eps: 0.2 },
  ];
  for (const c of inside) f(c.ratio, c.advantage, c.eps);
  for (const c of outside) {
    let refused = false;
    try {
      f(c.ratio, c.advantage, c.eps);
    } catch (e) {
      if (!(e instanceof ClipInputError)) throw e;
      refused = true;
    }
    if (!refused) {
      throw new ClaimViolation(
        `ℓ = ${c.ratio}, A = ${c.advantage}, ε = ${c.eps} lies outside the domain but was accepted`,
      );
    }
  }
  return inside.length + outside.length;
}

/**
 * 14a and 14b: the surrogate `surrogate(ℓ, A, ε)` equals `closedForm(ℓ, A, ε)` exactly for
 * every case with the given sign of A, in float64 (the definition) and in float32 (the tfjs
 * surrogate that trains, against the closed form rounded as tfjs rounds). The controls pass
 * a wrong surrogate or a wrong closed form; `example` pins a case they must fail on.
 */
function closedFormProperty(
  seed: number,
  sign: "nonnegative" | "negative",
  surrogate: (ratio: number, advantage: number, eps: number) => number,
  closedForm: (ratio: number, advantage: number, eps: number) => number,
  example?: Case,
) {
  checkDomain(surrogate);
  checkDomain(closedForm);
  return checkProperty(
    {
      seed,
      over: sign === "nonnegative" ? OVER_A : OVER_B,
      numRuns: 1000,
      examples: example ? [example] : undefined,
    },
    cases(sign),
    (c) => {
      identical(
        surrogate(c.ratio, c.advantage, c.eps),
        closedForm(c.ratio, c.advantage, c.eps),
        c,
      );
      return identical(tfValue(c), closedFormFloat32(c), c);
    },
  );
}

/** The control of 14a: the clipped term alone, clip(ℓ)A, without the min against ℓA. */
const clipWithoutMin = (ratio: number, advantage: number, eps: number) =>
  clippedObjective(ratio, advantage, eps, (_unclipped, clipped) => clipped);

/** The control of 14b: 14a's closed form min(ℓ, 1 + ε)A believed to hold for A < 0 too. */
const improvingSideFormForAnySign = (ratio: number, advantage: number, eps: number) => {
  clippedObjectiveClosedForm(ratio, advantage, eps); // the same domain as the closed form
  return Math.min(ratio, 1 + eps) * advantage;
};

/** The claims of Problem 14. */
export const claims: Claim[] = defineClaims(14, [
  {
    id: "14a",
    statement: "for A ≥ 0, min(ℓA, clip(ℓ, 1−ε, 1+ε)A) = min(ℓ, 1+ε)A (float64, and the tfjs loss)",
    check: (ctx) =>
      withNoTensorLeak(
        "14a",
        () =>
          closedFormProperty(ctx.seed, "nonnegative", clippedObjective, clippedObjectiveClosedForm),
      ),
    negativeControl: {
      variant: "the clipped term alone, clip(ℓ)A, without the min against ℓA",
      check: (ctx) =>
        withNoTensorLeak("14a control", () =>
          closedFormProperty(
            ctx.seed,
            "nonnegative",
            clipWithoutMin,
            clippedObjectiveClosedForm,
            { ratio: 0.5, advantage: 1, eps: 0.2 },
          )),
    },
  },
  {
    id: "14b",
    statement: "for A < 0, min(ℓA, clip(ℓ, 1−ε, 1+ε)A) = max(ℓ, 1−ε)A (float64, and the tfjs loss)",
    check: (ctx) =>
      withNoTensorLeak(
        "14b",
        () =>
          closedFormProperty(ctx.seed, "negative", clippedObjective, clippedObjectiveClosedForm),
      ),
    negativeControl: {
      variant: "14a's form min(ℓ, 1+ε)A taken for A < 0 as well (the clip bound on the wrong side)",
      check: (ctx) =>
        withNoTensorLeak("14b control", () =>
          closedFormProperty(
            ctx.seed,
            "negative",
            clippedObjective,
            improvingSideFormForAnySign,
            { ratio: 0.5, advantage: -1, eps: 0.2 },
          )),
    },
  },
  {
    id: "14c",
    statement:
      "∂C_ε/∂ℓ (tfjs autodiff) is exactly 0 where the clip is active on the improving side and A elsewhere",
    check: (ctx) =>
      withNoTensorLeak("14c", () => {
        activeRegionProperty(ctx.seed);
        return gradientProperty(ctx.seed, false);
      }),
    negativeControl: {
      variant:
        "π in place of π_old: the ratio is computed against the current policy, so it is 1 and the clip never binds",
      check: (ctx) => withNoTensorLeak("14c control", () => gradientProperty(ctx.seed, true)),
    },
  },
]);

/** The step of the one-sided difference quotients: below the 1/100 spacing of ℓ and of 1 ± ε. */
const FLAT_STEP = 1e-3;

/**
 * Whether C_ε(·, A) is constant on a neighbourhood of ℓ (on its right only at ℓ = 0), read off
 * the definition in float64 by one-sided differences with step {@link FLAT_STEP}: on a constant
 * piece both sides give the same float (a clip bound times A), off it they differ by ≈ hA ≠ 0.
 */
function flatAround(c: Case): boolean {
  const at = clippedObjective(c.ratio, c.advantage, c.eps);
  const right = clippedObjective(c.ratio + FLAT_STEP, c.advantage, c.eps);
  const left = c.ratio >= FLAT_STEP
    ? clippedObjective(c.ratio - FLAT_STEP, c.advantage, c.eps)
    : at;
  return left === at && right === at;
}

/**
 * Ratios exactly at the kinks 1 ± ε or at 0, or at least 0.005 away from the kinks (as in
 * {@link smoothCases}; a grid ratio k/100 can lie one rounding step from a computed 1 ± ε, where
 * the flat piece on one side is narrower than any step the check could take).
 */
const kinkAndSmoothCases: fc.Arbitrary<Case> = arbEps.chain((eps) =>
  fc.record({
    ratio: fc.oneof(
      fc.integer({ min: 0, max: 299 }).map((k) => k / 100 + 0.005),
      fc.constantFrom(1 - eps, 1 + eps, 0),
    ),
    advantage: fc.oneof(fc.integer({ min: -160, max: 160 }).map((k) => k / 8), fc.constant(0)),
    eps: fc.constant(eps),
  })
);

/**
 * The clip is active on the improving side exactly where the objective is locally flat and A ≠ 0
 * (so not at the kinks ℓ = 1 ± ε, where one side still moves), checked at every case of 14a and
 * at the kinks themselves, at ℓ = 0 and at A = 0.
 */
function activeRegionProperty(seed: number) {
  return checkProperty(
    {
      seed,
      over:
        "ε ∈ (0, 1) on a 1/100 grid, ℓ = 0, ℓ = 1 ± ε exactly, or ℓ ∈ [0.005, 2.995] at least 0.005 from 1 ± ε, A ∈ [−20, 20] incl. 0",
      numRuns: 500,
      examples: [
        { ratio: 1.2, advantage: 1, eps: 0.2 },
        { ratio: 0.8, advantage: -1, eps: 0.2 },
        { ratio: 2, advantage: 0, eps: 0.2 },
      ],
    },
    kinkAndSmoothCases,
    (c) => {
      const active = clipActiveOnImprovingSide(c.ratio, c.advantage, c.eps);
      const expected = c.advantage !== 0 && flatAround(c);
      if (active !== expected) {
        throw new ClaimViolation(
          `ℓ = ${c.ratio}, A = ${c.advantage}, ε = ${c.eps}: clipActiveOnImprovingSide says ` +
            `${active}, but the objective is ${flatAround(c) ? "" : "not "}flat around ℓ`,
        );
      }
      return 0;
    },
  );
}

/**
 * Autodiff derivative vs the derivative predicted by the proof (and vs float64 central
 * differences with h = 1e-4 < 0.005, the distance to the nearest kink, so the difference
 * quotient of a piecewise-linear function is exact up to rounding). Zeros must be exact;
 * non-zero values equal A up to float32 rounding of A (relative 6e-8; we allow 1e-6).
 * With `currentPolicyAsOld` (the control) the surrogate is differentiated at ratio 1, as
 * when π_old is replaced by the current π (the ratio π/π is 1 whatever the update did).
 */
function gradientProperty(seed: number, currentPolicyAsOld: boolean) {
  return checkProperty(
    {
      seed,
      over: OVER_C,
      numRuns: 300,
      examples: [{ ratio: 1.505, advantage: 1, eps: 0.2 }, {
        ratio: 0.505,
        advantage: -1,
        eps: 0.2,
      }],
    },
    smoothCases,
    (c) => {
      const predicted = clippedObjectiveDerivative(c.ratio, c.advantage, c.eps);
      if (predicted !== (flatAround(c) ? 0 : c.advantage)) {
        throw new ClaimViolation(
          `ℓ = ${c.ratio}, A = ${c.advantage}, ε = ${c.eps}: the proof's derivative is ` +
            `${predicted}, but the objective is ${flatAround(c) ? "" : "not "}flat around ℓ`,
        );
      }
      const at = currentPolicyAsOld ? 1 : c.ratio;
      const ad = clippedObjectiveAutodiff(at, c.advantage, c.eps);
      const fd = centralDifference(
        ([l]) => clippedObjective(Math.max(0, l!), c.advantage, c.eps),
        [at],
        1e-4,
      )[0]!;
      const where = `ℓ = ${c.ratio}, A = ${c.advantage}, ε = ${c.eps}`;
      if (predicted === 0 && ad !== 0) {
        throw new ClaimViolation(`${where}: autodiff gives ${ad}, predicted exactly 0`);
      }
      const tol = 1e-6 * (1 + Math.abs(c.advantage));
      if (Math.abs(ad - predicted) > tol || Math.abs(fd - predicted) > tol) {
        throw new ClaimViolation(
          `${where}: autodiff ${ad}, central difference ${fd}, predicted ${predicted}`,
        );
      }
      return tol - Math.max(Math.abs(ad - predicted), Math.abs(fd - predicted));
    },
  );
}
