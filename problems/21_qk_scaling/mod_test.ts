import assert from "node:assert/strict";
import { fraction } from "mathjs";
import { Rng } from "../../shared/random/mod.ts";
import { ConstantUniform, registerClaimTests } from "../../shared/testing/mod.ts";
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

/**
 * Every uniform u = 1/6 makes every Box–Muller pair (ρ cos π/3, ρ sin π/3) = ρ (1/2, √3/2)
 * with ρ² = 2σ² ln(6/5). At d_X = 1, d_K = 3: X = (x_0; x_1) = ρ₁ (1/2; √3/2) (one column,
 * two rows) and W^Q = W^K = w = ρ_w (1/2, √3/2, 1/2) (the third entry, odd length, the
 * cosine of a fresh pair), so Q = K = x wᵀ and (Q Kᵀ)_ℓm = x_ℓ x_m ‖w‖² with
 * ‖w‖² = (5/4) ρ_w².
 */
function forcedDraw(weightStd: number, scaled: boolean) {
  const dK = 3;
  const rho2 = 2 * Math.log(6 / 5); // ρ² for σ = 1
  const x = [Math.sqrt(rho2) / 2, Math.sqrt(rho2) * Math.sqrt(3) / 2];
  const w = [1 / 2, Math.sqrt(3) / 2, 1 / 2].map((v) => v * weightStd * Math.sqrt(rho2));
  const q = x.flatMap((xl) => w.map((wj) => xl * wj));
  const norm2 = (5 / 4) * weightStd ** 2 * rho2;
  const c = scaled ? 1 / Math.sqrt(dK) : 1;
  const a = x.flatMap((xl) => x.map((xm) => c * xl * xm * norm2));
  return { q, k: q, a };
}

Deno.test("21 with every uniform 1/6 the sampler's Q, K, A are the hand-computed Box–Muller products, scaled or not", () => {
  const zero = () => 0;
  const cells: ["q" | "k" | "a", number][] = [
    ...[0, 1, 2, 3, 4, 5].flatMap((i) => [["q", i], ["k", i]] as ["q" | "k", number][]),
    ...[0, 1, 2, 3].map((i) => ["a", i] as ["a", number]),
  ];
  const stats: Statistic[] = cells.map(([m, i]) => ({
    name: `${m}[${i}]`,
    read: (d) => d[m][i]!,
    mean: zero,
    variance: zero,
  }));
  for (
    const [weightStd, scaleLogits] of [[undefined, true], [undefined, false], [2, false]] as const
  ) {
    const config = { dX: 1, dK: 3, n: 2, seed: 1, weightStd, scaleLogits };
    const values = sampleStatistics(config, stats, new ConstantUniform(1 / 6));
    const want = forcedDraw(weightStd ?? 1, scaleLogits);
    cells.forEach(([m, i], t) => {
      const expected = want[m][i]!;
      for (const got of values[t]!) {
        assert.ok(
          Math.abs(got - expected) <= 1e-12 * Math.abs(expected),
          `${m}[${i}] (weightStd ${weightStd}, scaled ${scaleLogits}): ${got}, by hand ${expected}`,
        );
      }
    });
  }
});

/** A random source that returns the given uniforms in turn (cyclically) and counts them. */
class UniformStream extends Rng {
  readonly #us: readonly number[];
  /** How many uniforms have been drawn. */
  count = 0;
  constructor(us: readonly number[]) {
    super(0);
    this.#us = us;
  }
  override uniform(): number {
    return this.#us[this.count++ % this.#us.length]!;
  }
}

Deno.test("21 each draw takes X, then W^Q, then W^K from the stream, 2d_X + 4⌈d_X d_K/2⌉ uniforms, nothing more", () => {
  // d_X = 1, d_K = 3: X is one Box–Muller pair, W^Q and W^K two pairs each (the second
  // gives only its cosine): 2 + 4 + 4 = 10 uniforms per draw. Pairs (u₁, u₂):
  // X (1/2, 1/6): ρ² = 2 ln 2, θ = π/3; W^Q (3/4, 1/12): ρ² = 2 ln 4, θ = π/6;
  // W^K (1/4, 1/3): ρ² = 2 ln(4/3), θ = 2π/3.
  const perDraw = [1 / 2, 1 / 6, 3 / 4, 1 / 12, 3 / 4, 1 / 12, 1 / 4, 1 / 3, 1 / 4, 1 / 3];
  const [rx, rq, rk] = [2 * Math.log(2), 2 * Math.log(4), 2 * Math.log(4 / 3)].map(Math.sqrt);
  const h = Math.sqrt(3) / 2;
  const x = [rx! / 2, rx! * h];
  const wq = [rq! * h, rq! / 2, rq! * h];
  const wk = [-rk! / 2, rk! * h, -rk! / 2];
  // Q = x wqᵀ, K = x wkᵀ, A_ℓm = x_ℓ x_m (wq · wk)/√3 with wq · wk = −(√3/4) ρ_Q ρ_K
  const want = {
    q: x.flatMap((xl) => wq.map((w) => xl * w)),
    k: x.flatMap((xl) => wk.map((w) => xl * w)),
    a: x.flatMap((xl) => x.map((xm) => -xl * xm * rq! * rk! / 4)),
  };
  const zero = () => 0;
  const cells = (["q", "k", "a"] as const).flatMap((m) => want[m].map((v, i) => ({ m, i, v })));
  const stats: Statistic[] = cells.map(({ m, i }) => ({
    name: `${m}[${i}]`,
    read: (d) => d[m][i]!,
    mean: zero,
    variance: zero,
  }));
  const n = 3;
  const stream = new UniformStream(perDraw);
  const values = sampleStatistics({ dX: 1, dK: 3, n, seed: 1 }, stats, stream);
  assert.equal(stream.count, n * perDraw.length);
  cells.forEach(({ m, i, v }, t) => {
    for (const got of values[t]!) {
      assert.ok(Math.abs(got - v) <= 1e-12 * Math.abs(v), `${m}[${i}]: ${got}, by hand ${v}`);
    }
  });
});
