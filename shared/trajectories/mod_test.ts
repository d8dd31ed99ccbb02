import assert from "node:assert/strict";
import fc from "fast-check";
import {
  arbMdp,
  arbPolicy,
  type FiniteMdp,
  makeMdp,
  MdpInputError,
  type Policy,
  rewardUnderPolicy,
} from "../mdp/mod.ts";
import { Rng } from "../random/mod.ts";
import { assertMeanEquals, assertVarianceEquals } from "../stats/mod.ts";
import { assertClose, checkProperty, seedFor } from "../testing/mod.ts";
import {
  discountedSum,
  enumeratePrefixes,
  returnMoments,
  sampleTrajectories,
  sampleTrajectory,
  stateDistributionAt,
  TrajectoryLimitError,
} from "./mod.ts";

/** Small MDPs (so that enumeration stays small) with a full-support p0 and a policy. */
const smallCase = arbMdp({ maxStates: 3, maxActions: 2, withInitial: true }).chain((mdp) =>
  fc.tuple(fc.constant(mdp), arbPolicy(mdp.nStates, mdp.nActions), fc.integer({ min: 0, max: 3 }))
);

Deno.test("trajectories enumerated probabilities sum to 1 and E[r_t] matches p0 (P^π)^t r^π", () => {
  checkProperty(
    {
      seed: seedFor("traj/sum"),
      over: "random MDPs (≤ 3 states, ≤ 2 actions), H ≤ 3",
      numRuns: 60,
    },
    smallCase,
    ([mdp, pi, h]) => {
      const d = enumeratePrefixes(mdp, { horizon: h, policy: pi });
      // float64 sums of at most a few thousand products of probabilities
      assertClose(d.expectation(() => 1), 1, { abs: 1e-12, rel: 0 }, "total probability");
      const rPi = rewardUnderPolicy(mdp, pi);
      for (let t = 0; t < h; t++) {
        const dt = stateDistributionAt(mdp, pi, mdp.initial!, t);
        const expected = dt.reduce((acc, p, s) => acc + p * rPi[s]!, 0);
        assertClose(
          d.expectation((p) => p.rewards[t]!),
          expected,
          { abs: 1e-10, rel: 0 },
          `E r_${t}`,
        );
      }
    },
  );
});

Deno.test("trajectories a policy override at step k is the same as a per-step policy", () => {
  const mdp = makeMdp({
    gamma: 0.9,
    initial: [0.5, 0.5],
    outcomes: [
      [[{ next: 1, reward: 1, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]],
      [[{ next: 0, reward: 2, prob: 0.5 }, { next: 1, reward: -1, prob: 0.5 }], [{
        next: 1,
        reward: 3,
        prob: 1,
      }]],
    ],
  });
  const pi: Policy = [[0.5, 0.5], [0.25, 0.75]];
  const other: Policy = [[1, 0], [0, 1]];
  const a = enumeratePrefixes(mdp, {
    horizon: 3,
    policy: pi,
    override: { step: 1, policy: other },
  });
  const b = enumeratePrefixes(mdp, {
    horizon: 3,
    policy: pi,
    policyAt: (t) => (t === 1 ? other : pi),
  });
  const f = (p: { rewards: readonly number[] }) =>
    p.rewards[0]! * 3 + p.rewards[1]! ** 2 - p.rewards[2]!;
  assert.equal(a.prefixes.length, b.prefixes.length);
  assertClose(a.expectation(f), b.expectation(f), { abs: 1e-14, rel: 0 }, "override vs policyAt");
  // the override changes the answer: the check can see it
  assert.ok(
    Math.abs(a.expectation(f) - enumeratePrefixes(mdp, { horizon: 3, policy: pi }).expectation(f)) >
      0.1,
  );
});

Deno.test("trajectories a terminal state ends a prefix early and its rewards read as 0", () => {
  const mdp = makeMdp({
    gamma: 1,
    terminal: [1],
    initial: [1, 0],
    outcomes: [[[{ next: 1, reward: 5, prob: 0.5 }, { next: 0, reward: 1, prob: 0.5 }]], []],
  });
  const d = enumeratePrefixes(mdp, { horizon: 4, policy: [[1], [1]] });
  // terminated at steps 1, 2, 3, 4 and one survivor at H = 4
  assert.equal(d.prefixes.length, 5);
  const early = d.prefixes.filter((w) => w.prefix.terminated && w.prefix.rewards.length < 4);
  assert.equal(early.length, 3);
  assertClose(d.expectation((p) => discountedSum(p, 1, 0, 4)), 5 * (1 - 1 / 16) + (1 - 1 / 16), {
    abs: 1e-12,
    rel: 0,
  }, "E[Σ_{t<4} r_t]");
});

Deno.test("trajectories enumeration past its size limit fails with the count", () => {
  const mdp = makeMdp({
    gamma: 0.5,
    initial: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 0.5 }, { next: 0, reward: 1, prob: 0.5 }]]],
  });
  assert.throws(
    () => enumeratePrefixes(mdp, { horizon: 18, policy: [[1]] }),
    (e: unknown) =>
      e instanceof TrajectoryLimitError &&
      /more than 200000 prefixes \(at least 262144 at step 18\)/.test(e.message),
  );
  assert.throws(
    () => enumeratePrefixes(mdp, { horizon: 3, policy: [[1]], maxPrefixes: 7 }),
    /more than 7 prefixes/,
  );
});

