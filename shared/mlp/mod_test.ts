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
