/**
 * Problem 26's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { Rng } from "../../shared/random/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
  type Evidence,
} from "../../shared/testing/mod.ts";
import {
  circleRows,
  descend,
  distribution,
  HALF_HALF,
  HALF_ZERO_HALF,
  HALF_ZERO_HALF_BOUND,
  halfHalfVector,
  l1Distance,
  logits,
  oneHotScale,
  oneHotVector,
  type Rows,
  separation,
  supDistance,
} from "./mod.ts";

/** N random unit rows in ℝ^h (normalised Gaussians: distinct with probability 1). */
function randomUnitRows(h: number, n: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const g = Array.from({ length: h }, () => rng.normal());
    const norm = Math.hypot(...g);
    return g.map((x) => x / norm);
  });
}

/** Random B with h ∈ 2..5 and h < N − 1 ≤ h + 7, rows drawn from a seeded Rng. */
const arbRows = fc.record({
  h: fc.integer({ min: 2, max: 5 }),
  extra: fc.integer({ min: 2, max: 8 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
}).map(({ h, extra, seed }) => randomUnitRows(h, h + extra, seed));

/** Two rows only 10⁻³ rad apart: separation 1 − cos(10⁻³) ≈ 5e-7. */
const NEAR_DUPLICATE: number[][] = [
  [1, 0],
  [Math.cos(1e-3), Math.sin(1e-3)],
  [0, 1],
  [-1, 0],
];

/** h = 1: the only two distinct unit rows of ℝ¹. */
const ONE_DIMENSIONAL: number[][] = [[1], [-1]];

type RowsEps = [number[][], number];

/** ε = m·10^{−e}, m ∈ 1..9, e ∈ 1..maxExp. */
const arbEps = (maxExp: number) =>
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: maxExp }))
    .map(([m, e]) => m * 10 ** -e);

const OVER_A = "random B: h ∈ 2..5, N ∈ h+2..h+8, unit rows from normalised Gaussians, plus " +
  "the circle rows of (b), two rows 1e-3 rad apart and the rows ±1 of ℝ¹; every token k; " +
  "ε = m·10^−e, e ≤ 9; v_k must be t(ε)·b_k with the stated t(ε)";

/** Worst relative margin over all k of ε − ‖μ(B v_k) − e_k‖₁ for a construction v_k. */
function oneHotMargin(
  rows: Rows,
  eps: number,
  construct: (rows: Rows, k: number, eps: number) => number[],
): number {
  let worst = Infinity;
  for (let k = 0; k < rows.length; k++) {
    const mu = distribution(rows, construct(rows, k, eps));
    const ek = rows.map((_, j) => (j === k ? 1 : 0));
    // 1e-9 relative slack: the logits t·b_j·b_k carry rounding of about t·1e-16 ≤ 1e-8·t·g.
    worst = Math.min(worst, (eps * (1 + 1e-9) - l1Distance(mu, ek)) / eps);
  }
  return worst;
}

/**
 * Throws unless each construction is v_k = t(ε)·b_k with the statement's
 * t(ε) = log(2(N − 1)/ε)/(1 − max_{j≠k} b_j·b_k), the inner products taken here by plain
 * loops. Any larger scale also meets ε, so the accuracy alone cannot see a wrong N − 1 or a
 * separation that is too small. Rounding: 1 − max b_j·b_k carries about 1e-16 absolute error,
 * below 1e-9 relative for every separation above 1e-7 (the nearest rows here: 5e-7).
 */
function assertStatedScale(rows: Rows, eps: number): void {
  const n = rows.length;
  for (let k = 0; k < n; k++) {
    let nearest = -Infinity;
    for (let j = 0; j < n; j++) {
      if (j === k) continue;
      let dot = 0;
      for (let i = 0; i < rows[k]!.length; i++) dot += rows[j]![i]! * rows[k]![i]!;
      nearest = Math.max(nearest, dot);
    }
    const t = Math.log((2 * (n - 1)) / eps) / (1 - nearest);
    const v = oneHotVector(rows, k, eps);
    const err = Math.max(...rows[k]!.map((b, i) => Math.abs(v[i]! - t * b)));
    if (!(v.length === rows[k]!.length && err <= 1e-9 * t)) {
      throw new ClaimViolation(
        `k = ${k}, ε = ${eps}: v = (${v.join(", ")}) is not t(ε)·b_k with t(ε) = ${t}`,
      );
    }
  }
}

/**
 * Throws unless the construction of 26b is the statement's
 * v = log(6/ε)/(cos(π/8) − cos(3π/8))·(cos 3π/8, sin 3π/8), here in radicals:
 * cos(π/8) = sin(3π/8) = √(2 + √2)/2 and cos(3π/8) = √(2 − √2)/2. A larger scale also meets
 * ε, so the accuracy alone cannot see a wrong constant in t(ε).
 */
