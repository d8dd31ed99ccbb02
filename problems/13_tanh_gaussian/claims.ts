/**
 * Problem 13's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { det } from "mathjs";
import {
  autodiffJacobian,
  centralDifferenceJacobian,
  FINITE_DIFFERENCE_TOLERANCE,
  FLOAT32_AUTODIFF_TOLERANCE,
} from "../../shared/gradients/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { hoeffdingHalfWidth } from "../../shared/stats/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  closeMargin,
  ConstantUniform,
  defineClaims,
  type Evidence,
} from "../../shared/testing/mod.ts";
import { whitenedLogDensity } from "./oracle.ts";
import {
  changeOfVariablesLogDensity,
  cholesky,
  densityOf,
  determinant,
  integrateBox,
  log1mTanhSq,
  log1mTanhSqNaive,
  sampleTanhGaussian,
  TanhGaussianInputError,
  tanhGaussianLogDensity,
  tanhGaussianLogDensityFromZ,
  tanhSinhRule,
} from "./mod.ts";

type Params = { mu: number[]; sigma: number[][] };

/**
 * μ ∈ [−1.5, 1.5]^n and a full covariance Σ = LLᵀ with L lower triangular, diagonal in
 * [0.4, 1.2] and off-diagonal entries in [−0.4, 0.4] (1/100 grid): symmetric positive
 * definite with correlations of either sign.
 */
const arbParams = (n: number): fc.Arbitrary<Params> =>
  fc.record({
    mu: fc.array(fc.integer({ min: -150, max: 150 }).map((x) => x / 100), {
      minLength: n,
      maxLength: n,
    }),
    diag: fc.array(fc.integer({ min: 40, max: 120 }).map((x) => x / 100), {
      minLength: n,
      maxLength: n,
    }),
    off: fc.array(fc.integer({ min: -40, max: 40 }).map((x) => x / 100), {
      minLength: n * n,
      maxLength: n * n,
    }),
  }).map(({ mu, diag, off }) => {
    const L = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (i === j ? diag[i]! : j < i ? off[i * n + j]! : 0)));
    const sigma = Array.from({ length: n }, () =>
      new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        // [n, n] x [n, n]ᵀ -> [n, n]: Σ = L Lᵀ, mirrored so that Σ is exactly symmetric
        const v = L[i]!.reduce((acc, x, k) =>
          acc + x * L[j]![k]!, 0);
        sigma[i]![j] = v;
        sigma[j]![i] = v;
      }
    }
    return { mu, sigma };
  });

/** Points z ∈ [−3, 3]^n (1/100 grid); the action is a = tanh(z). */
const arbZ = (n: number) =>
  fc.array(fc.integer({ min: -300, max: 300 }).map((x) => x / 100), { minLength: n, maxLength: n });

const arbCase = fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(arbParams(n), arbZ(n)));

/**
 * 13a tolerances. The oracle (`whitenedLogDensity`) has a finite-difference Jacobian with
 * relative error ≲ 1e-9 per entry (see its note), so its log-determinant is off by ≲ 3e-9 for
 * n ≤ 3; 1e-7 absolute leaves room and is still 1000 times smaller than the dropped Jacobian
 * term |Σ log(1 − a_i²)| for any |z_i| ≥ 0.01. The float64 formulas agree with each other to
 * rounding (1e-10). tfjs evaluates tanh's derivative 1 − y² in float32 with y = tanh(z) off by
 * ≤ 6e-8 relative, so for |z| ≤ 3 (1 − y² ≥ 0.0099) each diagonal entry is off by ≤ 1.2e-5
 * relative and log|det J| by ≤ 3.6e-5 for n ≤ 3; 1e-4 absolute leaves room.
 */
const ORACLE_LOG_TOL = { abs: 1e-7, rel: 0 };
const SAME_FORMULA_TOL = { abs: 1e-10, rel: 0 };
const AUTODIFF_LOG_TOL = { abs: 1e-4, rel: 0 };

