import assert from "node:assert/strict";
import { evaluatePolicy, makeMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { assertMeanEquals } from "../../shared/stats/mod.ts";
import { discountedSum, sampleTrajectories } from "../../shared/trajectories/mod.ts";
import {
  assertAllClose,
  ClaimViolation,
  registerClaimTests,
  seedFor,
} from "../../shared/testing/mod.ts";
import { claims, pinnedCase } from "./claims.ts";
import {
  conditionalMeans,
  historyText,
  oneStepTarget,
  sarsaTarget,
  truncatedValue,
  twoStepTarget,
  valuesFor,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("09 the truncated series W agrees with the linear-solve V^π within its stated bound", () => {
  // one state, reward 1, γ = 1/2: the remainder 2 · 2^{−m} first reaches 2e-12 at m = 40
  const one = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  assert.equal(truncatedValue(one, [[1]]).steps, 40);
  // a tolerance the bound 2 · 2^{−m} meets exactly, at m = 11: the series stops there
  assert.deepEqual(
    [
      truncatedValue(one, [[1]], 2 ** -10).steps,
      truncatedValue(one, [[1]], 2 ** -10).remainderBound,
    ],
    [11, 2 ** -10],
  );
  // W is the sum of exactly those `steps` terms: Σ_{j<11} 2^{−j} = 2 − 2^{−10}, exact in float64
  // (one term more would give 2 − 2^{−11}); a tolerance the empty sum already meets gives W = 0
  assert.deepEqual(truncatedValue(one, [[1]], 2 ** -10).W, [2 - 2 ** -10]);
  assert.deepEqual(truncatedValue(one, [[1]], 2), { W: [0], steps: 0, remainderBound: 2 });
  for (const gamma of [0.001, 0.5, 0.999]) {
    const mdp = makeMdp({ ...pinnedCase.mdp, outcomes: pinnedCase.mdp.outcomes, gamma });
    const w = truncatedValue(mdp, pinnedCase.pi);
    assert.ok(w.remainderBound <= 1e-12 * (1 + mdp.rewardBound), `bound ${w.remainderBound}`);
    const { V } = evaluatePolicy(mdp, pinnedCase.pi);
    // the series bound plus float64 solve error (1e-9 of the value scale)
    assertAllClose(
      w.W,
      V,
      { abs: w.remainderBound + 1e-9 * (1 + 3 / (1 - gamma)), rel: 0 },
      `W at γ = ${gamma}`,
    );
  }
});

Deno.test("09 the truncated series when every state is terminal: ρ = 0, one term, remainder bound 0", () => {
  // no live state: ρ = max over an empty set is 0, so q = γρ = 0; the bound R q^m / (1 − q) is
  // R = 1 > 2e-12 at m = 0 and 0 from m = 1 (a bound on |V − W| is never negative)
  const done = makeMdp({ gamma: 0.5, outcomes: [[]], nActions: 1, terminal: [0], rewardBound: 1 });
  assert.deepEqual(truncatedValue(done, [[1]]), { W: [0], steps: 1, remainderBound: 0 });
});

Deno.test("09 the history groups of the pinned case partition the probability and key on (τ^(t), a_t)", () => {
  const means = conditionalMeans(pinnedCase, () => [1]);
  const total = means.reduce((acc, m) => acc + m.prob, 0);
  assert.ok(Math.abs(total - 1) < 1e-12);
  // t = 1: (s_0 = 0, a_0, r_0, s_1) has 3 outcomes, times 2 actions a_1: 6 histories
  assert.equal(means.length, 6);
  // by default the prefixes end at s_{t+2}, the farthest state a target of 9b–9d reads
  const lengths = conditionalMeans(pinnedCase, (p) => [p.states.length]);
  assert.ok(lengths.every((m) => m.mean[0] === pinnedCase.t + 3));
  assert.equal(
    historyText({ states: [0, 1, 0], actions: [1, 0], rewards: [2, 0], terminated: false }, 1),
    "s0 a1 r2 | s1 a0",
  );
});

Deno.test("09 the history's last action a_t is drawn by μ, the next action a_{t+1} by π", () => {
  // one state, reward = the action's index; μ takes action 1 with probability 3/4, π never
  const mdp = makeMdp({
    gamma: 0.5,
    initial: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  });
  const means = conditionalMeans(
    { mdp, behaviour: [[0.25, 0.75]], pi: [[1, 0]], t: 1 },
    (p) => [p.actions[2]!],
  );
  // (a_0, a_1) independent under μ: four histories with probabilities (1/4 or 3/4)², all exact
  // in binary; a_2 is π's action 0 in every one of them
  const rows = means.map((m) => [m.history, m.a, m.prob, m.mean[0]]);
  assert.deepEqual(rows.sort(), [
    ["s0 a0 r0 | s0 a0", 0, 1 / 16, 0],
    ["s0 a0 r0 | s0 a1", 1, 3 / 16, 0],
    ["s0 a1 r1 | s0 a0", 0, 3 / 16, 0],
    ["s0 a1 r1 | s0 a1", 1, 9 / 16, 0],
  ]);
});

Deno.test("09 bad input gets a clear error", () => {
  assert.throws(
    () => conditionalMeans({ ...pinnedCase, t: 0 }, () => [0]),
    /t must be a positive integer, got 0/,
  );
  assert.throws(
    () => conditionalMeans({ ...pinnedCase, horizon: 1 }, () => [0]),
    /horizon must be an integer ≥ t \+ 1 = 2, got 1/,
  );
  const loop = makeMdp({ gamma: 1, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  assert.throws(
    () => truncatedValue(loop, [[1]]),
    (e: unknown) =>
      e instanceof MdpInputError &&
      /need not converge: γ · max P\(no termination\) = 1/.test(e.message),
  );
  assert.throws(
    () => conditionalMeans({ ...pinnedCase, behaviour: [[1, 0]] }, () => [0]),
    /one row per state/,
  );
});

Deno.test("09 Monte Carlo: within one history, sampled targets average to Q^π(s_t, a_t) (bands at δ = 1e-6)", () => {
  const { mdp, pi, t } = pinnedCase;
  const seed = seedFor("09/monte-carlo");
  const { values } = valuesFor(mdp, pi);
  const { Q } = evaluatePolicy(mdp, pi);
  const H = 70; // γ^{H−t} R / (1 − γ) = 0.5^69 · 6 ≈ 1e-20: truncation is negligible
  const samples = sampleTrajectories(mdp, new Rng(seed), { horizon: H, policy: pi }, 40_000);
  // condition on the most frequent history
  const counts = new Map<string, number>();
  for (const p of samples) counts.set(historyText(p, t), (counts.get(historyText(p, t)) ?? 0) + 1);
  const [history] = [...counts.entries()].sort((x, y) => y[1] - x[1])[0]!;
  const inGroup = samples.filter((p) => historyText(p, t) === history);
  const s = inGroup[0]!.states[t]!;
  const a = inGroup[0]!.actions[t]!;
  const B = mdp.rewardBound / (1 - mdp.gamma); // every target lies in [−B, B]
  const method = { kind: "empirical-bernstein" as const, lo: -B, hi: B };
  const targets = {
    "9a": inGroup.map((p) => discountedSum(p, mdp.gamma, t)),
    "9b": inGroup.map((p) => sarsaTarget(p, t, values)),
    "9c": inGroup.map((p) => oneStepTarget(p, t, values)),
    "9d": inGroup.map((p) => twoStepTarget(p, t, values)),
  };
  for (const [name, xs] of Object.entries(targets)) {
    assertMeanEquals(xs, Q[s]![a]!, {
      method,
      seed,
      label: `${name} given ${history} (${xs.length} samples)`,
    });
  }
  // the biased target r_t + γ V(s_t) is rejected on the same samples
  const biased = inGroup.map((p) => p.rewards[t]! + mdp.gamma * values.V[p.states[t]!]!);
  assert.throws(
    () => assertMeanEquals(biased, Q[s]![a]!, { method, seed, label: "biased" }),
    ClaimViolation,
  );
});
