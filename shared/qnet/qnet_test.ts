import assert from "node:assert/strict";
import { tf, withNoTensorLeak } from "../tf/mod.ts";
import { Rng } from "../random/mod.ts";
import { assertAllClose } from "../testing/mod.ts";
import { evaluatePolicy, lookahead } from "../mdp/mod.ts";
import {
  evaluationSetting,
  QNet,
  QNetInputError,
  qRmse,
  referenceForward,
  runFittedEvaluation,
  sampleExploringStarts,
} from "./mod.ts";

Deno.test("qnet the tfjs forward pass equals the float64 reference forward pass", async () => {
  await withNoTensorLeak("qnet forward", () => {
    const net = new QNet({ nStates: 48, nActions: 4, seed: 11, outputScale: 100 });
    const table = net.table();
    const w = net.weights();
    net.dispose();
    const reference = Array.from({ length: 48 }, (_, s) => referenceForward(w, s)).flat();
    // float32 against float64: sums of ≤ 64 products of size ≤ 1, times c = 100; 1e-4
    // relative plus 1e-4 absolute is far above float32 rounding (≈ 1e-5 here)
    assertAllClose(Array.from(table), reference, { abs: 1e-4, rel: 1e-4 }, "Q table");
  });
});

Deno.test("qnet initialisation is seeded and follows U(−1/√fan_in, 1/√fan_in)", async () => {
  await withNoTensorLeak("qnet init", () => {
    const a = new QNet({ nStates: 48, nActions: 4, seed: 5 });
    const b = new QNet({ nStates: 48, nActions: 4, seed: 5 });
    const c = new QNet({ nStates: 48, nActions: 4, seed: 6 });
    const [wa, wb, wc] = [a.weights(), b.weights(), c.weights()];
    [a, b, c].forEach((n) => n.dispose());
    assert.deepEqual(wa, wb, "same seed, same weights");
    assert.notDeepEqual(wa, wc, "another seed, other weights");
    const fanIns = [48, 64, 64];
    wa.kernels.forEach((k, l) => {
      const bound = 1 / Math.sqrt(fanIns[l]!);
      const flat = [...k.flat(), ...wa.biases[l]!];
      assert.ok(flat.every((x) => Math.abs(x) <= bound), `layer ${l} within ±${bound}`);
      // a uniform on [−b, b] has mean square b²/3; with ≥ 3,000 draws it is within 20%
      const ms = flat.reduce((acc, x) => acc + x * x, 0) / flat.length;
      assert.ok(Math.abs(ms / (bound * bound / 3) - 1) < 0.2, `layer ${l} mean square ${ms}`);
    });
    assert.deepEqual(wa.kernels.map((k) => [k.length, k[0]!.length]), [[48, 64], [64, 64], [
      64,
      4,
    ]]);
  });
});

Deno.test("qnet fitTable on exact targets drives the table to them (weights 0 ignored)", async () => {
  await withNoTensorLeak("qnet fit", () => {
    const net = new QNet({ nStates: 4, nActions: 2, seed: 3, outputScale: 10 });
    const opt = tf.train.adam(0.02);
    const y = Float32Array.of(5, -3, 0, 8, NaN, NaN, 1, 2);
    const w = Float32Array.of(1, 1, 2, 2, 0, 0, 1, 1);
    for (let i = 0; i < 400; i++) net.fitTable(opt, y, w);
    const q = net.table();
    net.dispose();
    opt.dispose();
    [0, 1, 2, 3, 6, 7].forEach((i) =>
      assert.ok(Math.abs(q[i]! - y[i]!) < 0.05, `entry ${i}: ${q[i]} vs ${y[i]}`)
    );
  });
});

