/**
 * Problem 12's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  arbMdp,
  arbPolicy,
  arbValues,
  evaluatePolicy,
  type FiniteMdp,
  makeMdp,
  MdpInputError,
  type Policy,
} from "../../shared/mdp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { meanBand } from "../../shared/stats/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  closeMargin,
  defineClaims,
  type Evidence,
} from "../../shared/testing/mod.ts";
import {
  actionValueFitLoss,
  advantageSecondMoment,
  conditionalTargetMeanGivenState,
  conditionalTargetMeanGivenStateAction,
  fitOneHotRegression,
  type FitResult,
  MAX_STEPS,
  sampleTransitions,
  target,
  valueFitLoss,
} from "./mod.ts";

type Case = [FiniteMdp, Policy, number[], number[][]];

/**
 * Random MDPs with random rewards and a full-support p0 (discounted, γ ∈ (0, 1) with 0.001 and
 * 0.999 pinned; or terminating with γ = 1, p0 on the live states), random policies with zeros,
 * and a random candidate V and Q (entries in [−50, 50]).
 */
const arbCase: fc.Arbitrary<Case> = fc.oneof(
  arbMdp({ maxStates: 6, maxActions: 4, withInitial: true }),
  arbMdp({
    maxStates: 5,
    maxActions: 3,
    withInitial: true,
    terminating: true,
    gamma: fc.constant(1),
  }),
).chain((mdp) =>
  fc.tuple(
    fc.constant(mdp),
    arbPolicy(mdp.nStates, mdp.nActions),
    arbValues(mdp.nStates),
    fc.array(arbValues(mdp.nActions), { minLength: mdp.nStates, maxLength: mdp.nStates }),
  )
);

/** Two states, two actions, γ = 0.9, random rewards; V^π, r^π and A^π are all far apart. */
const PINNED_MDP = makeMdp({
  gamma: 0.9,
  initial: [0.5, 0.5],
  outcomes: [
    [[{ next: 1, reward: 1, prob: 1 }], [{ next: 0, reward: -2, prob: 0.5 }, {
      next: 1,
      reward: 3,
      prob: 0.5,
    }]],
    [[{ next: 0, reward: 0, prob: 1 }], [{ next: 1, reward: 2, prob: 1 }]],
  ],
});
const PINNED: Case = [PINNED_MDP, [[0.5, 0.5], [0.25, 0.75]], [0, 0], [[0, 0], [0, 0]]];

const OVER =
  "random MDPs with random rewards and full-support p0 (1–6 states, 1–4 actions, γ ∈ (0, 1) incl. " +
  "0.001, 0.999; terminating MDPs with γ = 1), random policies with zeros, random candidates V, Q ∈ [−50, 50]";

/**
 * Tolerance for float64 enumeration and linear solves: values are ≲ R/(1 − γ) = 10⁴ and the
 * losses ≲ 10⁸; we allow 1e-9 relative to the scale of the quantity compared.
 */
const tol = (scale: number) => ({ abs: 1e-9 * (1 + scale), rel: 0 });

/**
 * 12a/12b core: (i) the conditional mean of Q̂ equals the candidate minimiser `best`, and
 * (ii) the loss decomposes as L(f) = L(best) + E[(f − best)²] for the random candidate f,
 * which shows `best` minimises L (uniquely where the weights are positive).
 */
function minimiserMargin(
  conditionalMean: number[],
  best: number[],
  lossAtCandidate: number,
  lossAtBest: number,
  weightedDistance: number,
  where: string,
): number {
  let worst = Infinity;
  const scale = Math.max(1, ...best.map(Math.abs));
  conditionalMean.forEach((m, i) => {
    const margin = closeMargin(m, best[i]!, tol(scale));
    if (!(margin >= 0)) {
      throw new ClaimViolation(`${where}: E[Q̂ | ·] at ${i} is ${m}, claimed minimiser ${best[i]}`);
    }
    worst = Math.min(worst, margin);
  });
  const decomposition = closeMargin(
    lossAtCandidate - lossAtBest,
    weightedDistance,
    tol(lossAtCandidate),
  );
  if (!(decomposition >= 0)) {
    throw new ClaimViolation(
      `${where}: L(f) − L(best) = ${
        lossAtCandidate - lossAtBest
      } but E[(f − best)²] = ${weightedDistance}`,
    );
  }
  return Math.min(worst, decomposition);
}