/**
 * 13a's edges, where the formula's terms are infinite: with a_0 moved to ±1 the log-density is
 * −∞ and the integrand 0 (their limits), past ±1 the log-density refuses a (tanh never gets
 * there) and the oracle refuses ±1 (outside the open cube). And the determinant behind the
 * autodiff change of variables (which takes log of its absolute value, so a lost sign would not
 * show there) against mathjs's det, for Σ and for Σ with its first two rows swapped; the
 * Cholesky factor behind both, its refusal of matrices that are not covariances, and its exact
 * factor diag(√2, √½) of diag(2, ½) (a diagonal covariance's standard deviations, no rounding
 * added); the oracle's refusal of a Σ with an eigenvalue 0. And the
 * Jacobian ∂tanh(z)/∂z the autodiff change of variables takes, entry by entry (its log |det|
 * alone would not show a wrong pair of off-diagonal entries): the tfjs autodiff Jacobian and
 * the float64 central-difference Jacobian (default step h = 1e-5: truncation h²|tanh‴|/6 ≤
 * 4e-11, rounding of tanh and of z ± h ≤ 4e-11) both against the closed form diag(1 − a_i²),
 * within the suite's float32 and finite-difference tolerances (1e-7 for the latter).
 */
function refuses(f: () => unknown, type: new (...args: never[]) => Error): boolean {
  try {
    f();
  } catch (e) {
    if (e instanceof type) return true;
    throw e;
  }
  return false;
}

function checkEdgesAndDeterminant(a: number[], p: Params): void {
  const where = `a = ${a}, μ = ${p.mu}, Σ = ${JSON.stringify(p.sigma)}`;
  for (const edge of [1, -1]) {
    const b = [edge, ...a.slice(1)];
    if (tanhGaussianLogDensity(b, p.mu, p.sigma) !== -Infinity) {
      throw new ClaimViolation(`${where}: log-density at a_0 = ${edge} is not −∞`);
    }
    if (densityOf(p.mu, p.sigma)(b) !== 0) {
      throw new ClaimViolation(`${where}: densityOf at a_0 = ${edge} is not 0`);
    }
    if (!refuses(() => whitenedLogDensity(b, p.mu, p.sigma), RangeError)) {
      throw new ClaimViolation(`${where}: the oracle accepted a_0 = ${edge}`);
    }
    const past = [edge * (1 + 1e-9), ...a.slice(1)];
    if (!refuses(() => tanhGaussianLogDensity(past, p.mu, p.sigma), TanhGaussianInputError)) {
      throw new ClaimViolation(`${where}: the log-density accepted a_0 = ${past[0]}`);
    }
  }
  // the factor every density and sampler uses: lower triangular (exact zeros above the
  // diagonal) with LLᵀ = Σ; and the factorisation refuses a Σ that is not a covariance
  const L = cholesky(p.sigma);
  const n = p.sigma.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const product = L[i]!.reduce((acc, x, k) => acc + x * L[j]![k]!, 0);
      if ((j > i && L[i]![j] !== 0) || Math.abs(product - p.sigma[i]![j]!) > 1e-12) {
        throw new ClaimViolation(`${where}: Cholesky factor ${JSON.stringify(L)} at (${i}, ${j})`);
      }
    }
  }
  // a diagonal Σ's factor is its standard deviations to the last bit: elimination adds no
  // rounding to the correctly rounded square roots √2 and √½ (the constants Math.SQRT2 and
  // Math.SQRT1_2, not a call of Math.sqrt)
  const diagonal = cholesky([[2, 0], [0, 0.5]]);
  if (
    diagonal[0]![0] !== Math.SQRT2 || diagonal[1]![1] !== Math.SQRT1_2 ||
    diagonal[1]![0] !== 0 || diagonal[0]![1] !== 0
  ) {
    throw new ClaimViolation(
      `cholesky(diag(2, ½)) is ${JSON.stringify(diagonal)}, not diag(√2, √½)`,
    );
  }
  // the oracle whitens by 1/√λ, so it must refuse a Σ with an eigenvalue 0 (here diag(0, 1, …)
  // of a's size, exact in mathjs's eigensolver) rather than return a non-finite value
  const singular = a.map((_, i) => a.map((_, j) => (i === j && i > 0 ? 1 : 0)));
  if (!refuses(() => whitenedLogDensity(a, p.mu, singular), RangeError)) {
    throw new ClaimViolation(
      `${where}: the oracle accepted the singular Σ = ${JSON.stringify(singular)}`,
    );
  }
  const notCovariances: number[][][] = [
    [[1, 0.5], [0.4, 1]], // not symmetric
    [[1, 2], [2, 1]], // not positive definite
    [[0]], // singular
    [[1, NaN], [NaN, 1]],
    [[1, 0], [0]], // ragged
    [],
  ];
  for (const bad of notCovariances) {
    if (!refuses(() => cholesky(bad), TanhGaussianInputError)) {
      throw new ClaimViolation(`cholesky accepted Σ = ${JSON.stringify(bad)}`);
    }
  }
  const z = a.map(Math.atanh);
  const closed = z.map((_, i) => z.map((_, j) => (i === j ? 1 - a[i]! * a[i]! : 0)));
  const jacobians = [
    ["tfjs autodiff", autodiffJacobian((t) => tf.tanh(t), z), FLOAT32_AUTODIFF_TOLERANCE],
    [
      "central differences",
      centralDifferenceJacobian((x) => x.map(Math.tanh), z),
      FINITE_DIFFERENCE_TOLERANCE,
    ],
  ] as const;
  for (const [method, J, tol] of jacobians) {
    closed.forEach((row, i) =>
      row.forEach((want, j) => {
        const got = J[i]![j]!;
        if (!(closeMargin(got, want, tol) >= 0)) {
          throw new ClaimViolation(
            `${where}: ∂tanh(z_${i})/∂z_${j} by ${method} is ${got}, the closed form ${want}`,
          );
        }
      })
    );
  }
  const swapped = p.sigma.length > 1 ? [p.sigma[1]!, p.sigma[0]!, ...p.sigma.slice(2)] : p.sigma;
  for (const m of [p.sigma, swapped]) {
    const exact = det(m.map((row) => [...row])) as number;
    if (Math.abs(determinant(m) - exact) > 1e-12 * (1 + Math.abs(exact))) {
      throw new ClaimViolation(`${where}: determinant ${determinant(m)} vs ${exact} for ${m}`);
    }
  }
}

