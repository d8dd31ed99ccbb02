import assert from "node:assert/strict";
import { all, create } from "mathjs";
import { Rng } from "../random/mod.ts";
import { assertAllClose, seedFor } from "../testing/mod.ts";
import { type CpuBackend, tf, useBackend, withNoTensorLeak } from "../tf/mod.ts";
import { countTensorParameters } from "./tensors.ts";
import {
  attentionRef,
  disposeParams,
  embed,
  embedRef,
  encoder,
  type EncoderParams,
  encoderRef,
  ffnRef,
  fromRows,
  initEncoder,
  initLayer,
  initMha1,
  initMha2,
  LAYER_NORM_EPS,
  layerNorm,
  layerNormRef,
  matMul,
  type Matrix,
  matrix,
  matrixFromTensor,
  mha1,
  mha1Ref,
  mha2,
  mha2Ref,
  normalMatrix,
  oneHot,
  preLnLayer,
  preLnLayerRef,
  scaledDotProductAttention,
  ShapeError,
  sinusoidalTable,
  softmaxRowsInPlace,
  tensorFromMatrix,
  toTensors,
  variedRowsMatrix,
} from "./mod.ts";

/**
 * float32 against float64: each output is a few chained sums of at most a few hundred
 * products; float32's unit roundoff is 2^-24 ≈ 6e-8, so the accumulated relative error is
 * ~1e-5 at these sizes. 1e-4 of the output's overall scale leaves a 10× margin and is still
 * far below any real discrepancy (a wrong mask or scale changes outputs by O(0.1)).
 */
function scaledTol(expected: Matrix) {
  const scale = expected.data.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  return { abs: 1e-4 * scale, rel: 1e-4 };
}

/** Runs a tfjs computation on matrices and returns the result as a float64 matrix. */
async function runTf(label: string, fn: () => tf.Tensor2D): Promise<Matrix> {
  return await withNoTensorLeak(label, () => {
    const y = fn();
    const m = matrixFromTensor(y);
    y.dispose();
    return m;
  });
}

const BACKENDS: CpuBackend[] = ["wasm", "cpu"];

/** Runs fn on a backend and returns to the default (wasm) even if fn fails. */
async function onBackend(backend: CpuBackend, fn: () => Promise<void>): Promise<void> {
  await useBackend(backend);
  try {
    await fn();
  } finally {
    await useBackend("wasm");
  }
}
const rng = (label: string) => new Rng(seedFor(`attention/${label}`));