/**
 * No transition leaves a terminal state, so the enumerated conditional mean is 0 there (as
 * documented), for every action: terminal states carry no p0 weight in the losses, so the
 * minimiser comparison skips them and this pins their value.
 */
function checkZeroAtTerminal(mdp: FiniteMdp, table: number[][], what: string): void {
  table.forEach((row, s) => {
    if (mdp.isTerminal[s] && row.some((m) => m !== 0)) {
      throw new ClaimViolation(`${what} at terminal state ${s} is [${row}], not 0`);
    }
  });
}

function valueMinimiserProperty(seed: number, oneStep: boolean) {
  return checkProperty(
    { seed, over: OVER, numRuns: 200, examples: [PINNED] },
    arbCase,
    ([mdp, pi, v]) => {
      const { V } = evaluatePolicy(mdp, pi);
      // the control's wrong minimiser: the one-step reward r^π(s), without the bootstrap
      const best = oneStep
        ? mdp.expectedReward.map((row, s) => row.reduce((acc, r, a) => acc + pi[s]![a]! * r, 0))
        : V;
      const p0 = mdp.initial!;
      const distance = v.reduce((acc, x, s) => acc + p0[s]! * (x - best[s]!) ** 2, 0);
      const cm = conditionalTargetMeanGivenState(mdp, pi, V);
      checkZeroAtTerminal(mdp, cm.map((m) => [m]), "E[Q̂ | s0]");
      return minimiserMargin(
        cm.filter((_, s) => !mdp.isTerminal[s]),
        best.filter((_, s) => !mdp.isTerminal[s]),
        valueFitLoss(mdp, pi, V, v),
        valueFitLoss(mdp, pi, V, best),
        distance,
        "V-loss",
      );
    },
  );
}

function actionValueMinimiserProperty(seed: number, ignoreAction: boolean) {
  return checkProperty(
    { seed, over: OVER, numRuns: 200, examples: [PINNED] },
    arbCase,
    ([mdp, pi, _v, q]) => {
      const { V, Q } = evaluatePolicy(mdp, pi);
      // the control's wrong minimiser: V^π(s), which ignores a0
      const best = ignoreAction ? Q.map((row, s) => row.map(() => V[s]!)) : Q;
      const p0 = mdp.initial!;
      let distance = 0;
      q.forEach((row, s) =>
        row.forEach((x, a) => (distance += p0[s]! * pi[s]![a]! * (x - best[s]![a]!) ** 2))
      );
      // only pairs the data can reach (p0(s)π(a|s) > 0) pin down the minimiser
      const reachable = (s: number, a: number) => !mdp.isTerminal[s] && p0[s]! * pi[s]![a]! > 0;
      const cm = conditionalTargetMeanGivenStateAction(mdp, V);
      checkZeroAtTerminal(mdp, cm, "E[Q̂ | s0, a0]");
      return minimiserMargin(
        cm.flatMap((row, s) => row.filter((_, a) => reachable(s, a))),
        best.flatMap((row, s) => row.filter((_, a) => reachable(s, a))),
        actionValueFitLoss(mdp, pi, V, q),
        actionValueFitLoss(mdp, pi, V, best),
        distance,
        "Q-loss",
      );
    },
  );
}

