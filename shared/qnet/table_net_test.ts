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

Deno.test("qnet TableQNet's gradient leaves out a state whose weights are all 0, even where its forward pass overflows", () => {
  // Layers 2 → 1 → 1 → 1, biases 0, c = 1, powers of two so that every value is exact.
  // State 0: h₁ = 1, h₂ = 2^30, Q = 2^30 · 2^-30 = 1. State 1: h₁ = 2^1000, h₂ = 2^1030 = ∞.
  // Only state 0 is weighted (w = 1, y = 0): L = ½ (1 − 0)² = ½ and, backwards,
  // δ₃ = 1: ∂b₃ = 1, ∂W₃ = h₂ δ₃ = 2^30; δ₂ = W₃ δ₃ = 2^-30: ∂b₂ = 2^-30, ∂W₂ = h₁ δ₂ = 2^-30;
  // δ₁ = W₂ δ₂ = 1: ∂b₁ = 1, ∂W₁ = [[1], [0]] (state 1's row gets nothing).
  // Running state 1 through the backward pass would add ∞ · 0 = NaN to ∂W₃.
  const net = new TableQNet(
    { nStates: 2, nActions: 1, seed: 1, hidden: [1, 1] },
    undefined,
    {
      kernels: [[[1], [2 ** 1000]], [[2 ** 30]], [[2 ** -30]]],
      biases: [[0], [0], [0]],
      outputScale: 1,
    },
  );
  const { loss, grads } = net.lossAndGradient(Float64Array.of(0, 0), Float64Array.of(1, 0));
  assert.equal(loss, 0.5);
  assert.deepEqual(grads.kernels.map((k) => Array.from(k)), [[1, 0], [2 ** -30], [2 ** 30]]);
  assert.deepEqual(grads.biases.map((b) => Array.from(b)), [[1], [2 ** -30], [1]]);
});

Deno.test("qnet TableQNet's loss ignores the target of a pair with weight 0, NaN included, in a state that is otherwise weighted", () => {
  // Layers 2 → 1 → 2, c = 1, dyadic weights so that every value is exact.
  // h(s=0) = relu(0.75 + 0.25) = 1 and h(s=1) = relu(−2 + 0.25) = 0 (a dead unit);
  // Q(0, ·) = (2·1 + 0.5, −1·1 + 0) = (2.5, −1) and Q(1, ·) = (0.5, 0).
  // Weights (1, 0, 1, 2), Σ w = 4; the pair (0, 1) has no sample, so its target is NaN.
  // Errors Q − y: (0, 0) 2.5 − 1.5 = 1, (1, 0) 0.5 + 0.5 = 1, (1, 1) 0 − 1 = −1;
  // L = (1 + 1 + 2) / (2 · 4) = ½ and δ = w e / Σ w = (¼, 0, ¼, −½).
  // Output layer: ∂b₂ = (¼ + ¼, 0 − ½), ∂W₂ = h(0) δ(0, ·) + h(1) δ(1, ·) = (¼, 0).
  // Hidden: ∂L/∂h(0) = 2·¼ − 1·0 = ½ through a live unit, nothing through the dead one:
  // ∂b₁ = ½, ∂W₁ = [[½], [0]].
  const net = new TableQNet(
    { nStates: 2, nActions: 2, seed: 1, hidden: [1] },
    undefined,
    { kernels: [[[0.75], [-2]], [[2, -1]]], biases: [[0.25], [0.5, 0]], outputScale: 1 },
  );
  assert.deepEqual(Array.from(net.table()), [2.5, -1, 0.5, 0]);
  const { loss, grads } = net.lossAndGradient(
    Float64Array.of(1.5, NaN, -0.5, 1),
    Float64Array.of(1, 0, 1, 2),
  );
  assert.equal(loss, 0.5);
  assert.deepEqual(grads.kernels.map((k) => Array.from(k)), [[0.5, 0], [0.25, 0]]);
  assert.deepEqual(grads.biases.map((b) => Array.from(b)), [[0.5], [0.5, -0.5]]);
});
