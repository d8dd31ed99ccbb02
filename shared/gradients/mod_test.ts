import assert from "node:assert/strict";
import fc from "fast-check";
import { tf, withNoTensorLeak } from "../tf/mod.ts";
import { checkProperty, NumericAssertionError, seedFor } from "../testing/mod.ts";
import {
  assertGradientsClose,
  autodiffGradient,
  autodiffJacobian,
  centralDifference,
  centralDifferenceJacobian,
  FINITE_DIFFERENCE_TOLERANCE,
  FLOAT32_AUTODIFF_TOLERANCE,
  GradientInputError,
  gradientMargin,
} from "./mod.ts";

/** Points with coordinates in [−2, 2] (multiples of 1/100), 1 to 5 coordinates. */
const point = fc.array(fc.integer({ min: -200, max: 200 }).map((k) => k / 100), {
  minLength: 1,
  maxLength: 5,
});

// f(x) = log Σ exp(x_i) + Σ sin(x_i) x_i: smooth, with a known gradient softmax(x) + sin x + x cos x
const f64 = (x: number[]) =>
  Math.log(x.reduce((a, v) => a + Math.exp(v), 0)) +
  x.reduce((a, v) => a + Math.sin(v) * v, 0);
const f32 = (x: tf.Tensor1D) => tf.add(tf.logSumExp(x), tf.sum(tf.mul(tf.sin(x), x))) as tf.Scalar;
const exactGrad = (x: number[]) => {
  const z = x.reduce((a, v) => a + Math.exp(v), 0);
  return x.map((v) => Math.exp(v) / z + Math.sin(v) + v * Math.cos(v));
};

Deno.test("gradients: float64 central differences match a closed-form gradient within the stated tolerance", () => {
  checkProperty(
    { seed: seedFor("gradients/fd"), over: "points in [−2, 2]^n, n ≤ 5" },
    point,
    (x) => gradientMargin(centralDifference(f64, x), exactGrad(x), FINITE_DIFFERENCE_TOLERANCE),
  );
});

Deno.test("gradients: float32 autodiff matches the closed form and finite differences, leaking nothing", async () => {
  await withNoTensorLeak("autodiff property", () =>
    checkProperty(
      { seed: seedFor("gradients/ad"), over: "points in [−2, 2]^n, n ≤ 5", numRuns: 50 },
      point,
      (x) => {
        const ad = autodiffGradient(f32, x);
        return Math.min(
          gradientMargin(ad, exactGrad(x), FLOAT32_AUTODIFF_TOLERANCE),
          gradientMargin(ad, centralDifference(f64, x), FLOAT32_AUTODIFF_TOLERANCE),
        );
      },
    ));
});

Deno.test("gradients: a wrong closed form (missing the x cos x term) is rejected by both methods", () => {
  const wrong = (x: number[]) => exactGrad(x).map((g, i) => g - x[i]! * Math.cos(x[i]!));
  assert.throws(
    () =>
      assertGradientsClose(
        centralDifference(f64, [1, 0.5]),
        wrong([1, 0.5]),
        FINITE_DIFFERENCE_TOLERANCE,
      ),
    NumericAssertionError,
  );
  assert.ok(
    gradientMargin(autodiffGradient(f32, [1, 0.5]), wrong([1, 0.5]), FLOAT32_AUTODIFF_TOLERANCE) <
      0,
  );
});

Deno.test("gradients: Jacobians by autodiff and by central differences agree (tanh, elementwise)", async () => {
  await withNoTensorLeak("jacobian", () => {
    const x = [0.3, -1.2, 2];
    const ad = autodiffJacobian((t) => tf.tanh(t), x);
    const fd = centralDifferenceJacobian((v) => v.map(Math.tanh), x);
    // d tanh / dz = 1 − tanh², on the diagonal only
    const exact = x.map((v, i) => x.map((_, j) => (i === j ? 1 - Math.tanh(v) ** 2 : 0)));
    assertGradientsClose(fd, exact, FINITE_DIFFERENCE_TOLERANCE, "fd jacobian");
    assertGradientsClose(ad, exact, FLOAT32_AUTODIFF_TOLERANCE, "autodiff jacobian");
  });
});