function gapProperty(seed: number, squareOfMean: boolean) {
  return checkProperty(
    { seed, over: OVER, numRuns: 200, examples: [PINNED] },
    arbCase,
    ([mdp, pi]) => {
      const { V, Q } = evaluatePolicy(mdp, pi);
      const gap = valueFitLoss(mdp, pi, V, V) - actionValueFitLoss(mdp, pi, V, Q);
      const p0 = mdp.initial!;
      // the control confuses E[A²] with (E[A])², which is 0 since E_{a~π}[A^π(s, a)] = 0
      const meanA = Q.reduce(
        (acc, row, s) => acc + row.reduce((x, q, a) => x + p0[s]! * pi[s]![a]! * (q - V[s]!), 0),
        0,
      );
      const predicted = squareOfMean ? meanA ** 2 : advantageSecondMoment(mdp, pi, V, Q);
      const m = closeMargin(gap, predicted, tol(valueFitLoss(mdp, pi, V, V)));
      if (!(m >= 0) || gap < -tol(gap).abs) {
        throw new ClaimViolation(`gap ${gap} vs predicted ${predicted}`);
      }
      return m;
    },
  );
}

/** The fixed MDP of the training check: 3 states, 2 actions, random rewards, γ = 0.8. */
export const TRAINING_MDP: FiniteMdp = makeMdp({
  gamma: 0.8,
  initial: [0.3, 0.3, 0.4],
  outcomes: [
    [[{ next: 1, reward: 0, prob: 0.5 }, { next: 1, reward: 2, prob: 0.5 }], [{
      next: 2,
      reward: 1,
      prob: 1,
    }]],
    [[{ next: 0, reward: 2, prob: 0.5 }, { next: 2, reward: 0, prob: 0.5 }], [
      { next: 1, reward: 1, prob: 0.5 },
      { next: 1, reward: 3, prob: 0.5 },
    ]],
    [[{ next: 0, reward: 4, prob: 1 }], [{ next: 2, reward: -1, prob: 0.5 }, {
      next: 0,
      reward: 1,
      prob: 0.5,
    }]],
  ],
});
/** The policy of the training check (full support, so every (s, a) is sampled). */
export const TRAINING_POLICY: Policy = [[0.5, 0.5], [0.3, 0.7], [0.6, 0.4]];

/** Transitions per training run. */
const TRAINING_N = 50_000;

/**
 * Optimisation slack: gradient descent is run until the contraction bound guarantees
 * |φ_x − m_x| ≤ 1e-4 in exact arithmetic; float32 rounding of the targets and of the mean over
 * 50,000 samples adds ≲ 3e-5 (measured); 1e-3 leaves a factor 7 over their sum.
 */
const OPTIMISATION_SLACK = 1e-3;

/** The optimisation tolerance τ that {@link fitOneHotRegression} is run with (its default). */
const FIT_TOLERANCE = 1e-4;

/**
 * The schedule of a fit, recomputed from the data: counts give f_x, so η = 1/(2 f_max) and
 * ρ = 1 − f_min/f_max; the step count must be the least T ≥ 1 for which the contraction bound
 * (b + max|y|) ρ^T ≤ τ holds, found by stepping T up one at a time (b = √(6/(n + 1)) bounds the
 * glorot-uniform initial weights, max|y| the minimiser, so b + max|y| bounds the initial error).
 * A count that is one step short leaves the bound unproved; one step long is wasted work. Also
 * checks the per-input sample means that the fit reports.
 */
