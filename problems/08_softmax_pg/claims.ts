/**
 * Problem 8's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { type Fraction, fraction } from "mathjs";
import {
  autodiffGradient,
  centralDifference,
  FINITE_DIFFERENCE_TOLERANCE,
  FLOAT32_AUTODIFF_TOLERANCE,
  gradientMargin,
} from "../../shared/gradients/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  closeMargin,
  defineClaims,
  type Evidence,
} from "../../shared/testing/mod.ts";
import { logSumExp, softmax, softmaxPolicy } from "../../shared/softmax/mod.ts";
import {
  column,
  exactDirectionAtUniform,
  explicitStep,
  logPolicyByDefinition,
  logPolicyByFormula,
  logPolicyFromTable,
  policy,
  policyGradientDirection,
  probabilityChange,
  scoreAutodiff,
  scoreClosedForm,
  scoreFiniteDifference,
  step,
  type Theta,
} from "./mod.ts";

/** Entries on a 1/100 grid in [−bound, bound]. */
const gridValue = (bound: number) =>
  fc.integer({ min: -100 * bound, max: 100 * bound }).map((x) => x / 100);

/** Θ (k × ℓ) with entries in [−bound, bound], an action a0 and a state s0. */
const arbThetaCase = (
  o: { minK: number; maxK: number; minL: number; maxL: number; bound: number },
) =>
  fc.record({
    k: fc.integer({ min: o.minK, max: o.maxK }),
    l: fc.integer({ min: o.minL, max: o.maxL }),
  })
    .chain(({ k, l }) =>
      fc.record({
        theta: fc.array(fc.array(gridValue(o.bound), { minLength: l, maxLength: l }), {
          minLength: k,
          maxLength: k,
        }),
        a0: fc.integer({ min: 0, max: k - 1 }),
        s0: fc.integer({ min: 0, max: l - 1 }),
      })
    );

type ThetaCase = { theta: number[][]; a0: number; s0: number };

/**
 * Float64 rounding slack for a probability change: each softmax entry carries a few ulps of
 * relative error, and the change is taken from the smaller of μ_i and 1 − μ_i (≤ ½), so its
 * absolute error is below 1e-15.
 */
const CHANGE_SLACK = 1e-15;

/**
 * The two checks of Claims 08d–08f for f(α) = μ_i(z + αh): the sign of f'(0) (closed form,
 * cross-checked against a float64 central difference in α) and the rise at the lemma's
 * explicit α* = 4f'(0)/D², which must be at least 2f'(0)²/D². Returns the worst margin.
 */
/**
 * Guaranteed rises below 100 × {@link CHANGE_SLACK} cannot be told apart from rounding in
 * float64; for those rare cases (tiny probabilities) only the sign of f'(0) is checked.
 */
const RESOLVABLE_GAIN = 100 * CHANGE_SLACK;

/** How many cases had their explicit step checked, and how many were below resolution. */
const tally = { resolved: 0, unresolved: 0 };

/** Runs a property built on {@link ascentMargin} and reports the explicit-step tally. */
function withTally(run: () => Evidence): Evidence {
  tally.resolved = 0;
  tally.unresolved = 0;
  const ev = run();
  const note =
    `explicit α* checked in ${tally.resolved} cases, sign of f'(0) only in ${tally.unresolved} ` +
    `(guaranteed rise < ${RESOLVABLE_GAIN})`;
  return { ...ev, note: ev.note ? `${ev.note}; ${note}` : note };
}

function ascentMargin(z: number[], h: number[], i: number, where: string): number {
  const e = explicitStep(z, h, i);
  const fd = centralDifference(([a]) => softmax(z.map((x, j) => x + a! * h[j]!))[i]!, [0])[0]!;
  const fdMargin = closeMargin(fd, e.derivative, FINITE_DIFFERENCE_TOLERANCE);
  if (!(e.derivative > 0) || fdMargin < 0) {
    throw new ClaimViolation(
      `${where}: f'(0) = ${e.derivative} (central difference ${fd}) is not > 0`,
    );
  }
  if (e.guaranteedGain < RESOLVABLE_GAIN) {
    tally.unresolved++; // the guaranteed rise is below float64 resolution: sign of f'(0) only
    return Math.min(e.derivative, fdMargin);
  }
  tally.resolved++;
  const change = probabilityChange(z, h, i, e.alpha);
  // the plain difference of the two softmaxes (each entry within a few ulps of ≤ 1) agrees
  // with the cancellation-free change to 2 · CHANGE_SLACK
  const plain = softmax(z.map((x, j) => x + e.alpha * h[j]!))[i]! - softmax(z)[i]!;
  if (Math.abs(change - plain) > 2 * CHANGE_SLACK) {
    throw new ClaimViolation(
      `${where}: the change ${change} is not μ_i(z + α*h) − μ_i(z) = ${plain}`,
    );
  }
  if (!(change > 0) || change < e.guaranteedGain - CHANGE_SLACK) {
    throw new ClaimViolation(
      `${where}: at α* = ${e.alpha} the probability changed by ${change}, lemma guarantees ${e.guaranteedGain}`,
    );
  }
  return Math.min(e.derivative, fdMargin, change - e.guaranteedGain + CHANGE_SLACK);
}

