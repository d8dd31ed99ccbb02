/**
 * Problem 23's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { all, create } from "mathjs";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import {
  estimatorK1,
  estimatorK2,
  exactExpectation,
  exactRatioPartExpectation,
  k2Term,
  klDivergence,
  logRatios,
  naiveK2Term,
} from "./mod.ts";

/** Integer weights 1..20 on 1–5 outcomes, normalised: a pmf with full support. */
const arbWeights = (k: number) =>
  fc.array(fc.integer({ min: 1, max: 20 }), { minLength: k, maxLength: k });
const normalise = (w: readonly number[]) => {
  const t = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / t);
};

/** (p weights, q weights, N): two full-support pmfs on the same 1–5 outcomes, N ∈ 1..3. */
const arbPairN = fc.integer({ min: 1, max: 5 }).chain((k) =>
  fc.tuple(
    arbWeights(k),
    arbWeights(k),
    fc.integer({ min: 1, max: 3 }),
  )
);
type PairN = [number[], number[], number];

// Pinned: p = q (KL = 0), the README's example, and a far-apart pair.
const PAIR_EXAMPLES: PairN[] = [[[1, 1], [1, 1], 2], [[2, 2], [1, 3], 3], [[19, 1, 1], [
  1,
  1,
  19,
], 2]];

const OVER_PAIRS = "random full-support p, q on 1–5 outcomes (integer weights 1..20), N ∈ 1..3, " +
  "expectation summed exactly over all |X|^N sample tuples";

// Float64 sums of ≤ 125 tuple terms of size ≤ log 20 ≈ 3: rounding stays far below 1e-12.
const TOL = 1e-12;

function unbiasedMargin(
  [pw, qw, n]: PairN,
  estimator: (l: number[]) => number,
  fromQ = false,
): number {
  const p = normalise(pw);
  const q = normalise(qw);
  const kl = klDivergence(p, q);
  const expectation = exactExpectation(p, q, n, estimator, fromQ ? q : p);
  return TOL * (1 + kl) - Math.abs(expectation - kl);
}

/**
 * A 40-digit decimal reference for h(λ) = e^λ − λ − 1 at the double λ itself: 100 significant
 * digits are the exact decimal expansion of a double with |λ| ≥ 1e-3 (at most 62 fractional
 * digits) and within 1e-100 relative below. For |λ| ≥ 1e-3 it evaluates the formula (the
 * subtraction cancels at most 7 of the 40 digits); below, the Taylor polynomial
 * Σ_{k=2}^{7} λ^k/k!, whose remainder is below λ⁶/360 < 1e-17 relative to h.
 */
const big = create(all!, { number: "BigNumber", precision: 40 });
function referenceK2(l: number): number {
  const b = big.bignumber(l.toPrecision(100));
  if (Math.abs(l) >= 1e-3) return big.exp(b).minus(b).minus(1).toNumber();
  let term = b;
  let sum = big.bignumber(0);
  for (let k = 2; k <= 7; k++) {
    term = term.times(b).div(k);
    sum = sum.plus(term);
  }
  return sum.toNumber();
}

/** λ over the whole usable range: uniform on [−700, 700], tiny ones, all decades, edge values. */
const arbLogRatio = fc.oneof(
  fc.double({ min: -700, max: 700, noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e-6, max: 1e-6, noNaN: true, noDefaultInfinity: true }),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: -300, max: 2 }), fc.boolean())
    .map(([m, e, neg]) => (neg ? -1 : 1) * Math.min(700, m * 10 ** e)),
);
const LOG_RATIO_EXAMPLES = [
  0,
  1e-12,
  -1e-12,
  1.37e-11,
  5.48e-11,
  Number.MIN_VALUE,
  1,
  -1,
  1.5,
  -1.5,
  2,
  -2,
  700,
  -700,
  709,
];
const OVER_D = "log-ratios λ: uniform on [−700, 700], uniform on [−1e-6, 1e-6], ±m·10^e for " +
  "e ∈ −300..2, and 0, ±1e-12, 1.37e-11, 5e-324, ±1, ±1.5, ±2, ±700, 709";

/** Margin of "term(λ) is finite and ≥ 0". */
const nonNegativeMargin = (term: (l: number) => number) => (l: number) => {
  const h = term(l);
  if (!Number.isFinite(h)) throw new ClaimViolation(`h(${l}) = ${h} is not finite`);
  return h;
};