/**
 * Small integer matrices with determinants by cofactor expansion, each exercising one path of
 * the elimination behind the autodiff change of variables: a zero first column and a zero
 * pivot left by elimination (singular: det 0, not ±1 or NaN), a row swap (sign flipped) whose
 * second pivot is −1 (a non-zero pivot of either sign is used, not taken for singular), and a
 * 3 × 3 that needs a swap first. Their elimination is exact (dyadic factors 0, ½, ¼), but the
 * band 1e-12 is kept; the check is written so that NaN fails it.
 */
const DETERMINANT_CASES: { m: number[][]; exact: number }[] = [
  { m: [[0, 1], [0, 2]], exact: 0 }, // 0·2 − 1·0
  { m: [[1, 2], [2, 4]], exact: 0 }, // 1·4 − 2·2
  { m: [[0, -1], [-1, 0]], exact: -1 }, // 0·0 − (−1)(−1)
  { m: [[-1]], exact: -1 },
  // 0·(0·8 − 3·(−3)) − 1·(1·8 − 3·4) + 2·(1·(−3) − 0·4) = 0 + 4 − 6
  { m: [[0, 1, 2], [1, 0, 3], [4, -3, 8]], exact: -2 },
];

function checkDeterminantCases(): void {
  for (const { m, exact } of DETERMINANT_CASES) {
    const got = determinant(m);
    if (!(Math.abs(got - exact) <= 1e-12)) {
      throw new ClaimViolation(`determinant(${JSON.stringify(m)}) is ${got}, not ${exact}`);
    }
  }
}

/**
 * 13a: the exported log-density (`tanhGaussianLogDensity`), the integrand of 13b and 13c
 * (`densityOf` with its default arguments, in logs) and the stable form from z
 * (`tanhGaussianLogDensityFromZ`) against the whitening oracle; the formula also against the
 * tfjs autodiff change of variables.
 * `withJacobian = false` drops the Jacobian term in the first two (the control).
 */