function checkSchedule(
  fit: FitResult,
  inputs: readonly number[],
  ys: readonly number[],
  nInputs: number,
  seed: number,
  name: string,
): void {
  const counts = new Array<number>(nInputs).fill(0);
  const sums = new Array<number>(nInputs).fill(0);
  inputs.forEach((x, i) => {
    counts[x]! += 1;
    sums[x]! += ys[i]!;
  });
  const seen = counts.filter((c) => c > 0);
  const fMax = Math.max(...seen) / inputs.length;
  const fMin = Math.min(...seen) / inputs.length;
  const rho = 1 - fMin / fMax;
  // glorot-uniform draws from [−b, b] with b = √(6/(fanIn + fanOut)): the weights the initialiser
  // draws for this seed must lie within it
  const b = Math.sqrt(6 / (nInputs + 1));
  const drawn = tf.tidy(() =>
    Array.from(tf.initializers.glorotUniform({ seed }).apply([nInputs, 1]).dataSync())
  );
  const widest = Math.max(...drawn.map(Math.abs));
  if (!(widest <= b * (1 + 1e-6))) {
    throw new ClaimViolation(`${name}: initial weights up to ${widest}, glorot limit ${b}`);
  }
  const initialError = b + Math.max(...ys.map(Math.abs));
  let least = 1;
  while (rho > 0 && initialError * rho ** least > FIT_TOLERANCE) least++;
  const problems: string[] = [];
  if (fit.learningRate !== 1 / (2 * fMax)) {
    problems.push(`η = ${fit.learningRate}, not 1/(2 f_max)`);
  }
  if (Math.abs(fit.initialErrorBound - initialError) > 1e-12 * initialError) {
    problems.push(`initial error bound ${fit.initialErrorBound}, not b + max|y| = ${initialError}`);
  }
  if (Math.abs(fit.contraction - rho) > 1e-15) problems.push(`ρ = ${fit.contraction}, not ${rho}`);
  // a bound within rounding of τ at the smaller count could tip either way: accept both counts
  const tie =
    Math.abs((initialError * rho ** Math.min(fit.steps, least)) / FIT_TOLERANCE - 1) < 1e-9;
  if (fit.steps !== least && !(tie && Math.abs(fit.steps - least) === 1)) {
    problems.push(`${fit.steps} steps, but the least certified is ${least}`);
  }
  counts.forEach((c, x) => {
    const mean = c > 0 ? sums[x]! / c : NaN;
    const reported = fit.sampleMeans[x]!;
    // written as "not within" so that a NaN reported for a seen input fails too
    if (
      c > 0 ? !(Math.abs(reported - mean) <= 1e-9 * (1 + Math.abs(mean))) : !Number.isNaN(reported)
    ) {
      problems.push(`sample mean at input ${x} is ${reported}, not ${mean}`);
    }
  });
  if (problems.length > 0) throw new ClaimViolation(`${name}: ${problems.join("; ")}`);
}

/**
 * The sampler of the training data samples only what the claim covers: it refuses a negative or
 * fractional sample size and an initial distribution on a terminal state (no transition leaves
 * it), and returns nothing for n = 0; the fit refuses inputs that are not one-hot indices in
 * [0, n), an empty sample, and targets that do not pair with the inputs.
 */
function checkSamplerDomain(): void {
  const terminalStart = makeMdp({
    gamma: 0.5,
    terminal: [1],
    initial: [0, 1],
    outcomes: [[[{ next: 1, reward: 1, prob: 1 }]], []],
  });
  const refused = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof MdpInputError) return true;
      throw e;
    }
    return false;
  };
  const rng = new Rng(1);
  const bad = [
    ["n = −1", () => sampleTransitions(TRAINING_MDP, TRAINING_POLICY, -1, rng)],
    ["n = 1.5", () => sampleTransitions(TRAINING_MDP, TRAINING_POLICY, 1.5, rng)],
    ["p0 on a terminal state", () => sampleTransitions(terminalStart, [[1], [1]], 1, rng)],
  ] as const;
  for (const [what, f] of bad) {
    if (!refused(f)) throw new ClaimViolation(`sampleTransitions accepted ${what}`);
  }
  const badFits = [
    ["input 3 of 3", () => fitOneHotRegression([0, 3], [1, 2], 3, 1)],
    ["input −1", () => fitOneHotRegression([0, -1], [1, 2], 3, 1)],
    ["input 0.5", () => fitOneHotRegression([0, 0.5], [1, 2], 3, 1)],
    ["no samples", () => fitOneHotRegression([], [], 3, 1)],
    ["fewer targets than inputs", () => fitOneHotRegression([0, 1], [1], 3, 1)],
  ] as const;
  for (const [what, f] of badFits) {
    let threw = false;
    try {
      f();
    } catch {
      threw = true;
    }
    if (!threw) throw new ClaimViolation(`fitOneHotRegression accepted ${what}`);
  }
  if (sampleTransitions(TRAINING_MDP, TRAINING_POLICY, 0, rng).length !== 0) {
    throw new ClaimViolation("sampleTransitions with n = 0 returned transitions");
  }
}

