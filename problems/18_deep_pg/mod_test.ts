import assert from "node:assert/strict";
import {
  cliffSpec,
  cliffWalk,
  edgePolicyActions,
  policyOutcome,
  rollout,
} from "../../shared/cliff/mod.ts";
import { makeMdp } from "../../shared/mdp/mod.ts";
import {
  createStackedMlp,
  disposeStackedMlp,
  stackedForwardAll,
  stackedPolicyTables,
  stackedValueTables,
} from "../../shared/mlp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import {
  assertAllClose,
  ConstantUniform,
  registerClaimTests,
  UsageError,
} from "../../shared/testing/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import { claims } from "./claims.ts";
import {
  batchStats,
  combineAttempts,
  defaultConfig,
  networkSeeds,
  resolveConfig,
  returnsToGo,
  type SeedRun,
  stackedPolicyLoss,
  stackedValueLoss,
  train,
  trainSeeds,
} from "./mod.ts";
import { expectedStats } from "./expected.ts";
import { accumulateBatch, flatStats } from "./returns.ts";
import { EpisodeBatch, flatOutcomes, FlatSampler } from "./sampler.ts";
import {
  episodesToTargetSummary,
  parseSweepArgs,
  reliabilitySweep,
  sweepCommand,
} from "./sweep.ts";
import { TargetCheck } from "./target.ts";

registerClaimTests(claims);

function oneHot(i: number, n: number): number[] {
  const row = new Array<number>(n).fill(0);
  row[i] = 1;
  return row;
}

Deno.test("18 returns-to-go are the undiscounted suffix sums, plus the bootstrap at a cut", () => {
  assert.deepEqual(returnsToGo([]), []);
  assert.deepEqual(returnsToGo([-1, -1, -1, -100]), [-103, -102, -101, -100]);
  assert.deepEqual(returnsToGo([-1, -1], -40), [-42, -41]);
});

Deno.test("18 the aggregated losses have the gradients of the per-step sums of the pseudo-code", async () => {
  await withNoTensorLeak("gradient cross-check", async () => {
    const walk = cliffWalk({ maxSteps: 6 }); // short: some episodes are cut
    const pi = createStackedMlp(48, 16, 4, [11], 0.5);
    const vf = createStackedMlp(48, 16, 1, [12]);
    const table = (await stackedPolicyTables(pi))[0]!;
    const V = (await stackedValueTables(vf))[0]!;
    const rng = new Rng(5);
    const batch = Array.from({ length: 6 }, () => rollout(walk, table, rng, { start: 24 }));
    assert.ok(batch.some((ep) => ep.truncated), "the batch should contain a cut episode");
    const stats = batchStats(batch, 48, 4, { baseline: V });
    // per step: targets Q̂_t with V(s_T) added after a cut
    const steps = batch.flatMap((ep) => {
      const G = returnsToGo(ep.rewards, ep.truncated ? V[ep.finalState]! : 0);
      return ep.states.map((s, t) => ({ s, a: ep.actions[t]!, G: G[t]! }));
    });
    const B = batch.length;
    const perStepPolicy = () =>
      tf.tidy(() => {
        const logp = tf.logSoftmax(tf.squeeze(stackedForwardAll(pi), [0])); // [S, A]
        // select log π(a_t | s_t) with a constant 0/1 matrix
        const select = tf.tensor2d(steps.map((x) => oneHot(x.s * 4 + x.a, 48 * 4))); // [T, S·A]
        const picked = tf.reshape(tf.matMul(select, tf.reshape(logp, [-1, 1])), [-1]); // [T, S·A] x [S·A, 1] -> [T]
        const adv = tf.tensor1d(steps.map((x) => x.G - V[x.s]!));
        return tf.div(tf.neg(tf.sum(tf.mul(picked, adv))), B) as tf.Scalar;
      });
    const perStepValue = () =>
      tf.tidy(() => {
        const select = tf.tensor2d(steps.map((x) => oneHot(x.s, 48))); // [T, S]
        const v = tf.reshape(tf.matMul(select, tf.squeeze(stackedForwardAll(vf), [0])), [-1]); // [T, S] x [S, 1] -> [T]
        const target = tf.tensor1d(steps.map((x) => x.G)); // data: no gradient flows into it
        return tf.div(tf.sum(tf.mul(0.5, tf.square(tf.sub(target, v)))), B) as tf.Scalar;
      });
    const W = tf.tensor3d([stats.policyWeights]);
    const n = tf.tensor2d([stats.visits]);
    const S = tf.tensor2d([stats.targetSums]);
    const pairs: [() => tf.Scalar, () => tf.Scalar, tf.Variable[]][] = [
      [perStepPolicy, () => stackedPolicyLoss(pi, W), pi.variables],
      [perStepValue, () => stackedValueLoss(vf, n, S), vf.variables],
    ];
    for (const [direct, aggregated, vars] of pairs) {
      const g1 = tf.variableGrads(direct, vars);
      const g2 = tf.variableGrads(aggregated, vars);
      for (const v of vars) {
        const a = Array.from(await g1.grads[v.name]!.data());
        const b = Array.from(await g2.grads[v.name]!.data());
        // float32 sums of up to a few hundred terms: 1e-4 relative, 1e-4 absolute
        assertAllClose(b, a, { abs: 1e-4, rel: 1e-4 }, `gradient of ${v.name}`);
      }
      tf.dispose([g1.value, g2.value, ...Object.values(g1.grads), ...Object.values(g2.grads)]);
    }
    tf.dispose([W, n, S]);
    disposeStackedMlp(pi);
    disposeStackedMlp(vf);
  });
});

Deno.test("18 batchStats: the sign, the average over episodes, the shifted and leaky mistakes", () => {
  const ep = {
    states: [0, 0],
    actions: [1, 1],
    rewards: [-1, -100],
    finalState: 1,
    truncated: false,
  };
  const st = batchStats([ep, ep], 2, 2, { mistake: "reversed-sign" });
  // Q̂ = [−101, −100]; sign −1; two identical episodes averaged
  assert.equal(st.policyWeights[0]![1], 201);
  assert.equal(st.visits[0], 2);
  assert.equal(st.targetSums[0], -201);
  // shifted: targets [−100, 0]
  assert.equal(batchStats([ep], 2, 2, { mistake: "shifted-returns" }).targetSums[0], -100);
  // leaky: the baseline is the batch's own mean target at state 0, so the weights sum to 0
  assert.equal(batchStats([ep], 2, 2, { mistake: "leaky-baseline" }).policyWeights[0]![1], 0);
});

/** A run without its wall times, the part of it that the seed and the configuration fix. */
function withoutTimes(run: SeedRun): Omit<SeedRun, "msToTarget"> & { timed: boolean } {
  const { msToTarget, ...rest } = run;
  return { ...rest, timed: msToTarget !== null };
}

Deno.test("18 batched training: each seed's run is bit for bit its run alone, also when the seeds stop at different updates", async () => {
  // each seed has its own slice of the stacked networks, the losses of different slices share
  // no parameter and Adam is elementwise, so nothing of a batch mate can reach a seed. With
  // the target −109.5 (gap 197.5) seed 2's initial policy (V ≈ −109.487) is already at the
  // target and stops at 0 episodes, while seed 1 (V ≈ −109.509) trains its whole budget
  // beside seed 2's finished slice
  const config = { budget: 48, episodesPerUpdate: 16, maxSteps: 20, targetGap: 197.5 };
  const [one] = await trainSeeds([1], config, { curve: true });
  const [two] = await trainSeeds([2], config, { curve: true });
  assert.deepEqual([one!.reached, one!.episodes, one!.curve.length], [false, 48, 4]);
  assert.deepEqual([two!.reached, two!.episodesToTarget, two!.curve.length], [true, 0, 1]);
  for (const order of [[1, 2], [2, 1]]) {
    const runs = await trainSeeds(order, config, { curve: true });
    runs.forEach((run, k) => {
      const alone = order[k] === 1 ? one! : two!;
      assert.deepEqual(withoutTimes(run), withoutTimes(alone), `seed ${order[k]} of [${order}]`);
    });
  }
});