/**
 * 08d's boundary, k = 1 and constant g, where its hypothesis "g_1 > g_j for every j ≥ 2" holds
 * vacuously (k = 1) or fails by equality. Worked out by hand: μ(z + αc1) = μ(z) (a common shift
 * cancels in the softmax quotient), so f is constant, f'(0) = 0 and D = 0, and the explicit step
 * must promise nothing: α* = 0 and a guaranteed rise of exactly 0. f'(0) is a float64 sum
 * Σ_j μ_j c that only rounds to c, so it is held to 1e-15 |c|.
 */
const CONSTANT_DIRECTIONS: { z: number[]; h: number[] }[] = [
  { z: [0.7], h: [1] },
  { z: [-3], h: [0] },
  { z: [0, 0], h: [0, 0] },
  { z: [1.5, -2, 0.25], h: [2.5, 2.5, 2.5] },
  { z: [4, -4, 1, 0, 2], h: [-0.75, -0.75, -0.75, -0.75, -0.75] },
];

function checkConstantDirections(): string {
  for (const { z, h } of CONSTANT_DIRECTIONS) {
    z.forEach((_, i) => {
      const e = explicitStep(z, h, i);
      const c = Math.abs(h[0]!);
      if (
        !(Math.abs(e.derivative) <= 1e-15 * c) || e.spread !== 0 || e.alpha !== 0 ||
        e.guaranteedGain !== 0
      ) {
        throw new ClaimViolation(
          `z = ${z}, g = ${h} (constant), i = ${i}: expected f'(0) = 0, D = 0, α* = 0 and a ` +
            `guaranteed rise of 0, got ${JSON.stringify(e)}`,
        );
      }
    });
  }
  return `constant g (k = 1..5, incl. k = 1): f'(0) = 0, D = 0, α* = 0, guaranteed rise 0 ` +
    `in all ${CONSTANT_DIRECTIONS.length} cases`;
}

/**
 * Logits that make μ_i within 1e-17 of 1, with a dominant direction (g_i > g_j for j ≠ i) and
 * a step α: the rise μ_i(z + αg) − μ_i(z) is then below float64's resolution near 1 (a plain
 * difference of the two probabilities reads 0).
 */
const NEAR_CERTAIN: { z: number[]; h: number[]; i: number; alpha: number }[] = [
  { z: [40, 0], h: [1, 0], i: 0, alpha: 1 },
  { z: [42, 1, -3], h: [1.5, 0.25, -2], i: 0, alpha: 0.5 },
  { z: [-2, 45, 3, 0], h: [0, 0.75, -1, 0.5], i: 1, alpha: 2 },
];

/**
 * μ_i(z + αg) − μ_i(z) in closed form: with r(α) = Σ_{j≠i} e^{z_j − z_i + α(g_j − g_i)},
 * μ_i = 1/(1 + r), so the change is (r(0) − r(α))/((1 + r(0))(1 + r(α))) and
 * r(0) − r(α) = −Σ_{j≠i} e^{z_j − z_i} expm1(α(g_j − g_i)). When g_i dominates every term is
 * positive: no cancellation, a relative accuracy of a few ulps, however close μ_i is to 1.
 */
function riseByExpm1(z: number[], h: number[], i: number, alpha: number): number {
  const others = z.map((_, j) => j).filter((j) => j !== i);
  const r0 = others.reduce((acc, j) => acc + Math.exp(z[j]! - z[i]!), 0);
  const ra = others.reduce(
    (acc, j) => acc + Math.exp(z[j]! - z[i]! + alpha * (h[j]! - h[i]!)),
    0,
  );
  const drop = others.reduce(
    (acc, j) => acc - Math.exp(z[j]! - z[i]!) * Math.expm1(alpha * (h[j]! - h[i]!)),
    0,
  );
  return drop / ((1 + r0) * (1 + ra));
}

/**
 * 08d where μ_i is within 1e-17 of 1: the rise at α must be positive and equal the expm1
 * closed form to 1e-12 relative. Both carry a few ulps of relative error; the complement
 * route 1 − μ_i = r/(1 + r) amplifies its own by (r(0) + r(α))/(r(0) − r(α)), below 4 for
 * the steps pinned here.
 */