for (const backend of BACKENDS) {
  Deno.test(`attention (${backend}) scaled dot-product attention matches the float64 reference, with and without the causal mask`, async () => {
    await onBackend(backend, async () => {
      const r = rng("sdpa");
      for (const [L, dA, dV] of [[1, 1, 1], [5, 3, 4], [17, 8, 6]] as const) {
        const q = normalMatrix(r, L, dA, 2), k = normalMatrix(r, L, dA, 2);
        const v = normalMatrix(r, L, dV, 1);
        for (const causal of [false, true]) {
          const expected = attentionRef(q, k, v, { causal });
          const got = await runTf("sdpa", () => {
            const [qt, kt, vt] = [q, k, v].map(tensorFromMatrix) as [
              tf.Tensor2D,
              tf.Tensor2D,
              tf.Tensor2D,
            ];
            const y = scaledDotProductAttention(qt, kt, vt, { causal });
            tf.dispose([qt, kt, vt]);
            return y;
          });
          assertAllClose(
            got.data,
            expected.data,
            scaledTol(expected),
            `sdpa L=${L} causal=${causal}`,
          );
        }
      }
    });
  });

  Deno.test(`attention (${backend}) LayerNorm matches the float64 reference on rows of different means and spreads`, async () => {
    await onBackend(backend, async () => {
      const r = rng("layer norm");
      for (const [L, d] of [[1, 1], [6, 2], [9, 16], [5, 64]] as const) {
        const x = variedRowsMatrix(r, L, d);
        // a constant row: variance 0, the output is β (ε keeps it finite)
        for (let j = 0; j < d; j++) x.data[j] = 2.5;
        const gain = normalMatrix(r, 1, d, 1), bias = normalMatrix(r, 1, d, 1);
        const expected = layerNormRef(x, { gain, bias });
        const got = await runTf("layer norm", () => withTensors(x, { gain, bias }, layerNorm));
        assertAllClose(got.data, expected.data, scaledTol(expected), `layerNorm L=${L} d=${d}`);
      }
    });
  });

  Deno.test(`attention (${backend}) MHA1, MHA2, the Pre-LN layer and the encoder match the float64 reference`, async () => {
    await onBackend(backend, async () => {
      const r = rng("layers");
      // rows with different means and spreads: a LayerNorm bug hides on unit-variance rows
      const x = variedRowsMatrix(r, 7, 12);
      const p1 = initMha1(r, { dIn: 12, dOut: 5, dAttn: 3, dHead: 4, heads: 3 });
      const p2 = initMha2(r, { dIn: 12, dOut: 5, dAttn: 3, heads: 3 });
      const layer = initLayer(r, { d: 12, heads: 3, norm: "random" });
      for (const causal of [false, true]) {
        const cases: [string, Matrix, () => tf.Tensor2D][] = [
          [
            "mha1",
            mha1Ref(x, p1, { causal }),
            () => withTensors(x, p1, (xt, p) => mha1(xt, p, { causal })),
          ],
          [
            "mha2",
            mha2Ref(x, p2, { causal }),
            () => withTensors(x, p2, (xt, p) => mha2(xt, p, { causal })),
          ],
          [
            "layer",
            preLnLayerRef(x, layer, { causal }),
            () => withTensors(x, layer, (xt, p) => preLnLayer(xt, p, { causal })),
          ],
        ];
        for (const [name, expected, run] of cases) {
          const got = await runTf(name, run);
          assertAllClose(got.data, expected.data, scaledTol(expected), `${name} causal=${causal}`);
        }
      }
      for (const positional of ["none", "learned", "sinusoidal"] as const) {
        const enc = initEncoder(r, {
          vocab: 6,
          d: 8,
          heads: 2,
          depth: 2,
          positional,
          norm: "random",
        });
        const u = oneHot([0, 5, 2, 2, 1], 6);
        const expected = encoderRef(u, enc);
        const got = await runTf("encoder", () => withTensors(u, enc, (ut, p) => encoder(ut, p)));
        assertAllClose(got.data, expected.data, scaledTol(expected), `encoder ${positional}`);
      }
    });
  });
}

/** Converts x and the parameters to tensors, runs fn, disposes the inputs. */
function withTensors<P>(
  x: Matrix,
  params: P,
  fn: (x: tf.Tensor2D, p: ReturnType<typeof toTensors<P>>) => tf.Tensor2D,
): tf.Tensor2D {
  const xt = tensorFromMatrix(x), p = toTensors(params);
  try {
    return fn(xt, p);
  } finally {
    xt.dispose();
    disposeParams(p);
  }
}

Deno.test("attention the causal mask makes row ℓ depend only on keys and values at positions ≤ ℓ", () => {
  const r = rng("causal");
  const q = normalMatrix(r, 6, 4, 1), k = normalMatrix(r, 6, 4, 1), v = normalMatrix(r, 6, 3, 1);
  const k2 = matrix(6, 4, k.data.slice());
  for (let j = 0; j < 4; j++) k2.data[5 * 4 + j]! += 3; // change the last key only
  const a = attentionRef(q, k, v, { causal: true }), b = attentionRef(q, k2, v, { causal: true });
  assertAllClose(a.data.subarray(0, 15), b.data.subarray(0, 15), { abs: 0, rel: 0 }, "rows 0..4");
  assert.notEqual(a.data[15], b.data[15]);
});

Deno.test("attention the op counter counts m·k·n multiply–adds per product and 6 operations per attention score", () => {
  const ops = { macs: 0, elementwise: 0 };
  const r = rng("ops");
  matMul(normalMatrix(r, 3, 4, 1), normalMatrix(r, 4, 5, 1), ops);
  assert.deepEqual(ops, { macs: 60, elementwise: 0 });
  const q = normalMatrix(r, 7, 2, 1), v = normalMatrix(r, 7, 3, 1);
  const ops2 = { macs: 0, elementwise: 0 };
  attentionRef(q, q, v, { ops: ops2 });
  assert.deepEqual(ops2, { macs: 7 * 7 * 2 + 7 * 7 * 3, elementwise: 6 * 49 });
  // causal: the 21 masked scores are not scaled (28 scalings), the softmax still visits all 49
  const ops3 = { macs: 0, elementwise: 0 };
  attentionRef(q, q, v, { ops: ops3, causal: true });
  assert.deepEqual(ops3, { macs: 7 * 7 * 2 + 7 * 7 * 3, elementwise: 28 + 5 * 49 });
  // the FFN counts one comparison per hidden entry, and add one addition per entry
  const ops4 = { macs: 0, elementwise: 0 };
  const z = normalMatrix(r, 3, 2, 1);
  ffnRef(z, { w1: normalMatrix(r, 2, 8, 1), w2: normalMatrix(r, 8, 2, 1) }, ops4);
  assert.deepEqual(ops4, { macs: 3 * 2 * 8 + 3 * 8 * 2, elementwise: 3 * 8 });
});

