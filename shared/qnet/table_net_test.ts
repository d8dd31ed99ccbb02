import assert from "node:assert/strict";
import { TableQNet } from "./mod.ts";

Deno.test("qnet TableQNet without hidden layers is the table c·(W[s][a] + b[a]), and weights() returns W row by row", () => {
  const net = new TableQNet({ nStates: 3, nActions: 2, seed: 4, hidden: [], outputScale: 2.5 });
  const w = net.weights();
  assert.equal(w.kernels.length, 1);
  assert.equal(w.kernels[0]!.length, 3, "one row per state");
  const table = net.table();
  for (let s = 0; s < 3; s++) {
    assert.equal(w.kernels[0]![s]!.length, 2, `row ${s} has one entry per action`);
    for (let a = 0; a < 2; a++) {
      assert.equal(
        table[s * 2 + a],
        2.5 * (w.kernels[0]![s]![a]! + w.biases[0]![a]!),
        `Q(${s}, ${a})`,
      );
    }
  }
});

Deno.test("qnet TableQNet rebuilt from its weights() has the same table, hidden layers included", () => {
  const net = new TableQNet({ nStates: 4, nActions: 3, seed: 9, hidden: [5, 2], outputScale: 0.5 });
  const copy = new TableQNet(
    { nStates: 4, nActions: 3, seed: 123, hidden: [5, 2], outputScale: 0.5 },
    undefined,
    net.weights(),
  );
  assert.deepEqual(Array.from(copy.table()), Array.from(net.table()));
  const w = net.weights();
  assert.deepEqual(w.kernels.map((k) => [k.length, k[0]!.length]), [[4, 5], [5, 2], [2, 3]]);
  assert.ok(
    w.kernels.every((k) => k.every((row) => row.length === k[0]!.length)),
    "rows of equal length",
  );
});

Deno.test("qnet TableQNet accepts a hidden layer of one unit and refuses 0 and fractions", () => {
  const net = new TableQNet({ nStates: 2, nActions: 2, seed: 1, hidden: [1] });
  assert.equal(net.table().length, 4);
  for (const h of [0, 0.5, 1.5, -1]) {
    assert.throws(
      () => new TableQNet({ nStates: 2, nActions: 2, seed: 1, hidden: [h] }),
      /hidden\[0\] must be a positive integer/,
    );
  }
});
