/**
 * Problem 28's claims, each with its negative control. Every expectation is exact: the
 * trajectories of small acyclic terminal-reward MDPs (and N-tuples of them) are enumerated.
 *
 * @module
 */
import fc from "fast-check";
import { type FiniteMdp, makeMdp } from "../../shared/mdp/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  checkProperty,
  type Claim,
  closeMargin,
  defineClaims,
  type Evidence,
} from "../../shared/testing/mod.ts";
import {
  advantageGivenReward,
  arbLogits,
  arbTerminalRewardMdp,
  exactObjective,
  expectedGroupGradient,
  expectedStepScoreTimesBaseline,
  type FiniteLaw,
  gradObjectiveFiniteDifference,
  type GroupBaseline,
  horizon,
  objectiveAndGradAutodiff,
  rewardLaw,
  surrogateGradient,
  type Trajectory,
  trajectoryWeights,
} from "./mod.ts";
import { grpoPhiByCounts } from "./claims_oracles.ts";

/**
 * Float32 autodiff of J versus float64 sums: J is a sum of at most a few hundred products
 * of probabilities and rewards |r| ≤ R, so the float32 error is a few hundred ulps of R
 * at most (observed ≲ 2e-7 for R = 4); 2e-5 · (1 + R) leaves two orders of magnitude.
 */
const autodiffTol = (R: number) => ({ abs: 2e-5 * (1 + R), rel: 0 });
/**
 * Central differences with h = 1e-5: truncation h²/6 · |J'''| plus rounding ε|J|/h, both
 * ≲ 1e-10 · R here (observed ≲ 3e-11); 1e-8 · (1 + R) is a comfortable bound.
 */
const finiteDiffTol = (R: number) => ({ abs: 1e-8 * (1 + R), rel: 0 });

/** A 3-armed bandit with rewards 0, 1, 3: rewards with three levels break GRPO's scaling. */
export const threeArmedBandit: FiniteMdp = makeMdp({
  gamma: 1,
  initial: [1, 0],
  terminal: [1],
  outcomes: [[
    [{ next: 1, reward: 0, prob: 1 }],
    [{ next: 1, reward: 1, prob: 1 }],
    [{ next: 1, reward: 3, prob: 1 }],
  ], []],
});

/** The largest |reward| of an MDP. */
const rewardScale = (mdp: FiniteMdp) => mdp.rewardBound;

// ---------------------------------------------------------------------------------------
// 28a: E[∇ log π(a_t | s_t) b(Y)] = 0 for Y independent of τ

/** How Y is drawn in a 28a case. */
type YKind = "independent-law" | "independent-trajectory" | "own-reward";

interface CaseA {
  mdp: FiniteMdp;
  theta: number[][];
  t: number;
  /** For "independent-law": Y ∈ {0, …, k−1} with these probabilities and b(y) = bTable[y]. */
  law: FiniteLaw;
  bTable: number[];
  kind: YKind;
}

const arbCaseA: fc.Arbitrary<CaseA> = arbTerminalRewardMdp().chain((mdp) =>
  fc.record({
    mdp: fc.constant(mdp),
    theta: arbLogits(mdp.nStates, mdp.nActions),
    t: fc.integer({ min: 0, max: horizon(mdp) }),
    weights: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
    bTable: fc.array(fc.integer({ min: -40, max: 40 }).map((k) => k / 4), {
      minLength: 4,
      maxLength: 4,
    }),
    kind: fc.constantFrom<YKind>("independent-law", "independent-trajectory"),
  }).map(({ weights, ...rest }) => {
    weights[0] = Math.max(1, weights[0]!);
    const total = weights.reduce((a, b) => a + b, 0);
    return { ...rest, law: weights.map((w, value) => ({ value, prob: w / total })) };
  })
);

/** E[score_t · b(Y)] for one case, as a flat list of entries. */
function expectationA(c: CaseA, kind: YKind): number[] {
  const { mdp, theta, t, law, bTable } = c;
  const result = kind === "independent-law"
    ? expectedStepScoreTimesBaseline(mdp, theta, t, () => law, (y) => bTable[y]!)
    : kind === "independent-trajectory"
    // Y = the terminal reward of another, independent trajectory (the cross terms of 28b)
    ? expectedStepScoreTimesBaseline(mdp, theta, t, () => rewardLaw(mdp, theta), (y) => y)
    // Y = the trajectory's own terminal reward: not independent of τ
    : expectedStepScoreTimesBaseline(
      mdp,
      theta,
      t,
      (tr) => [{ value: tr.reward, prob: 1 }],
      (y) => y,
    );
  return result.flat();
}

/**
 * Sums of at most a few hundred float64 products of size ≤ 2 · 10: rounding ≲ 1e-13;
 * 1e-12 · (1 + max|b|) bounds it.
 */