function checkNearCertainRise(): string {
  let worst = 0;
  for (const { z, h, i, alpha } of NEAR_CERTAIN) {
    const exact = riseByExpm1(z, h, i, alpha);
    const change = probabilityChange(z, h, i, alpha);
    const rel = Math.abs(change - exact) / exact;
    if (!(exact > 0 && change > 0 && rel <= 1e-12)) {
      throw new ClaimViolation(
        `z = ${z}, g = ${h}, i = ${i}, α = ${alpha}: μ_i(z + αg) − μ_i(z) = ${change}, ` +
          `closed form ${exact} (relative error ${rel})`,
      );
    }
    worst = Math.max(worst, rel);
  }
  return `μ_i within 1e-17 of 1: the rise matches the expm1 closed form to ` +
    `${worst.toExponential(1)} relative in ${NEAR_CERTAIN.length} cases`;
}

/** z ∈ [−4, 4]^k (k = 2..5) and h with h_1 = max_{j≥2} h_j + d, d ∈ [1/8, 2]. */
const arbDominantDirection = fc.integer({ min: 2, max: 5 }).chain((k) =>
  fc.record({
    z: fc.array(gridValue(4), { minLength: k, maxLength: k }),
    rest: fc.array(fc.integer({ min: -32, max: 32 }).map((x) => x / 8), {
      minLength: k - 1,
      maxLength: k - 1,
    }),
    d: fc.integer({ min: 1, max: 16 }).map((x) => x / 8),
  }).map(({ z, rest, d }) => ({ z, h: [Math.max(...rest) + d, ...rest] }))
);

/**
 * Θ, s0 and C with C_1 > C̄ > C_j (j ≥ 2) under π(· | s0): C_j = m − e_j with e_j ≥ 1/8, and
 * C_1 = m + Σ_{j≥2} π_j e_j / π_1, which makes C̄ = m.
 */
const arbAdvantageWeights = arbThetaCase({ minK: 2, maxK: 5, minL: 1, maxL: 3, bound: 3 }).chain((
  tc,
) =>
  fc.record({
    m: gridValue(5),
    e: fc.array(fc.integer({ min: 1, max: 40 }).map((x) => x / 8), {
      minLength: tc.theta.length - 1,
      maxLength: tc.theta.length - 1,
    }),
  }).map(({ m, e }) => {
    const p = policy(tc.theta, tc.s0);
    const c1 = m + e.reduce((acc, ej, j) => acc + p[j + 1]! * ej, 0) / p[0]!;
    return { ...tc, c: [c1, ...e.map((ej) => m - ej)] };
  })
);

/**
 * The 08d control's cases: z ∈ [−4, 4]^k (k = 2..5) and h with h_1 ∈ [1/8, 2] but the other
 * h_j free in [−4, 4], so h_1 > 0 without dominating. Pinned: z = 0, h = (1, 2), where
 * f'(0) = ½(1 − 3/2) < 0.
 */
const arbPositiveOwnComponent = fc.integer({ min: 2, max: 5 }).chain((k) =>
  fc.record({
    z: fc.array(gridValue(4), { minLength: k, maxLength: k }),
    own: fc.integer({ min: 1, max: 16 }).map((x) => x / 8),
    rest: fc.array(fc.integer({ min: -32, max: 32 }).map((x) => x / 8), {
      minLength: k - 1,
      maxLength: k - 1,
    }),
  }).map(({ z, own, rest }) => ({ z, h: [own, ...rest] }))
);

/**
 * The 08f control's cases: Θ, s0 and C with C_1 > C̄ = E_π[C] but the other C_j free in
 * [−5, 5]: C_1 = Σ_{j≥2} π_j C_j / (1 − π_1) + e with e ∈ [1/8, 5], which is exactly the
 * condition C_1 > C̄.
 */
const arbAboveAverageWeights = arbThetaCase({ minK: 2, maxK: 5, minL: 1, maxL: 3, bound: 3 })
  .chain((tc) =>
    fc.record({
      rest: fc.array(fc.integer({ min: -40, max: 40 }).map((x) => x / 8), {
        minLength: tc.theta.length - 1,
        maxLength: tc.theta.length - 1,
      }),
      e: fc.integer({ min: 1, max: 40 }).map((x) => x / 8),
    }).map(({ rest, e }) => {
      const p = policy(tc.theta, tc.s0);
      const othersMean = rest.reduce((acc, cj, j) => acc + p[j + 1]! * cj, 0) / (1 - p[0]!);
      return { ...tc, c: [othersMean + e, ...rest] };
    })
  );

