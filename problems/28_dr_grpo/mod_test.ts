import assert from "node:assert/strict";
import { makeMdp, MdpInputError, withGamma } from "../../shared/mdp/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { assertAllClose, registerClaimTests } from "../../shared/testing/mod.ts";
import { claims, threeArmedBandit, twoLengthMdp } from "./claims.ts";
import { grpoPhiByCounts } from "./claims_oracles.ts";
import {
  advantageGivenReward,
  checkTupleCount,
  enumerateTrajectories,
  exactObjective,
  expectedGroupGradient,
  expectedStepScoreTimesBaseline,
  gradObjectiveFiniteDifference,
  groupAdvantages,
  horizon,
  indexTuples,
  MAX_ENUMERATED_TUPLES,
  objectiveAndGradAutodiff,
  softmaxPolicy,
  trajectoryWeights,
  validateLogits,
  validateTerminalRewardMdp,
} from "./mod.ts";

registerClaimTests(claims);

/** Two steps: state 0 chooses a branch, state 1 a coin; three terminals pay 0, 1 or 3. */
const twoStep = makeMdp({
  gamma: 1,
  initial: [0.75, 0.25, 0, 0, 0],
  terminal: [2, 3, 4],
  outcomes: [
    [[{ next: 1, reward: 0, prob: 1 }], [{ next: 2, reward: 0, prob: 0.5 }, {
      next: 4,
      reward: 3,
      prob: 0.5,
    }]],
    [[{ next: 3, reward: 1, prob: 1 }], [{ next: 4, reward: 3, prob: 0.25 }, {
      next: 2,
      reward: 0,
      prob: 0.75,
    }]],
    [],
    [],
    [],
  ],
});
const theta = [[0.5, -0.25], [1, 0], [0, 0], [0, 0], [0, 0]];

const cosine = (x: number[], y: number[]) => {
  const dot = x.reduce((acc, v, i) => acc + v * y[i]!, 0);
  return dot / Math.hypot(...x) / Math.hypot(...y);
};

Deno.test("28 enumerated trajectories carry probability 1 and their mean reward is J", () => {
  const pi = softmaxPolicy(twoStep, theta);
  const trajs = enumerateTrajectories(twoStep, pi);
  const mass = trajs.reduce((a, t) => a + t.prob, 0);
  const mean = trajs.reduce((a, t) => a + t.prob * t.reward, 0);
  // float64 sums of a handful of products: 1e-14
  assertAllClose([mass, mean], [1, exactObjective(twoStep, theta)], { abs: 1e-14, rel: 0 });
  assert.equal(horizon(twoStep), 2);
});

Deno.test("28 tfjs J agrees with the linear-solve J, and autodiff ∇J with finite differences", async () => {
  const { value, grad } = await withNoTensorLeak(
    "28 autodiff",
    () => objectiveAndGradAutodiff(twoStep, theta),
  );
  // float32 against float64 with rewards ≤ 3: 1e-5 absolute
  assertAllClose(value, exactObjective(twoStep, theta), { abs: 1e-5, rel: 0 }, "J");
  assertAllClose(grad, gradObjectiveFiniteDifference(twoStep, theta), { abs: 1e-5, rel: 0 }, "∇J");
});

Deno.test("28b GRPO's expected gradient is not parallel to ∇J: the std normalisation breaks proportionality", () => {
  const zero = [[0, 0, 0], [0, 0, 0]];
  const gradJ = gradObjectiveFiniteDifference(threeArmedBandit, zero).flat();
  for (const n of [2, 3]) {
    const grpo = expectedGroupGradient(threeArmedBandit, zero, n, "grpo").flat();
    const dr = expectedGroupGradient(threeArmedBandit, zero, n, "dr-grpo").flat();
    // Dr. GRPO is exactly parallel (cosine 1 up to rounding), GRPO visibly is not
    assert.ok(Math.abs(cosine(dr, gradJ) - 1) < 1e-9, `Dr. GRPO cosine, N = ${n}`);
    const c = cosine(grpo, gradJ);
    assert.ok(c < 0.995, `GRPO cosine with ∇J is ${c} for N = ${n}; expected < 0.995`);
  }
});