function changeOfVariablesMargin([p, z]: [Params, number[]], withJacobian: boolean): number {
  const a = z.map(Math.tanh);
  const oracle = whitenedLogDensity(a, p.mu, p.sigma);
  const formula = tanhGaussianLogDensity(a, p.mu, p.sigma, withJacobian);
  // the claim's integrand is densityOf's documented default (withJacobian = true)
  const density = withJacobian ? densityOf(p.mu, p.sigma) : densityOf(p.mu, p.sigma, false);
  const integrand = Math.log(density(a));
  const fromZ = tanhGaussianLogDensityFromZ(a.map(Math.atanh), p.mu, p.sigma);
  const viaAutodiff = changeOfVariablesLogDensity(a, p.mu, p.sigma);
  const margins = [
    closeMargin(formula, oracle, ORACLE_LOG_TOL),
    closeMargin(integrand, oracle, ORACLE_LOG_TOL),
    closeMargin(fromZ, oracle, ORACLE_LOG_TOL),
    closeMargin(integrand, formula, SAME_FORMULA_TOL),
    closeMargin(formula, viaAutodiff, AUTODIFF_LOG_TOL),
  ];
  if (withJacobian) checkEdgesAndDeterminant(a, p);
  else if (!(margins[3]! >= 0)) {
    // the control must be the one stated mistake in both places: two different wrong
    // densities would be rejected for a mistake nobody stated, so this is an error, not a
    // violation, and the control counts as accepted
    throw new Error(
      `the control's densities differ: log densityOf ${integrand}, formula ${formula} at a = ${a}`,
    );
  }
  if (!margins.every((m) => m >= 0)) {
    throw new ClaimViolation(
      `a = ${a}, μ = ${p.mu}, Σ = ${JSON.stringify(p.sigma)}: whitening oracle ${oracle}, ` +
        `tanhGaussianLogDensity ${formula}, log densityOf ${integrand}, from z ${fromZ}, ` +
        `autodiff change of variables ${viaAutodiff}`,
    );
  }
  return Math.min(...margins);
}

/**
 * 13b tolerance: the tanh–sinh rule with h = 1/32 integrates these analytic densities to
 * ~1e-15 (it is exponentially accurate); 1e-9 leaves six orders of magnitude and still
 * rejects any density that is off by a factor.
 */
const QUADRATURE_TOL = 1e-9;

/**
 * 13b's premise: the quadrature is the documented tanh–sinh rule. For h = 1 on [0, 4]
 * (centre c = 2, half-width r = 2) the nodes in order of k = −3, …, 3 are
 * x_k = c + r·ξ_k, ξ_k = tanh(π/2·sinh k), with weights r·h·(π/2)·cosh k·sech²(π/2·sinh k),
 * here from exponentials (ξ = (1 − e^{−2u})/(1 + e^{−2u}), sech²u = 4e^{−2u}/(1 + e^{−2u})²);
 * the middle node is the centre 2 with weight r·h·π/2 = π exactly (both operations are
 * scalings by powers of 2). And the default step is 1/32: tanhSinhRule's default returns the
 * rule of h = 1/32, 205 nodes (|k| ≤ 102; from k = 103, t = 3.22, u = (π/2)·sinh t > 19.5 and
 * tanh rounds to 1, so the node is skipped), and integrateBox's default evaluates the integrand
 * at exactly those nodes, in order.
 */