/**
 * π(· | s0) ≈ (0.1, 0.8, 0.1) and C = (2, 3/2, −10): C_1 is the largest weight and above
 * C̄ ≈ 0.4, yet f'(0) = π_1(h_1 − ⟨π, h⟩) ≈ 0.1 (0.16 − 0.62) < 0, so π(1 | s0) falls.
 */
const ABOVE_AVERAGE_COUNTEREXAMPLE = { theta: [[0], [2.08], [0]], a0: 0, s0: 0, c: [2, 1.5, -10] };

/**
 * π(· | s0) ≈ (0.05, 0.9, 0.05) and a0 = 0: the score step drains action 1, and the small
 * action 2 gains: d/dα π(2) = π_2(−π_2 − π_{a0} + Σ_j π_j²) > 0.
 */
const OTHER_ACTION_RISES = { theta: [[0], [2.9], [0]], a0: 0, s0: 0 };

/** One state column θ ∈ [−3, 3]^k and weights C with the signs of 08g (k = 2) or 08h (k = 3). */
const arbSignedCase = (k: 2 | 3) =>
  fc.record({
    z: fc.array(gridValue(3), { minLength: k, maxLength: k }),
    c: k === 2
      ? fc.tuple(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 80 })).map((cs) =>
        cs.map((x) => x / 8)
      )
      : fc.tuple(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: -80, max: -1 }),
        fc.integer({ min: -80, max: -1 }),
      ).map((cs) => cs.map((x) => x / 8)),
  });

/** The column of g = E_a[C_a ∇ log π(a | s)] for a one-state table with logits z. */
const directionColumn = (z: number[], c: number[]) =>
  column(policyGradientDirection(z.map((x) => [x]), 0, c), 0);

function exactEquals(actual: Fraction, expected: string, what: string): void {
  if (!actual.equals(fraction(expected))) {
    throw new ClaimViolation(`${what} = ${actual.toFraction()}, expected ${expected}`);
  }
}

const OVER_THETA =
  "Θ ∈ [−5, 5]^{k×ℓ} on a 1/100 grid, k = 1..5 actions, ℓ = 1..4 states, any a0, s0";

