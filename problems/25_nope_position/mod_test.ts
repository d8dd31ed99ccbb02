import assert from "node:assert/strict";
import { normalMatrix } from "../../shared/attention/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { claims } from "./claims.ts";
import { firstCoordinates, nopeLayer, nopeOutputs, nopeOutputsTf } from "./mod.ts";

registerClaimTests(claims);

Deno.test("25 without the mask every position reads 1/L: the layer cannot tell positions apart", () => {
  const layer = nopeLayer(new Rng(3), { vocab: 6, d: 5, dK: 2 });
  const y = firstCoordinates(nopeOutputs(layer, [0, 1, 2, 3, 4], { causal: false }));
  for (const v of y) assert.ok(Math.abs(v - 1 / 5) < 1e-15, `${v}`);
});

Deno.test("25 the assumption matters: a second ⟨im_start⟩ at position 3 counts twice (y_ℓ,1 = 2/ℓ from ℓ = 3)", () => {
  const layer = nopeLayer(new Rng(4), { vocab: 4, d: 3, dK: 2 });
  const y = firstCoordinates(nopeOutputs(layer, [0, 1, 0, 2]));
  assert.ok(Math.abs(y[2]! - 2 / 3) < 1e-15 && Math.abs(y[3]! - 2 / 4) < 1e-15);
});

Deno.test("25 the tfjs path leaks no tensors and agrees with the float64 reference on all coordinates", async () => {
  const layer = nopeLayer(new Rng(5), { vocab: 7, d: 6, dK: 3 });
  const tokens = [0, 3, 6, 1, 1, 2];
  const tfY = await withNoTensorLeak("25 tfjs", () => nopeOutputsTf(layer, tokens));
  const refY = nopeOutputs(layer, tokens);
  tfY.data.forEach((v, i) =>
    assert.ok(Math.abs(v - refY.data[i]!) < 1e-4 * (1 + Math.abs(refY.data[i]!)))
  );
});

Deno.test("25 bad sizes get a clear error", () => {
  // each size just below its bound, and a fraction above it (either test alone lets a guard
  // that checks only one of "integer" and "large enough" through)
  const cases: [Partial<{ vocab: number; d: number; dK: number }>, RegExp][] = [
    [{ vocab: 1 }, /vocab N must be an integer ≥ 2, got 1/],
    [{ vocab: 2.5 }, /vocab N must be an integer ≥ 2, got 2.5/],
    [{ d: 1 }, /width d must be an integer ≥ 2, got 1/],
    [{ d: 3.5 }, /width d must be an integer ≥ 2, got 3.5/],
    [{ dK: 0 }, /d_K must be a positive integer, got 0/],
    [{ dK: 1.5 }, /d_K must be a positive integer, got 1.5/],
  ];
  for (const [bad, message] of cases) {
    assert.throws(() => nopeLayer(new Rng(1), { vocab: 4, d: 4, dK: 2, ...bad }), message);
  }
  // the smallest sizes allowed are accepted
  nopeLayer(new Rng(1), { vocab: 2, d: 2, dK: 1 });
  assert.throws(
    () => nopeOutputs(nopeLayer(new Rng(1), { vocab: 3, d: 2, dK: 1 }), [0, 3]),
    /token 3 at position 1/,
  );
});

Deno.test("25 W^Q is drawn with standard deviation 1 unless queryScale says otherwise", () => {
  const shape = { vocab: 4, d: 3, dK: 2 };
  const byDefault = nopeLayer(new Rng(7), shape);
  assert.deepEqual(byDefault, nopeLayer(new Rng(7), { ...shape, queryScale: 1 }));
  const scaled = nopeLayer(new Rng(7), { ...shape, queryScale: 2 });
  assert.deepEqual(scaled.wqT.data, byDefault.wqT.data.map((x) => 2 * x));
});

Deno.test("25 the free entries of M are its N(0, 1) draw: only rows 1 and 2 are overwritten", () => {
  // M is the first draw from the generator, so the same seed reproduces it; d = 4 gives two
  // free rows, whose first column (token ⟨im_start⟩) is where an overrun of the row-1/row-2
  // loop would write
  const [N, d] = [5, 4];
  const layer = nopeLayer(new Rng(11), { vocab: N, d, dK: 2 });
  const draw = normalMatrix(new Rng(11), d, N, 1);
  assert.deepEqual(layer.m.data.subarray(2 * N), draw.data.subarray(2 * N));
});

Deno.test("25 the free rows of W^V are its N(0, 1) draw and W^K is exactly e_1ᵀ in every row", () => {
  // W^V is the second draw from the generator, after M, so replaying the seed reproduces it;
  // row 1 (e_2ᵀ) is the only fixed one, and the first entry of row 2 is where an overrun of
  // the row-1 loop would write
  const [N, d, dK] = [5, 4, 3];
  const layer = nopeLayer(new Rng(12), { vocab: N, d, dK });
  const replay = new Rng(12);
  normalMatrix(replay, d, N, 1); // M
  const wv = normalMatrix(replay, d, d, 1);
  assert.deepEqual(Array.from(layer.wvT.data.subarray(0, d)), [0, 1, 0, 0]);
  assert.deepEqual(layer.wvT.data.subarray(d), wv.data.subarray(d));
  // every key is the first coordinate of x, whatever d_K
  assert.deepEqual(
    Array.from(layer.wkT.data),
    Array.from({ length: dK * d }, (_, i) => (i % d === 0 ? 1 : 0)),
  );
});
