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
  TableQNet,
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
    // the seed reaches every parameter tensor, not only the kernels: each layer's biases
    // change with it (two seeds drawing 64 equal uniforms has probability 0)
    wa.biases.forEach((b, l) => assert.notDeepEqual(b, wc.biases[l], `layer ${l} biases`));
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

Deno.test("qnet initialisation draws every bias, like the kernels, from both halves of (−1/√fan_in, 1/√fan_in)", async () => {
  await withNoTensorLeak("qnet bias init", () => {
    const net = new QNet({ nStates: 48, nActions: 4, seed: 5 });
    const w = net.weights();
    net.dispose();
    // The kernels dominate the pooled mean square of the test above (3,072 of 3,136 draws in
    // layer 1), so a bias law stuck on one side would pass it. Each hidden layer has 64
    // biases: all of them above −b/2 (or all below b/2) has probability (3/4)^64 < 1e-7.
    [48, 64].forEach((fanIn, l) => {
      const bound = 1 / Math.sqrt(fanIn);
      const b = w.biases[l]!;
      assert.equal(b.length, 64);
      assert.ok(b.every((x) => Math.abs(x) <= bound), `layer ${l} biases within ±${bound}`);
      assert.ok(Math.min(...b) < -bound / 2, `layer ${l} smallest bias ${Math.min(...b)}`);
      assert.ok(Math.max(...b) > bound / 2, `layer ${l} largest bias ${Math.max(...b)}`);
      // centred: |mean| within 5 standard errors b/√(3·64)
      const mean = b.reduce((acc, x) => acc + x, 0) / b.length;
      assert.ok(Math.abs(mean) < 5 * bound / Math.sqrt(3 * b.length), `layer ${l} mean ${mean}`);
    });
  });
});

