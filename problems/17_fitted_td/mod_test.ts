import assert from "node:assert/strict";
import { assertConfigSpec } from "../../shared/testing/config_spec.ts";
import {
  evaluationSetting,
  QNetInputError,
  sampleExploringStarts,
  TableQNet,
} from "../../shared/qnet/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { assertAllClose, registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import {
  configSpec,
  defaultConfig,
  FITTED_TD_CONFIG,
  fittedKStepTd,
  KStepData,
  kStepTarget,
  train,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("17 with Q̄ equal to an episode's own returns, every k-step target telescopes to the return G_t", () => {
  // an episode through distinct states, so that Q̄(s_j, a_j) := G_j is a table
  const rng = new Rng(8);
  for (const gamma of [1, 0.9, 0.5]) {
    const T = 12;
    const ep = {
      states: Array.from({ length: T }, (_, j) => j),
      actions: Array.from({ length: T }, () => rng.int(4)),
      rewards: Array.from({ length: T }, () => rng.int(21) - 10),
    };
    // G_t = Σ_{j ≥ t} γ^{j−t} r_j by the direct sum
    const G = ep.rewards.map((_, t) =>
      ep.rewards.slice(t).reduce((acc, r, j) => acc + gamma ** j * r, 0)
    );
    const qbar = new Array<number>(T * 4).fill(0);
    ep.states.forEach((s, j) => (qbar[s * 4 + ep.actions[j]!] = G[j]!));
    for (const k of [1, 2, 3, 5, 11, 12, 20]) {
      const ys = ep.rewards.map((_, t) => kStepTarget(ep, t, k, gamma, qbar, 4));
      // float64 sums of ≤ 12 terms of size ≤ 10: 1e-12
      assertAllClose(ys, G, { abs: 1e-12, rel: 0 }, `k=${k}, γ=${gamma}`);
    }
  }
});

Deno.test("17 train records an error curve for every k", async () => {
  const lines: string[] = [];
  const before = performance.now();
  const r = await withNoTensorLeak(
    "17 train",
    () =>
      train({
        seed: 2,
        budget: 400,
        config: { episodesPerRound: 400, finalSteps: 0 },
        onProgress: (l) => lines.push(l),
      }),
  );
  const wall = performance.now() - before;
  // the reported duration is the call's own: non-negative and within the wall time around it
  assert.ok(r.ms >= 0 && r.ms <= wall, `ms ${r.ms}, wall time ${wall}`);
  assert.equal(r.algorithm, "td");
  const byK = r.extra!.curvesByK as { k: number; curve: unknown[]; rmse: number }[];
  assert.deepEqual(byK.map((c) => c.k), [1, 3, 10]);
  assert.ok(byK.every((c) => c.curve.length === 1));
  assert.match(lines[2]!, /td k=10: 400 episodes/);
  // reachedTarget is "every k's final RMSE is within the bound", i.e. the worst one is
  const worst = r.extra!.value as number;
  assert.equal(worst, Math.max(...byK.map((c) => c.rmse)));
  assert.equal(r.reachedTarget, worst <= defaultConfig.rmseBound, `worst RMSE ${worst}`);
});

Deno.test("17 train's firstBelowBound is the earliest curve point within rmseBound, null when none is", async () => {
  // two rounds per k, so that "earliest" has a choice; a bound above every RMSE and one below
  // every RMSE take both sides of the test "RMSE ≤ rmseBound"
  const small = { episodesPerRound: 50, stepsPerRound: 2, finalSteps: 0 };
  for (const [rmseBound, wantFirst] of [[1e9, true], [1e-9, false]] as const) {
    const r = await train({ seed: 3, budget: 100, config: { ...small, rmseBound } });
    const byK = r.extra!.curvesByK as {
      k: number;
      curve: { episodes: number; rmse: number }[];
      firstBelowBound: { episodes: number; rmse: number } | null;
    }[];
    for (const c of byK) {
      assert.equal(c.curve.length, 2, `k=${c.k}`);
      assert.ok(c.curve.every((p) => p.rmse > 1e-9 && p.rmse < 1e9), `k=${c.k}: ${c.curve}`);
      // within a bound above every point the earliest is the first round's; below all, none
      assert.equal(
        c.firstBelowBound,
        wantFirst ? c.curve[0] : null,
        `k=${c.k}, bound ${rmseBound}`,
      );
    }
    assert.equal(r.reachedTarget, wantFirst);
    assert.equal(r.summary.includes(`≤ ${rmseBound} after 50 episodes`), wantFirst, r.summary);
    // the report's own curve is the first k's (ks = [1, 3, 10] by default)
    assert.match(r.curveLabel ?? "", /\(k = 1\)$/);
    assert.deepEqual(r.curve, byK[0]!.curve.map((p) => ({ episode: p.episodes, value: p.rmse })));
  }
  // a bound equal to a first-round RMSE is met there ("within" includes equality); the
  // training does not depend on the bound, so the same seed gives the same curves
  const ref = await train({ seed: 3, budget: 100, config: small });
  const first = (ref.extra!.curvesByK as { curve: { rmse: number }[] }[])[0]!.curve[0]!;
  const tied = await train({ seed: 3, budget: 100, config: { ...small, rmseBound: first.rmse } });
  const tiedFirst = (tied.extra!.curvesByK as {
    firstBelowBound: { episodes: number; rmse: number } | null;
  }[])[0]!.firstBelowBound;
  // the same point (its wall time aside)
  assert.deepEqual([tiedFirst?.episodes, tiedFirst?.rmse], [50, first.rmse]);
});

