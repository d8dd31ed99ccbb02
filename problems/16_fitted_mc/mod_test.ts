import assert from "node:assert/strict";
import { assertConfigSpec } from "../../shared/testing/config_spec.ts";
import {
  evaluationSetting,
  QNetInputError,
  qRmse,
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
  FITTED_MC_CONFIG,
  fittedMonteCarlo,
  monteCarloReturns,
  train,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("16 Monte Carlo returns by the backward recursion equal the direct discounted sums", () => {
  const rewards = [-1, -1, 3, -1, 100];
  for (const gamma of [1, 0.9, 0.5, 0]) {
    const direct = rewards.map((_, t) =>
      rewards.slice(t).reduce((acc, r, j) => acc + gamma ** j * r, 0)
    );
    // a handful of float64 products: 1e-12
    assertAllClose(monteCarloReturns({ rewards }, gamma), direct, { abs: 1e-12, rel: 0 });
  }
  // integers are exact: the array itself, nothing more (no entry written outside 0..T−1)
  assert.deepEqual(monteCarloReturns({ rewards }, 1), [100, 101, 102, 99, 100]);
  assert.deepEqual(monteCarloReturns({ rewards: [] }, 1), []);
});

Deno.test("16 the count-weighted pair loss has the gradient of the per-sample loss (Lemma 2)", () => {
  // samples (p_i, y_i) on 3 states × 2 actions: pair 1 three times, pair 4 once, pair 5 twice
  const pairs = [1, 1, 4, 1, 5, 5];
  const ys = [10, -4, 7, 1, 50, -20];
  const net = new TableQNet({ nStates: 3, nActions: 2, seed: 9, hidden: [6, 5], outputScale: 10 });
  // per sample: (1/N) Σ_i ∇ ½((Q(p_i) − y_i)/c)², each term a table loss with one entry of weight 1
  const perSample = net.lossAndGradient(new Float64Array(6), Float64Array.of(1, 0, 0, 0, 0, 0));
  [perSample.grads.kernels, perSample.grads.biases].flat().forEach((g) => g.fill(0));
  pairs.forEach((p, i) => {
    const y = new Float64Array(6);
    const w = new Float64Array(6);
    y[p] = ys[i]!;
    w[p] = 1;
    const { grads } = net.lossAndGradient(y, w);
    [grads.kernels, grads.biases].flat().forEach((g, l) => {
      const acc = [perSample.grads.kernels, perSample.grads.biases].flat()[l]!;
      g.forEach((x, j) => (acc[j]! += x / pairs.length));
    });
  });
  // pooled: mean targets ȳ = (7/3, 7, 15) with counts (3, 1, 2)
  const pooled = net.lossAndGradient(
    Float64Array.of(0, 7 / 3, 0, 0, 7, 15),
    Float64Array.of(0, 3, 0, 0, 1, 2),
  );
  const flat = (g: typeof pooled.grads) => [g.kernels, g.biases].flat().flatMap((x) => [...x]);
  // float64 sums of a few dozen products: 1e-12
  assertAllClose(flat(pooled.grads), flat(perSample.grads), { abs: 1e-12, rel: 1e-12 });
});

Deno.test("16 an untrained network misses the accuracy bound by far", () => {
  const setting = evaluationSetting(FITTED_MC_CONFIG.epsilon);
  const net = new TableQNet({ nStates: 48, nActions: 4, seed: 1, outputScale: 100 });
  const rmse = qRmse(setting, net.table());
  assert.ok(rmse > 5 * FITTED_MC_CONFIG.rmseBound, `untrained RMSE ${rmse}`);
});

Deno.test("16 train reports the curve against samples and the budget", async () => {
  const lines: string[] = [];
  const r = await withNoTensorLeak(
    "16 train",
    () =>
      train({
        seed: 3,
        budget: 800,
        config: { episodesPerRound: 400, finalSteps: 0 },
        onProgress: (l) => lines.push(l),
      }),
  );
  assert.equal(r.algorithm, "mc");
  assert.equal(r.episodes, 800);
  assert.equal(r.curve.length, 2);
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /mc: 800 episodes, \d+ samples, RMSE vs Q\^π \d+\.\d\d/);
});

Deno.test("16 bad input gets a clear error naming what and where", () => {
  assert.throws(
    () => fittedMonteCarlo({ seed: 1, config: { episodes: 0 } }),
    (e: unknown) =>
      e instanceof QNetInputError && /episodes must be a positive integer, got 0/.test(e.message),
  );
  assert.throws(
    () => fittedMonteCarlo({ seed: 1, config: { episodesPerRound: 1.5 } }),
    /episodesPerRound must be a positive integer, got 1.5/,
  );
});

Deno.test("16 the reported samples are the transitions of the terminated episodes", () => {
  const seed = 5;
  const config = { episodes: 40, episodesPerRound: 40, stepsPerRound: 0, finalSteps: 0 };
  const r = fittedMonteCarlo({ seed, config });
  // the run's draws replayed: the network's seed first, then the episodes (shared/qnet)
  const rng = new Rng(seed);
  rng.int(2 ** 31);
  const episodes = sampleExploringStarts(evaluationSetting(FITTED_MC_CONFIG.epsilon), rng, 40);
  const transitions = episodes.filter((e) => !e.truncated).reduce((n, e) => n + e.length, 0);
  assert.ok(transitions > 40);
  assert.equal(r.samples, transitions);
  assert.equal(r.curve[0]!.samples, transitions);
});

Deno.test("16 every field's allowed values, as `deno task train --help` states them", () => {
  assertConfigSpec(defaultConfig, configSpec, {
    epsilon: "a number in (0, 1]",
    episodes: "an integer ≥ 1",
    episodesPerRound: "an integer ≥ 1",
    stepsPerRound: "an integer ≥ 0",
    finalSteps: "an integer ≥ 0",
    learningRate: "a number > 0",
    rmseBound: "a number > 0",
  });
});

Deno.test("16 a round fits with exactly the configured number of Adam steps: none leaves the initial network", () => {
  // the same seed gives the same initial network; with no steps the targets cannot matter
  const config = { episodes: 40, episodesPerRound: 20, stepsPerRound: 0, finalSteps: 0 };
  const a = fittedMonteCarlo({ seed: 2, config });
  const b = fittedMonteCarlo({ seed: 2, config, target: "return-from-next-step" });
  assert.deepEqual(a.table, b.table);
  const one = fittedMonteCarlo({ seed: 2, config: { ...config, finalSteps: 1 } });
  assert.notDeepEqual(one.table, a.table);
});

Deno.test("16 train reports the bound as met when the RMSE equals it", async () => {
  const config = { episodesPerRound: 200, finalSteps: 0 };
  const first = await train({ seed: 4, budget: 200, config });
  const rmse = first.extra!.value as number;
  const at = await train({ seed: 4, budget: 200, config: { ...config, rmseBound: rmse } });
  assert.equal(at.reachedTarget, true);
  assert.match(at.summary, /first met after 200 episodes/);
  const below = await train({
    seed: 4,
    budget: 200,
    config: { ...config, rmseBound: rmse * 0.99 },
  });
  assert.equal(below.reachedTarget, false);
  assert.match(below.summary, /not met/);
});