/**
 * 12d: trains V_φ on (s0 → Q̂) and Q_φ on ((s0, a0) → Q̂) from N sampled transitions and checks
 * |V_φ(s) − V^π(s)| ≤ t_s + slack and |Q_φ(s, a) − Q^π(s, a)| ≤ t_{s,a} + slack, where t is an
 * empirical-Bernstein half-width for the mean of the targets with that input (conditionally
 * on the counts the targets are i.i.d. in a known range [lo, hi] with mean V^π(s), resp.
 * Q^π(s, a)), at false alarm 1e-6/(|S| + |S||A|) each, so ≤ 1e-6 for the whole check whatever
 * the seed; the optimisation part of the error is deterministic. With `oneStepTarget` the
 * targets are r0 only (the bootstrap dropped): the control.
 */
async function trainingCheck(
  seedFor: (label: string) => number,
  oneStepTarget: boolean,
): Promise<Evidence> {
  const mdp = TRAINING_MDP;
  const pi = TRAINING_POLICY;
  const { V, Q } = evaluatePolicy(mdp, pi);
  const sampleSeed = seedFor("12d/samples");
  const data = sampleTransitions(mdp, pi, TRAINING_N, new Rng(sampleSeed));
  const y = data.map((d) => (oneStepTarget ? d.r : target(mdp, V, d.r, d.next)));
  // the targets' range, from the MDP: every outcome's r + γ V^π(s') (or r alone)
  const all = mdp.outcomes.flatMap((row) =>
    row.flatMap((list) =>
      list.map((o) => (oneStepTarget ? o.reward : target(mdp, V, o.reward, o.next)))
    )
  );
  checkSamplerDomain();
  const range = {
    kind: "empirical-bernstein" as const,
    lo: Math.min(...all),
    hi: Math.max(...all),
  };
  const nA = mdp.nActions;
  const falseAlarm = 1e-6 / (mdp.nStates + mdp.nStates * nA);
  const fits = await withNoTensorLeak("12d training", () => ({
    v: fitOneHotRegression(data.map((d) => d.s), y, mdp.nStates, seedFor("12d/init-v")),
    q: fitOneHotRegression(
      data.map((d) => d.s * nA + d.a),
      y,
      mdp.nStates * nA,
      seedFor("12d/init-q"),
    ),
  }));
  checkSchedule(fits.v, data.map((d) => d.s), y, mdp.nStates, seedFor("12d/init-v"), "V_φ");
  checkSchedule(
    fits.q,
    data.map((d) => d.s * nA + d.a),
    y,
    mdp.nStates * nA,
    seedFor("12d/init-q"),
    "Q_φ",
  );
  for (const [name, fit] of [["V_φ", fits.v], ["Q_φ", fits.q]] as const) {
    if (fit.capped) {
      throw new ClaimViolation(
        `${name}: gradient descent stopped at the cap of ${MAX_STEPS} steps (contraction ` +
          `${fit.contraction}), so the optimisation bound does not hold`,
      );
    }
  }
  let worst = Infinity;
  let maxErrV = 0;
  let maxErrQ = 0;
  let maxBand = 0;
  const compare = (
    fitted: number,
    sampleMean: number,
    exact: number,
    ys: number[],
    what: string,
  ): number => {
    const band = meanBand(ys, range, falseAlarm);
    maxBand = Math.max(maxBand, band.halfWidth);
    const optimisation = Math.abs(fitted - sampleMean);
    const error = Math.abs(fitted - exact);
    // negated "within" tests, so that a NaN network output or sample mean fails the check
    if (!(optimisation <= OPTIMISATION_SLACK) || !(error <= band.halfWidth + OPTIMISATION_SLACK)) {
      throw new ClaimViolation(
        `${what}: network ${fitted}, sample mean ${sampleMean}, exact ${exact}; |error| ${error} > band ` +
          `${band.halfWidth} + ${OPTIMISATION_SLACK} (N = ${ys.length} of ${TRAINING_N}, δ = ${falseAlarm}, seed ${sampleSeed})`,
      );
    }
    return band.halfWidth + OPTIMISATION_SLACK - error;
  };
  for (let s = 0; s < mdp.nStates; s++) {
    const ys = y.filter((_, i) => data[i]!.s === s);
    worst = Math.min(
      worst,
      compare(fits.v.values[s]!, fits.v.sampleMeans[s]!, V[s]!, ys, `V_φ(s=${s})`),
    );
    maxErrV = Math.max(maxErrV, Math.abs(fits.v.values[s]! - V[s]!));
    for (let a = 0; a < nA; a++) {
      const k = s * nA + a;
      const ysa = y.filter((_, i) => data[i]!.s === s && data[i]!.a === a);
      worst = Math.min(
        worst,
        compare(fits.q.values[k]!, fits.q.sampleMeans[k]!, Q[s]![a]!, ysa, `Q_φ(s=${s}, a=${a})`),
      );
      maxErrQ = Math.max(maxErrQ, Math.abs(fits.q.values[k]! - Q[s]![a]!));
    }
  }
  return {
    over:
      `one fixed 3-state, 2-action MDP (γ = 0.8, random rewards), N = ${TRAINING_N} sampled transitions (seed ${sampleSeed})`,
    cases: mdp.nStates + mdp.nStates * nA,
    worstMargin: worst,
    note:
      `max |V_φ − V^π| = ${maxErrV.toExponential(2)}, max |Q_φ − Q^π| = ${
        maxErrQ.toExponential(2)
      }; ` +
      `largest band ${
        maxBand.toExponential(2)
      }; gradient descent: ${fits.v.steps} steps (V), ${fits.q.steps} (Q)`,
  };
}

