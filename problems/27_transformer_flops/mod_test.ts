import assert from "node:assert/strict";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import {
  countForwardOps,
  crossoverLength,
  DimensionError,
  ffnParameterCount,
  forwardCount,
  mhaParameterCount,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("27 the counts for Llama 3 405B widths (d = 16384, H = 128)", () => {
  assert.equal(mhaParameterCount(16384, 128), 4 * 16384 ** 2);
  assert.equal(ffnParameterCount(16384), 8 * 16384 ** 2);
  assert.equal(crossoverLength(16384, 128).exact, 98304);
  const all = crossoverLength(16384, 128, "all");
  assert.ok(Math.abs(all.exact - 6442516480 / 66304) < 1e-9);
  assert.equal(all.firstDominant, 97167);
});

Deno.test("27 the crossover for d = 64, 256, 512 (the benchmark's widths) is 6d under the matmul convention", () => {
  for (const [d, h] of [[64, 1], [256, 4], [512, 8]] as const) {
    assert.equal(crossoverLength(d, h).exact, 6 * d);
    assert.equal(crossoverLength(d, h).firstDominant, 6 * d + 1);
  }
});

Deno.test("27 the instrumented count splits as formula's macs and elementwise at a larger size", () => {
  const ops = countForwardOps(40, 16, 4, 1);
  const f = forwardCount(40, 16, 4);
  assert.deepEqual(ops, { macs: f.macs, elementwise: f.elementwise });
  assert.equal(f.flops, f.quadratic + f.linear);
});

Deno.test("27 bad sizes get a clear error naming the size", () => {
  assert.throws(
    () => mhaParameterCount(10, 3),
    (e: unknown) => e instanceof DimensionError && /H = 3 must divide d = 10/.test(e.message),
  );
  assert.throws(() => forwardCount(0, 4, 2), /L must be a positive integer, got 0/);
  assert.throws(() => crossoverLength(4.5, 1), /d must be a positive integer, got 4.5/);
});