Deno.test("attention embedding: one-hot rows select embedding rows; the sinusoidal table adds sin/cos of the position", () => {
  const e = fromRows([[1, 2], [3, 4], [5, 6]]);
  const x = embedRef(oneHot([2, 0], 3), { embedding: e, positional: { kind: "sinusoidal" } });
  assert.deepEqual(Array.from(x.data), [5 + 0, 6 + 1, 1 + Math.sin(1), 2 + Math.cos(1)]);
  // d = 6: frequencies 1, 10000^(−2/6) = 1/21.544…, 10000^(−4/6) = 1/464.15…, each for a sin and a cos
  const pe = sinusoidalTable(4, 6);
  const freqs = [1, 10000 ** (-1 / 3), 10000 ** (-2 / 3)];
  for (let l = 0; l < 4; l++) {
    freqs.forEach((f, i) => {
      assertAllClose(
        [pe.data[l * 6 + 2 * i]!, pe.data[l * 6 + 2 * i + 1]!],
        [Math.sin(l * f), Math.cos(l * f)],
        { abs: 1e-15, rel: 0 },
        `position ${l}, pair ${i}`,
      );
    });
  }
  // a learned table with exactly L rows is long enough; its rows are added in order
  const table = fromRows([[10, 20], [30, 40]]);
  const y = embedRef(oneHot([1, 1], 3), { embedding: e, positional: { kind: "learned", table } });
  assert.deepEqual(Array.from(y.data), [13, 24, 33, 44]);
});

Deno.test("attention bad input gets a clear error naming what and where", async () => {
  assert.throws(() => oneHot([0, 4], 3), /token 4 at position 1/);
  assert.throws(
    () => attentionRef(fromRows([[1, 2]]), fromRows([[1]]), fromRows([[1]])),
    (e: unknown) => e instanceof ShapeError && /Q \[1, 2\], K \[1, 1\]/.test(e.message),
  );
  assert.throws(() => initLayer(new Rng(1), { d: 10, heads: 3 }), /heads H = 3 must divide d = 10/);
  assert.throws(() => fromRows([[1, 2], [3]]), /row 1 has 1 entries/);
  const enc = initEncoder(new Rng(1), {
    vocab: 3,
    d: 4,
    heads: 1,
    depth: 0,
    positional: "learned",
    maxLength: 2,
  });
  assert.throws(() => embedRef(oneHot([0, 1, 2], 3), enc), /learned table has 2 rows < L = 3/);
  await withNoTensorLeak("bad embed", () => {
    const p = toTensors(enc), u = tensorFromMatrix(oneHot([0, 1, 2], 3));
    try {
      assert.throws(() => embed(u, p), /learned table has 2 rows < L = 3/);
    } finally {
      u.dispose();
      disposeParams(p);
    }
  });
  await withNoTensorLeak("bad sdpa", () => {
    const a = tf.ones([2, 3]) as tf.Tensor2D, b = tf.ones([2, 2]) as tf.Tensor2D;
    assert.throws(() => scaledDotProductAttention(a, b, b), /do not fit/);
    tf.dispose([a, b]);
  });
});

Deno.test("attention the default backend is wasm (the fastest correct one, see bench/attention_bench.ts)", () => {
  assert.equal(tf.getBackend(), "wasm");
});

Deno.test("attention initialisers name a bad dimension and ignore unrelated fields", () => {
  assert.throws(
    () => initMha1(new Rng(1), { dIn: 2, dOut: 2, dAttn: 0, dHead: 1, heads: 1 }),
    /initMha1: dAttn must be a positive integer, got 0/,
  );
  const extra = { dIn: 2, dOut: 2, dAttn: 1, heads: 1, seed: 0 };
  assert.equal(initMha2(new Rng(1), extra).wv.cols, 2);
});