function checkRule(): void {
  const { x, w } = tanhSinhRule(0, 4, 1);
  if (x.length !== 7 || x[3] !== 2 || w[3] !== Math.PI) {
    throw new ClaimViolation(`tanh–sinh rule of h = 1 on [0, 4]: nodes ${x}, weights ${w}`);
  }
  for (let k = -3; k <= 3; k++) {
    const u = (Math.PI / 2) * ((Math.exp(k) - Math.exp(-k)) / 2);
    const e = Math.exp(-2 * Math.abs(u));
    const xi = Math.sign(k) * ((1 - e) / (1 + e));
    const node = 2 + 2 * xi;
    const weight = 2 * (Math.PI / 2) * ((Math.exp(k) + Math.exp(-k)) / 2) *
      ((4 * e) / (1 + e) ** 2);
    if (!(Math.abs(x[k + 3]! - node) <= 1e-14 && Math.abs(w[k + 3]! / weight - 1) <= 1e-13)) {
      throw new ClaimViolation(
        `tanh–sinh rule of h = 1 on [0, 4], k = ${k}: node ${x[k + 3]} weight ${w[k + 3]}, ` +
          `expected ${node} and ${weight}`,
      );
    }
  }
  const byDefault = tanhSinhRule(-1, 0.5);
  const explicit = tanhSinhRule(-1, 0.5, 1 / 32);
  const evaluated: number[] = [];
  integrateBox(([t]) => (evaluated.push(t!), 1), [[-1, 0.5]]);
  const same = (u: number[], v: number[]) => u.length === v.length && u.every((t, i) => t === v[i]);
  if (
    byDefault.x.length !== 205 || !same(byDefault.x, explicit.x) ||
    !same(byDefault.w, explicit.w) || !same(evaluated, explicit.x)
  ) {
    throw new ClaimViolation(
      `the default tanh–sinh step is not h = 1/32: ${byDefault.x.length} nodes by default, ` +
        `${explicit.x.length} at h = 1/32, integrateBox evaluated ${evaluated.length} points`,
    );
  }
}

function totalMassMargin(p: Params, withJacobian: boolean): number {
  const n = p.mu.length;
  const box = Array.from({ length: n }, () => [-1, 1] as [number, number]);
  const mass = integrateBox(densityOf(p.mu, p.sigma, withJacobian), box);
  const m = closeMargin(mass, 1, { abs: QUADRATURE_TOL, rel: 0 });
  if (!(m >= 0)) {
    throw new ClaimViolation(
      `μ = ${p.mu}, Σ = ${JSON.stringify(p.sigma)}: ∫π(a)da = ${mass}, not 1`,
    );
  }
  return m;
}

/** The fixed parameters of the histogram checks (n = 1 and a correlated n = 2). */
const HISTOGRAM_CASES: { label: string; p: Params; binsPerAxis: number }[] = [
  { label: "n = 1", p: { mu: [0.3], sigma: [[0.64]] }, binsPerAxis: 8 },
  { label: "n = 2", p: { mu: [0.2, -0.4], sigma: [[0.5, 0.2], [0.2, 0.8]] }, binsPerAxis: 4 },
];

/** Samples per histogram: the Hoeffding band is then ≈ 0.0065 per bin at δ = 1e-6 / bins. */
const HISTOGRAM_N = 200_000;

/**
 * 13c's premise: the sampler is the reparametrisation z = μ + Lε with ε the generator's
 * standard normal draws. With every uniform forced to ½, Box–Muller gives
 * ε_k = √(−2 log ½)·cos π = −√(2 log 2) for each k; with the non-diagonal factor
 * L = [[2, 0], [1, 2]] (of Σ = [[4, 2], [2, 5]]) and μ = (¼, −½), z = (¼ + 2ε, −½ + 3ε) and
 * a = tanh z (the reflection μ − Lε would give z ≈ (2.60, 3.03) instead of (−2.10, −4.03)).
 */
function checkSamplerMap(): void {
  const eps = -Math.sqrt(2 * Math.LN2);
  const drawn = new ConstantUniform(0.5).normal();
  if (!(Math.abs(drawn - eps) <= 1e-15)) {
    throw new ClaimViolation(`Box–Muller at u = ½ drew ${drawn}, not −√(2 log 2) = ${eps}`);
  }
  const { z, a } = sampleTanhGaussian(new ConstantUniform(0.5), [0.25, -0.5], [[2, 0], [1, 2]]);
  const want = [0.25 + 2 * eps, -0.5 + 3 * eps];
  const ok = z.length === 2 &&
    want.every((v, i) => Math.abs(z[i]! - v) <= 1e-14 && Math.abs(a[i]! - Math.tanh(v)) <= 1e-14);
  if (!ok) {
    throw new ClaimViolation(
      `sampler at ε = (${eps}, ${eps}): z = ${z}, a = ${a}; z should be ${want}`,
    );
  }
}