Deno.test("18 a curve point of a policy that cannot end is −∞, not +∞ or a finite value", async () => {
  // Adam's first step moves every weight by about the learning rate: with 100 the logits are
  // hundreds apart, the float32 softmax rows one-hot, and a deterministic policy loops
  const [run] = await trainSeeds([1], { budget: 32, episodesPerUpdate: 16, policyLr: 100 }, {
    curve: true,
  });
  assert.ok(Number.isFinite(run!.curve[0]), `the uniform start is proper: ${run!.curve[0]}`);
  assert.equal(run!.final.proper, false);
  assert.deepEqual(run!.curve.slice(1), [-Infinity, -Infinity]);
});

Deno.test("18 batched training: a seed without a mistake is unaffected by a batch mate's value-target mistake", async () => {
  // the cut weights C of the "value-target-gradient" control are zero for every other seed
  // (the control's own episodes are cut, so its cut weights are not zero)
  const config = { budget: 48, episodesPerUpdate: 16, maxSteps: 20 };
  const [alone] = await trainSeeds([5], config, { curve: true });
  const mixed = await trainSeeds([5, 9], config, {
    curve: true,
    mistake: ["none", "value-target-gradient"],
  });
  assert.ok(mixed[1]!.truncatedFraction > 0, `${mixed[1]!.truncatedFraction}`);
  assert.deepEqual(withoutTimes(mixed[0]!), withoutTimes(alone!));
});

Deno.test("18 the policy read back from float32 is renormalised row by row: every row sums to 1 in float64", async () => {
  // the float32 softmax rows sum to 1 only to about 1e-7; each row divided by its own float64
  // total sums to 1 within a few roundings of the A = 4 quotients and their sum (≤ 1e-15)
  const [run] = await trainSeeds([7], { budget: defaultConfig.episodesPerUpdate });
  run!.policy.forEach((row, s) => {
    const total = row.reduce((acc, p) => acc + p, 0);
    assert.ok(Math.abs(total - 1) <= 1e-15, `state ${s}: row sums to ${total}`);
  });
});

Deno.test("18 with no update, every seed's policy is its network's float32 softmax rows renormalised in float64, and its baseline the value network's", async () => {
  // budget 0: the initial networks are only read. The reference builds each seed's two
  // networks on its own from networkSeeds and reads them through stackedPolicyTables, which
  // divides every float32 row by its own float64 sum
  const seeds = [3, 4, 6];
  const runs = await trainSeeds(seeds, { budget: 0 });
  const { hidden, outputScale } = defaultConfig;
  for (const [k, seed] of seeds.entries()) {
    const pi = createStackedMlp(48, hidden, 4, [networkSeeds(seed).policy], outputScale);
    const vf = createStackedMlp(48, hidden, 1, [networkSeeds(seed).value]);
    const [policy] = await stackedPolicyTables(pi);
    const [baseline] = await stackedValueTables(vf);
    disposeStackedMlp(pi);
    disposeStackedMlp(vf);
    assert.deepEqual(runs[k]!.policy, policy, `policy of seed ${seed}`);
    assert.deepEqual(runs[k]!.baseline, baseline, `baseline of seed ${seed}`);
    runs[k]!.policy.forEach((row, s) => {
      const total = row.reduce((acc, p) => acc + p, 0);
      assert.ok(Math.abs(total - 1) <= 1e-15, `seed ${seed}, state ${s}: row sums to ${total}`);
    });
  }
});

Deno.test("18 training without a seed is refused by trainSeeds itself", async () => {
  const refusal = { name: "RangeError", message: "trainSeeds: at least one seed is needed" };
  await assert.rejects(() => trainSeeds([]), refusal);
  await assert.rejects(() => trainSeeds([], {}, { mistake: [] }), refusal);
});

Deno.test("18 a walk with its own maxSteps cuts the episodes there; config.maxSteps cuts only a walk without one", async () => {
  // on the handout's walk cut after one move, an episode from the start either falls (right)
  // or is cut; with the config's 100 moves it would wander on
  const config = { budget: 16, episodesPerUpdate: 16 };
  const once = cliffWalk({ maxSteps: 1 });
  const [byWalk] = await trainSeeds([8], config, { walk: once, curve: true });
  const [byBoth] = await trainSeeds([8], { ...config, maxSteps: 1 }, { walk: once, curve: true });
  assert.deepEqual(byWalk, byBoth);
  assert.ok(byWalk!.truncatedFraction > 0.5, `${byWalk!.truncatedFraction}`);
  const endless = cliffWalk({ maxSteps: Infinity });
  const [byConfig] = await trainSeeds([8], { ...config, maxSteps: 1 }, {
    walk: endless,
    curve: true,
  });
  assert.deepEqual(byConfig, byBoth);
});

Deno.test("18 an entropy bonus decayed to 0 adds no term: β n_s that is 0 in float32, then β = 0, trains exactly as no bonus", async () => {
  // β_0 = 1e-60 makes β n_s round to 0 in float32 at the first update, and entropyEpisodes =
  // 16 makes β exactly 0 from the second update on: every entropy weight is 0, and the
  // gradient is the one without the bonus
  const config = { budget: 48, episodesPerUpdate: 16, maxSteps: 20 };
  const [none] = await trainSeeds([5], { ...config, entropy: 0 }, { curve: true });
  const [decayed] = await trainSeeds([5], { ...config, entropy: 1e-60, entropyEpisodes: 16 }, {
    curve: true,
  });
  assert.equal(none!.curve.length, 4);
  assert.deepEqual(decayed, none);
});

Deno.test("18 progress is reported after the first update: one update gives the one line of update 0", async () => {
  const lines: string[] = [];
  const config = { budget: 4, episodesPerUpdate: 4, maxSteps: 5 };
  await trainSeeds([2, 3], config, { onProgress: (line) => lines.push(line) });
  assert.deepEqual(lines, ["pg: update 0, 0/2 seeds at the target"]);
});

Deno.test("18 the learning curve's target check includes equality: a value exactly at 88 − targetGap is reached", async () => {
  // seed 1's initial V(start) = v ≈ −109.509; the gap 88 − v is a double with 88 − (88 − v)
  // = v exactly, so the target equals the value. The curve's solve and the bound check
  // (without the curve) must both count it as reached, at 0 episodes
  const [probe] = await trainSeeds([1], { budget: 0 }, { curve: true });
  const v = probe!.curve[0]!;
  const gap = 88 - v;
  assert.equal(88 - gap, v);
  for (const curve of [true, false]) {
    const [at] = await trainSeeds([1], { budget: 16, episodesPerUpdate: 16, targetGap: gap }, {
      curve,
    });
    assert.deepEqual(
      [at!.reached, at!.episodesToTarget, at!.final.value],
      [true, 0, v],
      `${curve}`,
    );
  }
  // the next smaller gap puts the target above v: not reached, the budget is spent
  const above = gap - 2 ** -45;
  assert.ok(88 - above > v);
  const [missed] = await trainSeeds([1], { budget: 0, targetGap: above }, { curve: true });
  assert.deepEqual([missed!.reached, missed!.episodesToTarget], [false, null]);
});

Deno.test("18 the baseline enters the update: with it on, the same seed's policy moves differently than with it off", async () => {
  // the value network starts near 0 (output scale 0.01), but not at 0: one update already
  // weights the returns differently; a baseline never read would give the same policy
  const config = { budget: defaultConfig.episodesPerUpdate };
  const [on] = await trainSeeds([7], { ...config, baseline: true });
  const [off] = await trainSeeds([7], { ...config, baseline: false });
  assert.notDeepEqual(on!.policy, off!.policy);
  assert.ok(on!.baseline.some((v) => v !== 0), "the baseline read is the value network's");
});

Deno.test("18 the training job reports the exact value, the target and a curve, leaking no tensors", async () => {
  const budget = 2 * defaultConfig.episodesPerUpdate;
  const before = performance.now();
  const report = await withNoTensorLeak("train pg", () => train({ seed: 3, budget }));
  // ms is the run's own wall time: positive and within the time the call took
  assert.ok(report.ms > 0 && report.ms <= performance.now() - before, `ms = ${report.ms}`);
  assert.equal(report.algorithm, "pg");
  assert.equal(report.episodes, budget);
  assert.equal(report.curve.length, 3);
  assert.equal(report.value, report.curve[2]!.value);
  assert.equal(report.episodesToTarget, null);
  assert.equal(report.greedyActions?.length, 48);
  assert.equal(report.reachedTarget, false);
  assert.equal(report.extra?.episodesToTarget, null);
  assert.equal(report.extra?.value, report.curve[report.curve.length - 1]!.value);
});