/** The claims of Problem 8. */
export const claims: Claim[] = defineClaims(8, [
  {
    id: "08a",
    statement: "log π_Θ(a0 | s0) = Θ_{a0,s0} − log(1ᵀ e^{θ_{s0}})",
    check: (ctx) => formulaProperty(ctx.seed, logSumExp),
    negativeControl: {
      variant:
        "the stable log-sum-exp with its shift not added back: log Σ_j e^{θ_j − max θ} (the max-trick applied halfway)",
      check: (ctx) => formulaProperty(ctx.seed, unshiftedLogSumExp),
    },
  },
  {
    id: "08b",
    statement:
      "∇_{θ_{s'}} log π_Θ(a0 | s0) = 0 for every s' ≠ s0 (closed form vs autodiff and finite differences of the whole table)",
    check: (ctx) => withNoTensorLeak("08b", () => otherColumnsProperty(ctx.seed, false)),
    negativeControl: {
      variant:
        "the softmax taken along the wrong axis of the k × ℓ table (each action's row normalised over the states, as tf.softmax(Θ) does)",
      check: (ctx) => withNoTensorLeak("08b control", () => otherColumnsProperty(ctx.seed, true)),
    },
  },
  {
    id: "08c",
    statement:
      "∇_{θ_{s0}} log π_Θ(a0 | s0) = u_{a0} − π_Θ(· | s0) (closed form = autodiff = finite differences)",
    check: (ctx) => withNoTensorLeak("08c", () => scoreProperty(ctx.seed, false)),
    negativeControl: {
      variant: "the score with the normaliser's −π_Θ(· | s0) forgotten: u_{a0} alone",
      check: (ctx) => withNoTensorLeak("08c control", () => scoreProperty(ctx.seed, true)),
    },
  },
  {
    id: "08d",
    statement:
      "if g_1 > g_j for all j ≥ 2 then μ_1(z + αg) > μ_1(z) for small α > 0 (f'(0) > 0 and explicit α*)",
    check: (ctx) => {
      const boundary = checkConstantDirections();
      const nearCertain = checkNearCertainRise();
      const ev = withTally(() =>
        checkProperty(
          {
            seed: ctx.seed,
            over: "z ∈ [−4, 4]^k, k = 2..5, g with g_1 − max_{j≥2} g_j ∈ [1/8, 2]",
            numRuns: 300,
          },
          arbDominantDirection,
          ({ z, h }) => ascentMargin(z, h, 0, `z = ${z}, g = ${h}`),
        )
      );
      return { ...ev, note: `${ev.note}; ${nearCertain}; ${boundary}` };
    },
    negativeControl: {
      variant:
        "'a positive component g_1 > 0 is enough' (raising one's own logit is believed to raise one's probability, whatever the others do)",
      check: (ctx) =>
        checkProperty(
          {
            seed: ctx.seed,
            over: "z ∈ [−4, 4]^k, k = 2..5, g_1 ∈ [1/8, 2], other g_j ∈ [−4, 4]",
            numRuns: 300,
            examples: [{ z: [0, 0], h: [1, 2] }],
          },
          arbPositiveOwnComponent,
          ({ z, h }) => ascentMargin(z, h, 0, `z = ${z}, g = ${h}`),
        ),
    },
  },
  {
    id: "08e",
    statement: "π_{Θ+αg}(a0 | s0) > π_Θ(a0 | s0) for g = ∇_Θ log π_Θ(a0 | s0) and small α > 0",
    check: (ctx) => withTally(() => selfScoreProperty(ctx.seed)),
    negativeControl: {
      variant:
        "'the step along ∇ log π_Θ(a0 | s0) takes the mass of a0's gain from every other action' (each π(j | s0), j ≠ a0, falls)",
      check: (ctx) => otherActionsFallProperty(ctx.seed),
    },
  },
  {
    id: "08f",
    statement:
      "if C_1 > E_π[C] > C_j (j ≥ 2) then π_{Θ+αg}(1 | s0) > π_Θ(1 | s0) for g = E_π[C_a ∇ log π(a | s0)]",
    check: (ctx) => withTally(() => weightedScoreProperty(ctx.seed, false)),
    negativeControl: {
      variant:
        "'an above-average weight C_1 > E_π[C] is enough' (the condition C_j < E_π[C] on the other actions dropped)",
      check: (ctx) => weightedScoreProperty(ctx.seed, true),
    },
  },
  {
    id: "08g",
    statement: "with k = 2 and C_1, C_2 > 0, π(a=1 | s0) can decrease: θ_{s0} = (0, 0), C = (1, 2)",
    check: (ctx) => {
      // the explicit example, exactly: g = (−1/4, 1/4) and d/dα π(1) at 0 is −1/8
      const ex = exactDirectionAtUniform([1, 2]);
      exactEquals(ex.g[0]!, "-1/4", "g_1");
      exactEquals(ex.g[1]!, "1/4", "g_2");
      exactEquals(ex.derivative[0]!, "-1/8", "f'(0)");
      // for k = 2 the decrease holds for every α > 0; spot-check α = 1 and α = 10 in float64
      for (const alpha of [1, 10]) {
        const change = probabilityChange([0, 0], [-0.25, 0.25], 0, alpha);
        const exact = 1 / (1 + Math.exp(alpha / 2)) - 0.5; // π_1(α) = 1/(1 + e^{α/2})
        if (!(change < 0) || Math.abs(change - exact) > 1e-15) {
          throw new ClaimViolation(
            `example: at α = ${alpha} the change is ${change}, expected ${exact}`,
          );
        }
      }
      return withTally(() => searchK2(ctx.seed, false));
    },
    negativeControl: {
      variant: "'with k = 2 and C_1, C_2 > 0, π(a=1) never decreases'",
      check: (ctx) => searchK2(ctx.seed, true),
    },
  },
  {
    id: "08h",
    statement:
      "with k = 3, C_1 > 0 > C_2, C_3, π(a=2 | s0) can increase: θ_{s0} = 0, C = (1, −1, −4)",
    check: (ctx) => {
      const ex = exactDirectionAtUniform([1, -1, -4]);
      ["7/9", "1/9", "-8/9"].forEach((v, j) => exactEquals(ex.g[j]!, v, `g_${j + 1}`));
      exactEquals(ex.mean, "0", "⟨π, g⟩");
      exactEquals(ex.derivative[1]!, "1/27", "f'(0)");
      // D = 5/3, α* = 4 f'(0)/D² = 4/75, guaranteed rise 2 f'(0)²/D² = 2/2025
      const e = explicitStep([0, 0, 0], [7 / 9, 1 / 9, -8 / 9], 1);
      if (Math.abs(e.alpha - 4 / 75) > 1e-15 || Math.abs(e.guaranteedGain - 2 / 2025) > 1e-15) {
        throw new ClaimViolation(`explicit step: α* = ${e.alpha}, gain ${e.guaranteedGain}`);
      }
      const change = probabilityChange([0, 0, 0], [7 / 9, 1 / 9, -8 / 9], 1, 4 / 75);
      if (!(change >= 2 / 2025 - CHANGE_SLACK)) {
        throw new ClaimViolation(`example: at α = 4/75, π(2) changed by ${change} < 2/2025`);
      }
      return withTally(() => searchK3(ctx.seed, false));
    },
    negativeControl: {
      variant: "'with C_1 > 0 > C_2, C_3, π(a=2) never increases'",
      check: (ctx) => searchK3(ctx.seed, true),
    },
  },
]);