/**
 * 13c: draw N actions a = tanh(z), bin them on an equal grid of [−1, 1]^n, and compare each
 * bin's frequency with the formula's mass of that bin (tanh–sinh quadrature over the bin).
 * A bin indicator is a Bernoulli variable, so Hoeffding's band at δ = 1e-6/(#bins) per bin
 * and a union bound give a false-alarm probability ≤ 1e-6 for the whole histogram.
 */
function histogramCheck(seedFor: (l: string) => number, withJacobian: boolean): Evidence {
  const notes: string[] = [];
  let worst = Infinity;
  let cases = 0;
  for (const { label, p, binsPerAxis } of HISTOGRAM_CASES) {
    const n = p.mu.length;
    const seed = seedFor(`13c/${label}`);
    const rng = new Rng(seed);
    const L = cholesky(p.sigma);
    const nBins = binsPerAxis ** n;
    const counts = new Array<number>(nBins).fill(0);
    const binOf = (x: number) => Math.min(binsPerAxis - 1, Math.floor(((x + 1) / 2) * binsPerAxis));
    for (let i = 0; i < HISTOGRAM_N; i++) {
      const { a } = sampleTanhGaussian(rng, p.mu, L);
      counts[a.reduce((acc, x) => acc * binsPerAxis + binOf(x), 0)]!++;
    }
    const density = densityOf(p.mu, p.sigma, withJacobian);
    const width = 2 / binsPerAxis;
    const falseAlarm = 1e-6 / nBins;
    const band = hoeffdingHalfWidth(HISTOGRAM_N, { lo: 0, hi: 1 }, falseAlarm);
    // the band is Hoeffding's: solved back for δ, 2 exp(−2Nt²) on [0, 1] gives the δ asked for
    const impliedFalseAlarm = 2 * Math.exp(-2 * HISTOGRAM_N * band ** 2);
    if (!(Math.abs(impliedFalseAlarm / falseAlarm - 1) <= 1e-9)) {
      throw new ClaimViolation(
        `${label}: band ${band} has Hoeffding false alarm ${impliedFalseAlarm}, not ${falseAlarm}`,
      );
    }
    let maxDev = 0;
    for (let b = 0; b < nBins; b++) {
      const idx = n === 1 ? [b] : [Math.floor(b / binsPerAxis), b % binsPerAxis];
      const box = idx.map((i) => [-1 + i * width, -1 + (i + 1) * width] as [number, number]);
      const mass = integrateBox(density, box);
      const freq = counts[b]! / HISTOGRAM_N;
      const dev = Math.abs(freq - mass);
      maxDev = Math.max(maxDev, dev);
      if (dev > band) {
        throw new ClaimViolation(
          `${label}, bin ${JSON.stringify(box)}: frequency ${freq} vs formula mass ${mass}, ` +
            `|difference| ${dev} > Hoeffding band ${band} (N = ${HISTOGRAM_N}, δ = ${falseAlarm} per bin, seed ${seed})`,
        );
      }
      worst = Math.min(worst, band - dev);
      cases++;
    }
    notes.push(
      `${label}: ${nBins} bins, N = ${HISTOGRAM_N}, seed ${seed}, max |freq − mass| = ${
        maxDev.toExponential(2)
      } ≤ band ${band.toExponential(2)}`,
    );
  }
  return {
    over:
      "histograms of N samples a = tanh(z) (n = 1: 8 bins; n = 2: 4×4 bins) vs the formula's bin masses",
    cases,
    worstMargin: worst,
    note: notes.join("; "),
  };
}

/**
 * 13d tolerance: the reference −2 log cosh z is accurate to a few ulps of its size (≤ 40),
 * i.e. ≲ 1e-14; so is the stable form. 1e-13 + 1e-14·|value| leaves room while the naive
 * form is off by ~1e-8 already at |z| = 10 and returns −Infinity past |z| ≈ 19.
 */
const TAIL_TOL = { abs: 1e-13, rel: 1e-14 };

