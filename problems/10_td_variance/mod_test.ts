import assert from "node:assert/strict";
import fc from "fast-check";
import {
  arbMdp,
  arbPolicy,
  evaluatePolicy,
  makeMdp,
  MdpInputError,
  type Policy,
} from "../../shared/mdp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { assertMeanEquals, assertVarianceEquals } from "../../shared/stats/mod.ts";
import {
  discountedSum,
  enumeratePrefixes,
  type Prefix,
  rewardAt,
  sampleTrajectories,
  stateAt,
  stateDistributionAt,
} from "../../shared/trajectories/mod.ts";
import {
  assertClose,
  checkProperty,
  ClaimViolation,
  registerClaimTests,
  seedFor,
} from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { tdTargetVariances } from "./mod.ts";

registerClaimTests(claims);

Deno.test("10 the s_t-distribution shortcut agrees with enumerating whole trajectories from s_0 ~ p0", () => {
  const arb = arbMdp({ maxStates: 3, maxActions: 2, withInitial: true }).chain((mdp) =>
    fc.tuple(fc.constant(mdp), arbPolicy(mdp.nStates, mdp.nActions), fc.integer({ min: 1, max: 2 }))
  );
  checkProperty(
    {
      seed: seedFor("10/shortcut"),
      over: "random MDPs (≤ 3 states, ≤ 2 actions), t ∈ {1, 2}",
      numRuns: 40,
    },
    arb,
    ([mdp, pi, t]) => {
      const v = tdTargetVariances(mdp, pi, stateDistributionAt(mdp, pi, mdp.initial!, t));
      const full = enumeratePrefixes(mdp, { horizon: t + 2, policy: pi });
      const g = mdp.gamma;
      const vpi = evaluatePolicy(mdp, pi);
      const td1 = (p: Prefix) => rewardAt(p, t) + g * vpi.V[stateAt(p, t + 1)]!;
      const td2 = (p: Prefix) =>
        rewardAt(p, t) + g * rewardAt(p, t + 1) + g * g * vpi.V[stateAt(p, t + 2)]!;
      const scale = (1 + mdp.rewardBound / (1 - g)) ** 2;
      for (const [name, f, expected] of [["TD(1)", td1, v.td1], ["TD(2)", td2, v.td2]] as const) {
        const mean = full.expectation(f);
        const variance = full.expectation((p) => (f(p) - mean) ** 2);
        // float64 sums and one linear solve: 1e-9 of the second-moment scale
        assertClose(mean, expected.mean, { abs: 1e-9 * scale, rel: 0 }, `${name} mean`);
        assertClose(variance, expected.variance, { abs: 1e-9 * scale, rel: 0 }, `${name} variance`);
      }
    },
  );
});

/** Two states, noisy rewards everywhere, γ = 3/4: the four variances are far apart. */
const noisy = makeMdp({
  gamma: 0.75,
  initial: [0.5, 0.5],
  outcomes: [
    [
      [{ next: 1, reward: 2, prob: 0.5 }, { next: 0, reward: -2, prob: 0.5 }],
      [{ next: 1, reward: -1, prob: 0.5 }, { next: 1, reward: 1, prob: 0.5 }],
    ],
    [
      [{ next: 0, reward: 2, prob: 0.5 }, { next: 0, reward: -2, prob: 0.5 }],
      [{ next: 1, reward: 0, prob: 0.5 }, { next: 0, reward: 2, prob: 0.5 }],
    ],
  ],
});
const noisyPi: Policy = [[0.5, 0.5], [0.5, 0.5]];

Deno.test("10 Monte Carlo: sampled TD targets have the exact means and variances (bands at δ = 1e-6)", () => {
  const t = 1;
  const H = 110; // truncation of TD(∞): γ^{H−t} R/(1 − γ) = 0.75^109 · 8 ≈ 2e-13, far inside every band
  const seed = seedFor("10/monte-carlo");
  const exact = tdTargetVariances(
    noisy,
    noisyPi,
    stateDistributionAt(noisy, noisyPi, noisy.initial!, t),
  );
  const { V, Q } = evaluatePolicy(noisy, noisyPi);
  const g = noisy.gamma;
  const samples = sampleTrajectories(noisy, new Rng(seed), { horizon: H, policy: noisyPi }, 20_000);
  const targets = {
    td1: samples.map((p) => p.rewards[t]! + g * V[p.states[t + 1]!]!),
    td15: samples.map((p) => p.rewards[t]! + g * Q[p.states[t + 1]!]![p.actions[t + 1]!]!),
    td2: samples.map((p) => p.rewards[t]! + g * p.rewards[t + 1]! + g * g * V[p.states[t + 2]!]!),
    tdInf: samples.map((p) => discountedSum(p, g, t)),
  };
  const B = noisy.rewardBound / (1 - g); // every target lies in [−B, B]
  for (const key of ["td1", "td15", "td2", "tdInf"] as const) {
    const xs = targets[key];
    assertMeanEquals(xs, exact[key].mean, {
      method: { kind: "empirical-bernstein", lo: -B, hi: B },
      seed,
      label: `E ${key}`,
    });
    assertVarianceEquals(xs, exact[key].variance, {
      mean: exact[key].mean,
      lo: -B,
      hi: B,
      seed,
      label: `Var ${key}`,
    });
  }
  // The plausible wrong answers are outside the bands: the TD(∞) samples do not have TD(2)'s
  // variance, and the TD(2) samples do not have TD(1)'s.
  assert.throws(
    () =>
      assertVarianceEquals(targets.tdInf, exact.td2.variance, {
        mean: exact.tdInf.mean,
        lo: -B,
        hi: B,
        seed,
        label: "Var tdInf",
      }),
    ClaimViolation,
  );
  assert.throws(
    () =>
      assertVarianceEquals(targets.td2, exact.td1.variance, {
        mean: exact.td2.mean,
        lo: -B,
        hi: B,
        seed,
        label: "Var td2",
      }),
    ClaimViolation,
  );
});

Deno.test("10 bad input gets a clear error naming the distribution", () => {
  assert.throws(
    () => tdTargetVariances(noisy, noisyPi, [0.5, 0.6]),
    (e: unknown) =>
      e instanceof MdpInputError && /distribution of s_t: entries sum to 1.1/.test(e.message),
  );
  assert.throws(() => tdTargetVariances(noisy, [[1, 0]], [1, 0]), /expected one row per state/);
});

Deno.test("10 γ = 1 on a terminating MDP: targets at a terminal s_t are all 0 with variance 0", () => {
  const mdp = makeMdp({
    gamma: 1,
    terminal: [1],
    outcomes: [[[{ next: 1, reward: 1, prob: 0.5 }, { next: 0, reward: -1, prob: 0.5 }]], []],
  });
  const atTerminal = tdTargetVariances(mdp, [[1], [1]], [0, 1]);
  for (const k of ["td1", "td15", "td2", "tdInf"] as const) {
    assert.equal(atTerminal[k].mean, 0);
    assert.equal(atTerminal[k].variance, 0);
  }
  const live = tdTargetVariances(mdp, [[1], [1]], [1, 0]);
  assert.ok(live.td1.variance <= live.td2.variance && live.td2.variance <= live.tdInf.variance);
});