Deno.test("28b Dr. GRPO's factor (N−1)/N holds for N = 1 to 4 on a two-step MDP (N = 1 and 4 lie outside the claim's range), against tfjs autodiff", async () => {
  const { grad } = await withNoTensorLeak(
    "28 autodiff, N = 1..4",
    () => objectiveAndGradAutodiff(twoStep, theta),
  );
  for (const n of [1, 2, 3, 4]) {
    const dr = expectedGroupGradient(twoStep, theta, n, "dr-grpo");
    // float32 autodiff against float64 enumeration, rewards ≤ 3: 1e-5 absolute
    assertAllClose(dr, grad.map((row) => row.map((x) => ((n - 1) / n) * x)), {
      abs: 1e-5,
      rel: 0,
    }, `N = ${n}`);
  }
  // and the gradient is not 0 there, so the factor is seen
  assert.ok(Math.max(...grad.flat().map(Math.abs)) > 0.05);
});

/** One step from state 0 into the terminal state 1: arm 0 pays `reward`, arm 1 pays 0. */
function twoArmBandit(reward: number) {
  return makeMdp({
    gamma: 1,
    initial: [1, 0],
    terminal: [1],
    outcomes: [[[{ next: 1, reward, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
  });
}

Deno.test("28b a tuple term of weight exactly 1 counts: Dr. GRPO on a 16-or-0 bandit at θ = 0 gives [2, −2] exactly", () => {
  // arms 0, 1 pay 16, 0, each picked with π = 1/2: J = 16 π_0, ∇J = 16 π_0 (1 − π_0) (1, −1)
  // = (4, −4), and Dr. GRPO with N = 2 gives (N − 1)/N ∇J = (2, −2). Each mixed tuple has
  // probability 1/4 and advantages ±8, so its terms weigh (1/4 · 8)/2 = ±1 exactly, on
  // scores ±(1/2, −1/2): all dyadic, so the sum is exact
  const bandit = twoArmBandit(16);
  const zero = [[0, 0], [0, 0]];
  assert.deepEqual(expectedGroupGradient(bandit, zero, 2, "dr-grpo"), [[2, -2], [0, 0]]);
});

Deno.test("28 E[∇log π(a_0 | s_0) · b(Y)] with Y the trajectory's own reward is ∇J, not zero: [1/4, −1/4] on the 1-or-0 bandit", () => {
  // θ = 0: π = (1/2, 1/2), scores ±(1/2, −1/2), E[score · r] = 1/2 · 1 · (1/2, −1/2) = ∇J
  const bandit = twoArmBandit(1);
  const ownReward = (traj: { reward: number }) => [{ value: traj.reward, prob: 1 }];
  const g = expectedStepScoreTimesBaseline(bandit, [[0, 0], [0, 0]], 0, ownReward, (y) => y);
  assert.deepEqual(g, [[0.25, -0.25], [0, 0]]);
});

Deno.test("28 E[∇log π(a_0 | s_0) · b(Y)] averages b over a law of Y that depends on the trajectory: [3/8, −3/8] by hand", () => {
  // θ = 0 on the 1-or-0 bandit: scores ±(1/2, −1/2). Given arm 0, Y is 1 or 2 with
  // probability 1/2 each, so E[b(Y) | arm 0] = 3/2 with b(y) = y; given arm 1, Y = 0.
  // E = 1/2 · 3/2 · (1/2, −1/2) = (3/8, −3/8): every term of E[b(Y) | τ] counts
  const bandit = twoArmBandit(1);
  const law = (traj: { reward: number }) =>
    traj.reward === 1
      ? [{ value: 1, prob: 0.5 }, { value: 2, prob: 0.5 }]
      : [{ value: 0, prob: 1 }];
  const g = expectedStepScoreTimesBaseline(bandit, [[0, 0], [0, 0]], 0, law, (y) => y);
  assert.deepEqual(g, [[0.375, -0.375], [0, 0]]);
});

Deno.test("28 the enumeration limit is 10^7 tuples: exactly 10^7 is accepted, one more is refused", () => {
  assert.equal(MAX_ENUMERATED_TUPLES, 1e7);
  checkTupleCount(10, 7);
  checkTupleCount(1e7, 1);
  for (const [m, n] of [[1e7 + 1, 1], [10, 8], [2, 24]]) {
    assert.throws(
      () => checkTupleCount(m!, n!),
      (e: unknown) =>
        e instanceof MdpInputError &&
        e.message === `${m}^${n} tuples of trajectories are too many to enumerate`,
    );
  }
  // φ_N enumerates the other N − 1 rewards: 10 values and N = 9 make 10^8 tuples
  const ten = Array.from({ length: 10 }, (_, value) => ({ value, prob: 0.1 }));
  assert.throws(() => advantageGivenReward(ten, 0, 9, "dr-grpo"), /10\^8 tuples/);
});

Deno.test("28 indexTuples visits each of base^length tuples exactly once, first place fastest", () => {
  const listed = (base: number, length: number) =>
    Array.from(indexTuples(base, length), (t) => [...t]);
  assert.deepEqual(listed(2, 3), [
    [0, 0, 0],
    [1, 0, 0],
    [0, 1, 0],
    [1, 1, 0],
    [0, 0, 1],
    [1, 0, 1],
    [0, 1, 1],
    [1, 1, 1],
  ]);
  assert.deepEqual(listed(3, 1), [[0], [1], [2]]);
  assert.deepEqual(listed(1, 4), [[0, 0, 0, 0]]);
  // N = 1 leaves no other group member: one empty tuple, so the sum has exactly one term
  assert.deepEqual(listed(5, 0), [[]]);
});

Deno.test("28d the two-length MDP: per-token GRPO gives short right answers twice the push of long ones; Dr. GRPO gives both the same", () => {
  const zero = Array.from({ length: 5 }, () => [0, 0, 0, 0]);
  // trajectories at θ = 0: right at once, right after a detour, wrong at once, wrong after a detour
  const n = 2;
  const ln = expectedGroupGradient(twoLengthMdp, zero, n, "dr-grpo", { perToken: true })[0]!;
  const dr = expectedGroupGradient(twoLengthMdp, zero, n, "dr-grpo")[0]!;
  // E[ĝ] = Σ_a π(a) ω_a (e_a − π) = (1/4)(ω − mean ω), ω = (1/2)(r − 1/2)/T = (1/4, 1/8, −1/4, −1/8)
  assertAllClose(ln, [1 / 16, 1 / 32, -1 / 16, -1 / 32], { abs: 1e-15, rel: 0 }, "per-token");
  assertAllClose(dr, [1 / 16, 1 / 16, -1 / 16, -1 / 16], { abs: 1e-15, rel: 0 }, "Dr. GRPO");
  const w = trajectoryWeights(twoLengthMdp, zero, n, "dr-grpo", { perToken: true });
  // (the detours continue with any of 4 actions: four trajectories each, with equal weights)
  const distinct = new Set(
    w.map(({ traj, weight }) => [traj.actions[0], traj.states.length, weight].join()),
  );
  assert.deepEqual([...distinct], ["0,1,0.25", "1,2,0.125", "2,1,-0.25", "3,2,-0.125"]);
});

Deno.test("28c on every group the Dr. GRPO advantage is (N−1)/N times the RLOO advantage", () => {
  for (const r of [[1, 0], [3, 1, 0], [2, 2, 2, -1], [0.5, 0.5]]) {
    const n = r.length;
    assertAllClose(
      groupAdvantages(r, "dr-grpo"),
      groupAdvantages(r, "rloo").map((x) => ((n - 1) / n) * x),
      { abs: 1e-15, rel: 0 },
      `group ${r}`,
    );
  }
});

Deno.test("28 GRPO advantages are 0 when the whole group has the same reward, also one whose float mean is not exactly it", () => {
  assert.deepEqual(groupAdvantages([2, 2, 2], "grpo"), [0, 0, 0]);
  // 0.1 + 0.1 + 0.1 = 0.30000000000000004: the mean is off by a rounding residue
  assert.deepEqual(groupAdvantages([0.1, 0.1, 0.1], "grpo"), [0, 0, 0]);
  // distinct scores whose squared deviations underflow cannot be standardised: a clear error
  assert.throws(
    () => groupAdvantages([1e-200, 3e-200], "grpo"),
    (e) =>
      e instanceof MdpInputError &&
      e.message === "rewards 1e-200, 3e-200 differ too little to standardise",
  );
  // deviations (−1, 0, 1), std √(2/3): advantages ∓√1.5 and an exact 0 in the middle
  const mid = groupAdvantages([0, 1, 2], "grpo");
  assert.equal(mid[1], 0);
  assert.ok(Math.abs(mid[2]! - Math.sqrt(1.5)) < 1e-15 && mid[0] === -mid[2]!, String(mid));
});

Deno.test("28 a rewarded move of probability 0 to a non-terminal state is never taken: the MDP is terminal-reward", () => {
  const zeroProbMidway = makeMdp({
    gamma: 1,
    initial: [1, 0, 0],
    terminal: [2],
    outcomes: [
      [[{ next: 2, reward: 1, prob: 1 }, { next: 1, reward: 5, prob: 0 }]],
      [[{ next: 2, reward: 0, prob: 1 }]],
      [],
    ],
  });
  validateTerminalRewardMdp(zeroProbMidway); // does not throw
});

Deno.test("28 the horizon and the enumeration count positive-probability moves only: a move of probability 0 neither lengthens a trajectory nor closes a cycle", () => {
  // live 0 → terminal 3, with a move of probability 0 into the chain 1 → 2 → 3; p0 on 0 and 1,
  // so the longest trajectory that can occur is 1 → 2 → 3: two steps (three through 0 → 1)
  const zeroIntoChain = makeMdp({
    gamma: 1,
    initial: [0.5, 0.5, 0, 0],
    terminal: [3],
    outcomes: [
      [[{ next: 3, reward: 1, prob: 1 }, { next: 1, reward: 0, prob: 0 }]],
      [[{ next: 2, reward: 0, prob: 1 }]],
      [[{ next: 3, reward: 0, prob: 1 }]],
      [],
    ],
  });
  assert.equal(horizon(zeroIntoChain), 2);
  // the enumeration agrees: exactly the trajectories of positive environment probability,
  // 0 → 3 and 1 → 2 → 3 (none through the move of probability 0, none from state 2, p0 = 0)
  const pi = softmaxPolicy(zeroIntoChain, [[0], [0], [0], [0]]);
  const trajs = enumerateTrajectories(zeroIntoChain, pi);
  assert.deepEqual(trajs.map((t) => [t.states, t.envProb]), [[[0], 0.5], [[1, 2], 0.5]]);
  // a self-loop of probability 0 is no cycle: one step to the terminal state
  const zeroLoop = makeMdp({
    gamma: 1,
    initial: [1, 0],
    terminal: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 0 }, { next: 1, reward: 1, prob: 1 }]], []],
  });
  assert.equal(horizon(zeroLoop), 1);
});

