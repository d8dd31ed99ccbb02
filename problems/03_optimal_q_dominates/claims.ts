/**
 * Problem 3's claims, each with its negative control: 03a (an optimal policy's Q dominates)
 * and 03b (the value-iteration certificate that the README uses to know V*).
 *
 * @module
 */
import fc from "fast-check";
import {
  arbGamma,
  arbMdp,
  arbMultiOptimalMdp,
  arbPolicy,
  arbValues,
  bellmanOptimalV,
  deterministicPolicy,
  type FiniteMdp,
  linearSolveTolerance,
  makeMdp,
  optimalFromStartOnly,
  optimalValues,
  optimalValuesExact,
  type Policy,
  supNorm,
  valueIteration,
} from "../../shared/mdp/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
  type Evidence,
} from "../../shared/testing/mod.ts";
import { dominanceGap, dominanceGapExact, optimalityResidual } from "./mod.ts";

// ---------------------------------------------------------------------------------------
// 03a

type FloatCase = [FiniteMdp, Policy];
const floatCases: fc.Arbitrary<FloatCase> = arbMdp().chain((mdp) =>
  fc.tuple(fc.constant(mdp), arbPolicy(mdp.nStates, mdp.nActions))
);

/** A small MDP with several optimal policies, a selector among them, and a random policy. */
type ExactCase = [FiniteMdp, number[], Policy];
const exactCases: fc.Arbitrary<ExactCase> = arbMultiOptimalMdp().chain((mdp) =>
  fc.tuple(
    fc.constant(mdp),
    fc.array(fc.nat(), { minLength: mdp.nStates, maxLength: mdp.nStates }),
    arbPolicy(mdp.nStates, mdp.nActions),
  )
);

/** One state, arms paying 0 and 1. */
const twoArms: FloatCase = [
  makeMdp({
    gamma: 0.9,
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  }),
  [[0, 1]],
];

/**
 * The claim holds at every reward scale: three states, stochastic moves, rewards of order
 * 1e-7 and γ = 0.9, so values are of order 1e-7 and their rounding errors of order 1e-23.
 * The certificate must still go through: an allowance that shrank with the square of the
 * reward scale (1e-12·(R/(1 − γ))² ≈ 2.5e-25 here) would refuse a correct π*, while the
 * solver's tolerance 1e-12·(1 + R/(1 − γ))² stays at least 1e-12.
 */
const tinyRewards: FloatCase = [
  makeMdp({
    gamma: 0.9,
    outcomes: [0, 1, 2].map((s) =>
      [0, 1].map((a) => [
        { next: (s + a) % 3, reward: 1e-7 * (0.3 + 0.1 * s - 0.7 * a), prob: 0.3 },
        { next: (s + 2) % 3, reward: 1e-7 * (0.11 * (a + 1)), prob: 0.7 },
      ])
    ),
  }),
  [[0.6, 0.4], [0.1, 0.9], [1, 0]],
];

/**
 * State 0: stay for reward 1, or move to state 1 for reward 0. State 1 (absorbing): reward 0
 * or 1 per step. γ = 1/2, so V*(0) = 2 by staying and Q*(0, move) = 1/2 · V*(1) = 1. A policy
 * that stays at state 0 but takes reward 0 at state 1 is optimal from state 0.
 */