/** 40 significant digits: the one-pass formula below cancels at most a few of them. */
const big = create(all!, { number: "BigNumber", precision: 40 });

/**
 * LayerNorm by the other textbook formula, in 40-digit decimals: the variance as
 * E[x²] − E[x]² (one pass) instead of the reference's E[(x − E x)²] (two passes).
 */
function layerNormDecimal(x: Matrix, gain: Matrix, bias: Matrix): number[] {
  const out: number[] = [];
  const eps = big.bignumber(LAYER_NORM_EPS);
  for (let i = 0; i < x.rows; i++) {
    const row = Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), (v) => big.bignumber(v));
    const n = big.bignumber(x.cols);
    let s1 = big.bignumber(0), s2 = big.bignumber(0);
    for (const v of row) {
      s1 = s1.plus(v);
      s2 = s2.plus(v.times(v));
    }
    const mean = s1.div(n), variance = s2.div(n).minus(mean.times(mean));
    const sd = big.sqrt(variance.plus(eps)) as typeof mean;
    row.forEach((v, j) => {
      out.push(v.minus(mean).div(sd).times(gain.data[j]!).plus(bias.data[j]!).toNumber());
    });
  }
  return out;
}

Deno.test("attention the float64 LayerNorm equals γ(x − mean)/√(E[x²] − mean² + ε) + β computed in 40-digit decimals", () => {
  const r = rng("layer norm definition");
  for (const [L, d] of [[1, 1], [4, 2], [8, 7], [5, 32]] as const) {
    const x = variedRowsMatrix(r, L, d, 5);
    const gain = normalMatrix(r, 1, d, 1), bias = normalMatrix(r, 1, d, 1);
    const got = layerNormRef(x, { gain, bias });
    // float64 two-pass LayerNorm: a few ulps of the output's scale (|γ|·√d + |β|)
    assertAllClose(got.data, layerNormDecimal(x, gain, bias), { abs: 1e-12, rel: 1e-12 }, `d=${d}`);
  }
  // the definition's own numbers: x = (1, 3) has mean 2 and variance 1
  const y = layerNormRef(fromRows([[1, 3]]), {
    gain: fromRows([[2, 1]]),
    bias: fromRows([[0, 5]]),
  });
  const s = Math.sqrt(1 + 1e-5);
  assertAllClose(Array.from(y.data), [-2 / s, 5 + 1 / s], { abs: 1e-15, rel: 0 }, "x = (1, 3)");
});

Deno.test("attention random LayerNorm parameters are γ ~ 1 + N(0, 0.1²), β ~ N(0, 0.1²); identity ones are exact", () => {
  const random = initLayer(rng("ln params"), { d: 8, heads: 2, norm: "random" });
  const identity = initLayer(rng("ln params"), { d: 8, heads: 2 });
  assert.deepEqual(Array.from(identity.ln1.gain.data), new Array(8).fill(1));
  assert.deepEqual(Array.from(identity.ln2.bias.data), new Array(8).fill(0));
  assert.ok(random.ln1.gain.data.some((g) => g !== 1) && random.ln2.bias.data.some((b) => b !== 0));
  // moments over 2000 entries (125 small layers): sd of the mean 0.1/√2000 ≈ 0.0022
  const enc = initEncoder(rng("ln params big"), {
    vocab: 2,
    d: 16,
    heads: 1,
    depth: 125,
    norm: "random",
  });
  const gains = enc.layers.flatMap((l) => Array.from(l.ln1.gain.data));
  const biases = enc.layers.flatMap((l) => Array.from(l.ln2.bias.data));
  for (const [name, v, mean] of [["gain", gains, 1], ["bias", biases, 0]] as const) {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    assert.ok(
      Math.abs(m - mean) < 0.02 && Math.abs(sd - 0.1) < 0.01,
      `${name}: mean ${m}, sd ${sd}`,
    );
  }
});