/** The claims of Problem 23. */
export const claims: Claim[] = defineClaims(23, [
  {
    id: "23a",
    statement: "D̂(1) = mean log(p/q)(X_i), X_i ~ p i.i.d., is an unbiased estimator of KL(p‖q)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_PAIRS, numRuns: 200, examples: PAIR_EXAMPLES },
        arbPairN,
        (c) => unbiasedMargin(c, estimatorK1),
      ),
    negativeControl: {
      variant: "the same estimator with samples drawn from q instead of p",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_PAIRS, numRuns: 200, examples: [PAIR_EXAMPLES[1]!] },
          arbPairN,
          (c) => unbiasedMargin(c, estimatorK1, true),
        ),
    },
  },
  {
    id: "23b",
    statement: "D̂(1) < 0 is possible: whenever p ≠ q, N copies of x* = argmin p/q give " +
      "D̂(1) = log(p(x*)/q(x*)) < 0",
    check: (ctx) => {
      // The README's example: p = (1/2, 1/2), q = (1/4, 3/4), X_1 = 1 gives log(2/3) < 0.
      const example = estimatorK1(logRatios([0.5, 0.5], [0.25, 0.75], [1]));
      if (!(example < 0)) throw new ClaimViolation(`README example gives D̂(1) = ${example}`);
      return checkProperty(
        { seed: ctx.seed, over: `${OVER_PAIRS}; sample = N copies of argmin p/q` },
        arbPairN,
        ([pw, qw, n]) => {
          const tp = pw.reduce((a, b) => a + b, 0);
          const tq = qw.reduce((a, b) => a + b, 0);
          // p(x)/q(x) compared exactly via integers: pw[x]·tq vs qw[x]·tp.
          const cross = pw.map((w, x) => w * tq - qw[x]! * tp);
          if (cross.every((c) => c === 0)) return; // p = q: D̂(1) ≡ 0, the claim assumes p ≠ q
          const xStar = argminRatio(pw, qw);
          if (!(cross[xStar]! < 0)) {
            throw new ClaimViolation(`p(x*) ≥ q(x*) at x* = ${xStar} although p ≠ q`);
          }
          const d = estimatorK1(
            logRatios(normalise(pw), normalise(qw), new Array<number>(n).fill(xStar)),
          );
          if (!(d < 0)) throw new ClaimViolation(`D̂(1) = ${d} is not < 0 at x* = ${xStar}`);
          return -d;
        },
      );
    },
    negativeControl: {
      variant: "D̂(1) ≥ 0 for every sample set (as the divergence itself is)",
      check: (ctx) =>
        checkProperty(
          {
            seed: ctx.seed,
            over: `${OVER_PAIRS}; every sample tuple`,
            examples: [[[1, 1], [1, 3], 1] as PairN],
          },
          arbPairN,
          ([pw, qw, n]) => {
            const p = normalise(pw);
            const q = normalise(qw);
            let worst = Infinity;
            for (let x = 0; x < p.length; x++) {
              worst = Math.min(worst, estimatorK1(logRatios(p, q, new Array<number>(n).fill(x))));
            }
            return worst;
          },
        ),
    },
  },
  {
    id: "23c",
    statement: "D̂(2) = mean(q/p − log(q/p) − 1)(X_i), X_i ~ p, is unbiased for KL(p‖q) " +
      "(its rational part q/p − 1 has expectation exactly 0)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_PAIRS, numRuns: 150, examples: PAIR_EXAMPLES },
        arbPairN,
        (c) => {
          const [pw, qw, n] = c;
          const exact = exactRatioPartExpectation(pw, qw, n);
          if (!exact.equals(0)) {
            throw new ClaimViolation(`E_p[q/p − 1] = ${exact.toFraction()} ≠ 0 exactly`);
          }
          return unbiasedMargin(c, estimatorK2);
        },
      ),
    negativeControl: {
      // The k3 form is the one whose ratio is easy to turn around: mean(p/q − log(p/q) − 1)
      // under X ~ p has mean χ²(p‖q) − KL(p‖q), not KL(p‖q) (it estimates KL(q‖p) from q).
      variant: "the ratio taken the wrong way: mean(p/q − log(p/q) − 1) with X_i ~ p",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_PAIRS, numRuns: 150, examples: PAIR_EXAMPLES },
          arbPairN,
          (c) => unbiasedMargin(c, (l) => estimatorK2(l.map((x) => -x))),
        ),
    },
  },
  {
    id: "23d",
    statement: "D̂(2) ≥ 0 always: every term e^λ − λ − 1 is finite and ≥ 0 for |λ| ≤ 700 " +
      "(and within 1e-15 relative of a 40-digit reference)",
    check: (ctx) => {
      const terms = checkProperty(
        { seed: ctx.seed, over: OVER_D, numRuns: 400, examples: LOG_RATIO_EXAMPLES },
        arbLogRatio,
        (l) => {
          const h = nonNegativeMargin(k2Term)(l);
          const ref = referenceK2(l);
          // Each branch is accurate to a few ulps (1e-15 ≈ 9 · 2^-53). The branches meet at
          // |λ| = 1 because the series is only that accurate for |λ| ≤ 1: summed through
          // λ¹⁷/19! it omits ≈ λ²·λ¹⁸/20!, 1e-13 relative at |λ| = 2. 1e-300 absolute covers
          // λ² underflowing (λ ≈ 5e-324).
          const err = Math.abs(h - ref);
          return Math.min(h, 1e-15 * ref + 1e-300 - err);
        },
      );
      const arrays = checkProperty(
        { seed: ctx.seedFor("arrays"), over: `arrays of 1–20 ${OVER_D}` },
        fc.array(arbLogRatio, { minLength: 1, maxLength: 20 }),
        (ls) => estimatorK2(ls),
      );
      return { ...terms, cases: terms.cases + arrays.cases, note: "terms and whole estimates" };
    },
    negativeControl: {
      variant: "the naive evaluation Math.exp(λ) − λ − 1, which rounds below 0 near λ = 0",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_D, numRuns: 400, examples: LOG_RATIO_EXAMPLES },
          arbLogRatio,
          nonNegativeMargin(naiveK2Term),
        ),
    },
  },
]);

/** The index minimising p(x)/q(x), compared exactly by integer cross-multiplication. */
function argminRatio(pw: readonly number[], qw: readonly number[]): number {
  let best = 0;
  for (let x = 1; x < pw.length; x++) {
    if (pw[x]! * qw[best]! < pw[best]! * qw[x]!) best = x;
  }
  return best;
}