function formulaProperty(seed: number, normaliser: (z: readonly number[]) => number) {
  return checkProperty(
    {
      seed,
      over: OVER_THETA,
      numRuns: 300,
      examples: [{ theta: [[0], [0]], a0: 0, s0: 0 }, { theta: [[1.5], [-0.5]], a0: 1, s0: 0 }],
    },
    arbThetaCase({ minK: 1, maxK: 5, minL: 1, maxL: 4, bound: 5 }),
    ({ theta, a0, s0 }: ThetaCase) =>
      // both sides are float64 logs of O(10): 1e-12 absolute is ~1000 ulps
      closeMargin(
        logPolicyByFormula(theta, a0, s0, normaliser),
        logPolicyByDefinition(theta, a0, s0),
        { abs: 1e-12, rel: 0 },
      ),
  );
}

/** The 08a control's normaliser: the max-shifted log-sum-exp without the shift added back. */
function unshiftedLogSumExp(z: readonly number[]): number {
  const m = Math.max(...z);
  return Math.log(z.reduce((acc, x) => acc + Math.exp(x - m), 0));
}

/** log π with the softmax along the wrong axis: Θ's row a normalised over the states. */
function logPolicyWrongAxis(theta: Theta, a: number, s: number): number {
  return Math.log(softmaxPolicy(theta)[a]![s]!);
}

/** tfjs autodiff of the same wrong-axis log-probability (softmax over the last axis of Θ). */
function scoreAutodiffWrongAxis(theta: Theta, a0: number, s0: number): number[][] {
  const k = theta.length;
  const l = theta[0]!.length;
  const flat = autodiffGradient((x) => {
    const logPi = tf.logSoftmax(tf.reshape(x, [k, l])); // [k, ℓ], normalised over ℓ
    return tf.squeeze(tf.slice(logPi, [a0, s0], [1, 1])) as tf.Scalar;
  }, theta.flat());
  return Array.from({ length: k }, (_, a) => flat.slice(a * l, (a + 1) * l));
}

/** The entries of a k × ℓ table outside column s0 (or only column s0 with `inside`). */
function columnsOf(g: readonly (readonly number[])[], s0: number, inside: boolean): number[] {
  return g.flatMap((row) => row.filter((_, s) => (s === s0) === inside));
}

/**
 * 08b: the closed form's columns s' ≠ s0 (zero) against two oracles that see the whole
 * table: central differences of log π read from the full policy table (all states'
 * softmaxes computed by shared/softmax), and tfjs autodiff of log softmax over the actions
 * of Θᵀ. With `wrongAxis` both oracles normalise over the states instead.
 */
function otherColumnsProperty(seed: number, wrongAxis: boolean) {
  return checkProperty(
    {
      seed,
      over: "Θ ∈ [−5, 5]^{k×ℓ}, k = 1..5, ℓ = 2..4, any a0, s0; every entry outside column s0",
      numRuns: 100,
      // pinned: distinct columns, and a column spread over 800 (the softmax's max shift is
      // all that keeps e^{800} from overflowing)
      examples: [
        { theta: [[0, 1, -2], [2, -1, 0.5]], a0: 0, s0: 1 },
        { theta: [[800, 1], [0, -1]], a0: 0, s0: 1 },
      ],
    },
    arbThetaCase({ minK: 1, maxK: 5, minL: 2, maxL: 4, bound: 5 }),
    ({ theta, a0, s0 }: ThetaCase) => {
      const closed = columnsOf(scoreClosedForm(theta, a0, s0), s0, false);
      const fd = wrongAxis
        ? scoreFiniteDifference(theta, a0, s0, logPolicyWrongAxis)
        : scoreFiniteDifference(theta, a0, s0, logPolicyFromTable);
      const ad = wrongAxis ? scoreAutodiffWrongAxis(theta, a0, s0) : scoreAutodiff(theta, a0, s0);
      return Math.min(
        gradientMargin(columnsOf(fd, s0, false), closed, FINITE_DIFFERENCE_TOLERANCE),
        gradientMargin(columnsOf(ad, s0, false), closed, FLOAT32_AUTODIFF_TOLERANCE),
      );
    },
  );
}

/**
 * 08c: column s0 of the closed form against central differences of the definition and
 * tfjs autodiff. With `noNormaliser` the closed form is replaced by u_{a0} alone.
 */
