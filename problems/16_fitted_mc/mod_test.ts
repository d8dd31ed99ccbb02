import assert from "node:assert/strict";
import { evaluationSetting, QNet, QNetInputError, qRmse } from "../../shared/qnet/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
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

Deno.test("16 the count-weighted pair loss has the gradient of the per-sample loss (one SGD step agrees)", async () => {
  await withNoTensorLeak("16 sufficient statistics", () => {
    // samples (s, a, y): pair (0, 1) twice, pair (2, 0) once
    const states = Int32Array.of(0, 0, 2);
    const actions = Int32Array.of(1, 1, 0);
    const ys = Float32Array.of(10, -4, 7);
    const perSample = new QNet({ nStates: 3, nActions: 2, seed: 9, outputScale: 10 });
    const pooled = new QNet({ nStates: 3, nActions: 2, seed: 9, outputScale: 10 });
    const opt1 = tf.train.sgd(0.5);
    const opt2 = tf.train.sgd(0.5);
    perSample.fitStep(opt1, states, actions, ys);
    // pair means 3 and 7 with counts 2 and 1
    pooled.fitTable(opt2, Float32Array.of(0, 3, 0, 0, 7, 0), Float32Array.of(0, 2, 0, 0, 1, 0));
    const [a, b] = [perSample.table(), pooled.table()];
    [perSample, pooled].forEach((n) => n.dispose());
    [opt1, opt2].forEach((o) => o.dispose());
    // float32 arithmetic in two orders: 1e-5 absolute on values of order 1
    assertAllClose(Array.from(a), Array.from(b), { abs: 1e-5, rel: 1e-5 }, "after one step");
  });
});

Deno.test("16 an untrained network misses the accuracy bound by far", async () => {
  const setting = evaluationSetting(FITTED_MC_CONFIG.epsilon);
  const rmse = await withNoTensorLeak("16 untrained", () => {
    const net = new QNet({ nStates: 48, nActions: 4, seed: 1, outputScale: 100 });
    const r = qRmse(setting, net.table());
    net.dispose();
    return r;
  });
  assert.ok(rmse > 5 * FITTED_MC_CONFIG.rmseBound, `untrained RMSE ${rmse}`);
});

Deno.test("16 train reports the curve against samples and the budget", async () => {
  const lines: string[] = [];
  const r = await withNoTensorLeak(
    "16 train",
    () => train({ seed: 3, budget: 800, onProgress: (l) => lines.push(l) }),
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