const sideRoom: ExactCase = [
  makeMdp({
    gamma: 0.5,
    outcomes: [
      [[{ next: 0, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
      [[{ next: 1, reward: 0, prob: 1 }], [{ next: 1, reward: 1, prob: 1 }]],
    ],
  }),
  [0, 0],
  [[1, 0], [0, 1]],
];

/**
 * The float half of 03a: π* from policy iteration, certified by its Bellman optimality
 * residual ρ. The certificate gives ‖V^{π*} − V*‖∞ ≤ ρ/(1 − γ), so Q^{π*} is within γρ/(1 − γ)
 * of Q*, and that is the allowance added to the solver's.
 */
function floatMargin([mdp, pi]: FloatCase): number {
  const tol = linearSolveTolerance(mdp);
  const { V, actions } = optimalValues(mdp);
  const residual = optimalityResidual(mdp, V);
  if (residual > tol) throw new ClaimViolation(`π* is not certified: residual ${residual}`);
  const allowance = tol + (mdp.gamma * residual) / (1 - mdp.gamma);
  return dominanceGap(mdp, deterministicPolicy(mdp, actions), pi) + allowance;
}

/** The optimal deterministic policy that takes argmax[s][pick[s] mod its size] in state s. */
function selectOptimal(argmax: readonly (readonly number[])[], pick: readonly number[]): number[] {
  return argmax.map((set, s) => set[pick[s]! % set.length]!);
}

/**
 * The exact half of 03a: an exactly optimal π* chosen among several; no tolerance at all.
 * The float gap of the same pair is held to the exact one (rationals against float linear
 * solves), so the float half's `dominanceGap` is checked where its entries differ.
 */
function exactMargin([mdp, pick, pi]: ExactCase): number {
  const { argmax } = optimalValuesExact(mdp, optimalValues(mdp).actions);
  const piStar = deterministicPolicy(mdp, selectOptimal(argmax, pick));
  const exact = dominanceGapExact(mdp, piStar, pi).valueOf();
  const float = dominanceGap(mdp, piStar, pi);
  return Math.min(exact, 2 * linearSolveTolerance(mdp) - Math.abs(float - exact));
}

/**
 * The control's belief: a policy optimal from state 0 only (see `optimalFromStartOnly`)
 * dominates Q^π of every π, here of an optimal π*. Exact; the premise is verified first.
 */
function startOnlyMargin([mdp, pick]: ExactCase): number {
  const sol = optimalValuesExact(mdp, optimalValues(mdp).actions);
  const actions = selectOptimal(sol.argmax, pick);
  const qStar = sol.Q.map((row) => row.map((q) => q.valueOf()));
  const startOnly = deterministicPolicy(mdp, optimalFromStartOnly(mdp, actions, qStar, 0));
  return dominanceGapExact(mdp, startOnly, deterministicPolicy(mdp, actions)).valueOf();
}

const OVER_FLOAT = "random MDPs (1–8 states, 1–5 actions, all transition and reward kinds, " +
  "γ ∈ (0, 1) incl. 0.001 and 0.999) and random policies π (stochastic with zeros, deterministic)";
const OVER_EXACT = "MDPs with several optimal policies (1–3 states, 2–3 actions, all kinds), " +
  "π* one of them chosen at random, random π; exact rationals";

/** Runs the float and the exact half of 03a and merges their evidence. */
function dominance(seed: number, seedExact: number): Evidence {
  const a = checkProperty(
    { seed, over: OVER_FLOAT, numRuns: 150, examples: [twoArms, tinyRewards] },
    floatCases,
    floatMargin,
  );
  const b = checkProperty(
    { seed: seedExact, over: OVER_EXACT, numRuns: 60, examples: [sideRoom] },
    exactCases,
    exactMargin,
  );
  return {
    over: `${a.over}; ${b.over}`,
    cases: a.cases + b.cases,
    worstMargin: Math.min(a.worstMargin, b.worstMargin),
  };
}

// ---------------------------------------------------------------------------------------
// 03b

/** γ with the values near 1, where the certificate's factor γ/(1 − γ) is large, frequent. */
const gammas = fc.oneof(arbGamma(), fc.constantFrom(0.9, 0.99, 0.999));
type VICase = [FiniteMdp, number[], number, number];
/** An MDP, a start V0, a number of sweeps m ∈ 1..30, and a shift c ≠ 0. */
const viCases: fc.Arbitrary<VICase> = arbMdp({ gamma: gammas }).chain((mdp) =>
  fc.tuple(
    fc.constant(mdp),
    arbValues(mdp.nStates),
    fc.integer({ min: 1, max: 30 }),
    fc.integer({ min: 1, max: 400 }).map((k) => (k % 2 === 0 ? k : -k) / 8),
  )
);
const oneStateVI: VICase = [twoArms[0], [0], 5, 10];

/** Float allowance for comparing VI iterates with the linear-solve V*. */
function viAllowance(mdp: FiniteMdp, shift: number): number {
  return 2 * linearSolveTolerance(mdp) + (1e-12 * (Math.abs(shift) + 50)) / (1 - mdp.gamma);
}

/**
 * One VI run and its certificate against the linear-solve V*: the true error, the returned
 * bound, the residual, and the tolerance it was asked for.
 */
function runVI(mdp: FiniteMdp, start: number[], tolerance: number, vStar: number[]) {
  const r = valueIteration(mdp, { tolerance, initial: start, maxIterations: 10_000 });
  const error = supNorm(r.V.map((x, s) => x - vStar[s]!));
  return { ...r, error, tolerance };
}

/**
 * 03b on one case: (1) from a random start, VI stopped within about m sweeps has
 * ‖V − V*‖∞ ≤ errorBound ≤ tolerance; (2) from V* + c (a constant shift) the bound is attained:
 * errorBound = ‖V − V*‖∞. `bound` picks which bound is tested (the control passes the residual).
 */
function certificateMargin(
  [mdp, v0, m, c]: VICase,
  bound: (r: { errorBound: number; residual: number }) => number,
): number {
  const vStar = optimalValues(mdp).V;
  const allowance = viAllowance(mdp, c);
  const factor = mdp.gamma / (1 - mdp.gamma);
  const floor = 1e-12 * (1 + mdp.rewardBound / (1 - mdp.gamma));
  // (1) random start: ask for the bound after about m sweeps, γ^m times the first one
  const r1 = supNorm(bellmanOptimalV(mdp, v0).map((x, s) => x - v0[s]!));
  const fromRandom = runVI(mdp, v0, Math.max(floor, factor * r1 * mdp.gamma ** m), vStar);
  const valid = bound(fromRandom) + allowance - fromRandom.error;
  // (2) constant shift: V_k = V* + γ^k c, and the bound must equal the error
  const shifted = vStar.map((x) => x + c);
  const fromShift = runVI(mdp, shifted, Math.max(floor, Math.abs(c) * mdp.gamma ** m), vStar);
  const tight = allowance - Math.abs(bound(fromShift) - fromShift.error);
  const stopped = fromRandom.tolerance - fromRandom.errorBound;
  return Math.min(valid, tight, stopped);
}

const OVER_B = "random MDPs (1–8 states, 1–5 actions, all kinds, γ ∈ (0, 1) with 0.9, 0.99, " +
  "0.999 frequent), random starts V0 ∈ [−50, 50]^S and shifts V* + c; V* by the linear solve";

/** The claims of Problem 3. */
export const claims: Claim[] = defineClaims(3, [
  {
    id: "03a",
    statement: "Q^{π*}(s, a) ≥ Q^π(s, a) for every state, action and policy π, when π* is optimal",
    check: (ctx) => dominance(ctx.seed, ctx.seedFor("exact")),
    negativeControl: {
      variant: "optimal from the start state suffices: a policy with V^π(s₀) = V*(s₀) dominates",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_EXACT, numRuns: 60, examples: [sideRoom] },
          exactCases,
          startOnlyMargin,
        ),
    },
  },
  {
    id: "03b",
    statement:
      "value iteration's certificate: ‖V_k − V*‖∞ ≤ γ/(1 − γ)·‖V_k − V_{k−1}‖∞, attained by a constant shift",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_B, numRuns: 150, examples: [oneStateVI] },
        viCases,
        (c) => certificateMargin(c, (r) => r.errorBound),
      ),
    negativeControl: {
      variant: "stopping when successive iterates are close: ‖V_k − V*‖∞ ≤ ‖V_k − V_{k−1}‖∞",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_B, numRuns: 150, examples: [oneStateVI] },
          viCases,
          (c) => certificateMargin(c, (r) => r.residual),
        ),
    },
  },
]);