function scoreProperty(seed: number, noNormaliser: boolean) {
  return checkProperty(
    {
      seed,
      over: OVER_THETA,
      numRuns: 100,
      // pinned: logits 700 apart, where only the max shift keeps the softmax finite
      examples: [{ theta: [[0], [0]], a0: 0, s0: 0 }, {
        theta: [[700], [0], [-700]],
        a0: 1,
        s0: 0,
      }],
    },
    arbThetaCase({ minK: 1, maxK: 5, minL: 1, maxL: 4, bound: 5 }),
    ({ theta, a0, s0 }: ThetaCase) => {
      const closed = noNormaliser
        ? theta.map((_, a) => (a === a0 ? 1 : 0))
        : columnsOf(scoreClosedForm(theta, a0, s0), s0, true);
      const fd = columnsOf(scoreFiniteDifference(theta, a0, s0), s0, true);
      const ad = columnsOf(scoreAutodiff(theta, a0, s0), s0, true);
      return Math.min(
        gradientMargin(fd, closed, FINITE_DIFFERENCE_TOLERANCE),
        gradientMargin(ad, closed, FLOAT32_AUTODIFF_TOLERANCE),
      );
    },
  );
}

/**
 * Column s0 of the whole-table step Θ + αg, minus θ_{s0}, divided by α: the direction the
 * logits of s0 actually moved (α = 1; the subtraction is exact to a few ulps).
 */
function movedDirection(theta: Theta, g: Theta, s0: number): number[] {
  const after = column(step(theta, g, 1), s0);
  return column(theta, s0).map((x, j) => after[j]! - x);
}

const OVER_SELF = "Θ ∈ [−3, 3]^{k×ℓ}, k = 2..5, ℓ = 1..3, any a0, s0";

function selfScoreProperty(seed: number) {
  return checkProperty(
    { seed, over: OVER_SELF, numRuns: 300, examples: [OTHER_ACTION_RISES] },
    arbThetaCase({ minK: 2, maxK: 5, minL: 1, maxL: 3, bound: 3 }),
    ({ theta, a0, s0 }: ThetaCase) => {
      const g = scoreClosedForm(theta, a0, s0);
      // π_{Θ+αg}(a0 | s0) depends on column s0 of Θ + αg only: follow that column
      const h = movedDirection(theta, g, s0);
      return ascentMargin(
        column(theta, s0),
        h,
        a0,
        `Θ = ${JSON.stringify(theta)}, a0 = ${a0}, s0 = ${s0}`,
      );
    },
  );
}

/**
 * The 08e control: along g = ∇ log π(a0 | s0), every other action's probability is believed
 * to fall. Any j ≠ a0 with d/dα π(j | s0) > 0 refutes it, once the lemma confirms the rise.
 */
function otherActionsFallProperty(seed: number) {
  return checkProperty(
    { seed, over: OVER_SELF, numRuns: 300, examples: [OTHER_ACTION_RISES] },
    arbThetaCase({ minK: 2, maxK: 5, minL: 1, maxL: 3, bound: 3 }),
    ({ theta, a0, s0 }: ThetaCase) => {
      const z = column(theta, s0);
      const h = movedDirection(theta, scoreClosedForm(theta, a0, s0), s0);
      z.forEach((_, j) => {
        if (j === a0 || !(explicitStep(z, h, j).derivative > 1e-12)) return;
        const where = `Θ = ${JSON.stringify(theta)}, a0 = ${a0}, s0 = ${s0}, j = ${j}`;
        ascentMargin(z, h, j, where); // the rise is real: f'(0) > 0 and the lemma's α* rise
        throw new ClaimViolation(`${where}: π(j | s0) rises along ∇ log π(a0 | s0)`);
      });
    },
  );
}

/**
 * 08f: g = E_π[C_a ∇ log π(a | s0)] from the table of scores; its column s0 must equal the
 * proof's π ⊙ (C − C̄) and its other columns 0 (1e-12 of the scale of C), and the step along
 * it must raise π(1 | s0). With `aboveAverageOnly` the hypothesis on C_2, …, C_k is dropped.
 */