function assertStatedHalfHalf(eps: number): void {
  const [c1, c3] = [Math.sqrt(2 + Math.SQRT2) / 2, Math.sqrt(2 - Math.SQRT2) / 2];
  const t = Math.log(6 / eps) / (c1 - c3);
  const want = [t * c3, t * c1];
  const v = halfHalfVector(eps);
  const err = Math.max(...want.map((w, i) => Math.abs(v[i]! - w)));
  if (!(v.length === 2 && err <= 1e-12 * t)) {
    throw new ClaimViolation(`ε = ${eps}: v = (${v.join(", ")}), the statement's is (${want})`);
  }
}

/** A dense grid of v = s·(cos θ, sin θ): 1440 directions (¼°) × s ∈ {0} ∪ 10^[−3, 3] (61). */
function* denseGrid(): Generator<number[]> {
  yield [0, 0];
  for (let a = 0; a < 1440; a++) {
    const theta = (2 * Math.PI * a) / 1440;
    for (let i = 0; i <= 60; i++) {
      const s = 10 ** (-3 + i / 10);
      yield [s * Math.cos(theta), s * Math.sin(theta)];
    }
  }
}

/**
 * The circle rows with b_2 moved off the arc between b_1 and b_3, to angle 9π/8 (still eight
 * distinct unit rows in the plane): now nothing lies between the two target tokens.
 */
const OFF_ARC_ROWS: number[][] = circleRows().map((b, i) =>
  i === 1 ? [Math.cos((9 * Math.PI) / 8), Math.sin((9 * Math.PI) / 8)] : b
);

/** The smallest sup-distance from μ(Bv) to `target` over the dense grid, and where. */
function gridMinimum(
  target: readonly number[],
  rows: Rows = circleRows(),
): { d: number; v: number[]; cases: number } {
  let best = { d: Infinity, v: [0, 0], cases: 0 };
  let cases = 0;
  for (const v of denseGrid()) {
    cases++;
    const d = supDistance(distribution(rows, v), target);
    if (d < best.d) best = { d, v, cases: 0 };
  }
  return { ...best, cases };
}

/** Gradient descent from 64 seeded starts (random direction, scale 10^U(−2, 2)). */
function descentMinimum(
  target: readonly number[],
  seed: number,
  rows: Rows = circleRows(),
): { d: number; v: number[] } {
  const rng = new Rng(seed);
  let best = { d: Infinity, v: [0, 0] };
  for (let start = 0; start < 64; start++) {
    const theta = 2 * Math.PI * rng.uniform();
    const s = 10 ** (-2 + 4 * rng.uniform());
    const r = descend(rows, target, [s * Math.cos(theta), s * Math.sin(theta)], {
      steps: 300,
      learningRate: 0.5,
    });
    if (r.bestSupDistance < best.d) best = { d: r.bestSupDistance, v: r.bestV };
  }
  return best;
}

/** Throws unless every v on the grid keeps μ(Bv) at sup-distance ≥ bound from the target. */
function assertGridLowerBound(target: readonly number[], bound: number): Evidence {
  const g = gridMinimum(target);
  if (!(g.d >= bound)) {
    throw new ClaimViolation(
      `v = (${g.v.join(", ")}) gives sup-distance ${g.d} < ${bound} to (${target.join(", ")})`,
    );
  }
  return { over: "dense grid", cases: g.cases, worstMargin: g.d - bound };
}