Deno.test("18 a target met by the second attempt: its time to target adds the first attempt's own time, within the call's", async () => {
  // budget 0: an attempt only evaluates its initial policy. Seed 1 starts at V(start) ≈ −109.509
  // and its second attempt's seed at ≈ −109.460, so the target −109.48 (gap 88 + 109.48) fails
  // the first and is met by the second at 0 episodes
  const before = performance.now();
  const report = await train({
    seed: 1,
    budget: 0,
    config: { attempts: 2, targetGap: 88 + 109.48 },
  });
  const elapsed = performance.now() - before;
  assert.equal(report.extra?.attempts, 2);
  assert.equal(report.reachedTarget, true);
  assert.equal(report.episodesToTarget, 0);
  // the summary names the attempt that met the target
  assert.ok(report.summary.endsWith("target after 0 episodes (attempt 2)"), report.summary);
  // durations, not clock readings: each is positive and no longer than the whole call
  const toTarget = report.msToTarget!;
  assert.ok(
    toTarget > 0 && toTarget <= report.ms && report.ms <= elapsed,
    `${toTarget}, ${elapsed}`,
  );
});

Deno.test("18 the sweep's episodes to target: the lower median and the largest of the runs that reached it", () => {
  const of = (xs: (number | null)[]) =>
    episodesToTargetSummary(xs.map((episodesToTarget) => ({ episodesToTarget })));
  assert.deepEqual(of([]), { median: null, worst: null });
  assert.deepEqual(of([null, null]), { median: null, worst: null });
  assert.deepEqual(of([48]), { median: 48, worst: 48 });
  // two hits: the lower, 16, not the upper 32 nor their mean 24
  assert.deepEqual(of([32, null, 16]), { median: 16, worst: 32 });
  // sorted as numbers, not as strings (16 < 128 < 1024)
  assert.deepEqual(of([1024, 16, 128]), { median: 128, worst: 1024 });
  assert.deepEqual(of([64, 16, 48, 32]), { median: 32, worst: 64 });
});

Deno.test("18 with a second attempt the curve continues at the episodes the first one used", async () => {
  const config = { episodesPerUpdate: 16, attempts: 2 };
  const report = await train({ seed: 1, budget: 32, config });
  assert.equal(report.episodes, 64);
  assert.ok(report.summary.endsWith("target not reached (attempt 2)"), report.summary);
  // a single attempt is not numbered
  const single = await train({ seed: 1, budget: 32, config: { episodesPerUpdate: 16 } });
  assert.ok(single.summary.endsWith("target not reached"), single.summary);
  assert.deepEqual(report.curve.map((p) => p.episode), [0, 16, 32, 32, 48, 64]);
});

Deno.test("18 attempts joined: a later attempt's episodes, curve and time to target start where the earlier ones stopped", () => {
  // the first two attempts ran out of budget (the second stopped between updates), the third
  // met the target after 8 of its own episodes
  const failed = {
    episodes: 12,
    curve: [-90, -70, -60, -55],
    episodesToTarget: null,
    msToTarget: null,
  };
  const cut = { episodes: 6, curve: [-80, -65, -50], episodesToTarget: null, msToTarget: null };
  const ok = { episodes: 8, curve: [-75, -20, 84], episodesToTarget: 8, msToTarget: 5 };
  const c = combineAttempts([failed, cut, ok], 4, 100);
  assert.equal(c.episodes, 26);
  assert.equal(c.episodesToTarget, 12 + 6 + 8);
  assert.equal(c.msToTarget, 105);
  assert.deepEqual(c.curve.map((p) => p.episode), [0, 4, 8, 12, 12, 16, 18, 18, 22, 26]);
  assert.deepEqual(c.curve.map((p) => p.value), [...failed.curve, ...cut.curve, ...ok.curve]);
  // one attempt is itself; a last attempt that missed leaves no target
  assert.deepEqual(combineAttempts([ok], 4, 0), {
    episodes: 8,
    curve: [{ episode: 0, value: -75 }, { episode: 4, value: -20 }, { episode: 8, value: 84 }],
    episodesToTarget: 8,
    msToTarget: 5,
  });
  const missed = combineAttempts([ok, failed], 4, 7);
  assert.equal(missed.episodesToTarget, null);
  assert.equal(missed.msToTarget, null);
  assert.throws(() => combineAttempts([], 4, 0), /at least one attempt/);
});

Deno.test("18 bad configuration is refused with the field named", async () => {
  assert.throws(
    () => resolveConfig({ episodesPerUpdate: 0 }),
    /PgConfig\.episodesPerUpdate must be a positive integer, got 0/,
  );
  assert.throws(() => resolveConfig({ policyLr: -1 }), /PgConfig\.policyLr must be > 0, got -1/);
  assert.throws(() => resolveConfig({ start: "left" as "start" }), /PgConfig\.start/);
  assert.throws(() => resolveConfig({ nope: 1 } as never), /PgConfig has no field "nope"/);
  await assert.rejects(() => train({ seed: 1, config: { hidden: 0 } }), /PgConfig\.hidden/);
});

Deno.test("18 the sweep counts successes and reports the Clopper–Pearson bound", async () => {
  const r = await reliabilitySweep({ seeds: 2, config: { budget: 64 } });
  assert.equal(r.runs.length, 2);
  assert.equal(r.reliability.successes, 0);
  assert.equal(r.reliability.lowerBound, 0);
});

Deno.test("18 the flat sampler draws exactly the episodes of rollout from the same random source", () => {
  for (const slippery of [false, true]) {
    const walk = cliffWalk({ slippery, maxSteps: 25 });
    const rng = new Rng(slippery ? 8 : 9);
    // a random table with some zeros, rows summing to 1
    const table = Array.from({ length: 48 }, (_, s) => {
      const w = [0, 1, 2, 3].map((a) => ((s + a) % 3 === 0 ? 0 : rng.uniform()));
      const t = w.reduce((x, y) => x + y, 0);
      return w.map((x) => x / t);
    });
    const sampler = new FlatSampler(walk);
    sampler.load(table.flat());
    const batch = new EpisodeBatch(30, 25);
    const a = new Rng(77);
    const b = new Rng(77);
    for (let i = 0; i < 30; i++) {
      const start = [36, 24, 13][i % 3]!;
      sampler.sample(a, start, batch);
      const ep = rollout(walk, table, b, { start });
      const base = i * 25;
      const what = `slippery ${slippery}, episode ${i}`;
      assert.equal(batch.lengths[i], ep.length, what);
      assert.deepEqual(Array.from(batch.states.subarray(base, base + ep.length)), ep.states, what);
      assert.deepEqual(
        Array.from(batch.actions.subarray(base, base + ep.length)),
        ep.actions,
        what,
      );
      assert.deepEqual(
        Array.from(batch.rewards.subarray(base, base + ep.length)),
        ep.rewards,
        what,
      );
      assert.equal(batch.finalStates[i], ep.finalState, what);
      // the flag is exactly 1 for a cut episode and 0 for one that ended
      assert.equal(batch.truncated[i], ep.truncated ? 1 : 0, what);
    }
  }
});

Deno.test("18 the flat sampler takes the last outcome when the draw is past the outcomes' float sum, as rollout", () => {
  // 0.7 + 0.2 + 0.1 is 1 − 2^-53 in float64: a draw of 1 − 2^-53 passes every partial sum,
  // and both samplers must then fall back to the last outcome, not run past the list
  const base = cliffWalk({ slippery: true, maxSteps: 1 });
  const start = base.start;
  const outcomes = base.outcomes.map((row, s) =>
    s !== start ? row : row.map((list) => list.map((o, i) => ({ ...o, prob: [0.7, 0.2, 0.1][i]! })))
  );
  assert.equal(0.7 + 0.2 + 0.1, 1 - 2 ** -53);
  const walk = { ...base, outcomes };
  const table = Array.from({ length: 48 }, () => [0.25, 0.25, 0.25, 0.25]);
  const sampler = new FlatSampler(walk);
  sampler.load(table.flat());
  const batch = new EpisodeBatch(1, 1);
  sampler.sample(new ConstantUniform(1 - 2 ** -53), start, batch);
  const ep = rollout(walk, table, new ConstantUniform(1 - 2 ** -53), { start });
  const last = walk.outcomes[start]![3]!.at(-1)!;
  assert.deepEqual([batch.actions[0], batch.finalStates[0]], [3, last.next]);
  assert.deepEqual([ep.actions[0], ep.finalState], [3, last.next]);
});

