import assert from "node:assert/strict";
import { fraction } from "mathjs";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import {
  type Entry,
  ENTRY_STATISTICS,
  exactLogitMoment,
  exactProductMoment,
  lecunModel,
  LOGIT_STATISTICS,
  sampleStatistics,
  type Statistic,
} from "./mod.ts";

registerClaimTests(claims);

const e = (matrix: "Q" | "K", row: number, col: number): Entry => ({ matrix, row, col });

Deno.test("21b without 1/√d_K the exact second moment off the diagonal is d_K, not 1", () => {
  for (let dK = 1; dK <= 3; dK++) {
    assert.equal(exactLogitMoment(0, 1, 2, dK, lecunModel(2), false).toFraction(), String(dK));
  }
});

Deno.test("21b E[x⁴] = 3 is where (d_X + 2)/d_X comes from: with E[x⁴] = 1 the diagonal is 1", () => {
  const signs = { ...lecunModel(2), xFourthMoment: 1 };
  assert.equal(exactLogitMoment(0, 0, 2, 2, signs).toFraction(), "1");
  assert.equal(exactLogitMoment(0, 0, 2, 2, lecunModel(2)).toFraction(), "2");
});

Deno.test("21a with N(0, 1) weights the exact variance of Q_ℓj is d_X", () => {
  for (let dX = 1; dX <= 4; dX++) {
    const model = { dX, weightVariance: fraction(1) };
    const q = e("Q", 1, 0);
    assert.equal(exactProductMoment([q, q], model).toFraction(), String(dX));
  }
});

Deno.test("21 the sampler refuses sizes it cannot use, naming them, and accepts the least ones", () => {
  assert.throws(
    () => sampleStatistics({ dX: 0, dK: 2, n: 1, seed: 1 }, ENTRY_STATISTICS),
    /d_X = 0/,
  );
  assert.throws(
    () => sampleStatistics({ dX: 1, dK: 1, n: 1, seed: 1 }, ENTRY_STATISTICS),
    /d_K = 1/,
  );
  // each size just below its least value and off the integers is refused, the least accepted
  const least = { dX: 1, dK: 2, n: 1, seed: 1 };
  assert.equal(sampleStatistics(least, ENTRY_STATISTICS)[0]!.length, 1);
  for (
    const [field, bad, re] of [
      ["n", 0, /n = 0 is not a positive integer/],
      ["n", 1.5, /n = 1\.5 is not a positive integer/],
      ["dX", 1.5, /d_X = 1\.5 is not a positive integer/],
      ["dK", 2.5, /d_K = 2\.5 is not a positive integer/],
    ] as const
  ) {
    assert.throws(() => sampleStatistics({ ...least, [field]: bad }, ENTRY_STATISTICS), re);
  }
});

Deno.test("21 the sampler is a plain matrix product: A = Q Kᵀ/√d_K, and rank Q ≤ d_X", () => {
  const zero = () => 0;
  const residual: Statistic = {
    name: "A_01 − q_0·k_1/√d_K",
    read: (d) =>
      d.a[1]! - (d.q[0]! * d.k[3]! + d.q[1]! * d.k[4]! + d.q[2]! * d.k[5]!) / Math.sqrt(3),
    mean: zero,
    variance: zero,
  };
  // d_X = 1: Q = x (w^Q)ᵀ has rank one, so its 2×2 minors vanish
  const minor: Statistic = {
    name: "Q_00 Q_11 − Q_01 Q_10",
    read: (d) => d.q[0]! * d.q[4]! - d.q[1]! * d.q[3]!,
    mean: zero,
    variance: zero,
  };
  const [res] = sampleStatistics({ dX: 2, dK: 3, n: 50, seed: 3 }, [residual]);
  const [min] = sampleStatistics({ dX: 1, dK: 3, n: 50, seed: 4 }, [minor]);
  for (let i = 0; i < 50; i++) {
    assert.ok(Math.abs(res![i]!) < 1e-12, `draw ${i}: residual ${res![i]}`);
    assert.ok(Math.abs(min![i]!) < 1e-12, `draw ${i}: minor ${min![i]}`);
  }
});

Deno.test("21 the draw a statistic reads has the documented shapes: Q, K row-major [2, d_K], A [2, 2]", () => {
  const zero = () => 0;
  // one number encoding the three lengths: 100·|q| + 10·|k| + |a|, with d_K = 3 it is 664
  const shapes: Statistic = {
    name: "shapes",
    read: (d) => 100 * d.q.length + 10 * d.k.length + d.a.length,
    mean: zero,
    variance: zero,
  };
  const [got] = sampleStatistics({ dX: 2, dK: 3, n: 3, seed: 6 }, [shapes]);
  assert.deepEqual([...got!], [664, 664, 664]);
});

Deno.test("21 every draw is recorded: no statistic keeps its initial 0 (Gaussian products are non-zero almost surely)", () => {
  const values = sampleStatistics({ dX: 3, dK: 2, n: 40, seed: 5 }, [
    ...ENTRY_STATISTICS,
    ...LOGIT_STATISTICS,
  ]);
  values.forEach((v, t) => v.forEach((x, s) => assert.ok(x !== 0, `statistic ${t}, draw ${s}`)));
});

Deno.test("21 the exact expansion refuses d_X that is not a positive integer and negative indices", () => {
  const q = { matrix: "Q", row: 0, col: 0 } as const;
  for (const dX of [0, -1, 1.5]) {
    assert.throws(
      () => exactProductMoment([q], { ...lecunModel(1), dX }),
      /is not a positive integer/,
    );
  }
  assert.throws(() => exactProductMoment([{ ...q, row: -1 }], lecunModel(1)), /factor 0/);
  assert.throws(() => exactProductMoment([q, { ...q, col: -1 }], lecunModel(1)), /factor 1/);
});
