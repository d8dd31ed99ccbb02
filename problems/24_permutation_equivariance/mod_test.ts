import assert from "node:assert/strict";
import { initEncoder, initLayer, matrix, normalMatrix } from "../../shared/attention/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { claims } from "./claims.ts";
import {
  assertPermutation,
  encoderEquivarianceGap,
  layerEquivarianceGap,
  randomPermutation,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("24 the identity permutation gives gap exactly 0 even with a mask and positional embeddings", () => {
  const enc = initEncoder(new Rng(1), {
    vocab: 5,
    d: 8,
    heads: 2,
    depth: 2,
    positional: "sinusoidal",
  });
  const g = encoderEquivarianceGap(enc, [1, 2, 3, 4], [0, 1, 2, 3], { causal: true });
  assert.equal(g.maxError, 0);
});

Deno.test("24 swapping two equal tokens: without positions the output is unchanged, with learned positions it is not", () => {
  const rng = new Rng(2);
  const plain = initEncoder(rng, { vocab: 3, d: 4, heads: 2, depth: 1 });
  const learned = initEncoder(rng, { vocab: 3, d: 4, heads: 2, depth: 1, positional: "learned" });
  // tokens equal at positions 0 and 1, σ swaps them: without positions the input does not change
  assert.equal(encoderEquivarianceGap(plain, [2, 2, 1], [1, 0, 2]).maxError, 0);
  assert.ok(encoderEquivarianceGap(learned, [2, 2, 1], [1, 0, 2]).maxError > 1e-3);
});

Deno.test("24 the tfjs checks leave no tensors behind", async () => {
  const layer = initLayer(new Rng(3), { d: 8, heads: 4 });
  const x = normalMatrix(new Rng(4), 5, 8, 1);
  const g = await withNoTensorLeak(
    "24 layer",
    () => layerEquivarianceGap(layer, x, [4, 3, 2, 1, 0], { implementation: "tfjs" }),
  );
  assert.ok(g.maxError < 1e-4 * g.scale);
});

Deno.test("24 randomPermutation draws every permutation of 3 elements", () => {
  const rng = new Rng(5);
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(randomPermutation(rng, 3).join());
  assert.equal(seen.size, 6);
});

Deno.test("24 a σ that is not a permutation gets a clear error", () => {
  assert.throws(() => assertPermutation([0, 0, 1], 3), /σ\[1\] = 0 is out of range or repeated/);
  assert.throws(() => assertPermutation([0, 1], 3), /σ has 2 entries for a sequence of length 3/);
  // every entry in 0..L − 1: −1, L and 0.5 are refused, 0 and L − 1 accepted
  assert.throws(() => assertPermutation([-1, 1], 2), /σ\[0\] = -1 is out of range/);
  assert.throws(() => assertPermutation([0, 2], 2), /σ\[1\] = 2 is out of range/);
  assert.throws(() => assertPermutation([0.5, 1], 2), /σ\[0\] = 0.5 is out of range/);
  assertPermutation([1, 0], 2);
  const enc = initEncoder(new Rng(1), { vocab: 2, d: 4, heads: 1, depth: 1 });
  assert.throws(() => encoderEquivarianceGap(enc, [0, 1], [0, 2]), /σ\[1\] = 2/);
});

Deno.test("24 the empty sequence is equivariant with gap exactly 0 and scale 1", () => {
  const enc = initEncoder(new Rng(1), { vocab: 5, d: 8, heads: 2, depth: 2 });
  const e = encoderEquivarianceGap(enc, [], []);
  assert.deepEqual([e.maxError, e.scale, e.output.rows], [0, 1, 0]);
  const l = layerEquivarianceGap(initLayer(new Rng(2), { d: 8, heads: 2 }), matrix(0, 8), []);
  assert.deepEqual([l.maxError, l.scale, l.output.rows], [0, 1, 0]);
});
