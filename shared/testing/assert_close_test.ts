import assert from "node:assert/strict";
import { assertAllClose, assertClose, closeMargin, NumericAssertionError } from "./mod.ts";

Deno.test("assertClose: NaN never equals anything, not even NaN", () => {
  assert.throws(() => assertClose(NaN, NaN, { abs: 1, rel: 1 }), NumericAssertionError);
  assert.throws(() => assertClose(1, NaN, { abs: 1, rel: 1 }), NumericAssertionError);
  assert.equal(closeMargin(NaN, 0, { abs: 10, rel: 10 }), -Infinity);
});

Deno.test("assertClose: the tolerance does not collapse to 0 when the expected value is 0", () => {
  assertClose(1e-10, 0, { abs: 1e-9, rel: 1e-6 });
  assert.throws(() => assertClose(1e-8, 0, { abs: 1e-9, rel: 1e-6 }), /exceeds tolerance/);
});

Deno.test("assertClose: infinities equal only the same infinity", () => {
  assertClose(Infinity, Infinity, { abs: 0, rel: 0 });
  assert.throws(() => assertClose(Infinity, -Infinity, { abs: 1, rel: 1 }), NumericAssertionError);
  assert.throws(() => assertClose(1e308, Infinity, { abs: 1, rel: 1 }), NumericAssertionError);
});

Deno.test("assertAllClose names the worst index, both values and the margin", () => {
  assert.throws(
    () => assertAllClose([[1, 2], [3, 4]], [[1, 2.1], [3, 5]], { abs: 0.2, rel: 0 }, "Q"),
    (e: unknown) =>
      e instanceof NumericAssertionError &&
      /Q\[1\]\[1\]: actual 4 vs expected 5, \|error\| 1 exceeds tolerance \(abs 0.2, rel 0\) by 0.8/
        .test(
          e.message,
        ),
  );
});

Deno.test("assertAllClose rejects shape mismatches and returns the worst margin", () => {
  assert.throws(
    () => assertAllClose([1, 2], [1, 2, 3], { abs: 1, rel: 0 }),
    /length 2 vs expected length 3/,
  );
  assert.throws(() => assertAllClose([[1]], [1], { abs: 1, rel: 0 }), /shape mismatch/);
  const margin = assertAllClose(new Float64Array([1, 2]), [1.5, 2], { abs: 1, rel: 0 });
  assert.equal(margin, 0.5);
});