Deno.test("28 bad input gets a clear error naming what and where", () => {
  const rewardedMidway = makeMdp({
    gamma: 1,
    initial: [1, 0, 0],
    terminal: [2],
    outcomes: [[[{ next: 1, reward: 5, prob: 1 }]], [[{ next: 2, reward: 1, prob: 1 }]], []],
  });
  assert.throws(
    () => validateTerminalRewardMdp(rewardedMidway),
    (e: unknown) =>
      e instanceof MdpInputError && /s=0, a=0.*reward 5.*non-terminal state 1/.test(e.message),
  );
  const discounted = withGamma(twoStep, 0.9);
  assert.throws(() => validateTerminalRewardMdp(discounted), /γ must be 1, got 0.9/);
  const loop = makeMdp({
    gamma: 1,
    initial: [1, 0],
    terminal: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 0.5 }, { next: 1, reward: 1, prob: 0.5 }]], []],
  });
  assert.throws(() => horizon(loop), /state 0 lies on a cycle/);
  assert.throws(() => validateLogits(twoStep, [[0, 0]]), /θ must have 5 rows/);
  assert.throws(
    () => validateLogits(twoStep, theta.map((r, s) => s === 1 ? [0, NaN] : r)),
    /θ\[1\]\[1\] = NaN/,
  );
  assert.throws(
    () => expectedGroupGradient(twoStep, theta, 0, "dr-grpo"),
    /group size N must be a positive integer, got 0/,
  );
  assert.throws(() => groupAdvantages([1], "rloo"), /RLOO needs a group of at least 2/);
  assert.throws(() => groupAdvantages([], "dr-grpo"), /at least one trajectory/);
  const startsTerminal = makeMdp({
    gamma: 1,
    initial: [0.5, 0.5],
    terminal: [1],
    outcomes: [[[{ next: 1, reward: 1, prob: 1 }]], []],
  });
  assert.throws(
    () => validateTerminalRewardMdp(startsTerminal),
    /p0 puts mass 0.5 on the terminal state 1/,
  );
});

