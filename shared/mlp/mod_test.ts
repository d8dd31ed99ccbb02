import assert from "node:assert/strict";
import { withNoTensorLeak } from "../tf/mod.ts";
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