const zeroTol = (scale: number) => ({ abs: 1e-12 * (1 + scale), rel: 0 });

/** The worst margin over every time step t ∈ {0, …, H} (the case's own t first). */
function marginA(c: CaseA, kind: YKind): number {
  const scale = Math.max(rewardScale(c.mdp), ...c.bTable.map(Math.abs));
  const ts = [
    c.t,
    ...Array.from({ length: horizon(c.mdp) + 1 }, (_, t) => t).filter((t) => t !== c.t),
  ];
  let worst = Infinity;
  for (const t of ts) {
    for (const x of expectationA({ ...c, t }, kind)) {
      worst = Math.min(worst, closeMargin(x, 0, zeroTol(scale)));
    }
  }
  return worst;
}

const OVER_A = "random acyclic terminal-reward MDPs (1–3 live states, 1–3 actions, 1–3 " +
  "terminals, rewards k/4 ∈ [−4, 4]), softmax logits in [−2, 2], every t ∈ {0, …, H}, Y " +
  "either a random finite variable with an arbitrary b or the reward of an independent trajectory";

/** The bandit at θ = 0: E[score_0 · r] = ∇J = [1/4, −1/4] ≠ 0, pinned for the control. */
const pinnedA: CaseA = {
  mdp: makeMdp({
    gamma: 1,
    initial: [1, 0],
    terminal: [1],
    outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
  }),
  theta: [[0, 0], [0, 0]],
  t: 0,
  law: [{ value: 0, prob: 1 }],
  bTable: [1, 0, 0, 0],
  kind: "own-reward",
};

// ---------------------------------------------------------------------------------------
// 28b and 28c: expected group gradients against ∇J

interface CaseB {
  mdp: FiniteMdp;
  theta: number[][];
  n: number;
}

/** N = 2 with up to 3 actions, N = 3 with up to 2 (so at most ~10^5 tuples). */
const arbCaseB: fc.Arbitrary<CaseB> = fc.oneof(
  arbTerminalRewardMdp({ maxActions: 3 }).map((mdp) => ({ mdp, n: 2 })),
  arbTerminalRewardMdp({ maxActions: 2 }).map((mdp) => ({ mdp, n: 3 })),
).chain(({ mdp, n }) => arbLogits(mdp.nStates, mdp.nActions).map((theta) => ({ mdp, theta, n })));

const OVER_B = "random acyclic terminal-reward MDPs (1–3 live states, 1–3 actions for N = 2, " +
  "1–2 for N = 3; 1–3 terminals; rewards k/4 ∈ [−4, 4]), softmax logits in [−2, 2], all " +
  "N-tuples of trajectories enumerated";

/**
 * Margin of E[group estimator] = factor · ∇J, with ∇J both by tfjs autodiff and by float64
 * finite differences (which must also agree with each other).
 */
function marginGroup(c: CaseB, kind: GroupBaseline, factor: (n: number) => number): number {
  const R = rewardScale(c.mdp);
  const expected = expectedGroupGradient(c.mdp, c.theta, c.n, kind).flat();
  const autodiff = objectiveAndGradAutodiff(c.mdp, c.theta).grad.flat();
  const fd = gradObjectiveFiniteDifference(c.mdp, c.theta).flat();
  const k = factor(c.n);
  let margin = Infinity;
  expected.forEach((x, i) => {
    margin = Math.min(
      margin,
      closeMargin(x, k * autodiff[i]!, autodiffTol(R)),
      closeMargin(x, k * fd[i]!, finiteDiffTol(R)),
      closeMargin(autodiff[i]!, fd[i]!, autodiffTol(R)),
    );
  });
  return margin;
}

const drFactor = (n: number) => (n - 1) / n;

async function groupCheck(
  seed: number,
  kind: GroupBaseline,
  factor: (n: number) => number,
  examples: CaseB[] = [],
): Promise<Evidence> {
  return await withNoTensorLeak(`28 ${kind} expected gradient`, () =>
    checkProperty(
      { seed, over: OVER_B, numRuns: 80, examples },
      arbCaseB,
      (c) => marginGroup(c, kind, factor),
    ));
}

/** The 3-armed bandit at θ = 0 with N = 2 and N = 3, pinned for the controls. */
const pinnedB: CaseB[] = [
  { mdp: threeArmedBandit, theta: [[0, 0, 0], [0, 0, 0]], n: 2 },
  { mdp: threeArmedBandit, theta: [[0, 0, 0], [0, 0, 0]], n: 3 },
];

// ---------------------------------------------------------------------------------------
// 28d: GRPO's per-token length normalisation tilts the expected update by 1/|o_i|

interface CaseD {
  mdp: FiniteMdp;
  theta: number[][];
  n: number;
  /** Divide the advantages by the group's standard deviation (GRPO) or not. */
  std: boolean;
}