Deno.test("28 the group size of ω and φ_N: N = 1 is a group (its advantage is 0), N = 0 and N = 1.5 are refused", () => {
  // a group of one is its own baseline: r − mean = 0 and GRPO's std is 0, so
  // ω(τ) = ((N − 1)/N)(r(τ) − J) and φ_1(x) = 0 exactly, whatever the reward
  const coin = [{ value: 0, prob: 0.5 }, { value: 1, prob: 0.5 }];
  for (const kind of ["dr-grpo", "grpo"] as const) {
    const w = trajectoryWeights(twoStep, theta, 1, kind);
    // every trajectory of positive probability is listed (eight of them, see below)
    assert.equal(w.length, 8, kind);
    assert.deepEqual(w.map((x) => x.weight), new Array(8).fill(0), kind);
    for (const x of [0, 1, 3]) assert.equal(advantageGivenReward(coin, x, 1, kind), 0, kind);
  }
  const refused = /the group size N must be a positive integer, got /;
  for (const n of [0, 1.5]) {
    assert.throws(
      () => trajectoryWeights(twoStep, theta, n, "dr-grpo"),
      (e: unknown) => e instanceof MdpInputError && refused.test(e.message),
      `ω at N = ${n}`,
    );
    assert.throws(
      () => advantageGivenReward(coin, 1, n, "dr-grpo"),
      (e: unknown) => e instanceof MdpInputError && refused.test(e.message),
      `φ at N = ${n}`,
    );
  }
});

