import assert from "node:assert/strict";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import {
  cholesky,
  densityOf,
  integrateBox,
  log1mTanhSq,
  log1mTanhSqNaive,
  TanhGaussianInputError,
  tanhGaussianLogDensity,
  tanhGaussianLogDensityFromZ,
  tanhSinhRule,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("13d the naive log(1 − tanh²z) is −Infinity at |z| = 20 while the stable form is finite and exact", () => {
  assert.equal(log1mTanhSqNaive(20), -Infinity);
  assert.equal(log1mTanhSqNaive(-20), -Infinity);
  const expected = 2 * Math.LN2 - 40 - 2 * Math.log1p(Math.exp(-40));
  assert.ok(Math.abs(log1mTanhSq(20) - expected) < 1e-13);
  assert.ok(Math.abs(log1mTanhSq(-20) - expected) < 1e-13);
});

Deno.test("13 a = ±1 exactly returns −Infinity, the limit of the log-density at the boundary", () => {
  assert.equal(tanhGaussianLogDensity([1], [0.5], [[0.7]]), -Infinity);
  assert.equal(tanhGaussianLogDensity([0.2, -1], [0, 0], [[1, 0.3], [0.3, 1]]), -Infinity);
  // approaching the boundary the log-density decreases towards −∞
  const values = [1 - 1e-4, 1 - 1e-8, 1 - 1e-12].map((a) =>
    tanhGaussianLogDensity([a], [0.5], [[0.7]])
  );
  assert.ok(values[0]! > values[1]! && values[1]! > values[2]!, String(values));
  assert.equal(densityOf([0.5], [[0.7]])([1]), 0);
});

Deno.test("13 scoring from z agrees with scoring from a = tanh(z), and stays finite where a rounds to ±1", () => {
  const mu = [0.3, -0.2];
  const sigma = [[0.6, 0.1], [0.1, 0.4]];
  const z = [0.7, -1.1];
  const fromA = tanhGaussianLogDensity(z.map(Math.tanh), mu, sigma);
  assert.ok(Math.abs(tanhGaussianLogDensityFromZ(z, mu, sigma) - fromA) < 1e-12);
  assert.ok(Number.isFinite(tanhGaussianLogDensityFromZ([30, -30], [0, 0], [[400, 0], [0, 400]])));
});

Deno.test("13b the mass of (−1, 1) splits into the masses of its halves (quadrature sanity)", () => {
  const p = densityOf([0.4], [[0.8]]);
  const whole = integrateBox(p, [[-1, 1]]);
  const halves = integrateBox(p, [[-1, 0]]) + integrateBox(p, [[0, 1]]);
  assert.ok(Math.abs(whole - halves) < 1e-12);
});

Deno.test("13 the tanh–sinh step h is accepted on (0, 1] and refused outside it", () => {
  // h = 1: nodes at t = −3, …, 3 (t = ±4 rounds to ±1 and is skipped), so 7 nodes symmetric
  // about the centre, strictly inside the interval, with weights summing to about its length
  const { x, w } = tanhSinhRule(-1, 1, 1);
  assert.equal(x.length, 7);
  assert.ok(x.every((xi, i) => Math.abs(xi) < 1 && xi === -x[6 - i]!), String(x));
  assert.ok(Math.abs(w.reduce((acc, v) => acc + v, 0) - 2) < 0.05, String(w));
  for (const h of [1 + 2 ** -52, 2, 0, -1, -10, NaN, Infinity]) {
    assert.throws(() => tanhSinhRule(-1, 1, h), TanhGaussianInputError, `h = ${h}`);
    assert.throws(() => integrateBox(() => 1, [[0, 1]], h), /step h must be in \(0, 1\]/);
  }
});

Deno.test("13 bad input gets a clear error naming what and where", () => {
  assert.throws(
    () => tanhGaussianLogDensity([1.5], [0], [[1]]),
    (e: unknown) =>
      e instanceof TanhGaussianInputError && /a\[0\] = 1.5 is outside \[−1, 1\]/.test(e.message),
  );
  assert.throws(() => tanhGaussianLogDensity([NaN], [0], [[1]]), /a\[0\] is NaN/);
  assert.throws(() => cholesky([[1, 2], [2, 1]]), /not positive definite: pivot 1/);
  assert.throws(
    () => cholesky([[1, 0.5], [0.4, 1]]),
    /not symmetric: Σ\[0\]\[1\] = 0.5 but Σ\[1\]\[0\] = 0.4/,
  );
  assert.throws(
    () => tanhGaussianLogDensity([0, 0], [0], [[1, 0], [0, 1]]),
    /μ must have 2 entries/,
  );
  assert.throws(() => cholesky([[1, 0], [0]]), /row 1 has 1 entries, expected 2/);
});

Deno.test("13 densityOf includes the Jacobian by default: π(½) = φ(atanh ½)/(1 − ¼) for μ = 0, σ² = 1", () => {
  // atanh ½ = ½ log 3, so π(½) = exp(−(log 3)²/8)/√(2π) · 4/3
  const expected = (Math.exp(-(Math.log(3) ** 2) / 8) / Math.sqrt(2 * Math.PI)) * (4 / 3);
  assert.ok(Math.abs(densityOf([0], [[1]])([0.5]) - expected) < 1e-15);
  assert.equal(densityOf([0], [[1]])([0.5]), densityOf([0], [[1]], true)([0.5]));
});