/**
 * Random acyclic MDPs (so trajectories of 1 to 3 moves mix), half of them with rewards 0 or 1
 * (so trajectories of different lengths share a reward); N = 2 with up to 3 actions, N = 3
 * with up to 2.
 */
const arbCaseD: fc.Arbitrary<CaseD> = fc.record({
  binaryRewards: fc.boolean(),
  n: fc.constantFrom(2, 3),
  std: fc.boolean(),
}).chain(({ binaryRewards, n, std }) =>
  arbTerminalRewardMdp({ binaryRewards, maxActions: n === 2 ? 3 : 2 }).chain((mdp) =>
    arbLogits(mdp.nStates, mdp.nActions).map((theta) => ({ mdp, theta, n, std }))
  )
);

const OVER_D = "random acyclic terminal-reward MDPs (1–3 live states, so 1–3 moves per " +
  "trajectory; half with rewards in {0, 1}, half k/4 ∈ [−4, 4]), softmax logits in [−2, 2], " +
  "N = 2 (≤ 3 actions) and N = 3 (≤ 2 actions), with and without the std division; all " +
  "N-tuples enumerated";

/** φ_N(x) = E[advantage_1 | r^(1) = x]: closed form without the std, enumerated with it. */
function phiOf(c: CaseD): (x: number) => number {
  if (c.std) {
    // by count vectors of the other N − 1 rewards, not through the estimator's advantages
    const law = rewardLaw(c.mdp, c.theta);
    return (x) => grpoPhiByCounts(law, x, c.n);
  }
  // ((N − 1)/N)(x − J), with J from the float64 linear solve
  const J = exactObjective(c.mdp, c.theta);
  return (x) => ((c.n - 1) / c.n) * (x - J);
}

/**
 * The margin of 28d on one case: (i) the enumerated expected update of the per-token estimator
 * equals the finite-difference gradient of E_θ'[φ_N(r)/|τ|]; (ii) the enumerated weight of each
 * trajectory is φ_N(r)/|τ| (and, without the std, Dr. GRPO's is φ_N(r), free of the length);
 * (iii) among trajectories with one reward, the shorter gets the larger weight when φ_N(r) > 0
 * and the less negative one is the longer when φ_N(r) < 0.
 */
function marginD(c: CaseD): number {
  const R = rewardScale(c.mdp);
  const kind: GroupBaseline = c.std ? "grpo" : "dr-grpo";
  const phi = phiOf(c);
  const tilted = (t: Trajectory) => phi(t.reward) / t.states.length;
  let margin = Infinity;
  // (i) the whole expected update against an independent surrogate gradient
  const expected = expectedGroupGradient(c.mdp, c.theta, c.n, kind, { perToken: true }).flat();
  const oracle = surrogateGradient(c.mdp, c.theta, tilted).flat();
  expected.forEach((x, i) => {
    margin = Math.min(margin, closeMargin(x, oracle[i]!, finiteDiffTol(R)));
  });
  // (ii) each trajectory's weight
  const weights = trajectoryWeights(c.mdp, c.theta, c.n, kind, { perToken: true });
  for (const { traj, weight } of weights) {
    margin = Math.min(margin, closeMargin(weight, tilted(traj), zeroTol(R)));
  }
  if (!c.std) {
    for (const { traj, weight } of trajectoryWeights(c.mdp, c.theta, c.n, "dr-grpo")) {
      margin = Math.min(margin, closeMargin(weight, phi(traj.reward), zeroTol(R)));
    }
  } else {
    // the library's φ_N (tuples through groupAdvantages) against the count-vector oracle
    const law = rewardLaw(c.mdp, c.theta);
    for (const { value } of law) {
      const lib = advantageGivenReward(law, value, c.n, "grpo");
      margin = Math.min(margin, closeMargin(lib, phi(value), zeroTol(R)));
    }
  }
  // (iii) the direction, read off the enumerated weights
  for (const u of weights) {
    for (const v of weights) {
      if (u.traj.reward !== v.traj.reward) continue;
      if (!(u.traj.states.length < v.traj.states.length)) continue;
      const p = phi(u.traj.reward);
      if (Math.abs(p) < 1e-9) continue; // no advantage, no tilt
      // strict: subtract a rounding allowance so that equal weights fail
      const gap = p > 0
        ? Math.min(u.weight - v.weight, v.weight) // short correct > long correct > 0
        : Math.min(v.weight - u.weight, -v.weight); // short wrong < long wrong < 0
      margin = Math.min(margin, gap - zeroTol(R).abs);
    }
  }
  return margin;
}

/**
 * The control's margin: E[ĝ_LN] = κ ∇J for the best κ = ⟨g, ∇J⟩ / ⟨∇J, ∇J⟩ (the belief that the
 * length normalisation only rescales the gradient).
 */