Deno.test("28 φ_N accepts exactly the reward laws that are distributions: probabilities ≥ 0 (0 included), mass 1 within 1e-9", () => {
  // Dr. GRPO, N = 2: φ_2(x) = (1/2)(x − E[r]), computed here by hand
  // 0.1 + 0.2 + 0.7 rounds to 1 + 2^−52 in float64: within the tolerance; E[r] = 0.2 + 2.1 = 2.3
  const uneven = [{ value: 0, prob: 0.1 }, { value: 1, prob: 0.2 }, { value: 3, prob: 0.7 }];
  assertAllClose(
    [advantageGivenReward(uneven, 3, 2, "dr-grpo")],
    [0.35],
    { abs: 1e-12, rel: 0 },
    "φ_2(3)",
  );
  // an outcome of probability 0 is allowed: E[r] = 1, φ_2(0) = −1/2
  const sure = [{ value: 0, prob: 0 }, { value: 1, prob: 1 }];
  assert.equal(advantageGivenReward(sure, 0, 2, "dr-grpo"), -0.5);
  // mass 1 + 5e-10 is inside the tolerance, 1 + 2e-9 outside it; inside, φ_2(1) is
  // Σ_y p_y (1 − y)/2 = (1/2)(1/2)(1 − 0) = 1/4, the other member's 1 contributing 0
  const massOff = (d: number) => [{ value: 0, prob: 0.5 }, { value: 1, prob: 0.5 + d }];
  assert.equal(advantageGivenReward(massOff(5e-10), 1, 2, "dr-grpo"), 0.25);
  const notALaw = /the reward law must be a distribution, its mass is /;
  const refused: [string, { value: number; prob: number }[]][] = [
    ["mass 1 + 2e-9", massOff(2e-9)],
    ["mass 1/2, no negative probability", [{ value: 0, prob: 0.5 }]],
    ["mass 2", [{ value: 0, prob: 1 }, { value: 1, prob: 1 }]],
    ["mass 1 with a negative probability", [{ value: 0, prob: -0.5 }, { value: 1, prob: 1.5 }]],
    ["a NaN probability", [{ value: 0, prob: NaN }, { value: 1, prob: 1 }]],
  ];
  for (const [what, law] of refused) {
    assert.throws(
      () => advantageGivenReward(law, 1, 2, "dr-grpo"),
      (e: unknown) => e instanceof MdpInputError && notALaw.test(e.message),
      what,
    );
  }
});