Deno.test("qnet bad input gets a clear error naming what and where", () => {
  assert.throws(
    () => new QNet({ nStates: 0, nActions: 4, seed: 1 }),
    /nStates must be a positive integer, got 0/,
  );
  assert.throws(
    () => new QNet({ nStates: 2, nActions: 4, seed: 1, hidden: [8, 0] }),
    /hidden\[1\] must be a positive integer/,
  );
  assert.throws(() => new QNet({ nStates: 2, nActions: 4, seed: 1.5 }), /seed must be an integer/);
  assert.throws(
    () => new QNet({ nStates: 2, nActions: 4, seed: 1, outputScale: -1 }),
    /outputScale must be a positive/,
  );
  const net = new QNet({ nStates: 2, nActions: 2, seed: 1 });
  const opt = tf.train.sgd(0.1);
  try {
    assert.throws(
      () => net.fitTable(opt, new Float32Array(3), new Float32Array(4)),
      /expected 4 targets and weights, got 3 and 4/,
    );
    assert.throws(
      () => net.fitTable(opt, new Float32Array(4), Float32Array.of(1, -1, 0, 0)),
      /weight -1 at entry 1/,
    );
    assert.throws(
      () => net.fitTable(opt, new Float32Array(4), new Float32Array(4)),
      /every weight is 0/,
    );
    assert.throws(
      () => net.fitTable(opt, Float32Array.of(0, NaN, 0, 0), Float32Array.of(1, 1, 0, 0)),
      /target NaN at entry 1/,
    );
    assert.throws(
      () => net.fitStep(opt, Int32Array.of(2), Int32Array.of(0), Float32Array.of(0)),
      /state 2 at index 0 is not in \[0, 2\)/,
    );
    assert.throws(() => referenceForward(net.weights(), 5), /state 5 is not in \[0, 2\)/);
  } finally {
    net.dispose();
    opt.dispose();
  }
  assert.throws(() => evaluationSetting(0), QNetInputError);
  assert.throws(() => qRmse(evaluationSetting(), [1, 2]), /table has 2 entries, expected 192/);
});

Deno.test("qnet the setting's Q^π satisfies the Bellman equation of the ε-greedy edge policy", () => {
  const setting = evaluationSetting(0.1);
  const { V } = evaluatePolicy(setting.walk, setting.policy);
  // Q^π = r + γ P V^π (lookahead), to float64 linear-solve precision
  assertAllClose(Array.from(setting.qExact), lookahead(setting.walk, V).flat(), {
    abs: 1e-9,
    rel: 0,
  });
  // every row of π is a distribution with mass ε/4 on every action
  setting.policy.forEach((row) => assert.ok(row.every((p) => p >= 0.025 - 1e-15)));
});

Deno.test("qnet exploring starts visit every non-terminal state–action pair", () => {
  const setting = evaluationSetting();
  const seen = new Set<number>();
  for (const ep of sampleExploringStarts(setting, new Rng(1), 2000)) {
    ep.states.forEach((s, t) => seen.add(s * 4 + ep.actions[t]!));
  }
  assert.equal(seen.size, setting.liveStates.length * 4);
});

Deno.test("qnet the fitted-evaluation loop feeds the learner every terminated episode, once per round, and leaks nothing", async () => {
  const config = {
    epsilon: 0.1,
    episodes: 25,
    episodesPerRound: 10,
    stepsPerRound: 3,
    finalSteps: 2,
    learningRate: 1e-3,
    hidden: [8],
  };
  const added: number[] = [];
  const fitted: number[] = [];
  const r = await withNoTensorLeak(
    "qnet fitted loop",
    () =>
      runFittedEvaluation(config, { seed: 4 }, () => ({
        get samples() {
          return added.reduce((a, b) => a + b, 0);
        },
        add: (ep) => {
          assert.ok(ep.terminated, "only terminated episodes reach the learner");
          added.push(ep.length);
        },
        fit: (_net, _opt, steps) => void fitted.push(steps),
      })),
  );
  // rounds of 10, 10, 5 episodes; the final steps only after the last round
  assert.deepEqual(fitted, [3, 3, 5]);
  assert.deepEqual(r.curve.map((p) => p.episodes), [10, 20, 25]);
  assert.equal(r.episodes, 25);
  assert.equal(added.length + r.truncated, 25);
  assert.equal(r.samples, added.reduce((a, b) => a + b, 0));
  // a learner that cannot be built leaves no network behind either
  await withNoTensorLeak("qnet fitted loop, failing learner", () =>
    assert.throws(
      () =>
        runFittedEvaluation(config, { seed: 4 }, () => {
          throw new QNetInputError("no learner");
        }),
      /no learner/,
    ));
  assert.throws(
    () => runFittedEvaluation({ ...config, episodesPerRound: 0 }, { seed: 4 }, () => ({} as never)),
    /episodesPerRound must be a positive integer, got 0/,
  );
});