/** The claims of Problem 26. */
export const claims: Claim[] = defineClaims(26, [
  {
    id: "26a",
    statement: "for distinct unit rows b_k, v = t(ε)·b_k with t(ε) = log(2(N−1)/ε)/(1 − " +
      "max_{j≠k} b_j·b_k) puts μ(Bv) within ε of e_k in ℓ1, for every k and ε",
    check: (ctx) =>
      checkProperty(
        {
          seed: ctx.seed,
          over: OVER_A,
          numRuns: 150,
          examples: [[circleRows(), 1e-9], [NEAR_DUPLICATE, 1e-9], [
            NEAR_DUPLICATE,
            0.5,
          ], [ONE_DIMENSIONAL, 1e-3]] as RowsEps[],
        },
        fc.tuple(arbRows, arbEps(9)),
        ([rows, eps]) => {
          assertStatedScale(rows, eps);
          return oneHotMargin(rows, eps, oneHotVector);
        },
      ),
    negativeControl: {
      variant: "the same construction without dividing by the separation: t = log(2(N−1)/ε)",
      check: (ctx) =>
        checkProperty(
          {
            seed: ctx.seed,
            over: OVER_A,
            numRuns: 150,
            examples: [[NEAR_DUPLICATE, 1e-6]] as RowsEps[],
          },
          fc.tuple(arbRows, arbEps(9)),
          ([rows, eps]) =>
            oneHotMargin(
              rows,
              eps,
              (r, k, e) => r[k]!.map((x) => x * oneHotScale(r, k, e) * separation(r, k)),
            ),
        ),
    },
  },
  {
    id: "26b",
    statement: "for the 8 circle rows, v = log(6/ε)/(cos(π/8) − cos(3π/8))·(cos 3π/8, sin 3π/8) " +
      "puts μ(Bv) within ε of (1/2, 1/2, 0, …, 0) in ℓ1, for every ε ∈ (0, 2)",
    check: (ctx) =>
      checkProperty(
        {
          seed: ctx.seed,
          over: "ε = m·10^−e, m ∈ 1..9, e ∈ 1..12, and ε = 1.999; v must be the stated one",
          numRuns: 100,
          examples: [1e-12, 0.9, 1.999],
        },
        arbEps(12),
        (eps) => {
          assertStatedHalfHalf(eps);
          const d = l1Distance(distribution(circleRows(), halfHalfVector(eps)), HALF_HALF);
          // The two leading logits agree to ~t·1e-16 < 1e-14, so μ_1, μ_2 may differ by 1e-14.
          return eps * (1 + 1e-9) + 1e-14 - d;
        },
      ),
    negativeControl: {
      variant: "(1/2, 1/2, 0, …) is unreachable: the 1/4 lower bound of 26c also holds for it",
      check: () => assertGridLowerBound(HALF_HALF, HALF_ZERO_HALF_BOUND),
    },
  },
  {
    id: "26c",
    statement: "for the 8 circle rows, every v has ‖μ(Bv) − (1/2, 0, 1/2, 0, …, 0)‖∞ ≥ 1/4: " +
      "the target is not representable",
    check: (ctx) => {
      const rows = circleRows();
      // The proof's identities: z_1 + z_3 = √2 z_2, z_5 = −z_1, z_7 = −z_3 (to rounding).
      const identities = checkProperty(
        { seed: ctx.seedFor("identities"), over: "v ∈ [−100, 100]²" },
        fc.tuple(
          fc.integer({ min: -10_000, max: 10_000 }),
          fc.integer({ min: -10_000, max: 10_000 }),
        )
          .map(([a, b]) => [a / 100, b / 100]),
        (v) => {
          const z = logits(rows, v);
          const err = Math.max(
            Math.abs(z[0]! + z[2]! - Math.SQRT2 * z[1]!),
            Math.abs(z[4]! + z[0]!),
            Math.abs(z[6]! + z[2]!),
          );
          return 1e-12 * (1 + Math.hypot(v[0]!, v[1]!)) - err;
        },
      );
      const grid = assertGridLowerBound(HALF_ZERO_HALF, HALF_ZERO_HALF_BOUND);
      const random = checkProperty(
        { seed: ctx.seedFor("random v"), over: "v = s(cos θ, sin θ), θ ∈ [0, 2π), s ∈ 10^[−3, 3]" },
        fc.tuple(
          fc.double({ min: 0, max: 2 * Math.PI, noNaN: true, noDefaultInfinity: true }),
          fc.double({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true }),
        ),
        ([theta, logS]) => {
          const s = 10 ** logS;
          const mu = distribution(rows, [s * Math.cos(theta), s * Math.sin(theta)]);
          return supDistance(mu, HALF_ZERO_HALF) - HALF_ZERO_HALF_BOUND;
        },
      );
      const gd = descentMinimum(HALF_ZERO_HALF, ctx.seedFor("descent"));
      if (!(gd.d >= HALF_ZERO_HALF_BOUND)) {
        throw new ClaimViolation(`gradient descent reached sup-distance ${gd.d} at v = ${gd.v}`);
      }
      return {
        over: "the proof's logit identities; a dense grid of 1440 directions × 61 scales; " +
          "random v; gradient descent from 64 seeded starts (300 steps each)",
        cases: identities.cases + grid.cases + random.cases + 64,
        worstMargin: Math.min(grid.worstMargin!, random.worstMargin, gd.d - HALF_ZERO_HALF_BOUND),
        note: `closest found: grid ${(grid.worstMargin! + 0.25).toFixed(4)}, descent ${
          gd.d.toFixed(4)
        } (bound 0.25)`,
      };
    },
    negativeControl: {
      variant: "h = 2 < N − 1 alone rules T out: the same bound for any 8 distinct unit rows " +
        "(here b_2 moved off the arc between b_1 and b_3)",
      check: (ctx) => {
        // The search of the claim, on rows where the belief is false: it must find a v.
        const grid = gridMinimum(HALF_ZERO_HALF, OFF_ARC_ROWS);
        const gd = descentMinimum(HALF_ZERO_HALF, ctx.seedFor("descent"), OFF_ARC_ROWS);
        const best = grid.d <= gd.d ? grid : gd;
        if (!(best.d >= HALF_ZERO_HALF_BOUND)) {
          throw new ClaimViolation(
            `v = (${best.v.join(", ")}) gives sup-distance ${best.d} < 1/4 for the moved rows`,
          );
        }
      },
    },
  },
]);