Deno.test("17 train's reachedTarget holds exactly when the worst final RMSE is within rmseBound, equality included", async () => {
  // the training does not depend on the bound, so the same seed gives the same final RMSEs;
  // a bound equal to the worst of them is met (≤), a double just below it is not
  const small = { episodesPerRound: 50, stepsPerRound: 2, finalSteps: 0 };
  const ref = await train({ seed: 3, budget: 100, config: small });
  const finals = (ref.extra!.curvesByK as { rmse: number }[]).map((c) => c.rmse);
  const worst = Math.max(...finals);
  // x·(1 − 2⁻⁵²) rounds to a double below a positive normal x (a relative step of one ulp)
  const below = worst * (1 - 2 ** -52);
  assert.ok(below < worst && below > 0, `worst ${worst}`);
  for (const [rmseBound, want] of [[worst, true], [below, false]] as const) {
    const r = await train({ seed: 3, budget: 100, config: { ...small, rmseBound } });
    assert.deepEqual((r.extra!.curvesByK as { rmse: number }[]).map((c) => c.rmse), finals);
    assert.equal(r.reachedTarget, want, `bound ${rmseBound}, final RMSEs ${finals}`);
  }
});

Deno.test("17 bad input gets a clear error naming what and where", () => {
  const ep = { states: [0], actions: [0], rewards: [1] };
  assert.throws(() => kStepTarget(ep, 0, 0, 1, [], 4), /k must be a positive integer, got 0/);
  assert.throws(() => kStepTarget(ep, 1, 1, 1, [], 4), /time step 1 is not in \[0, 1\)/);
  assert.throws(() => kStepTarget(ep, -1, 1, 1, [], 4), /time step -1 is not in \[0, 1\)/);
  assert.throws(() => kStepTarget(ep, 0.5, 1, 1, [], 4), /time step 0.5 is not in \[0, 1\)/);
  assert.throws(() => kStepTarget(ep, 0, 1.5, 1, [], 4), /k must be a positive integer, got 1.5/);
  assert.equal(kStepTarget(ep, 0, 1, 1, [], 4), 1);
  for (const k of [0, -1, 2.5, NaN]) {
    assert.throws(
      () => new KStepData(48, 4, k, 1),
      (e) => e instanceof QNetInputError && e.message === `k must be a positive integer, got ${k}`,
      `k = ${k}`,
    );
  }
  assert.equal(new KStepData(48, 4, 1, 1).k, 1);
  assert.throws(
    () => fittedKStepTd({ seed: 1, k: 1, config: { targetEvery: 0 } }),
    /targetEvery must be a positive integer, got 0/,
  );
  assert.throws(
    () => fittedKStepTd({ seed: 1, k: 1, config: { targetEvery: 1.5 } }),
    /targetEvery must be a positive integer, got 1.5/,
  );
  const tiny = { episodes: 10, episodesPerRound: 10, stepsPerRound: 1, finalSteps: 0 };
  assert.equal(fittedKStepTd({ seed: 1, k: 1, config: { ...tiny, targetEvery: 1 } }).episodes, 10);
});

Deno.test("17 every field's allowed values, as `deno task train --help` states them", () => {
  assertConfigSpec(defaultConfig, configSpec, {
    epsilon: "a number in (0, 1]",
    episodes: "an integer ≥ 1",
    episodesPerRound: "an integer ≥ 1",
    stepsPerRound: "an integer ≥ 0",
    finalSteps: "an integer ≥ 0",
    learningRate: "a number > 0",
    targetEvery: "an integer ≥ 1",
    rmseBound: "a number > 0",
  });
});

Deno.test("17 Q̄ is refreshed from Q_φ before every targetEvery-th Adam step, never before the first", () => {
  const setting = evaluationSetting(FITTED_TD_CONFIG.epsilon);
  for (const targetEvery of [1, 3]) {
    const seed = 6, k = 3, steps = 7;
    const config = { episodes: 30, episodesPerRound: 30, stepsPerRound: steps, finalSteps: 0 };
    const run = fittedKStepTd({ seed, k, config: { ...config, targetEvery } });
    // the same run by hand: the network's seed, then the episodes (shared/qnet's order)
    const rng = new Rng(seed);
    const net = new TableQNet(
      {
        nStates: 48,
        nActions: 4,
        seed: rng.int(2 ** 31),
        hidden: FITTED_TD_CONFIG.hidden,
        outputScale: setting.walk.rewardBound,
      },
      { learningRate: FITTED_TD_CONFIG.learningRate },
    );
    const data = new KStepData(48, 4, k, setting.walk.gamma);
    for (const ep of sampleExploringStarts(setting, rng, 30)) if (!ep.truncated) data.add(ep);
    let qbar = net.table();
    for (let step = 0; step < steps; step++) {
      if (step > 0 && step % targetEvery === 0) qbar = net.table(); // steps targetEvery, 2·targetEvery, …
      net.adamStep(data.targets(qbar), data.weights());
    }
    assert.deepEqual(run.table, net.table(), `targetEvery = ${targetEvery}`);
  }
});