function weightedScoreProperty(seed: number, aboveAverageOnly: boolean) {
  return checkProperty(
    {
      seed,
      over: aboveAverageOnly
        ? `${OVER_SELF}, C with C_1 > C̄ only, others in [−5, 5]`
        : `${OVER_SELF}, C with C_1 > C̄ > C_j, C̄ ∈ [−5, 5], gaps ≥ 1/8`,
      numRuns: 300,
      examples: aboveAverageOnly ? [ABOVE_AVERAGE_COUNTEREXAMPLE] : [],
    },
    aboveAverageOnly ? arbAboveAverageWeights : arbAdvantageWeights,
    ({ theta, s0, c }) => {
      const g = policyGradientDirection(theta, s0, c);
      const p = policy(theta, s0);
      const cBar = p.reduce((acc, pa, a) => acc + pa * c[a]!, 0);
      const scale = 1 + Math.max(...c.map(Math.abs));
      const formula = theta.map((row, a) =>
        row.map((_, s) => (s === s0 ? p[a]! * (c[a]! - cBar) : 0))
      );
      const formulaMargin = gradientMargin(g, formula, { abs: 1e-12 * scale, rel: 0 });
      if (formulaMargin < 0) {
        throw new ClaimViolation(`g = ${JSON.stringify(g)} is not π ⊙ (C − C̄) in column s0`);
      }
      return Math.min(
        formulaMargin,
        ascentMargin(
          column(theta, s0),
          movedDirection(theta, g, s0),
          0,
          `Θ = ${JSON.stringify(theta)}, C = ${c}`,
        ),
      );
    },
  );
}

/**
 * Random search for 08g: k = 2, C_1, C_2 > 0. For each case, the sign of d/dα π(1) must be
 * the sign of C_1 − C_2 (the proof's characterisation), and every decreasing case must
 * decrease by at least the lemma's amount at α* (applied to π(2) = 1 − π(1)). Under the
 * false belief, any decreasing case is a violation.
 */
function searchK2(seed: number, belief: boolean): Evidence {
  let found = 0;
  let random = 0;
  const ev = checkProperty(
    {
      seed,
      over: "k = 2, θ_{s0} ∈ [−3, 3]², C_1, C_2 ∈ [1/8, 10] on a 1/8 grid",
      numRuns: 500,
      examples: [{ z: [0, 0], c: [1, 2] }],
    },
    arbSignedCase(2),
    ({ z, c }) => {
      random++;
      const h = directionColumn(z, c);
      const d = explicitStep(z, h, 0).derivative;
      const where = `θ = ${z}, C = ${c}`;
      // ties C_1 = C_2 give g = 0 exactly in the reals; in float64 f'(0) is then rounding noise
      const consistent = c[0] === c[1]
        ? Math.abs(d) <= 1e-15
        : Math.sign(d) === Math.sign(c[0]! - c[1]!);
      if (!consistent) {
        throw new ClaimViolation(`${where}: f'(0) = ${d} but C_1 − C_2 = ${c[0]! - c[1]!}`);
      }
      if (c[0]! >= c[1]!) return;
      found++;
      if (belief) throw new ClaimViolation(`${where}: π(a=1) decreases (f'(0) = ${d})`);
      return ascentMargin(z, h, 1, where); // π(2) rises by the lemma's amount, so π(1) falls
    },
  );
  const share = `${found} of ${random} cases (${
    (100 * found / random).toFixed(0)
  }%, incl. the pinned example)`;
  return {
    ...ev,
    note:
      `example θ = (0,0), C = (1,2): g = (−1/4, 1/4), f'(0) = −1/8 exactly; π(1) decreased in ${share}`,
  };
}

/**
 * Random search for 08h: k = 3, C_1 > 0 > C_2, C_3. Whenever d/dα π(2) > 0 at 0, the lemma's
 * explicit α* must give the guaranteed rise. Under the false belief, any rising case is a
 * violation.
 */
function searchK3(seed: number, belief: boolean): Evidence {
  let found = 0;
  let random = 0;
  const ev = checkProperty(
    {
      seed,
      over: "k = 3, θ_{s0} ∈ [−3, 3]³, C_1 ∈ [1/8, 10], C_2, C_3 ∈ [−10, −1/8] on a 1/8 grid",
      numRuns: 500,
      examples: [{ z: [0, 0, 0], c: [1, -1, -4] }],
    },
    arbSignedCase(3),
    ({ z, c }) => {
      random++;
      const h = directionColumn(z, c);
      const d = explicitStep(z, h, 1).derivative;
      if (!(d > 1e-12)) return; // not a rising case (1e-12 keeps float-zero derivatives out)
      found++;
      const where = `θ = ${z}, C = ${c}`;
      if (belief) throw new ClaimViolation(`${where}: π(a=2) increases (f'(0) = ${d})`);
      return ascentMargin(z, h, 1, where);
    },
  );
  const share = `${found} of ${random} cases (${
    (100 * found / random).toFixed(0)
  }%, incl. the pinned example)`;
  return {
    ...ev,
    note:
      `example θ = 0, C = (1, −1, −4): f'(0) = 1/27, α* = 4/75, rise ≥ 2/2025; π(a=2) rose in ${share}`,
  };
}