Deno.test("28 a trajectory's environment probability is p0(s_0)·Π p(s_{t+1} | s_t, a_t), and its probability that times Π π(a_t | s_t)", () => {
  // twoStep has coins of probability 1/2, 1/4 and 3/4 and p0 = (3/4, 1/4): every
  // environment probability below is a product of dyadic fractions, exact in float64
  const pi = softmaxPolicy(twoStep, theta);
  const trajs = enumerateTrajectories(twoStep, pi);
  const key = (t: { states: readonly number[]; actions: readonly number[]; terminal: number }) =>
    `${t.states}|${t.actions}|${t.terminal}`;
  const expected = new Map([
    ["0,1|0,0|3", 0.75 * 1 * 1],
    ["0,1|0,1|4", 0.75 * 1 * 0.25],
    ["0,1|0,1|2", 0.75 * 1 * 0.75],
    ["0|1|2", 0.75 * 0.5],
    ["0|1|4", 0.75 * 0.5],
    ["1|0|3", 0.25 * 1],
    ["1|1|4", 0.25 * 0.25],
    ["1|1|2", 0.25 * 0.75],
  ]);
  assert.deepEqual(new Map(trajs.map((t) => [key(t), t.envProb])), expected);
  for (const t of trajs) {
    const policyPart = t.actions.reduce((acc, a, i) => acc * pi[t.states[i]!]![a]!, 1);
    assert.ok(Math.abs(t.prob - t.envProb * policyPart) < 1e-15, key(t));
  }
});

/** A ten-armed bandit paying 1 on arm 0 only: one step from state 0 to the terminal state 1. */
function tenArmedBandit() {
  return makeMdp({
    gamma: 1,
    initial: [1, 0],
    terminal: [1],
    outcomes: [
      Array.from({ length: 10 }, (_, a) => [{ next: 1, reward: a === 0 ? 1 : 0, prob: 1 }]),
      [],
    ],
  });
}

Deno.test("28 the enumeration bound: a group of exactly 10^7 tuples is summed, 10^8 refused", () => {
  // a ten-armed bandit paying 1 on arm 0 only; logits −800 give π(a) = e^−800 = 0 exactly on
  // arms 2..9, so π = (1/2, 1/2, 0, …): ten trajectories (those of probability 0 are kept),
  // 10^7 tuples for N = 7 of which only the 2^7 over arms 0 and 1 carry weight
  const bandit = tenArmedBandit();
  const logits = [Array.from({ length: 10 }, (_, a) => (a < 2 ? 0 : -800)), new Array(10).fill(0)];
  // ∇J = π_a (r_a − J) = (1/4, −1/4, 0, …); claim 28b: Dr. GRPO's expectation is (N − 1)/N ∇J
  const g = expectedGroupGradient(bandit, logits, 7, "dr-grpo");
  const want = [0.25, -0.25, 0, 0, 0, 0, 0, 0, 0, 0].map((x) => (6 / 7) * x);
  assertAllClose(g[0]!, want, { abs: 1e-14, rel: 0 }, "∇ at N = 7");
  assert.throws(
    () => expectedGroupGradient(bandit, logits, 8, "dr-grpo"),
    (e: unknown) => e instanceof MdpInputError && /10\^8 tuples/.test(e.message),
  );
});

