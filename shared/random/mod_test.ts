import * as prand from "pure-rand";
import assert from "node:assert/strict";
import { Rng } from "./mod.ts";

Deno.test("Rng is deterministic for a seed and differs across seeds", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xs = Array.from({ length: 5 }, () => a.uniform());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.uniform()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.uniform()));
});

Deno.test("Rng.uniform has mean 1/2 within a Hoeffding band (false alarm 2e-9)", () => {
  // Hoeffding for [0, 1] samples: P(|mean − 1/2| ≥ t) ≤ 2 exp(−2 N t²); N = 20000, t = 0.0313
  const rng = new Rng(1);
  const n = 20000;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += rng.uniform();
  const t = Math.sqrt(Math.log(2 / 2e-9) / (2 * n));
  assert.ok(Math.abs(sum / n - 0.5) < t, `mean ${sum / n}, band ±${t}`);
});

Deno.test("Rng.categorical never picks a zero-probability index and rejects bad weights", () => {
  const rng = new Rng(3);
  for (let i = 0; i < 1000; i++) assert.notEqual(rng.categorical([0.5, 0, 0.5]), 1);
  assert.throws(() => rng.categorical([0.5, -0.1, 0.6]), /weight -0.1 at index 1/);
  assert.throws(() => rng.categorical([0.5, 0.4]), /sum to 0.9/);
  assert.throws(() => rng.int(0), /positive integer/);
});

Deno.test("Rng.uniform is the 53-bit integer (27 high bits, 26 low bits) times 2^-53, bit for bit", () => {
  // The same xoroshiro128+ stream, assembled with BigInt shifts instead of float arithmetic.
  const gen = prand.xoroshiro128plus(12345);
  const rng = new Rng(12345);
  for (let i = 0; i < 1000; i++) {
    const hi = BigInt(gen.unsafeNext() >>> 5);
    const lo = BigInt(gen.unsafeNext() >>> 6);
    const bits = (hi << 26n) | lo;
    assert.ok(bits < 2n ** 53n);
    assert.equal(rng.uniform(), Number(bits) / 2 ** 53);
  }
});