Deno.test("trajectories bad input gets a clear error", () => {
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] });
  assert.throws(
    () => enumeratePrefixes(mdp, { horizon: 2, policy: [[1]] }),
    /no initial distribution p0/,
  );
  assert.throws(
    () => enumeratePrefixes(mdp, { horizon: -1, policy: [[1]], initial: [1] }),
    /horizon must be/,
  );
  assert.throws(
    () => enumeratePrefixes(mdp, { horizon: 1, policy: [[0.5]], initial: [1] }),
    (e: unknown) =>
      e instanceof MdpInputError && /π\(· \| s=0\): entries sum to 0.5/.test(e.message),
  );
  // a fractional step and step −1 are refused with the same message; step 0 (the first
  // action) is accepted
  for (const step of [1.5, -1]) {
    assert.throws(
      () =>
        enumeratePrefixes(mdp, {
          horizon: 1,
          policy: [[1]],
          initial: [1],
          override: { step, policy: [[1]] },
        }),
      (e: unknown) =>
        e instanceof MdpInputError &&
        e.message === `override step must be an integer ≥ 0, got ${step}`,
    );
  }
  assert.throws(
    () => sampleTrajectories(mdp, new Rng(1), { horizon: 1, policy: [[1]], initial: [2] }, 1),
    /initial p0/,
  );
});

Deno.test("trajectories an override at step 0 replaces the first action's policy", () => {
  // one state, arms paying 0 and 1: π always pulls arm 0, the override at step 0 arm 1, so
  // E[r_0] = 1 and E[r_1] = 0
  const mdp = makeMdp({
    gamma: 1,
    initial: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  });
  const d = enumeratePrefixes(mdp, {
    horizon: 2,
    policy: [[1, 0]],
    override: { step: 0, policy: [[0, 1]] },
  });
  assert.deepEqual(d.expectationVector((p) => p.rewards), [1, 0]);
});

Deno.test("trajectories expectationVector is exactly the vector of expectations, with nothing else on it, and refuses ragged f", () => {
  // one state, arms paying 0 and 1 chosen ¼ / ¾, horizon 2: the four action paths have
  // probabilities 1/16, 3/16, 3/16, 9/16 (exact in binary), so E[(r_0, r_1, r_0 r_1)] is
  // (3/4, 3/4, 9/16) exactly
  const mdp = makeMdp({
    gamma: 1,
    initial: [1],
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
  });
  const d = enumeratePrefixes(mdp, { horizon: 2, policy: [[0.25, 0.75]] });
  const e = d.expectationVector((
    p,
  ) => [p.rewards[0]!, p.rewards[1]!, p.rewards[0]! * p.rewards[1]!]);
  // a strict deep equality also compares the array's own keys: only the indices 0..2
  assert.deepEqual(e, [0.75, 0.75, 0.5625]);
  assert.deepEqual(Object.keys(e), ["0", "1", "2"]);
  let calls = 0;
  assert.throws(
    () => d.expectationVector(() => new Array<number>(++calls === 1 ? 2 : 3).fill(0)),
    (err: unknown) =>
      err instanceof MdpInputError &&
      err.message === "expectationVector: f returned length 3, earlier 2",
  );
});

