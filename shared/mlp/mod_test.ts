import assert from "node:assert/strict";
import { tf, withNoTensorLeak } from "../tf/mod.ts";
import { createMlp, disposeMlp, policyTable, valueTable } from "./mod.ts";

Deno.test("mlp: the policy table has one distribution per state and nothing leaks", async () => {
  await withNoTensorLeak("policy table", async () => {
    const net = createMlp(5, 8, 3, 7, 0.01);
    const table = await policyTable(net);
    disposeMlp(net);
    assert.equal(table.length, 5);
    for (const row of table) {
      assert.equal(row.length, 3);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6);
      // a small output scale starts near uniform
      for (const p of row) assert.ok(Math.abs(p - 1 / 3) < 0.05, `p = ${p}`);
    }
  });
});

Deno.test("mlp: the policy table's row s is the softmax of the network at one-hot(s), worked in float64 from the weights", async () => {
  await withNoTensorLeak("policy table rows", async () => {
    const net = createMlp(4, 6, 3, 11);
    const [w1, b1, w2, b2] = [net.w1, net.b1, net.w2, net.b2].map((v) => v.arraySync()) as [
      number[][],
      number[],
      number[][],
      number[],
    ];
    const table = await policyTable(net);
    disposeMlp(net);
    const expected = w1.map((w1s) => {
      // one-hot(s) W1 is row s of W1; logits = tanh(W1[s] + b1) W2 + b2
      const h = w1s.map((x, k) => Math.tanh(x + b1[k]!));
      const logits = b2.map((b, a) => b + h.reduce((acc, hk, k) => acc + hk * w2[k]![a]!, 0));
      const m = Math.max(...logits);
      const e = logits.map((z) => Math.exp(z - m));
      const total = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / total);
    });
    // float32 network against the float64 reference: 1e-5 absolute on probabilities
    assert.equal(table.length, 4);
    table.forEach((row, s) =>
      row.forEach((p, a) =>
        assert.ok(
          Math.abs(p - expected[s]![a]!) < 1e-5,
          `π(${a} | ${s}) = ${p}, expected ${expected[s]![a]}`,
        )
      )
    );
    // the rows differ from state to state by far more than the tolerance, so each is its own
    const spread = Math.max(...expected.map((row) => Math.abs(row[0]! - expected[0]![0]!)));
    assert.ok(spread > 1e-2, `rows too alike to tell apart: spread ${spread}`);
  });
});

Deno.test("mlp: the same seed gives the same network, another seed another one", async () => {
  const values = async (seed: number) => {
    const net = createMlp(4, 6, 1, seed);
    const v = await valueTable(net);
    disposeMlp(net);
    return v;
  };
  assert.deepEqual(await values(3), await values(3));
  assert.notDeepEqual(await values(3), await values(4));
});

Deno.test("mlp: one Adam step on the stack moves each copy as an Adam step on it alone", async () => {
  const { createStackedMlp, disposeStackedMlp, stackedForwardAll } = await import("./mod.ts");
  await withNoTensorLeak("stacked Adam", async () => {
    const target = tf.tensor3d([[[1], [0], [2]], [[-1], [3], [0]]]); // [K=2, S=3, 1]
    const loss = (net: ReturnType<typeof createStackedMlp>, t: tf.Tensor) =>
      tf.sum(tf.square(tf.sub(stackedForwardAll(net), t))) as tf.Scalar;
    const both = createStackedMlp(3, 4, 1, [7, 8]);
    const alone = createStackedMlp(3, 4, 1, [8]);
    const opt1 = tf.train.adam(0.1);
    const opt2 = tf.train.adam(0.1);
    const second = tf.slice(target, [1, 0, 0], [1, 3, 1]);
    for (let i = 0; i < 3; i++) {
      opt1.minimize(() => loss(both, target), false, both.variables);
      opt2.minimize(() => loss(alone, second), false, alone.variables);
    }
    const a = tf.tidy(() => tf.slice(stackedForwardAll(both), [1, 0, 0], [1, 3, 1]));
    const b = tf.tidy(() => stackedForwardAll(alone));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
    const gap = (await diff.data())[0]!;
    tf.dispose([a, b, diff, target, second]);
    disposeStackedMlp(both);
    disposeStackedMlp(alone);
    opt1.dispose();
    opt2.dispose();
    assert.ok(gap < 1e-5, `copy 1 differs from the network trained alone by ${gap}`);
  });
});