Deno.test("gradients: bad input gets a clear error naming what and where", () => {
  assert.throws(
    () => centralDifference(f64, [1, NaN]),
    (e: unknown) => e instanceof GradientInputError && /x\[1\] = NaN/.test(e.message),
  );
  assert.throws(
    () => centralDifference(f64, [1], 0),
    (e: unknown) =>
      e instanceof GradientInputError && /step h must be finite and > 0, got 0/.test(e.message),
  );
  assert.throws(() => centralDifference(f64, []), /non-empty array/);
  assert.throws(() => centralDifference(() => Infinity, [1]), /not finite at x ± h e_0/);
  // a step must be a positive finite number: Infinity and a negative step are refused too
  for (const h of [Infinity, -1e-5, NaN]) {
    assert.throws(
      () => centralDifference(f64, [1], h),
      /step h must be finite and > 0/,
      `h = ${h}`,
    );
  }
  // f finite below x and infinite above: one non-finite side is enough to refuse
  assert.throws(
    () => centralDifference(([x]) => (x! > 1 ? Infinity : x!), [1]),
    /not finite at x ± h e_0/,
  );
  assert.throws(() => gradientMargin([1, 2], [1], FINITE_DIFFERENCE_TOLERANCE), /shapes differ/);
  // f(x) has 1 value for x ≥ 0 and 2 below: at x = 0 only f(x − h e_0) has the wrong length,
  // and one wrong evaluation is enough to refuse (not only both)
  const ragged = ([x]: number[]) => (x! >= 0 ? [x!] : [x!, 0]);
  assert.throws(
    () => centralDifferenceJacobian(ragged, [0]),
    (e: unknown) =>
      e instanceof GradientInputError && /returned 1 and 2 values, expected 1/.test(e.message),
  );
  assert.throws(
    () => autodiffJacobian((t) => tf.sum(t) as unknown as tf.Tensor1D, [1, 2]),
    /must return a vector, got rank 0/,
  );
});

Deno.test("gradients: NaN never counts as close, in an entry or in the tolerance", () => {
  assert.equal(gradientMargin([NaN], [NaN], { abs: 1, rel: 1 }), -Infinity);
  // a tolerance scaled by a NaN (say abs = 1e-8 · NaN) makes every entry's margin NaN: the
  // margin is then −Infinity, never +Infinity or NaN, so a ≥ 0 test rejects it
  for (const tol of [{ abs: NaN, rel: 0 }, { abs: 0, rel: NaN }]) {
    assert.equal(gradientMargin([1, 2], [1, 2], tol), -Infinity, JSON.stringify(tol));
    assert.throws(() => assertGradientsClose([1, 2], [1, 2], tol, "g"), NumericAssertionError);
  }
});

Deno.test("gradients: the worst entry is found wherever it sits, first or last", () => {
  const tol = { abs: 1e-8, rel: 0 };
  assert.throws(
    () => assertGradientsClose([5, 1, 1], [1, 1, 1], tol, "g"),
    (e: unknown) =>
      e instanceof NumericAssertionError && /^g\[0\]: 5 vs expected 1/.test(e.message),
  );
  assert.throws(
    () => assertGradientsClose([1, 1, 5], [1, 1, 1], tol, "g"),
    (e: unknown) =>
      e instanceof NumericAssertionError && /^g\[2\]: 5 vs expected 1/.test(e.message),
  );
  assert.ok(gradientMargin([5, 1, 1], [1, 1, 1], tol) < 0);
  // nothing to compare: no worst entry, an infinite margin (not NaN from reading past the ends)
  assert.equal(assertGradientsClose([], [], tol, "g"), Infinity);
  assert.equal(gradientMargin([], [], tol), Infinity);
});

Deno.test("gradients: a NaN entry is reported even when it comes first, and an exact match has the full margin", () => {
  const tol = { abs: 1e-8, rel: 0 };
  assert.throws(
    () => assertGradientsClose([NaN, 1], [1, 1], tol, "g"),
    (e: unknown) =>
      e instanceof NumericAssertionError && /^g\[0\]: NaN vs expected 1/.test(e.message),
  );
  assert.throws(
    () => assertGradientsClose([1, NaN], [1, 1], tol, "g"),
    /g\[1\]: NaN vs expected 1/,
  );
  // equal entries leave the whole tolerance as margin: nothing past the ends is read as 0
  assert.equal(gradientMargin([1, 2], [1, 2], tol), 1e-8);
  assert.equal(assertGradientsClose([1, 2], [1, 2], tol, "g"), 1e-8);
  // the tolerance is inclusive: an error of exactly abs (0.5 here, exact in binary) has margin
  // 0 and passes, and equal infinite entries also have margin 0
  assert.equal(assertGradientsClose([1.5, 2], [1, 2], { abs: 0.5, rel: 0 }, "g"), 0);
  assert.equal(assertGradientsClose([Infinity, 1], [Infinity, 1], tol, "g"), 0);
  assert.throws(
    () => assertGradientsClose([1.5 + 2 ** -51, 2], [1, 2], { abs: 0.5, rel: 0 }, "g"),
    /g\[0\]: 1\.5000000000000004 vs expected 1,/,
  );
  // the default steps of both finite-difference helpers are the documented 1e-5: x² + x³ at 1
  // has derivative 5 and central-difference error h² exactly (the cubic's third derivative, 6, times h²/6)
  const [d] = centralDifference(([x]) => x! ** 2 + x! ** 3, [1]);
  assert.ok(Math.abs(d! - 5 - 1e-10) < 1e-9, `derivative ${d}`);
  const [[j]] = centralDifferenceJacobian(([x]) => [x! ** 2 + x! ** 3], [1]) as [[number]];
  assert.ok(Math.abs(j - 5 - 1e-10) < 1e-9, `Jacobian ${j}`);
});