Deno.test("qnet fitTable on exact targets drives the table to them (weights 0 ignored)", async () => {
  await withNoTensorLeak("qnet fit", () => {
    const net = new QNet({ nStates: 4, nActions: 2, seed: 3, outputScale: 10 });
    const opt = tf.train.adam(0.05);
    const y = Float32Array.of(5, -3, 0, 8, NaN, NaN, 1, 2);
    const w = Float32Array.of(1, 1, 2, 2, 0, 0, 1, 1);
    for (let i = 0; i < 150; i++) net.fitTable(opt, y, w);
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
    // any positive total is enough (the weights are normalised by it), 1/2 included
    net.fitTable(opt, Float32Array.of(1, 0, 0, 0), Float32Array.of(0.5, 0, 0, 0));
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

Deno.test("qnet fitStep accepts states and actions 0 and n − 1, refuses −1 and n and mismatched lengths, and a refused step changes nothing", async () => {
  await withNoTensorLeak("qnet fitStep guards", () => {
    const net = new QNet({ nStates: 3, nActions: 2, seed: 2, hidden: [4] });
    const opt = tf.train.sgd(0.1);
    try {
      const before = net.table();
      const step = (s: number[], a: number[], y: number[]) => () =>
        net.fitStep(opt, Int32Array.from(s), Int32Array.from(a), Float32Array.from(y));
      // each side of each range: −1 and n are outside, 0 and n − 1 are the extreme valid ones
      assert.throws(step([-1], [0], [0]), /state -1 at index 0 is not in \[0, 3\)/);
      assert.throws(step([0, 3], [0, 0], [0, 0]), /state 3 at index 1 is not in \[0, 3\)/);
      assert.throws(step([0], [-1], [0]), /action -1 at index 0 is not in \[0, 2\)/);
      assert.throws(step([2, 0], [1, 2], [0, 0]), /action 2 at index 1 is not in \[0, 2\)/);
      assert.throws(step([0], [0, 1], [0]), /1 states, 2 actions and 1 targets/);
      assert.throws(step([0, 1], [0, 1], [0]), /2 states, 2 actions and 1 targets/);
      assert.throws(step([], [], []), /0 states, 0 actions and 0 targets \(need equal, > 0\)/);
      assert.deepEqual(net.table(), before, "a refused step leaves the parameters alone");
      // the extreme valid indices train: a step towards far targets moves both entries
      step([0, 2], [0, 1], [100, -100])();
      const after = net.table();
      assert.ok(after[0]! > before[0]!, `Q(0, 0): ${before[0]} -> ${after[0]}`);
      assert.ok(after[5]! < before[5]!, `Q(2, 1): ${before[5]} -> ${after[5]}`);
    } finally {
      net.dispose();
      opt.dispose();
    }
  });
});

Deno.test("qnet guards at their boundaries: output scale 0 and ∞ refused, referenceForward refuses states −1, |S| and 1.5, copyFrom refuses another shape or scale", async () => {
  for (const outputScale of [0, Infinity, NaN]) {
    const message = new RegExp(`outputScale must be a positive finite number, got ${outputScale}`);
    assert.throws(() => new QNet({ nStates: 2, nActions: 2, seed: 1, outputScale }), message);
    assert.throws(() => new TableQNet({ nStates: 2, nActions: 2, seed: 1, outputScale }), message);
  }
  // a tiny positive scale is a valid one
  assert.equal(
    new TableQNet({ nStates: 2, nActions: 2, seed: 1, outputScale: 1e-300 })
      .outputScale,
    1e-300,
  );
  const w = new TableQNet({ nStates: 2, nActions: 3, seed: 1, hidden: [2] }).weights();
  for (const s of [-1, 2, 1.5]) {
    assert.throws(() => referenceForward(w, s), new RegExp(`state ${s} is not in \\[0, 2\\)`));
  }
  // the extreme valid states 0 and |S| − 1 give |A| values each
  assert.deepEqual([0, 1].map((s) => referenceForward(w, s).length), [3, 3]);
  // copyFrom refuses a network of another shape or scale and leaves the target alone
  await withNoTensorLeak("qnet copyFrom guard", () => {
    const a = new QNet({ nStates: 2, nActions: 2, seed: 1, hidden: [3] });
    const wider = new QNet({ nStates: 2, nActions: 2, seed: 2, hidden: [4] });
    const scaled = new QNet({ nStates: 2, nActions: 2, seed: 3, hidden: [3], outputScale: 2 });
    const deeper = new QNet({ nStates: 2, nActions: 2, seed: 4, hidden: [3, 3] });
    try {
      const before = a.table();
      for (const other of [wider, scaled, deeper]) {
        assert.throws(() => a.copyFrom(other), /different shapes or scales/);
      }
      assert.deepEqual(a.table(), before);
    } finally {
      [a, wider, scaled, deeper].forEach((n) => n.dispose());
    }
  });
});

Deno.test("qnet setWeights loads plain parameters and refuses other shapes or scales", async () => {
  await withNoTensorLeak("qnet setWeights", () => {
    const net = new QNet({ nStates: 3, nActions: 2, seed: 1, hidden: [4], outputScale: 10 });
    const w = new TableQNet({ nStates: 3, nActions: 2, seed: 2, hidden: [4], outputScale: 10 })
      .weights();
    net.setWeights(w);
    const reference = [0, 1, 2].flatMap((s) => referenceForward(w, s));
    // float32 rounding of weights of size ≤ 1, times c = 10
    assertAllClose(Array.from(net.table()), reference, { abs: 1e-5, rel: 1e-5 }, "table");
    const wrongFanOut = {
      ...w,
      kernels: [w.kernels[0]!.map((row) => row.slice(1)), w.kernels[1]!],
    };
    assert.throws(
      () => net.setWeights(wrongFanOut),
      /expected layers \[3, 4\], \[4, 2\] with scale 10, got \[3, 3\] \(bias 4\), /,
    );
    const fewerStates = { ...w, kernels: [w.kernels[0]!.slice(1), w.kernels[1]!] };
    assert.throws(() => net.setWeights(fewerStates), /got \[2, 4\]/);
    const shortBias = { ...w, biases: [w.biases[0]!, w.biases[1]!.slice(1)] };
    assert.throws(() => net.setWeights(shortBias), /\[4, 2\] \(bias 1\)/);
    const extraLayer = { ...w, kernels: [...w.kernels, [[1]]], biases: [...w.biases, [0]] };
    assert.throws(() => net.setWeights(extraLayer), /got .*\[1, 1\] \(bias 1\)/);
    // one list one layer longer than the other: each count is checked on its own
    const extraKernel = { ...w, kernels: [...w.kernels, [[1]]] };
    assert.throws(() => net.setWeights(extraKernel), /got .*\[1, 1\] \(bias undefined\)/);
    const extraBias = { ...w, biases: [...w.biases, [0]] };
    assert.throws(() => net.setWeights(extraBias), /expected layers \[3, 4\], \[4, 2\]/);
    assert.throws(() => net.setWeights({ ...w, outputScale: 1 }), /with scale 1$/);
    net.dispose();
  });
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

Deno.test("qnet evaluationSetting accepts ε = 1 (the uniform policy) and refuses ε just above 1 and ε = 0", () => {
  // at ε = 1 the edge action gets (1 − 1) + 1/4: every row is uniform over the 4 actions
  const uniform = evaluationSetting(1);
  uniform.policy.forEach((row) => assert.deepEqual(row, [0.25, 0.25, 0.25, 0.25]));
  assert.throws(() => evaluationSetting(1 + Number.EPSILON), QNetInputError);
  assert.throws(() => evaluationSetting(0), QNetInputError);
  assert.equal(evaluationSetting(Number.MIN_VALUE).epsilon, Number.MIN_VALUE);
});

Deno.test("qnet exploring starts accept a count of 0 (no episodes, no draws) and refuse −1 and 1.5", () => {
  const setting = evaluationSetting();
  const rng = new Rng(3);
  assert.deepEqual(sampleExploringStarts(setting, rng, 0), []);
  // an empty request must leave the stream untouched: the next draw is a fresh Rng(3)'s first
  assert.equal(rng.uniform(), new Rng(3).uniform());
  assert.equal(sampleExploringStarts(setting, new Rng(3), 1).length, 1);
  assert.throws(() => sampleExploringStarts(setting, new Rng(3), -1), QNetInputError);
  assert.throws(() => sampleExploringStarts(setting, new Rng(3), 1.5), QNetInputError);
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
  const before = performance.now();
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
        fit: (_net, steps) => void fitted.push(steps),
      })),
  );
  // rounds of 10, 10, 5 episodes; the final steps only after the last round
  assert.deepEqual(fitted, [3, 3, 5]);
  assert.deepEqual(r.curve.map((p) => p.episodes), [10, 20, 25]);
  assert.equal(r.episodes, 25);
  assert.equal(added.length + r.truncated, 25);
  assert.equal(r.samples, added.reduce((a, b) => a + b, 0));
  // the reported times are elapsed times since the run began: within the time the call took,
  // non-decreasing over the rounds, and the run's at least its last round's
  const took = performance.now() - before;
  const times = [...r.curve.map((p) => p.ms), r.ms];
  times.forEach((ms, i) => {
    assert.ok(ms >= 0 && ms <= took, `time ${i} is ${ms} ms, the call took ${took} ms`);
    if (i > 0) assert.ok(ms >= times[i - 1]!, `time ${i} is before time ${i - 1}: ${times}`);
  });
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
  // every count field at its bound: episodes and episodesPerRound refuse 0, the step counts
  // refuse −1 and 1.5 and take 0 (a round with no fitting)
  const refused: [keyof typeof config, number, string][] = [
    ["episodes", 0, "a positive integer"],
    ["episodesPerRound", 2.5, "a positive integer"],
    ["stepsPerRound", -1, "a non-negative integer"],
    ["stepsPerRound", 1.5, "a non-negative integer"],
    ["finalSteps", -1, "a non-negative integer"],
    ["finalSteps", NaN, "a non-negative integer"],
  ];
  for (const [key, value, what] of refused) {
    assert.throws(
      () => runFittedEvaluation({ ...config, [key]: value }, { seed: 4 }, () => ({} as never)),
      (e) => e instanceof QNetInputError && e.message === `${key} must be ${what}, got ${value}`,
      `${key} = ${value}`,
    );
  }
  const steps: number[] = [];
  runFittedEvaluation(
    { ...config, episodes: 1, episodesPerRound: 1, stepsPerRound: 0, finalSteps: 0 },
    { seed: 4 },
    () => ({ samples: 0, add: () => {}, fit: (_net, n) => void steps.push(n) }),
  );
  assert.deepEqual(steps, [0]); // one round: its steps plus the final ones, 0 + 0
});

/** Random targets and non-negative weights for a table, with some zero-weight entries. */
function randomRegression(n: number, seed: number, scale: number) {
  const rng = new Rng(seed);
  const targets = Float64Array.from({ length: n }, () => scale * (2 * rng.uniform() - 1));
  // about a quarter of the entries carry no weight (unvisited pairs), the rest 1–5 samples
  const weights = Float64Array.from({ length: n }, () => rng.uniform() < 0.25 ? 0 : 1 + rng.int(5));
  return { targets, weights };
}

Deno.test("qnet TableQNet's forward pass, hand-written gradient and Adam agree with tfjs (autodiff, tf.train.adam)", async () => {
  for (const [hidden, seed] of [[[64, 64], 1], [[8, 8], 2], [[5], 3], [[6, 7, 5], 4]] as const) {
    await withNoTensorLeak("qnet TableQNet vs tfjs", () => {
      const c = 100;
      const tfNet = new QNet({ nStates: 48, nActions: 4, seed, hidden, outputScale: c });
      const plain = new TableQNet(
        { nStates: 48, nActions: 4, seed, hidden, outputScale: c },
        { learningRate: 0.01 },
        tfNet.weights(),
      );
      // forward: float32 against float64 (sums of ≤ 64 products of size ≤ 1, times c = 100)
      assertAllClose(Array.from(plain.table()), Array.from(tfNet.table()), {
        abs: 1e-4,
        rel: 1e-4,
      }, `forward, hidden ${hidden}`);
      // gradient: tfjs autodiff of the same weighted loss on the same parameters
      const { targets, weights } = randomRegression(192, seed, 150);
      const total = weights.reduce((a, b) => a + b, 0);
      const params = [...tfNet.kernels, ...tfNet.biases];
      const autodiff = tf.tidy(() => {
        const all = tf.range(0, 48, 1, "int32") as tf.Tensor1D;
        const w = tf.tensor2d(Float32Array.from(weights), [48, 4]).div(total);
        const y = tf.tensor2d(Float32Array.from(targets), [48, 4]).div(c);
        const { grads } = tf.variableGrads(
          () => tfNet.apply(all).div(c).sub(y).square().mul(w).sum().div(2) as tf.Scalar,
          params,
        );
        const out = params.map((v) => Array.from(grads[v.name]!.dataSync()));
        tf.dispose(grads);
        return out;
      });
      const { grads } = plain.lossAndGradient(targets, weights);
      [...grads.kernels, ...grads.biases].forEach((g, i) => {
        const scale = Math.max(...autodiff[i]!.map(Math.abs));
        // float32 autodiff: relative to the largest entry of the tensor
        assertAllClose(
          Array.from(g),
          autodiff[i]!,
          { abs: 1e-4 * scale + 1e-9, rel: 1e-3 },
          `gradient ${i}`,
        );
      });
      // Adam: five steps of each from the same start
      const opt = tf.train.adam(0.01);
      for (let i = 0; i < 5; i++) {
        tfNet.fitTable(opt, Float32Array.from(targets), Float32Array.from(weights));
        plain.adamStep(targets, weights);
      }
      assertAllClose(Array.from(plain.table()), Array.from(tfNet.table()), {
        abs: 1e-2,
        rel: 1e-4,
      }, `after 5 Adam steps, hidden ${hidden}`);
      tfNet.dispose();
      opt.dispose();
    });
  }
});

Deno.test("qnet TableQNet's seeded initialisation follows U(−1/√fan_in, 1/√fan_in)", () => {
  const a = new TableQNet({ nStates: 48, nActions: 4, seed: 5 }).weights();
  const b = new TableQNet({ nStates: 48, nActions: 4, seed: 5 }).weights();
  const c = new TableQNet({ nStates: 48, nActions: 4, seed: 6 }).weights();
  assert.deepEqual(a, b, "same seed, same weights");
  assert.notDeepEqual(a, c, "another seed, other weights");
  [48, 64, 64].forEach((fanIn, l) => {
    const bound = 1 / Math.sqrt(fanIn);
    const flat = [...a.kernels[l]!.flat(), ...a.biases[l]!];
    assert.ok(flat.every((x) => Math.abs(x) <= bound), `layer ${l} within ±${bound}`);
    // mean square of U(−b, b) is b²/3; ≥ 260 draws put it within 25% (> 5 standard errors)
    const ms = flat.reduce((acc, x) => acc + x * x, 0) / flat.length;
    assert.ok(Math.abs(ms / (bound * bound / 3) - 1) < 0.25, `layer ${l} mean square ${ms}`);
    // and it is centred: |mean| within 5 standard errors b/√(3n)
    const mean = flat.reduce((acc, x) => acc + x, 0) / flat.length;
    assert.ok(Math.abs(mean) < 5 * bound / Math.sqrt(3 * flat.length), `layer ${l} mean ${mean}`);
  });
});

Deno.test("qnet TableQNet bad input gets a clear error naming what and where", () => {
  const net = new TableQNet({ nStates: 2, nActions: 2, seed: 1, hidden: [3] });
  assert.throws(
    () => net.adamStep(new Float64Array(3), new Float64Array(4)),
    /expected 4 targets and weights, got 3 and 4/,
  );
  assert.throws(
    () => net.adamStep(new Float64Array(4), Float64Array.of(1, -1, 0, 0)),
    /weight -1 at entry 1/,
  );
  assert.throws(() => net.adamStep(new Float64Array(4), new Float64Array(4)), /every weight is 0/);
  assert.throws(
    () => net.adamStep(Float64Array.of(0, NaN, 0, 0), Float64Array.of(1, 1, 0, 0)),
    /target NaN at entry 1/,
  );
  assert.throws(
    () => new TableQNet({ nStates: 2, nActions: 2, seed: 1 }, { learningRate: 0 }),
    /learningRate must be a positive number, got 0/,
  );
  assert.throws(
    () => new TableQNet({ nStates: 2, nActions: 2, seed: 1 }, undefined, net.weights()),
    QNetInputError,
  );
  assert.throws(
    () => new TableQNet({ nStates: 0, nActions: 2, seed: 1 }),
    /nStates must be a positive integer, got 0/,
  );
  assert.equal(net.steps, 0, "failed steps are not counted");
});

Deno.test("qnet TableQNet's reported loss is ½ Σ w ((Q − y)/c)² / Σ w, computed from its own table", () => {
  const net = new TableQNet({ nStates: 3, nActions: 2, seed: 4, hidden: [5], outputScale: 3 });
  const q = net.table();
  const targets = Float64Array.of(1, -2, 0.5, 4, -1, 2);
  const weights = Float64Array.of(1, 0, 2, 1, 0.5, 3); // a zero weight is left out
  let sum = 0, total = 0;
  for (let i = 0; i < q.length; i++) {
    sum += weights[i]! * ((q[i]! - targets[i]!) / 3) ** 2;
    total += weights[i]!;
  }
  const { loss } = net.lossAndGradient(targets, weights);
  assert.ok(
    Math.abs(loss - sum / (2 * total)) <= 1e-12 * Math.max(1, loss),
    `loss ${loss}, want ${sum / (2 * total)}`,
  );
});

Deno.test("qnet the output scale is 1 unless given: the default draw equals the one at scale 1", () => {
  const sizes = { nStates: 3, nActions: 2, seed: 5, hidden: [4] };
  const byDefault = new TableQNet(sizes).weights();
  assert.equal(byDefault.outputScale, 1);
  assert.deepEqual(byDefault, new TableQNet({ ...sizes, outputScale: 1 }).weights());
  assert.notDeepEqual(byDefault, new TableQNet({ ...sizes, outputScale: 2 }).weights());
});