Deno.test("trajectories the sampler's horizon is an integer ≥ 0: 0 gives the start state alone, −1 and 1.5 are refused", () => {
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  const [p] = sampleTrajectories(mdp, new Rng(1), { horizon: 0, policy: [[1]], initial: [1] }, 1);
  assert.deepEqual(p, { states: [0], actions: [], rewards: [], terminated: false });
  // a negative integer fails only the sign test, a positive fraction only the integer test
  for (const horizon of [-1, 1.5]) {
    assert.throws(
      () => sampleTrajectories(mdp, new Rng(1), { horizon, policy: [[1]], initial: [1] }, 1),
      (e: unknown) =>
        e instanceof MdpInputError &&
        new RegExp(`horizon must be an integer ≥ 0, got ${horizon}`).test(e.message),
    );
  }
});

Deno.test("trajectories the sampler's count n is an integer ≥ 0: 0 gives no prefixes, −1 and 1.5 are refused", () => {
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  const opts = { horizon: 1, policy: [[1]], initial: [1] };
  assert.deepEqual(sampleTrajectories(mdp, new Rng(1), opts, 0), []);
  // a negative integer fails only the sign test, a positive fraction only the integer test
  for (const n of [-1, 1.5]) {
    assert.throws(
      () => sampleTrajectories(mdp, new Rng(1), opts, n),
      (e: unknown) =>
        e instanceof MdpInputError &&
        new RegExp(`n must be an integer ≥ 0, got ${n}`).test(e.message),
    );
  }
});

Deno.test("trajectories Sobel's variance equals the enumerated variance on a terminating chain with γ = 1", () => {
  // Each step: stop with reward 1 (prob 1/3) or continue with reward 2 (prob 2/3): prefixes grow linearly.
  const mdp = makeMdp({
    gamma: 1,
    terminal: [1],
    initial: [1, 0],
    outcomes: [[[{ next: 1, reward: 1, prob: 1 / 3 }, { next: 0, reward: 2, prob: 2 / 3 }]], []],
  });
  const m = returnMoments(mdp, [[1], [1]]);
  const d = enumeratePrefixes(mdp, { horizon: 120, policy: [[1], [1]] });
  const alive = d.expectation((p) => (p.terminated ? 0 : 1)); // (2/3)^120 ≈ 7e-22: negligible
  assert.ok(alive < 1e-20);
  const mean = d.expectation((p) => discountedSum(p, 1));
  const second = d.expectation((p) => discountedSum(p, 1) ** 2);
  // closed form: G = 2N + 1 with N ~ Geometric (failures before stop), E N = 2, Var N = 6
  assertClose(m.V[0]!, 5, { abs: 1e-12, rel: 0 }, "V");
  assertClose(m.varianceV[0]!, 24, { abs: 1e-10, rel: 0 }, "Var G closed form");
  assertClose(mean, m.V[0]!, { abs: 1e-10, rel: 0 }, "E G enumerated");
  assertClose(second - mean ** 2, m.varianceV[0]!, { abs: 1e-9, rel: 0 }, "Var G enumerated");
});

