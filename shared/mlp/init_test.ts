import assert from "node:assert/strict";
import { tf, withNoTensorLeak } from "../tf/mod.ts";
import {
  createMlp,
  createStackedMlp,
  disposeMlp,
  disposeStackedMlp,
  policyTable,
  readPolicyAndValues,
  stackedPolicyTables,
  stackedValueTables,
  valueTable,
} from "./mod.ts";

/** tfjs's Glorot-uniform draw for a seed, the initialiser both networks state they use. */
const glorot = (seed: number, shape: [number, number]) =>
  tf.tidy(() => tf.initializers.glorotUniform({ seed }).apply(shape).arraySync() as number[][]);

const scaled = (m: number[][], c: number) => m.map((row) => row.map((x) => Math.fround(x * c)));

Deno.test("mlp: createMlp draws W1 from Glorot(seed), W2 from Glorot(seed + 1) times the output scale (default 1), zero biases", async () => {
  await withNoTensorLeak("createMlp init", () => {
    for (
      const [scale, net] of [[1, createMlp(5, 4, 3, 11)], [
        0.25,
        createMlp(5, 4, 3, 11, 0.25),
      ]] as const
    ) {
      assert.deepEqual(net.w1.arraySync(), glorot(11, [5, 4]));
      assert.deepEqual(net.w2.arraySync(), scaled(glorot(12, [4, 3]), scale));
      assert.deepEqual(net.b1.arraySync(), [0, 0, 0, 0]);
      assert.deepEqual(net.b2.arraySync(), [0, 0, 0]);
      disposeMlp(net);
    }
  });
});

Deno.test("mlp: createStackedMlp stacks, for each seed, the network createMlp makes from it (default scale 1); one seed is enough, none is refused", async () => {
  await withNoTensorLeak("createStackedMlp init", () => {
    for (const [scale, seeds] of [[1, [3]], [0.5, [3, 8, 20]]] as const) {
      const stack = scale === 1
        ? createStackedMlp(4, 2, 3, seeds)
        : createStackedMlp(4, 2, 3, seeds, scale);
      assert.equal(stack.copies, seeds.length);
      const w1 = stack.w1.arraySync() as number[][][];
      const w2 = stack.w2.arraySync() as number[][][];
      seeds.forEach((seed, k) => {
        assert.deepEqual(w1[k], glorot(seed, [4, 2]), `copy ${k}: W1`);
        assert.deepEqual(w2[k], scaled(glorot(seed + 1, [2, 3]), scale), `copy ${k}: W2`);
      });
      disposeStackedMlp(stack);
    }
    assert.throws(() => createStackedMlp(4, 2, 3, []), /at least one seed/);
  });
});

Deno.test("mlp: the stacked tables read copy k, state s, output o from its own place", async () => {
  await withNoTensorLeak("stacked tables", async () => {
    const seeds = [4, 9, 30];
    const values = createStackedMlp(5, 3, 1, seeds);
    const policies = createStackedMlp(5, 3, 2, seeds, 3);
    const v = await stackedValueTables(values);
    const pi = await stackedPolicyTables(policies);
    const both = await readPolicyAndValues(policies, values);
    assert.equal(v.length, 3);
    assert.equal(both.probs.length, 3 * 5 * 2);
    assert.equal(both.values.length, 3 * 5);
    for (const [k, seed] of seeds.entries()) {
      // the copy alone, from createMlp with the same seed: float32 work in another order
      const single = createMlp(5, 3, 1, seed);
      const alone = await valueTable(single);
      disposeMlp(single);
      assert.equal(v[k]!.length, 5);
      alone.forEach((x, s) => {
        assert.ok(Math.abs(v[k]![s]! - x) < 1e-6, `V_${k}(${s}): ${v[k]![s]} vs ${x}`);
        assert.equal(both.values[k * 5 + s], Math.fround(v[k]![s]!));
      });
      assert.equal(pi[k]!.length, 5);
      pi[k]!.forEach((row, s) => {
        assert.equal(row.length, 2);
        row.forEach((p, a) => {
          assert.ok(Math.abs(both.probs[(k * 5 + s) * 2 + a]! - p) < 1e-6, `π_${k}(${a} | ${s})`);
        });
      });
    }
    // the copies differ, so a table read from another copy's place would show
    assert.notDeepEqual(v[0], v[1]);
    await assert.rejects(() => stackedValueTables(policies), /need one output, got 2/);
    const fewer = createStackedMlp(5, 3, 1, [4, 9]);
    await assert.rejects(() => readPolicyAndValues(policies, fewer), /differ in copies or states/);
    disposeStackedMlp(fewer);
    disposeStackedMlp(values);
    disposeStackedMlp(policies);
  });
});

Deno.test("mlp: policy tables are renormalised in float64: every row sums to 1 within 1e-15, though the float32 softmax rows do not", async () => {
  await withNoTensorLeak("renormalised tables", async () => {
    // 4 actions and a large output scale: float32 softmax rows whose float64 sums miss 1 by
    // up to ~1e-7, which the exact evaluators of shared/mdp (1e-9) would refuse
    const stack = createStackedMlp(6, 5, 4, [2, 13], 3);
    const single = createMlp(6, 5, 4, 13, 3);
    const values = createStackedMlp(6, 5, 1, [2, 13]);
    const raw = (await readPolicyAndValues(stack, values)).probs; // float32 softmax, not renormalised
    const rawSums = Array.from(
      { length: 12 },
      (_, r) => raw.subarray(4 * r, 4 * r + 4).reduce((a, b) => a + b, 0),
    );
    assert.ok(rawSums.some((t) => Math.abs(t - 1) > 1e-9), "premise: some float32 row misses 1");
    const tables = [...await stackedPolicyTables(stack), await policyTable(single)];
    for (const [k, table] of tables.entries()) {
      const copy = k === 0 ? 0 : 1; // the single network is copy 1's seed, 13
      assert.equal(table.length, 6);
      table.forEach((row, s) => {
        const sum = row.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) <= 1e-15, `table ${k}, state ${s}: row sums to 1 + ${sum - 1}`);
        // renormalising moves no entry by more than the float32 sum's miss
        row.forEach((p, a) => {
          const f32 = raw[(copy * 6 + s) * 4 + a]!;
          assert.ok(
            Math.abs(p - f32) < 1e-6,
            `table ${k}: π(${a} | ${s}) = ${p} vs float32 ${f32}`,
          );
        });
      });
    }
    disposeStackedMlp(stack);
    disposeStackedMlp(values);
    disposeMlp(single);
  });
});
