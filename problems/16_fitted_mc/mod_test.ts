import assert from "node:assert/strict";
import { evaluationSetting, QNetInputError, qRmse, TableQNet } from "../../shared/qnet/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { assertAllClose, registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { FITTED_MC_CONFIG, fittedMonteCarlo, monteCarloReturns, train } from "./mod.ts";

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