Deno.test("trajectories Sobel's variance from s and (s, a) matches truncated enumeration on random MDPs", () => {
  const H = 7;
  const arb = arbMdp({
    maxStates: 2,
    maxActions: 2,
    transitions: ["deterministic", "sparse"],
    gamma: fc.integer({ min: 0, max: 20 }).map((k) => k / 100),
  }).chain((mdp) => fc.tuple(fc.constant(mdp), arbPolicy(mdp.nStates, mdp.nActions)));
  checkProperty(
    {
      seed: seedFor("traj/sobel"),
      over: "random MDPs (≤ 2 states, ≤ 2 actions), γ ∈ [0, 0.2], H = 7",
      numRuns: 40,
    },
    arb,
    ([mdp, pi]: [FiniteMdp, Policy]) => {
      const m = returnMoments(mdp, pi);
      const R = mdp.rewardBound;
      const g = mdp.gamma;
      // |G − G_H| ≤ ε = γ^H R/(1−γ) and |G|, |G_H| ≤ B = R/(1−γ), so |G² − G_H²| ≤ 2Bε
      const eps = (g ** H * R) / (1 - g);
      const B = R / (1 - g);
      let worst = Infinity;
      for (let s = 0; s < mdp.nStates; s++) {
        const p0 = mdp.isTerminal.map((_, u) => (u === s ? 1 : 0));
        const d = enumeratePrefixes(mdp, { horizon: H, policy: pi, initial: p0 });
        const mean = d.expectation((p) => discountedSum(p, g));
        const second = d.expectation((p) => discountedSum(p, g) ** 2);
        const tolM = eps + 1e-10 * (1 + B);
        const tolS = 2 * B * eps + 1e-10 * (1 + B * B);
        worst = Math.min(
          worst,
          tolM - Math.abs(mean - m.V[s]!),
          tolS - Math.abs(second - m.secondV[s]!),
        );
        for (let a = 0; a < mdp.nActions; a++) {
          const pa = pi.map((
            row,
            u,
          ) => (u === s ? row.map((_, b) => (b === a ? 1 : 0)) : [...row]));
          const da = enumeratePrefixes(mdp, {
            horizon: H,
            policy: pi,
            initial: p0,
            override: { step: 0, policy: pa },
          });
          const sq = da.expectation((p) => discountedSum(p, g) ** 2);
          worst = Math.min(worst, tolS - Math.abs(sq - m.secondQ[s]![a]!));
        }
      }
      return worst;
    },
  );
});

Deno.test("trajectories sampled returns agree with Sobel's mean and variance (Monte Carlo band)", () => {
  const mdp = makeMdp({
    gamma: 0.8,
    initial: [1, 0],
    outcomes: [
      [[{ next: 1, reward: 1, prob: 0.5 }, { next: 0, reward: -1, prob: 0.5 }], [{
        next: 1,
        reward: 0,
        prob: 1,
      }]],
      [[{ next: 0, reward: 2, prob: 1 }], [{ next: 1, reward: 0.5, prob: 0.25 }, {
        next: 0,
        reward: -2,
        prob: 0.75,
      }]],
    ],
  });
  const pi: Policy = [[0.5, 0.5], [0.25, 0.75]];
  const m = returnMoments(mdp, pi);
  const seed = seedFor("traj/mc");
  const H = 120; // γ^H R/(1−γ) = 0.8^120 · 10 ≈ 2.3e-11: truncation far below the band
  const xs = sampleTrajectories(mdp, new Rng(seed), { horizon: H, policy: pi }, 20_000).map((p) =>
    discountedSum(p, 0.8)
  );
  const B = 2 / 0.2;
  assertMeanEquals(xs, m.V[0]!, {
    method: { kind: "empirical-bernstein", lo: -B, hi: B },
    seed,
    label: "E G",
  });
  assertVarianceEquals(xs, m.varianceV[0]!, { mean: m.V[0]!, lo: -B, hi: B, seed, label: "Var G" });
  // a plausible wrong answer (the variance of one reward, ignoring the future) is rejected
  assert.throws(() =>
    assertVarianceEquals(xs, m.varianceV[0]! * 0.7, {
      mean: m.V[0]!,
      lo: -B,
      hi: B,
      seed,
      label: "Var G",
    })
  );
});