Deno.test("28d trajectory weights: a group of exactly 10^7 tuples is summed, 10^8 refused", () => {
  // a ten-armed bandit paying 1 on arm 0 only, at θ = 0: ten trajectories of probability 1/10,
  // so N = 7 makes exactly 10^7 tuples (m^N = 10^7 with N > 1 forces m = 10, N = 7)
  const bandit = tenArmedBandit();
  const zero = [new Array(10).fill(0), new Array(10).fill(0)];
  // Dr. GRPO: ω(τ) = E[r_1 − mean | τ] = ((N − 1)/N)(r(τ) − J) with J = 1/10
  const w = trajectoryWeights(bandit, zero, 7, "dr-grpo");
  assert.equal(w.length, 10);
  // 10^6 products of 1/10's summed per trajectory: float64 error well below 1e-10
  assertAllClose(
    w.map((x) => x.weight),
    w.map((x) => (6 / 7) * (x.traj.reward - 0.1)),
    { abs: 1e-10, rel: 0 },
    "ω at N = 7",
  );
  assert.throws(
    () => trajectoryWeights(bandit, zero, 8, "dr-grpo"),
    (e: unknown) =>
      e instanceof MdpInputError &&
      e.message === "10^8 tuples of trajectories are too many to enumerate",
  );
});

Deno.test("28 trajectory weights list only trajectories of positive probability: an arm whose softmax probability underflows to 0 has none", () => {
  // two arms paying 1 and 0; θ = (0, −1000) gives π = (1, 0) exactly (e^−1000 underflows),
  // so the only trajectory is arm 0 with probability 1, and with every reward equal to 1
  // the Dr. GRPO advantage r − mean is 0
  const bandit = makeMdp({
    gamma: 1,
    initial: [1, 0],
    terminal: [1],
    outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
  });
  const w = trajectoryWeights(bandit, [[0, -1000], [0, 0]], 2, "dr-grpo");
  assert.equal(w.length, 1);
  assert.deepEqual(w[0]!.traj.actions, [0]);
  assert.equal(w[0]!.traj.prob, 1);
  assert.equal(w[0]!.weight, 0);
});

Deno.test("28 RLOO with N = 1 is refused even when the MDP has a single trajectory", () => {
  // one action, one outcome: the only trajectory is the single tuple of the enumeration,
  // and the leave-one-out baseline of a group of one is undefined
  const single = makeMdp({
    gamma: 1,
    initial: [1, 0],
    terminal: [1],
    outcomes: [[[{ next: 1, reward: 1, prob: 1 }]], []],
  });
  assert.throws(
    () => expectedGroupGradient(single, [[0], [0]], 1, "rloo"),
    /RLOO needs a group of at least 2 trajectories/,
  );
  assert.deepEqual(expectedGroupGradient(single, [[0], [0]], 1, "dr-grpo"), [[0], [0]]);
});

Deno.test("28 the count-vector φ_N of GRPO by hand: a fair coin's reward, N = 2 and N = 3", () => {
  const coin = [{ value: 0, prob: 0.5 }, { value: 1, prob: 0.5 }];
  // N = 2, r = 1: the other member is 1 (all equal, advantage 0) or 0 (mean ½, std ½, advantage
  // 1), each with probability ½
  assert.equal(grpoPhiByCounts(coin, 1, 2), 0.5);
  assert.equal(grpoPhiByCounts(coin, 0, 2), -0.5);
  // N = 3, r = 1: others (1, 1) w.p. ¼ give 0; one 0 and one 1 w.p. ½ give mean ⅔, std √2/3,
  // advantage (1/3)/(√2/3) = 1/√2; (0, 0) w.p. ¼ give mean ⅓, std √2/3, advantage √2
  const want = 0.5 / Math.SQRT2 + 0.25 * Math.SQRT2;
  assert.ok(Math.abs(grpoPhiByCounts(coin, 1, 3) - want) < 1e-15);
  assert.ok(
    Math.abs(grpoPhiByCounts(coin, 1, 3) - advantageGivenReward(coin, 1, 3, "grpo")) < 1e-15,
  );
});