Deno.test("attention varied rows: means within ±meanRange and spreads between 0.1 and 10, both really varied", () => {
  const x = variedRowsMatrix(rng("varied"), 300, 400, 3);
  const means: number[] = [], sds: number[] = [];
  for (let i = 0; i < 300; i++) {
    const row = x.data.subarray(i * 400, (i + 1) * 400);
    const m = row.reduce((a, b) => a + b, 0) / 400;
    means.push(m);
    sds.push(Math.sqrt(row.reduce((a, b) => a + (b - m) ** 2, 0) / 400));
  }
  // the sample sd of 400 normals has relative sd 1/√800 ≈ 3.5%: ±30% is 8.5 standard errors
  sds.forEach((s, i) => assert.ok(s > 0.07 && s < 13, `row ${i}: sd ${s}`));
  means.forEach((m, i) => assert.ok(Math.abs(m) < 3 + 8 * sds[i]! / 20, `row ${i}: mean ${m}`));
  assert.ok(Math.min(...sds) < 0.2 && Math.max(...sds) > 5, "spreads cover 0.1..10");
  assert.ok(Math.min(...means) < -2 && Math.max(...means) > 2, "means cover −3..3");
});

Deno.test("attention embed accepts a learned table of exactly L rows even when L < vocab, and adds its rows in order", async () => {
  // L = 2 tokens from a vocabulary of 3: the table needs L rows, not one per token
  const e = fromRows([[1, 2], [3, 4], [5, 6]]);
  const table = fromRows([[10, 20], [30, 40]]);
  await withNoTensorLeak("learned embed", () => {
    const params: EncoderParams = {
      embedding: e,
      positional: { kind: "learned", table },
      layers: [],
    };
    const p = toTensors(params);
    const u = tensorFromMatrix(oneHot([1, 1], 3));
    try {
      const x = embed(u, p);
      // token 1's embedding (3, 4) plus the table's rows 0 and 1
      assert.deepEqual(x.arraySync(), [[13, 24], [33, 44]]);
      x.dispose();
    } finally {
      u.dispose();
      disposeParams(p);
    }
  });
});

Deno.test("attention softmaxRowsInPlace subtracts each row's own maximum: a later row of logits near 1000 does not overflow", () => {
  // row 0 is small, row 1 is huge: exp(1000) overflows unless row 1's own maximum is used
  const p = softmaxRowsInPlace(fromRows([[0, 0], [1000, 1000 + Math.log(3)]]));
  assertAllClose(Array.from(p.data), [0.5, 0.5, 0.25, 0.75], { abs: 1e-12, rel: 0 }, "softmax");
  // the maximum over the whole row, not its first entry: shifting [−800, 0] by −800 would
  // overflow exp(800); by the true maximum 0 it is (e^−800, 1) = (0, 1) exactly
  assert.deepEqual(Array.from(softmaxRowsInPlace(fromRows([[-800, 0]])).data), [0, 1]);
});

Deno.test("attention oneHot accepts tokens 0 and N − 1 and refuses −1 and N by position", () => {
  assert.deepEqual(Array.from(oneHot([0, 2], 3).data), [1, 0, 0, 0, 0, 1]);
  assert.throws(
    () => oneHot([1, -1], 3),
    (e: unknown) =>
      e instanceof RangeError && /token -1 at position 1 is outside 0\.\.2/.test(e.message),
  );
  assert.throws(() => oneHot([3], 3), /token 3 at position 0 is outside 0\.\.2/);
});

Deno.test("attention countTensorParameters adds the sizes of tensors in nested arrays: [[2×3, 4], [5]] has 15", async () => {
  await withNoTensorLeak("count nested", () => {
    const a = tf.ones([2, 3]), b = tf.ones([4]), c = tf.ones([5]);
    try {
      assert.equal(countTensorParameters([[a, b], [c]]), 6 + 4 + 5);
      assert.equal(countTensorParameters({ layers: [a, { w: [b, c] }] }), 15);
    } finally {
      tf.dispose([a, b, c]);
    }
  });
});

Deno.test("attention MHA1 checks its dHead while MHA2 (which has none) does not need one", () => {
  assert.throws(
    () => initMha1(new Rng(1), { dIn: 2, dOut: 2, dAttn: 1, dHead: 0, heads: 1 }),
    /initMha1: dHead must be a positive integer, got 0/,
  );
  assert.equal(initMha1(new Rng(1), { dIn: 2, dOut: 2, dAttn: 1, dHead: 1, heads: 1 }).wv.cols, 1);
  assert.equal(initMha2(new Rng(1), { dIn: 2, dOut: 2, dAttn: 1, heads: 1 }).wv.cols, 2);
  assert.throws(
    () =>
      initMha2(
        new Rng(1),
        { dOut: 2, dAttn: 1, heads: 1 } as unknown as Parameters<typeof initMha2>[1],
      ),
    /initMha2: dIn must be a positive integer, got undefined/,
  );
});