Deno.test("trajectories the size limit counts exactly the prefixes built: a limit equal to the count is enough", () => {
  // two actions, the second never taken (π = (1, 0)); each step doubles the prefixes through
  // action 0's two outcomes, and a zero-probability outcome is not a prefix either
  const mdp = makeMdp({
    gamma: 0.5,
    initial: [1],
    outcomes: [[
      [{ next: 0, reward: 0, prob: 0.5 }, { next: 0, reward: 1, prob: 0.5 }, {
        next: 0,
        reward: 2,
        prob: 0,
      }],
      [{ next: 0, reward: 5, prob: 1 }],
    ]],
  });
  const exact = enumeratePrefixes(mdp, { horizon: 3, policy: [[1, 0]], maxPrefixes: 8 });
  assert.equal(exact.prefixes.length, 8);
  assert.throws(
    () => enumeratePrefixes(mdp, { horizon: 3, policy: [[1, 0]], maxPrefixes: 7 }),
    /more than 7 prefixes \(at least 8 at step 3\)/,
  );
});

Deno.test("trajectories sampleTrajectory draws one trajectory: n calls on a stream are sampleTrajectories(n) on it", () => {
  const mdp = makeMdp({
    gamma: 0.9,
    initial: [0.5, 0.5],
    outcomes: [
      [[{ next: 0, reward: 1, prob: 0.3 }, { next: 1, reward: 2, prob: 0.7 }], [{
        next: 1,
        reward: 3,
        prob: 1,
      }]],
      [[{ next: 0, reward: 4, prob: 0.6 }, { next: 1, reward: 5, prob: 0.4 }], [{
        next: 0,
        reward: 6,
        prob: 1,
      }]],
    ],
  });
  const opts = { horizon: 4, policy: [[0.5, 0.5], [0.2, 0.8]] };
  const one = new Rng(5);
  const singles = Array.from({ length: 6 }, () => sampleTrajectory(mdp, one, opts));
  assert.deepEqual(singles, sampleTrajectories(mdp, new Rng(5), opts, 6));
  assert.ok(
    singles.every((p) => p.rewards.length === 4),
    "no terminal state: every prefix has H steps",
  );
});

Deno.test("trajectories returnMoments of an MDP whose every state is terminal is 0 everywhere (no system to solve)", () => {
  const mdp = makeMdp({
    gamma: 1,
    terminal: [0, 1],
    outcomes: [[[{ next: 0, reward: 3, prob: 1 }]], [[{ next: 1, reward: 1, prob: 1 }]]],
  });
  const m = returnMoments(mdp, [[1], [1]]);
  assert.deepEqual(m.varianceV, [0, 0]);
  assert.deepEqual(m.varianceQ, [[0], [0]]);
  assert.deepEqual(m.secondV, [0, 0]);
});

Deno.test("returnMoments: a deterministic return has variance exactly 0, though E[G²] − V² rounds below 0", () => {
  // reward 1 forever with γ = 0.99: G = 100 on every path, and the computed E[G²] falls
  // about 7e-12 short of V², so the variance is 0 only because it is clipped there
  const mdp = makeMdp({ gamma: 0.99, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  const m = returnMoments(mdp, [[1]]);
  assert.ok(m.secondV[0]! - m.V[0]! ** 2 < 0, "the raw difference rounds below 0 here");
  assert.deepEqual(m.varianceV, [0]);
  assert.deepEqual(m.varianceQ, [[0]]);
});

Deno.test("trajectories a per-step policy that is not a policy is refused, naming its step", () => {
  const mdp = makeMdp({ gamma: 1, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]], initial: [1] });
  const policy: Policy = [[1]];
  const policyAt = (t: number): Policy => (t === 1 ? [[0.5]] : policy);
  assert.throws(
    () => sampleTrajectories(mdp, new Rng(1), { horizon: 3, policy, policyAt }, 1),
    (e: unknown) => e instanceof MdpInputError && /π at step 1/.test(e.message),
  );
  assert.equal(
    sampleTrajectories(mdp, new Rng(1), { horizon: 3, policy, policyAt: () => [[1]] }, 1).length,
    1,
  );
});