/** The claims of Problem 12. */
export const claims: Claim[] = defineClaims(12, [
  {
    id: "12a",
    statement: "E[(Q̂ − V_φ(s0))²] is minimised exactly at V_φ = V^π (unique, since p0 > 0)",
    check: (ctx) => valueMinimiserProperty(ctx.seed, false),
    negativeControl: {
      variant: "the one-step reward r^π(s) claimed as the minimiser (bootstrap forgotten)",
      check: (ctx) => valueMinimiserProperty(ctx.seed, true),
    },
  },
  {
    id: "12b",
    statement: "E[(Q̂ − Q_φ(s0, a0))²] is minimised at Q_φ = Q^π (unique where π(a | s) > 0)",
    check: (ctx) => actionValueMinimiserProperty(ctx.seed, false),
    negativeControl: {
      variant: "V^π(s0) claimed as the minimiser of the Q-loss (the action ignored)",
      check: (ctx) => actionValueMinimiserProperty(ctx.seed, true),
    },
  },
  {
    id: "12c",
    statement: "E[(Q̂ − V^π(s0))²] − E[(Q̂ − Q^π(s0, a0))²] = E[A^π(s0, a0)²] ≥ 0",
    check: (ctx) => gapProperty(ctx.seed, false),
    negativeControl: {
      variant: "the gap taken to be (E[A^π(s0, a0)])² (= 0) instead of E[A^π(s0, a0)²]",
      check: (ctx) => gapProperty(ctx.seed, true),
    },
  },
  {
    id: "12d",
    statement:
      "a one-hot tfjs network trained by gradient descent on sampled (s0, a0, r0, s1) approaches V^π and Q^π",
    check: (ctx) => trainingCheck(ctx.seedFor, false),
    negativeControl: {
      variant: "trained on the one-step target r0 (bootstrap γV^π(s1) dropped)",
      check: (ctx) => trainingCheck(ctx.seedFor, true),
    },
  },
]);