function marginProportional(c: CaseD): number {
  const R = rewardScale(c.mdp);
  const kind: GroupBaseline = c.std ? "grpo" : "dr-grpo";
  const g = expectedGroupGradient(c.mdp, c.theta, c.n, kind, { perToken: true }).flat();
  const gradJ = gradObjectiveFiniteDifference(c.mdp, c.theta).flat();
  const norm2 = gradJ.reduce((acc, x) => acc + x * x, 0);
  const kappa = norm2 > 0 ? g.reduce((acc, x, i) => acc + x * gradJ[i]!, 0) / norm2 : 0;
  let margin = Infinity;
  g.forEach((x, i) => {
    margin = Math.min(margin, closeMargin(x, kappa * gradJ[i]!, finiteDiffTol(R)));
  });
  return margin;
}

/**
 * Two outcomes in two lengths: at state 0, action 0 is right at once (reward 1, one move),
 * action 1 is right after a detour through state 1 (two moves), action 2 wrong at once
 * (reward 0), action 3 wrong after a detour through state 2. At θ = 0, J = 1/2.
 */
export const twoLengthMdp: FiniteMdp = makeMdp({
  gamma: 1,
  initial: [1, 0, 0, 0, 0],
  terminal: [3, 4],
  outcomes: [
    [
      [{ next: 3, reward: 1, prob: 1 }],
      [{ next: 1, reward: 0, prob: 1 }],
      [{ next: 4, reward: 0, prob: 1 }],
      [{ next: 2, reward: 0, prob: 1 }],
    ],
    Array.from({ length: 4 }, () => [{ next: 3, reward: 1, prob: 1 }]),
    Array.from({ length: 4 }, () => [{ next: 4, reward: 0, prob: 1 }]),
    [],
    [],
  ],
});

/** The pinned cases of 28d: the two-length MDP at θ = 0, N = 2 and 3, with and without std. */
const pinnedD: CaseD[] = [2, 3].flatMap((n) =>
  [false, true].map((std) => ({
    mdp: twoLengthMdp,
    theta: Array.from({ length: 5 }, () => [0, 0, 0, 0]),
    n,
    std,
  }))
);

async function lengthCheck(
  seed: number,
  margin: (c: CaseD) => number,
  examples: CaseD[] = [],
): Promise<Evidence> {
  return await checkProperty(
    { seed, over: OVER_D, numRuns: 60, examples },
    arbCaseD,
    margin,
  );
}

/** The claims of Problem 28. */
export const claims: Claim[] = defineClaims(28, [
  {
    id: "28a",
    statement: "E_τ E_Y[∇ log π_θ(a_t | s_t) b(Y)] = 0 for every t when Y is independent of τ",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_A, numRuns: 150 },
        arbCaseA,
        (c) => marginA(c, c.kind),
      ),
    negativeControl: {
      variant: "Y = the trajectory's own terminal reward (not independent of τ)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 150, examples: [pinnedA] },
          arbCaseA,
          (c) => marginA(c, "own-reward"),
        ),
    },
  },
  {
    id: "28b",
    statement: "E[(1/N) Σ_i Σ_t ∇ log π_θ(a_t^i | s_t^i)(r^i − mean r)] = (N−1)/N · ∇J(θ) " +
      "(Dr. GRPO, N = 2 and 3)",
    check: (ctx) => groupCheck(ctx.seed, "dr-grpo", drFactor),
    negativeControl: {
      variant: "GRPO: the same advantage divided by the group's standard deviation",
      check: (ctx) => groupCheck(ctx.seed, "grpo", drFactor, pinnedB),
    },
  },
  {
    id: "28c",
    statement: "with the leave-one-out baseline (RLOO) the expected group gradient is ∇J(θ) " +
      "itself (N = 2 and 3)",
    check: (ctx) => groupCheck(ctx.seed, "rloo", () => 1),
    negativeControl: {
      variant: "RLOO claimed to give (N−1)/N · ∇J like Dr. GRPO",
      check: (ctx) => groupCheck(ctx.seed, "rloo", drFactor, pinnedB),
    },
  },
  {
    id: "28d",
    statement: "with GRPO's per-token normalisation (1/|o_i|, with or without the std), the " +
      "expected update is the policy gradient of φ_N(r)/|τ|, φ_N(x) = E[advantage | r = x]: " +
      "among equal rewards, shorter correct (φ_N > 0) trajectories weigh more and longer " +
      "wrong ones (φ_N < 0) are penalised less; Dr. GRPO's weight φ_N(r) has no length term",
    check: (ctx) => lengthCheck(ctx.seed, marginD, pinnedD),
    negativeControl: {
      variant: "length normalisation only rescales the gradient: E[ĝ_LN] = κ ∇J(θ) for a scalar κ",
      check: (ctx) => lengthCheck(ctx.seed, marginProportional, pinnedD),
    },
  },
]);
