import assert from "node:assert/strict";
import {
  initMha1,
  matrix,
  mha1Ref,
  mha2Ref,
  normalMatrix,
  ShapeError,
} from "../../shared/attention/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import {
  attentionWeights,
  equivalenceBound,
  foldOutputProjection,
  mha1ParameterCount,
  mha2ParameterCount,
  parameterDifference,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("20 with one head and d_head = d_out the fold is W^V W^O and both models agree to 1e-13", () => {
  const p1 = initMha1(new Rng(1), { dIn: 3, dOut: 2, dAttn: 2, dHead: 2, heads: 1 });
  const x = normalMatrix(new Rng(2), 4, 3, 1);
  const a = mha1Ref(x, p1), b = mha2Ref(x, foldOutputProjection(p1));
  a.data.forEach((v, i) => assert.ok(Math.abs(v - b.data[i]!) < 1e-13));
});

Deno.test("20 the error bound is positive, tiny for float64 and grows with the unit roundoff", () => {
  const p1 = initMha1(new Rng(3), { dIn: 8, dOut: 4, dAttn: 2, dHead: 3, heads: 3 });
  const x = normalMatrix(new Rng(4), 5, 8, 1);
  const b64 = equivalenceBound(x, p1, 2 ** -53), b32 = equivalenceBound(x, p1, 2 ** -24);
  b64.data.forEach((v, i) => assert.ok(v > 0 && v < 1e-12 && b32.data[i]! === v * 2 ** 29));
});

Deno.test("20 attention weights are row-stochastic", () => {
  const p1 = initMha1(new Rng(5), { dIn: 4, dOut: 4, dAttn: 2, dHead: 2, heads: 2 });
  for (const a of attentionWeights(normalMatrix(new Rng(6), 6, 4, 3), p1)) {
    for (let i = 0; i < 6; i++) {
      const s = a.data.subarray(i * 6, i * 6 + 6).reduce((t, v) => t + v, 0);
      assert.ok(Math.abs(s - 1) < 1e-14);
    }
  }
});

Deno.test("20 the counts at d_in = d_out = 512, d_head = 64: MHA2 is smaller only when d_head is large", () => {
  const s = { dIn: 512, dOut: 512, dAttn: 64, dHead: 64, heads: 8 };
  assert.equal(mha1ParameterCount(s), 1048576);
  assert.equal(mha2ParameterCount(s), 2621440);
  // MHA2 saves parameters exactly when d_head(d_in + d_out) > d_in d_out, e.g. d_head = 512
  assert.ok(parameterDifference({ ...s, dHead: 512 }) < 0);
  assert.equal(parameterDifference({ ...s, dHead: 256 }), 0);
});

Deno.test("20 blocks that do not fit get a clear error naming the matrix", () => {
  const p1 = initMha1(new Rng(7), { dIn: 4, dOut: 3, dAttn: 2, dHead: 2, heads: 2 });
  assert.throws(
    () => foldOutputProjection({ ...p1, wo: matrix(3, 3) }),
    (e: unknown) =>
      e instanceof ShapeError && /W\^O has 3 rows, expected H·d_head = 4/.test(e.message),
  );
  assert.throws(
    () => equivalenceBound(normalMatrix(new Rng(8), 2, 5, 1), p1, 2 ** -24),
    /X has 5 columns, W\^Q has 4 rows/,
  );
});