Deno.test("18 the target check's bound is above the exact value and its decisions are the solve's", () => {
  const walk = cliffWalk();
  const rng = new Rng(21);
  const edge = edgePolicyActions(walk);
  for (let i = 0; i < 60; i++) {
    // policies from uniform to nearly the edge path: sharpness 0 … 12
    const sharp = i / 5;
    const flat = edge.flatMap((best) => {
      const z = [0, 1, 2, 3].map((a) => (a === best ? sharp : 0) + rng.normal());
      const e = z.map(Math.exp);
      const t = e.reduce((x, y) => x + y, 0);
      return e.map((x) => x / t);
    });
    const rows = Array.from({ length: 48 }, (_, s) => flat.slice(4 * s, 4 * s + 4));
    const exact = policyOutcome(walk, rows);
    for (const target of [-120, 0, 60, 83, 87]) {
      const check = new TargetCheck(walk, target);
      const bound = check.upperBound(flat);
      if (exact.proper) assert.ok(bound >= exact.value - 1e-9, `bound ${bound} < V ${exact.value}`);
      assert.equal(
        check.decide(flat).reached,
        exact.proper && exact.value >= target,
        `policy ${i}, target ${target}: V = ${exact.value}, bound ${bound}`,
      );
    }
  }
});

/**
 * The expected ascent step of a tabular softmax policy (logits θ[s][a]) as training takes it:
 * d(s) π(a | s) (Q_γ(s, a) − V_γ(s)) + β d(s) ∂H(π(· | s))/∂θ[s][a], with d the undiscounted
 * expected visits and ∂H/∂z_a = −π_a (log π_a + H).
 */
function expectedStepField(theta: number[][], gamma: number, beta: number): number[][] {
  const walk = cliffWalk({ gamma });
  const table = theta.map((z) => {
    const m = Math.max(...z);
    const e = z.map((x) => Math.exp(x - m));
    const t = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / t);
  });
  const o = policyOutcome(walk, table, walk.start, { visits: true });
  return table.map((p, s) => {
    if (walk.isTerminal[s]) return p.map(() => 0);
    const H = -p.reduce((acc, x) => acc + x * Math.log(x), 0);
    return p.map((pa, a) => {
      const q = walk.outcomes[s]![a]!.reduce(
        (acc, x) => acc + x.prob * (x.reward + gamma * o.values[x.next]!),
        0,
      );
      return o.visits[s]! * (pa * (q - o.values[s]!) - beta * pa * (Math.log(pa) + H));
    });
  });
}

Deno.test("18 with γ < 1 or an entropy bonus the expected step is not a gradient field: its Jacobian is not symmetric", () => {
  const rng = new Rng(3);
  const theta = Array.from({ length: 48 }, () => [0, 1, 2, 3].map(() => 1.5 * rng.normal()));
  const h = 1e-4;
  // ∂G_i/∂θ_j by central differences (each G from two linear solves)
  const jacobian = (i: number[], j: number[], gamma: number, beta: number) => {
    const plus = theta.map((r) => [...r]);
    const minus = theta.map((r) => [...r]);
    plus[j[0]!]![j[1]!]! += h;
    minus[j[0]!]![j[1]!]! -= h;
    const gp = expectedStepField(plus, gamma, beta)[i[0]!]![i[1]!]!;
    const gm = expectedStepField(minus, gamma, beta)[i[0]!]![i[1]!]!;
    return (gp - gm) / (2 * h);
  };
  // (start, up) and its neighbours on and beside the edge path
  const pairs = [[[36, 0], [24, 1]], [[24, 1], [25, 1]], [[36, 0], [26, 3]], [[24, 0], [12, 1]]];
  const asymmetry = (gamma: number, beta: number) =>
    Math.max(...pairs.map(([i, j]) => {
      const a = jacobian(i!, j!, gamma, beta);
      const b = jacobian(j!, i!, gamma, beta);
      return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }));
  // γ = 1, β = 0: the field is ∇J, so its Jacobian is the Hessian of J (difference error ~1e-9)
  const exact = asymmetry(1, 0);
  assert.ok(exact < 1e-6, `γ = 1, β = 0: relative asymmetry ${exact} should be ~0`);
  for (const [gamma, beta] of [[0.97, 0], [1, 5], [0.97, 5]]) {
    const a = asymmetry(gamma!, beta!);
    assert.ok(a > 1e-3, `γ = ${gamma}, β = ${beta}: relative asymmetry ${a} should be far from 0`);
  }
});

Deno.test("18 the target check's bound is (T^π)^40 U with U from value iteration, computed from the walk's outcomes", () => {
  const walk = cliffWalk();
  const rng = new Rng(22);
  const S = walk.nStates;
  // Σ_{s'} p (r + U(s')) with U = 0 at terminal states, straight from the outcome lists
  const backup = (u: number[], s: number, a: number) =>
    walk.outcomes[s]![a]!.reduce(
      (acc, o) => acc + o.prob * (o.reward + (walk.isTerminal[o.next] ? 0 : u[o.next]!)),
      0,
    );
  // U: value iteration with T* from the largest reward, run to its float64 fixed point
  const rMax = Math.max(0, ...walk.outcomes.flat(2).map((o) => o.reward));
  let u = Array.from({ length: S }, (_, s) => (walk.isTerminal[s] ? 0 : rMax));
  for (let changed = true; changed;) {
    const next = u.map((_, s) =>
      walk.isTerminal[s] ? 0 : Math.max(...[0, 1, 2, 3].map((a) => backup(u, s, a)))
    );
    changed = next.some((x, s) => x !== u[s]);
    u = next;
  }
  for (let i = 0; i < 5; i++) {
    const flat = Array.from({ length: S * 4 }, () => rng.uniform());
    for (let s = 0; s < S; s++) {
      const t = flat.slice(4 * s, 4 * s + 4).reduce((a, b) => a + b, 0);
      for (let a = 0; a < 4; a++) flat[4 * s + a]! /= t;
    }
    let v = u;
    for (let k = 0; k < 40; k++) {
      v = v.map((_, s) =>
        walk.isTerminal[s]
          ? 0
          : [0, 1, 2, 3].reduce((acc, a) => acc + flat[4 * s + a]! * backup(v, s, a), 0)
      );
    }
    const bound = new TargetCheck(walk, -Infinity).upperBound(flat);
    // 40 sweeps of sums of ≤ 4 × 2 terms of size ≤ 100: 1e-9
    assert.ok(
      Math.abs(bound - v[walk.start]!) <= 1e-9,
      `policy ${i}: ${bound} vs ${v[walk.start]}`,
    );
  }
});

Deno.test("18 the sweep's median and worst episodes to target are null when no run reaches it", async () => {
  const r = await reliabilitySweep({ seeds: 1, config: { budget: 16 } });
  assert.equal(r.reliability.successes, 0);
  assert.deepEqual(r.episodesToTarget, { median: null, worst: null });
});

Deno.test("18 the sweep's median and worst of a single run that reaches the target are its episodes to target", async () => {
  // a target 10^6 below V*(start) is met by the starting policy, before any episode
  const r = await reliabilitySweep({ seeds: 1, config: { budget: 16, targetGap: 1e6 } });
  assert.deepEqual(r.runs.map((run) => run.episodesToTarget), [0]);
  assert.deepEqual(r.episodesToTarget, { median: 0, worst: 0 });
});

Deno.test("18 the sweep command prints the summary and a line per seed that missed, exits 0, and refuses a bad argument", async () => {
  const missed: string[] = [];
  assert.equal(await sweepCommand(["--seeds", "2", "--budget", "16"], (l) => missed.push(l)), 0);
  assert.equal(missed.length, 3, missed.join("\n"));
  assert.ok(
    missed[0]!.startsWith(
      `p0 = start: 0/2 seeds reached V(start) ≥ ${88 - defaultConfig.targetGap} within 16 ` +
        "episodes; Clopper–Pearson lower bound 0.000 at 1e-6; episodes to target median null, " +
        "worst null; ",
    ),
    missed[0],
  );
  assert.ok(
    missed.slice(1).every((l) => /^ {2}seed \d+: V\(start\) = -?\d+\.\d\d, P\(goal\) = /.test(l)),
  );
  // a target 10^6 below V*(start) is met at once: no seed line follows the summary
  const met: string[] = [];
  await sweepCommand(
    ["--seeds", "1", "--budget", "16", "--targetGap", "1000000"],
    (l) => met.push(l),
  );
  assert.equal(met.length, 1, met.join("\n"));
  assert.ok(
    met[0]!.startsWith("p0 = start: 1/1 seeds reached V(start) ≥ -999912 within 16"),
    met[0],
  );
  await assert.rejects(() => sweepCommand(["--seeds", "0"], () => {}), UsageError);
});

