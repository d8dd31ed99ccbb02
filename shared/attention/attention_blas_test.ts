/**
 * The attention layers and the tfjs checks of Problems 20, 24 and 25 on the blas backend
 * (the wasm backend with OpenBLAS's matrix products), against the float64 reference; and a
 * planted wrong product (B read transposed) that the same comparisons reject. Problem 27's
 * claims count FLOPs on the float64 reference and never call tfjs, so none of it runs here.
 *
 * Skipped (each test marked ignored) without OpenBLAS or without --allow-ffi, as under
 * `deno task test`; `deno task test:blas` runs them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { claims as claims20 } from "../../problems/20_mha_projection/claims.ts";
import { claims as claims24 } from "../../problems/24_permutation_equivariance/claims.ts";
import { claims as claims25 } from "../../problems/25_nope_position/claims.ts";
import { Rng } from "../random/mod.ts";
import { assertAllClose, NumericAssertionError, runClaim, seedFor } from "../testing/mod.ts";
import {
  blasGemmCalls,
  blasSgemm,
  isBlasAvailable,
  readsBTransposed,
  registerGemmBackend,
  tf,
  useBackend,
  withNoTensorLeak,
} from "../tf/mod.ts";
import {
  attentionRef,
  disposeParams,
  encoder,
  encoderRef,
  initEncoder,
  initLayer,
  initMha1,
  initMha2,
  layerNorm,
  layerNormRef,
  type Matrix,
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
  tensorFromMatrix,
  toTensors,
  variedRowsMatrix,
} from "./mod.ts";

const NO_BLAS = !isBlasAvailable();
const PLANTED = "blas-transposed-b";
if (!NO_BLAS) registerGemmBackend(PLANTED, readsBTransposed(blasSgemm()));

/**
 * float32 against float64, relative to the output's scale max(1, max |y|). Each output is a
 * few chained products and sums; OpenBLAS sums in float32 in its own blocked order, and for
 * any order the error of a k-term dot product is at most k·u·Σ|a_i b_i| with u = 2^-24, and
 * typically √k·u of it. With k ≤ 4d = 1024 here that is about 2e-6 of the scale; 1e-4 leaves
 * a margin of 50 while a transposed weight or a wrong mask moves outputs by O(0.1) of it.
 */
function scaledTol(expected: Matrix) {
  const scale = expected.data.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  return { abs: 1e-4 * scale, rel: 1e-4 };
}

/** Runs fn with the tensors of x and params, reads the result, disposes everything. */
function viaTf<P>(
  x: Matrix,
  params: P,
  fn: (x: tf.Tensor2D, p: ReturnType<typeof toTensors<P>>) => tf.Tensor2D,
): Matrix {
  const xt = tensorFromMatrix(x), p = toTensors(params);
  try {
    const y = fn(xt, p);
    const m = matrixFromTensor(y);
    y.dispose();
    return m;
  } finally {
    xt.dispose();
    disposeParams(p);
  }
}

/** One comparison: a name, the float64 reference and the tfjs computation. */
type Case = [string, Matrix, () => Matrix];

/**
 * Every layer of shared/attention on small random inputs (rows of different means and
 * spreads, random LayerNorm parameters, causal and not), plus the Pre-LN layer at the
 * benchmark's shape d = 256, H = 4, L = 128, where OpenBLAS blocks and threads its products.
 */