function tailMargin(z: number, f: (z: number) => number): number {
  const reference = -2 * Math.log(Math.cosh(z)); // log(1 − tanh²z) = log sech²z
  const value = f(z);
  const m = closeMargin(value, reference, TAIL_TOL);
  if (!(m >= 0)) throw new ClaimViolation(`z = ${z}: ${value} vs −2 log cosh z = ${reference}`);
  return m;
}

const arbTailZ = fc.oneof(
  fc.integer({ min: -2000, max: 2000 }).map((x) => x / 100),
  fc.constantFrom(-20, -19.5, -12, 0, 12, 19.5, 20),
);

/** The claims of Problem 13. */
export const claims: Claim[] = defineClaims(13, [
  {
    id: "13a",
    statement:
      "log π(a) = log N(atanh a; μ, Σ) − Σ log(1 − a_i²) equals the density of tanh(z) by a numerical change of variables (n = 1, 2, 3, full Σ)",
    check: (ctx) =>
      withNoTensorLeak("13a", () => {
        checkDeterminantCases();
        return checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 150 },
          arbCase,
          (c) => changeOfVariablesMargin(c, true),
        );
      }),
    negativeControl: {
      variant: "the Jacobian term −Σ log(1 − a_i²) dropped",
      check: (ctx) =>
        withNoTensorLeak("13a control", () =>
          checkProperty(
            {
              seed: ctx.seed,
              over: OVER_A,
              numRuns: 150,
              examples: [[{ mu: [0], sigma: [[1]] }, [1]] as [Params, number[]]],
            },
            arbCase,
            (c) => changeOfVariablesMargin(c, false),
          )),
    },
  },
  {
    id: "13b",
    statement: "the formula's density integrates to 1 over (−1, 1)^n (n = 1, 2, quadrature)",
    check: (ctx) => {
      checkRule();
      const one = checkProperty(
        { seed: ctx.seedFor("n=1"), over: "n = 1", numRuns: 60 },
        arbParams(1),
        (p) => totalMassMargin(p, true),
      );
      const two = checkProperty(
        { seed: ctx.seedFor("n=2"), over: "n = 2", numRuns: 25 },
        arbParams(2),
        (p) => totalMassMargin(p, true),
      );
      return {
        over: OVER_B,
        cases: one.cases + two.cases,
        worstMargin: Math.min(one.worstMargin, two.worstMargin),
      };
    },
    negativeControl: {
      variant:
        "the Jacobian term dropped (the Gaussian density of atanh(a) taken as the density of a)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: "n = 1", numRuns: 60 },
          arbParams(1),
          (p) => totalMassMargin(p, false),
        ),
    },
  },
  {
    id: "13c",
    statement:
      "samples a = tanh(z), z ~ N(μ, Σ) have the formula's bin probabilities (band at false alarm ≤ 1e-6)",
    check: (ctx) => {
      checkSamplerMap();
      return histogramCheck(ctx.seedFor, true);
    },
    negativeControl: {
      variant: "bin masses from the density without the Jacobian term",
      check: (ctx) => histogramCheck(ctx.seedFor, false),
    },
  },
  {
    id: "13d",
    statement: "log(1 − a²) = 2(log 2 − z − softplus(−2z)) for a = tanh z is accurate for |z| ≤ 20",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_D, numRuns: 500 },
        arbTailZ,
        (z) => tailMargin(z, log1mTanhSq),
      ),
    negativeControl: {
      variant: "the naive form log(1 − tanh(z)²)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_D, numRuns: 500, examples: [20] },
          arbTailZ,
          (z) => tailMargin(z, log1mTanhSqNaive),
        ),
    },
  },
]);

const OVER_A =
  "n = 1, 2, 3; μ ∈ [−1.5, 1.5]^n; Σ = LLᵀ (diag of L in [0.4, 1.2], off-diagonal in [−0.4, 0.4]); " +
  "a = tanh(z), z ∈ [−3, 3]^n; tfjs float32 and float64 central-difference Jacobians";
const OVER_B =
  "60 random (μ, σ²) for n = 1 and 25 random (μ, Σ) for n = 2 as in 13a; tanh–sinh quadrature, h = 1/32";
const OVER_D = "z ∈ [−20, 20] on a 1/100 grid, ±20, ±19.5, ±12, 0 pinned; reference −2 log cosh z";