Deno.test("18 a batch of episodes without steps gives zero statistics", () => {
  const ep = { states: [], actions: [], rewards: [], finalState: 36, truncated: true };
  const st = batchStats([ep, ep], 48, 4);
  assert.ok(st.policyWeights.flat().every((x) => x === 0));
  // no episodes at all is refused: an average over an empty batch is 0/0
  assert.throws(() => batchStats([], 48, 4), /^RangeError: batchStats: empty batch$/);
  const empty = new EpisodeBatch(2, 3);
  assert.throws(
    () => accumulateBatch(empty, 4, {}, flatStats(48, 4)),
    /^RangeError: accumulateBatch: empty batch$/,
  );
});

Deno.test("18 every numeric field of the configuration is refused just past its bound and accepted at it", () => {
  const refused = (field: string, value: unknown) =>
    assert.throws(() => resolveConfig({ [field]: value }), RangeError, `${field} = ${value}`);
  for (const field of ["hidden", "episodesPerUpdate", "maxSteps", "attempts"]) {
    resolveConfig({ [field]: 1 });
    refused(field, 0);
    refused(field, 1.5);
  }
  resolveConfig({ budget: 0 });
  refused("budget", -1);
  refused("budget", 0.5);
  for (const field of ["outputScale", "targetGap", "entropy"]) {
    resolveConfig({ [field]: 0 });
    refused(field, -1e-9);
    refused(field, Infinity);
  }
  for (const field of ["policyLr", "valueLr", "entropyEpisodes"]) {
    resolveConfig({ [field]: 1e-9 });
    refused(field, 0);
    refused(field, Infinity);
  }
  resolveConfig({ discount: 1 });
  resolveConfig({ discount: 1e-9 });
  refused("discount", 0);
  refused("discount", 1 + 1e-9);
  refused("truncation", "none");
  refused("baseline", 1);
});

Deno.test("18 flatOutcomes indexes every (s, a) of the walk: first[s·A + a] … first[s·A + a + 1] − 1 are its outcome list, in order", () => {
  for (const slippery of [false, true]) {
    const walk = cliffWalk({ slippery });
    const A = walk.nActions;
    const f = flatOutcomes(walk);
    // one entry per (s, a) plus the end of the last list
    assert.equal(f.first.length, walk.nStates * A + 1);
    assert.equal(f.first[0], 0);
    assert.equal(f.first[walk.nStates * A], f.next.length);
    for (let s = 0; s < walk.nStates; s++) {
      for (let a = 0; a < A; a++) {
        const lo = f.first[s * A + a]!;
        const hi = f.first[s * A + a + 1]!;
        const list = walk.isTerminal[s] ? [] : walk.outcomes[s]![a]!;
        const got = Array.from({ length: hi - lo }, (_, i) => ({
          prob: f.prob[lo + i],
          next: f.next[lo + i],
          reward: f.reward[lo + i],
        }));
        assert.deepEqual(got, list.map((o) => ({ prob: o.prob, next: o.next, reward: o.reward })));
      }
    }
  }
});

Deno.test("18 the flat sampler draws from each row normalised by its total, as rollout: a row summing to 1.0005 with U = 1/2 takes the second action", () => {
  // rows may sum to 1 within 1e-3; sampleAction compares U · Σ_a π(a | s) with the running
  // sums, i.e. draws from π / Σπ. Here P(a = 0) = 0.5 / 1.0005 < 1/2 = U, so the inverse CDF
  // gives action 1; comparing U / Σπ = 0.49975… instead would give action 0
  const walk = cliffWalk({ maxSteps: 1 });
  const table = Array.from({ length: 48 }, () => [0.5, 0.5005, 0, 0]);
  const sampler = new FlatSampler(walk);
  sampler.load(table.flat());
  const batch = new EpisodeBatch(1, 1);
  sampler.sample(new ConstantUniform(0.5), walk.start, batch);
  assert.equal(batch.actions[0], 1);
  assert.equal(rollout(walk, table, new ConstantUniform(0.5)).actions[0], 1);
});

Deno.test("18 the value iteration behind the target check's bound stops at the first sweep that changes nothing", () => {
  // the classic walk has no positive reward at all: its iteration starts from the constant 0
  const walks = [{}, { slippery: true }, { variant: "terminal-only" as const }, {
    variant: "classic" as const,
  }];
  for (const options of walks) {
    const walk = cliffWalk(options);
    const S = walk.nStates;
    const backup = (u: number[], s: number, a: number) =>
      walk.outcomes[s]![a]!.reduce(
        (acc, o) => acc + o.prob * (o.reward + (walk.isTerminal[o.next] ? 0 : u[o.next]!)),
        0,
      );
    // sweeps of T* from the constant max(0, r_max) until one leaves every state unchanged
    const rMax = Math.max(0, ...walk.outcomes.flat(2).map((o) => o.reward));
    let u = Array.from({ length: S }, (_, s) => (walk.isTerminal[s] ? 0 : rMax));
    let sweeps = 0;
    for (let changed = true; changed; sweeps++) {
      const next = u.map((_, s) =>
        walk.isTerminal[s] ? 0 : Math.max(...[0, 1, 2, 3].map((a) => backup(u, s, a)))
      );
      changed = next.some((x, s) => x !== u[s]);
      u = next;
    }
    const check = new TargetCheck(walk, -Infinity);
    assert.equal(check.valueSweeps, sweeps, JSON.stringify(options));
  }
  // γ < 1 admits no bound: no value iteration at all
  assert.equal(new TargetCheck(cliffWalk({ gamma: 0.97 }), 0).valueSweeps, 0);
});