function layerCases(label: string): Case[] {
  const r = new Rng(seedFor(`attention blas/${label}`));
  const cases: Case[] = [];
  for (const causal of [false, true]) {
    const q = normalMatrix(r, 9, 5, 2), k = normalMatrix(r, 9, 5, 2), v = normalMatrix(r, 9, 4, 1);
    cases.push([
      `sdpa causal=${causal}`,
      attentionRef(q, k, v, { causal }),
      () => viaTf(q, { k, v }, (qt, p) => scaledDotProductAttention(qt, p.k, p.v, { causal })),
    ]);
    const x = variedRowsMatrix(r, 7, 12);
    const p1 = initMha1(r, { dIn: 12, dOut: 5, dAttn: 3, dHead: 4, heads: 3 });
    const p2 = initMha2(r, { dIn: 12, dOut: 5, dAttn: 3, heads: 3 });
    const layer = initLayer(r, { d: 12, heads: 3, norm: "random" });
    cases.push(
      [
        `mha1 causal=${causal}`,
        mha1Ref(x, p1, { causal }),
        () => viaTf(x, p1, (t, p) => mha1(t, p, { causal })),
      ],
      [
        `mha2 causal=${causal}`,
        mha2Ref(x, p2, { causal }),
        () => viaTf(x, p2, (t, p) => mha2(t, p, { causal })),
      ],
      [
        `layer causal=${causal}`,
        preLnLayerRef(x, layer, { causal }),
        () => viaTf(x, layer, (t, p) => preLnLayer(t, p, { causal })),
      ],
    );
  }
  const x = variedRowsMatrix(r, 6, 16);
  const ln = { gain: normalMatrix(r, 1, 16, 1), bias: normalMatrix(r, 1, 16, 1) };
  cases.push(["layerNorm", layerNormRef(x, ln), () => viaTf(x, ln, (t, p) => layerNorm(t, p))]);
  const enc = initEncoder(r, { vocab: 6, d: 8, heads: 2, depth: 2, positional: "learned" });
  const u = oneHot([0, 5, 2, 2, 1], 6);
  cases.push(["encoder", encoderRef(u, enc), () => viaTf(u, enc, (t, p) => encoder(t, p))]);
  const big = initLayer(r, { d: 256, heads: 4, norm: "random" });
  const xBig = variedRowsMatrix(r, 128, 256);
  cases.push([
    "layer d=256 H=4 L=128",
    preLnLayerRef(xBig, big),
    () => viaTf(xBig, big, (t, p) => preLnLayer(t, p)),
  ]);
  return cases;
}

/** Every case on a backend, leaking no tensors; throws NumericAssertionError on a mismatch. */
async function compareOn(backend: string, cases: Case[]): Promise<void> {
  await tf.setBackend(backend);
  try {
    await withNoTensorLeak(`attention on ${backend}`, () => {
      for (const [name, expected, run] of cases) {
        assertAllClose(run().data, expected.data, scaledTol(expected), `${backend}: ${name}`);
      }
    });
  } finally {
    await useBackend("wasm");
  }
}

Deno.test({
  name:
    "attention (blas) SDPA, LayerNorm, MHA1, MHA2, the Pre-LN layer (also at d = 256, L = 128) and the encoder match the float64 reference",
  ignore: NO_BLAS,
  fn: async () => {
    const calls = blasGemmCalls();
    await compareOn("blas", layerCases("layers"));
    assert.ok(blasGemmCalls() > calls, "the products ran in OpenBLAS");
  },
});

Deno.test({
  name:
    "attention (blas) the same comparison rejects a product that reads its second operand transposed",
  ignore: NO_BLAS,
  fn: async () => {
    await assert.rejects(() => compareOn(PLANTED, layerCases("layers")), NumericAssertionError);
  },
});

/** The claims whose checks run tfjs matrix products (the others count tensors or parameters). */
const MULTIPLYING = new Set(["20a", "24a", "24b", "25a"]);

for (const claim of [...claims20, ...claims24, ...claims25]) {
  Deno.test({
    name: `${claim.id} on the blas backend: the claim holds and its negative control is rejected`,
    ignore: NO_BLAS,
    fn: async () => {
      await useBackend("blas");
      const calls = blasGemmCalls();
      try {
        const r = await runClaim(claim);
        assert.equal(r.verdict, "pass", JSON.stringify(r.evidence));
        assert.equal(r.negativeControl, "rejected", r.control.rejection);
      } finally {
        await useBackend("wasm");
      }
      if (MULTIPLYING.has(claim.id)) {
        assert.ok(blasGemmCalls() > calls, `${claim.id}: its products ran in OpenBLAS`);
      }
    },
  });
}

for (const claim of [...claims20, ...claims24, ...claims25].filter((c) => MULTIPLYING.has(c.id))) {
  Deno.test({
    name: `${claim.id} on a blas backend whose product reads B transposed: the check fails`,
    ignore: NO_BLAS,
    fn: async () => {
      await tf.setBackend(PLANTED);
      try {
        const r = await runClaim(claim);
        assert.equal(r.verdict, "fail", `${claim.id} passed with a wrong matrix product`);
        // failed on a counterexample, not by crashing
        const error = "error" in r.evidence ? r.evidence.error : "";
        assert.match(error, /^(PropertyFailure|ClaimViolation|NumericAssertionError)/, error);
      } finally {
        await useBackend("wasm");
      }
    },
  });
}