Deno.test("18 on a walk where a state can never end, the target check's value iteration stops after 10 000 sweeps with a bound that still holds", () => {
  // state 0 (top left) loops onto itself with reward −1 whatever the action: V*(0) = −∞, and
  // each sweep of T* lowers its bound by exactly 1 from r_max = 100
  const base = cliffWalk();
  const outcomes = base.outcomes.map((row, s) =>
    s !== 0 ? row : row.map(() => [{ next: 0, reward: -1, prob: 1 }])
  );
  const walk = { ...base, outcomes };
  const check = new TargetCheck(walk, -Infinity, 0);
  assert.equal(check.valueSweeps, 10_000);
  // then 40 applications of T^π lower it by 1 each: U(0) = 100 − 10 000 − 40
  const uniform = new Array(48 * 4).fill(0.25);
  assert.equal(check.upperBound(uniform), 100 - 10_000 - 40);
  // the rest of the walk settled: from the start the bound is still the handout's V*(start)
  const edge = edgePolicyActions(base).flatMap((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  assert.equal(new TargetCheck(walk, -Infinity).upperBound(edge), 88);
});

Deno.test("18 the target check bounds only walks with γ = 1 and no positive reward into a live state, and decides the others by the solve", () => {
  const edge = (walk: ReturnType<typeof cliffWalk>) =>
    edgePolicyActions(walk).flatMap((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  // a reward of exactly 0 into live states (terminal-only) still admits the bound
  const zero = cliffWalk({ variant: "terminal-only" });
  assert.equal(new TargetCheck(zero, -Infinity).upperBound(edge(zero)), 100);
  // γ just below 1, or a step reward just above 0: no bound, and the decision is the solve's
  for (const walk of [cliffWalk({ gamma: 1 - 1e-9 }), cliffWalk({ stepReward: 1e-9 })]) {
    const check = new TargetCheck(walk, 50);
    assert.equal(check.upperBound(edge(walk)), Infinity);
    const exact = policyOutcome(
      walk,
      Array.from({ length: 48 }, (_, s) => edge(walk).slice(4 * s, 4 * s + 4)),
    );
    const d = check.decide(edge(walk));
    assert.equal(d.reached, exact.proper && exact.value >= 50);
    assert.equal(d.outcome?.value, exact.value);
    assert.equal(check.solves, 1);
  }
});

Deno.test("18 the episode batch and the flat sampler refuse bad input at each boundary and accept it just inside", () => {
  new EpisodeBatch(1, 1);
  for (const [capacity, maxSteps] of [[0, 1], [1.5, 1], [1, 0], [1, 1.5]]) {
    assert.throws(
      () => new EpisodeBatch(capacity!, maxSteps!),
      RangeError,
      `${capacity}, ${maxSteps}`,
    );
  }
  const walk = cliffWalk({ maxSteps: 3 });
  const sampler = new FlatSampler(walk);
  const rows = (row: number[]) => Array.from({ length: 48 }, () => row).flat();
  // live rows must sum to 1 within 1e-3 (as sampleAction), entries ≥ 0 (0 allowed)
  sampler.load(rows([0.25, 0.25, 0.25, 0.2509]));
  sampler.load(rows([0.25, 0.25, 0.25, 0.2491]));
  sampler.load(rows([0, 0.5, 0.5, 0]));
  assert.throws(() => sampler.load(rows([0.25, 0.25, 0.25, 0.2511])), /sums to 1\.001/);
  assert.throws(() => sampler.load(rows([0.25, 0.25, 0.25, 0.2489])), /sums to 0\.998/);
  assert.throws(() => sampler.load(rows([-1e-12, 0.5, 0.5, 1e-12])), /is not ≥ 0/);
  // terminal rows are not checked: zeros there are fine
  sampler.load(
    Array.from(
      { length: 48 },
      (_, s) => walk.isTerminal[s] ? [0, 0, 0, 0] : [0.25, 0.25, 0.25, 0.25],
    ).flat(),
  );
  // a batch of capacity 1 takes one episode, then is full; a terminal start is refused
  const batch = new EpisodeBatch(1, 3);
  assert.throws(() => sampler.sample(new Rng(1), walk.goal, batch), /not live/);
  assert.equal(batch.size, 0);
  sampler.sample(new Rng(1), walk.start, batch);
  assert.equal(batch.size, 1);
  assert.throws(() => sampler.sample(new Rng(1), walk.start, batch), /full/);
});

Deno.test("18 the sweep's command line: seeds, start and numeric fields, and a clear error for anything else", () => {
  assert.deepEqual(parseSweepArgs([]), { seeds: 40, start: "start", overrides: {} });
  assert.deepEqual(
    parseSweepArgs(["--start", "live", "--seeds", "1", "--entropy", "0", "--budget", "2.5e3"]),
    { seeds: 1, start: "live", overrides: { entropy: 0, budget: 2500 } },
  );
  for (
    const bad of [
      ["--start", "3"], // a numeric value for a field that is not numeric
      ["--nope", "1"], // not a field of the configuration
      ["xxbudget", "1"], // a field without its dashes
      ["--seeds", "0"],
      ["--seeds", "1.5"],
      ["--budget", "x"],
      ["--budget", "Infinity"],
      ["--budget"],
    ]
  ) {
    assert.throws(
      () => parseSweepArgs(bad),
      (e) => e instanceof UsageError && e.message.startsWith(`bad argument ${bad.join(" ")}`),
      bad.join(" "),
    );
  }
});

Deno.test("18 expectedStats refuses a horizon that is not a positive integer, and takes 1", () => {
  const walk = cliffWalk();
  const table = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  const zero = new Array<number>(48).fill(0);
  for (const h of [0, -2, 1.5, NaN, Infinity]) {
    assert.throws(
      () => expectedStats(walk, table, zero, null, h),
      (e: unknown) =>
        e instanceof RangeError && e.message === `horizon must be a positive integer, got ${h}`,
    );
  }
  // one move up from the start, then the episode is cut: its return-to-go is the −1 of that
  // move plus the bootstrap value of where it stands (nothing without a bootstrap)
  assert.equal(expectedStats(walk, table, zero, null, 1).policyWeights[36]![0], -1);
  const five = zero.map(() => 5);
  assert.equal(expectedStats(walk, table, zero, five, 1).policyWeights[36]![0], 4);
  // two moves: −1 − 1, and the cut after the second
  assert.equal(expectedStats(walk, table, zero, null, 2).policyWeights[36]![0], -2);
  assert.equal(expectedStats(walk, table, zero, null, 2).visits[36], 1);
});

Deno.test("18 expectedStats refuses a table, baseline or bootstrap that is not finite, and accepts zeros", () => {
  const walk = cliffWalk();
  const uniform = () => Array.from({ length: 48 }, () => [0.25, 0.25, 0.25, 0.25]);
  const zero = new Array<number>(48).fill(0);
  const withEntry = (s: number, a: number, p: number) => {
    const t = uniform();
    t[s]![a] = p;
    return t;
  };
  // zeros are allowed everywhere (a deterministic policy, a zero baseline and bootstrap)
  expectedStats(walk, withEntry(36, 2, 0), zero, zero, 3);
  for (const p of [-1e-12, Number.NaN, Infinity]) {
    assert.throws(
      () => expectedStats(walk, withEntry(36, 2, p), zero, null, 3),
      new RegExp(`table entry \\(36, 2\\) is ${p}, not a finite number ≥ 0`),
    );
  }
  assert.throws(
    () => expectedStats(walk, uniform().slice(1), zero, null, 3),
    /table has 47 rows, not 48/,
  );
  assert.throws(
    () =>
      expectedStats(
        walk,
        withEntry(5, 0, 1).map((r, s) => (s === 5 ? r.slice(1) : r)),
        zero,
        null,
        3,
      ),
    /table row 5 has 3 entries, not 4/,
  );
  const bad = zero.map((x, s) => (s === 7 ? Number.NaN : x));
  assert.throws(
    () => expectedStats(walk, uniform(), bad, null, 3),
    /baseline entry 7 is NaN, not finite/,
  );
  assert.throws(
    () => expectedStats(walk, uniform(), zero, bad, 3),
    /bootstrap entry 7 is NaN, not finite/,
  );
  assert.throws(
    () => expectedStats(walk, uniform(), zero, zero.map((x, s) => (s === 0 ? -Infinity : x)), 3),
    /bootstrap entry 0 is -Infinity, not finite/,
  );
  assert.throws(
    () => expectedStats(walk, uniform(), zero.slice(1), null, 3),
    /baseline has 47 entries, not 48/,
  );
  assert.throws(
    () => expectedStats(walk, uniform(), zero, [...zero, 0], 3),
    /bootstrap has 49 entries, not 48/,
  );
});

Deno.test("18 accumulateBatch reads only the batch's first `size` episodes: a stale episode past them changes nothing", () => {
  // a batch is reused between updates (size reset to 0, then refilled), so slots at and past
  // `size` may hold an earlier update's episode; only the counted ones may enter the losses
  const batch = new EpisodeBatch(2, 2);
  // episode 0: s = 0 --a=1--> s = 1 --a=0--> terminal 2, rewards −1 and 100
  batch.states.set([0, 1]);
  batch.actions.set([1, 0]);
  batch.rewards.set([-1, 100]);
  batch.lengths[0] = 2;
  batch.finalStates[0] = 2;
  // the stale slot 1: one step at s = 0 with action 0, cut at s = 1
  batch.states.set([0], 2);
  batch.actions.set([0], 2);
  batch.rewards.set([-5], 2);
  batch.lengths[1] = 1;
  batch.finalStates[1] = 1;
  batch.truncated[1] = 1;
  batch.size = 1;
  const out = flatStats(3, 2);
  // by hand, B = 1, V = (0, 10, 0): Q̂ = (99, 100), W[0, 1] = 99 − 0, W[1, 0] = 100 − 10
  const truncated = accumulateBatch(batch, 2, { baseline: [0, 10, 0] }, out);
  assert.equal(truncated, 0);
  assert.deepEqual(Array.from(out.policyWeights), [0, 99, 90, 0, 0, 0]);
  assert.deepEqual(Array.from(out.visits), [1, 1, 0]);
  assert.deepEqual(Array.from(out.targetSums), [99, 100, 0]);
  assert.deepEqual(Array.from(out.cutWeights), [0, 0, 0]);
});

Deno.test("18 accumulateBatch ignores a scratch buffer shorter than maxSteps · size and allocates its own", () => {
  const batch = new EpisodeBatch(2, 3);
  batch.states.set([0, 1, 0, 1, 0, 0]);
  batch.actions.set([1, 0, 0, 1, 1, 0]);
  batch.rewards.set([-1, 100, 0, -1, -1, 0]);
  batch.lengths.set([2, 2]);
  batch.finalStates.set([2, 2]);
  batch.size = 2;
  const expected = flatStats(3, 2);
  accumulateBatch(batch, 2, {}, expected);
  const got = flatStats(3, 2);
  accumulateBatch(batch, 2, {}, got, new Float64Array(1));
  assert.deepEqual(Array.from(got.policyWeights), Array.from(expected.policyWeights));
  assert.deepEqual(Array.from(got.targetSums), Array.from(expected.targetSums));
  // the hand value at (s 0, a 1): Q̂ = −1 + 100 = 99 (episode 0, t = 0) and Q̂ = −1
  // (episode 1, t = 1), summed and averaged over the 2 episodes
  assert.equal(expected.policyWeights[0 * 2 + 1], (99 - 1) / 2);
});

Deno.test("18 every episode of an update is counted: on a walk no episode can finish, the truncated fraction is exactly 1", async () => {
  // the classic walk sends a cliff move back to the start, so one move from the start never ends
  const walk = cliffWalk({ variant: "classic", maxSteps: 1 });
  const [run] = await trainSeeds([3], { budget: 4, episodesPerUpdate: 4, maxSteps: 1 }, { walk });
  assert.equal(run!.episodes, 4);
  assert.equal(run!.truncatedFraction, 1);
});

Deno.test("18 the flat sampler's outcome draw equal to a running sum takes the next outcome, as sampleTransition", () => {
  // (start, up) on the slippery walk: left (a wall, stays at 36), up (24), right (the cliff,
  // 37), 1/3 each; the running sums 1/3 and 1/3 + 1/3 = 2/3 are exact doubles. The inverse
  // CDF compares draw < sum, so a draw equal to a sum belongs to the outcome after it
  const walk = cliffWalk({ slippery: true, maxSteps: 1 });
  const start = walk.start;
  assert.deepEqual(walk.outcomes[start]![0]!.map((o) => o.next), [36, 24, 37]);
  assert.equal(1 / 3 + 1 / 3, 2 / 3);
  // π(up | s) = 1 everywhere: the action draw always takes up
  const table = Array.from({ length: 48 }, () => [1, 0, 0, 0]);
  const sampler = new FlatSampler(walk);
  sampler.load(table.flat());
  const below = (x: number) => x - 2 ** -54;
  for (
    const [v, next] of [[below(1 / 3), 36], [1 / 3, 24], [below(2 / 3), 24], [2 / 3, 37]] as const
  ) {
    const batch = new EpisodeBatch(1, 1);
    sampler.sample(new ConstantUniform(v), start, batch);
    const ep = rollout(walk, table, new ConstantUniform(v), { start });
    assert.deepEqual([batch.actions[0], batch.finalStates[0]], [0, next], `draw ${v}`);
    assert.equal(ep.finalState, next, `rollout, draw ${v}`);
  }
});

Deno.test("18 the flat sampler's action draw equal to a running sum takes the next action, as sampleAction", () => {
  // π = (1/4, 1/4, 1/2, 0): the running sums 1/4, 1/2 and the total 1 are exact doubles, and
  // u = U · 1 = U. The inverse CDF compares u < sum, so a draw equal to a sum belongs to the
  // action after it; on the integer walk up, right and down from the start go to 24, 37, 36
  const walk = cliffWalk({ maxSteps: 1 });
  const table = Array.from({ length: 48 }, () => [0.25, 0.25, 0.5, 0]);
  const sampler = new FlatSampler(walk);
  sampler.load(table.flat());
  const below = (x: number) => x - 2 ** -54;
  for (
    const [u, action] of [[0, 0], [below(1 / 4), 0], [1 / 4, 1], [below(1 / 2), 1], [1 / 2, 2], [
      1 - 2 ** -53,
      2,
    ]] as const
  ) {
    const batch = new EpisodeBatch(1, 1);
    sampler.sample(new ConstantUniform(u), walk.start, batch);
    assert.equal(batch.actions[0], action, `draw ${u}`);
    assert.equal(
      rollout(walk, table, new ConstantUniform(u)).actions[0],
      action,
      `rollout, draw ${u}`,
    );
  }
});

Deno.test("18 the flat sampler loads the table that begins at the offset: the second of two stacked tables, or one after a padding, samples as that table alone", () => {
  // table 0 moves up everywhere, table 1 right everywhere: from the start, right falls into
  // the cliff (37) at once, while up reaches 24 and the episode is cut after its one step
  const walk = cliffWalk({ maxSteps: 1 });
  const up = Array.from({ length: 48 }, () => [1, 0, 0, 0]).flat();
  const right = Array.from({ length: 48 }, () => [0, 1, 0, 0]).flat();
  const episode = (flat: number[], offset?: number) => {
    const sampler = new FlatSampler(walk);
    sampler.load(flat, offset);
    const batch = new EpisodeBatch(1, 1);
    sampler.sample(new ConstantUniform(0.5), walk.start, batch);
    return [batch.actions[0], batch.finalStates[0], batch.rewards[0], batch.truncated[0]];
  };
  assert.deepEqual(episode(right), [1, 37, -100, 0]);
  assert.deepEqual(episode(up), [0, 24, -1, 1]);
  assert.deepEqual(episode([...up, ...right], 48 * 4), episode(right));
  assert.deepEqual(episode([...right, ...up], 48 * 4), episode(up));
  assert.deepEqual(episode([...up, ...right], 0), episode(up));
  // an offset that is not a multiple of a row: the NaN padding must never be read
  assert.deepEqual(episode([NaN, NaN, NaN, ...right], 3), episode(right));
});

Deno.test("18 the flat sampler draws the outcome of a move with exactly two outcomes, as sampleTransition", () => {
  // a walk whose moves from the start have two outcomes of 1/2 (the first two of the
  // slippery lists): (start, up) goes left into the wall (36) or up (24). One more uniform
  // decides between them, u < 1/2 taking the first; a draw of 1/2 or more takes the second
  const base = cliffWalk({ slippery: true, maxSteps: 1 });
  const start = base.start;
  const two = <T>(rows: T[][][]) =>
    rows.map((row, s) => s !== start ? row : row.map((list) => list.slice(0, 2)));
  const outcomes = two(
    base.outcomes.map((row) => row.map((list) => list.map((o) => ({ ...o, prob: 0.5 })))),
  );
  const walk = {
    ...base,
    outcomes,
    events: two(base.events.map((row) => row.map((list) => [...list]))),
  };
  assert.deepEqual(walk.outcomes[start]![0]!.map((o) => o.next), [36, 24]);
  const table = Array.from({ length: 48 }, () => [1, 0, 0, 0]);
  const sampler = new FlatSampler(walk);
  sampler.load(table.flat());
  for (const [v, next] of [[0, 36], [0.5 - 2 ** -54, 36], [0.5, 24], [0.75, 24]] as const) {
    const batch = new EpisodeBatch(1, 1);
    sampler.sample(new ConstantUniform(v), start, batch);
    assert.deepEqual([batch.actions[0], batch.finalStates[0]], [0, next], `draw ${v}`);
    assert.equal(
      rollout(walk, table, new ConstantUniform(v), { start }).finalState,
      next,
      `rollout, draw ${v}`,
    );
  }
});

Deno.test("18 the flat sampler samples only from a loaded table: refused before any load and after a refused load", () => {
  const walk = cliffWalk({ maxSteps: 1 });
  const sampler = new FlatSampler(walk);
  const rows = (row: number[]) => Array.from({ length: 48 }, () => row).flat();
  assert.throws(
    () => sampler.sample(new Rng(1), walk.start, new EpisodeBatch(1, 1)),
    /no policy table/,
  );
  sampler.load(rows([0, 1, 0, 0]));
  const batch = new EpisodeBatch(2, 1);
  sampler.sample(new Rng(1), walk.start, batch);
  assert.equal(batch.actions[0], 1);
  // a refused table is not half-loaded: its valid first rows are not sampled from either
  const bad = rows([1, 0, 0, 0]);
  bad[35 * 4 + 3] = -1; // state 35, the last live row before the bottom line
  assert.throws(() => sampler.load(bad), /is not ≥ 0/);
  assert.throws(() => sampler.sample(new Rng(1), walk.start, batch), /no policy table/);
  assert.equal(batch.size, 1);
  sampler.load(rows([1, 0, 0, 0]));
  sampler.sample(new Rng(1), walk.start, batch);
  assert.deepEqual([batch.size, batch.actions[1]], [2, 0]);
});

Deno.test("18 the target check's decision at a bound exactly at the target is the solve's: V = 88 reaches the target 88", () => {
  // the edge policy is optimal and deterministic on the integer walk: U = V* exactly and
  // T^π V* = V*, so its bound at the start is exactly V*(start) = 88, equal to the target
  const walk = cliffWalk();
  const edge = edgePolicyActions(walk).flatMap((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  const at = new TargetCheck(walk, 88);
  assert.equal(at.upperBound(edge), 88);
  const d = at.decide(edge);
  assert.equal(d.reached, true);
  assert.equal(d.outcome?.value, 88);
  assert.equal(at.solves, 1);
  // just above the target the bound settles it without a solve
  const above = new TargetCheck(walk, 88 + 2 ** -40);
  assert.deepEqual(above.decide(edge), { reached: false, outcome: null });
  assert.equal(above.solves, 0);
});

Deno.test("18 the target check bounds and solves the table that begins at the offset: the second of two stacked tables, or one after a padding", () => {
  // the edge policy reaches 88 ≥ 83; the uniform one is far below and its bound says so
  const walk = cliffWalk();
  const edge = edgePolicyActions(walk).flatMap((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  const uniform = new Array<number>(48 * 4).fill(0.25);
  const check = new TargetCheck(walk, 83);
  const alone = { bound: check.upperBound(uniform), decision: check.decide(uniform) };
  assert.ok(alone.bound < 83, `${alone.bound}`);
  for (
    const [flat, offset] of [[[...uniform, ...edge], 48 * 4], [
      [NaN, NaN, NaN, ...edge],
      3,
    ]] as const
  ) {
    assert.equal(check.upperBound(flat, offset), 88, `offset ${offset}`);
    const d = check.decide(flat, offset);
    assert.equal(d.reached, true, `offset ${offset}`);
    assert.equal(d.outcome?.value, 88, `offset ${offset}`);
  }
  assert.equal(check.upperBound([...edge, ...uniform], 48 * 4), alone.bound);
  assert.deepEqual(check.decide([...edge, ...uniform], 48 * 4), alone.decision);
});

Deno.test("18 the target check's bound stops only below the target: a bound equal to it is iterated further", () => {
  // on the integer walk, "down" at the start (into the wall: reward −1, stay) and the edge
  // policy elsewhere: U = V* exactly, and each application of T^π lowers the start's bound by
  // exactly 1 from V*(start) = 88, so after k applications it is 88 − k. With the target 87
  // the bound 87 after one application is not below it; the second gives 86 and stops there
  const walk = cliffWalk();
  const actions = edgePolicyActions(walk);
  actions[walk.start] = 2;
  const flat = actions.flatMap((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  for (const k of [1, 2, 3]) {
    assert.equal(new TargetCheck(walk, -Infinity, walk.start, k).upperBound(flat), 88 - k);
  }
  const check = new TargetCheck(walk, 87);
  assert.equal(check.upperBound(flat), 86);
  // so the bound alone decides: no solve
  assert.deepEqual(check.decide(flat), { reached: false, outcome: null });
  assert.equal(check.solves, 0);
});

Deno.test("18 the target check sees a positive reward into a live state on the walk's very first outcome: no bound", () => {
  // outcome 0 of the flat lists is (state 0, up): into the top wall, back to the live state 0.
  // With reward +1 there an episode's return has no bound by its last reward, so no bound
  const base = cliffWalk();
  const outcomes = base.outcomes.map((row, s) =>
    row.map((list, a) =>
      list.map((o, i) => (s === 0 && a === 0 && i === 0 ? { ...o, reward: 1 } : o))
    )
  );
  assert.equal(outcomes[0]![0]![0]!.next, 0);
  const walk = { ...base, outcomes };
  const edge = edgePolicyActions(walk).flatMap((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  assert.equal(new TargetCheck(walk, 50).upperBound(edge), Infinity);
  assert.equal(new TargetCheck(base, 50).upperBound(edge), 88);
});

Deno.test("18 the phase times of training are non-negative durations that add up to at most the call's wall time", async () => {
  const phases: Record<string, number> = {};
  const before = performance.now();
  await trainSeeds([2], { budget: 4, episodesPerUpdate: 4, maxSteps: 5 }, { phases });
  const elapsed = performance.now() - before;
  // one update: every phase ran at least once
  assert.deepEqual(Object.keys(phases).sort(), ["evaluate", "read", "sample", "stats", "step"]);
  for (const [name, ms] of Object.entries(phases)) assert.ok(ms >= 0, `${name}: ${ms} ms`);
  // the laps partition a part of the call: their sum is at most its duration (up to the
  // rounding of the float sums)
  const total = Object.values(phases).reduce((a, b) => a + b, 0);
  assert.ok(total <= elapsed + 1e-9, `phases ${total} ms, call ${elapsed} ms`);
});

Deno.test("18 the phase times add up over the updates: with a clock ticking 1 ms per reading, each phase holds at least one ms per lap", async () => {
  // two updates and the final evaluation: 3 reads and evaluations, 2 samples, stats and steps.
  // Every lap spans at least one reading of the clock, so a phase's total is at least its
  // number of laps, and all of them together at most the readings taken during the call
  const real = performance.now;
  let ticks = 0;
  performance.now = () => ++ticks;
  const phases: Record<string, number> = {};
  try {
    await trainSeeds([2], { budget: 8, episodesPerUpdate: 4, maxSteps: 5 }, { phases });
  } finally {
    performance.now = real;
  }
  const laps = { read: 3, evaluate: 3, sample: 2, stats: 2, step: 2 };
  for (const [name, count] of Object.entries(laps)) {
    assert.ok(phases[name]! >= count, `${name}: ${phases[name]} ms for ${count} laps`);
  }
  const total = Object.values(phases).reduce((a, b) => a + b, 0);
  assert.ok(total <= ticks, `phases ${total} ms, ${ticks} readings`);
});

/**
 * The handout's walk cut after one move, with every move from the start falling into the
 * cliff: an episode from the start always ends, one from any other live state mostly does not.
 */
function startEndsWalk() {
  const { mdp, walk } = cliffSpec({ maxSteps: 1 });
  const fall = [{ next: walk.start + 1, reward: -100, prob: 1 }];
  const outcomes = mdp.outcomes.map((row, s) => s !== walk.start ? row : row.map(() => fall));
  return { ...makeMdp({ ...mdp, outcomes }), ...walk };
}

Deno.test('18 p0 of the sampled episodes: "start" samples every episode from the start, "live" from the other live states too', async () => {
  const walk = startEndsWalk();
  const config = { budget: 16, episodesPerUpdate: 16, maxSteps: 1 };
  const [fromStart] = await trainSeeds([4], { ...config, start: "start" }, { walk });
  assert.equal(fromStart!.episodes, 16);
  assert.equal(fromStart!.truncatedFraction, 0);
  // from a uniform live state (1 of 37 is the start) some of the 16 episodes are cut
  const [fromLive] = await trainSeeds([4], { ...config, start: "live" }, { walk });
  assert.equal(fromLive!.episodes, 16);
  assert.ok(fromLive!.truncatedFraction > 0, `${fromLive!.truncatedFraction}`);
});

Deno.test("18 without a baseline, bootstrapping the cut with V_φ moves the policy differently than treating the cut as an end", async () => {
  // the classic walk cut after one move: every episode is cut, so with truncation
  // "bootstrap" every return-to-go includes V_φ(s_1) (nonzero at initialisation), and with
  // "terminal" none does; the policy loss is the only one that moves θ
  const walk = cliffWalk({ variant: "classic", maxSteps: 1 });
  const config = { budget: 32, episodesPerUpdate: 16, maxSteps: 1, baseline: false };
  const [boot] = await trainSeeds([6], { ...config, truncation: "bootstrap" }, { walk });
  const [end] = await trainSeeds([6], { ...config, truncation: "terminal" }, { walk });
  assert.equal(boot!.truncatedFraction, 1);
  assert.notDeepEqual(boot!.policy, end!.policy);
});
