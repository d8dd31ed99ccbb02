import assert from "node:assert/strict";
import { clopperPearsonLower } from "../stats/mod.ts";
import { binomialTailBySum, checkClopperPearsonBound } from "./binomial.ts";
import { ClaimViolation } from "./property.ts";

Deno.test("binomial: the term-by-term tail matches hand values and the edge cases", () => {
  assert.ok(Math.abs(binomialTailBySum(0, 5, 0.3) - 1) < 1e-15);
  assert.equal(binomialTailBySum(5, 5, 0.5), 1 / 32);
  assert.equal(binomialTailBySum(1, 4, 0), 0);
  assert.equal(binomialTailBySum(4, 4, 1), 1);
  // P(Bin(4, 1/2) ≥ 3) = (4 + 1) / 16
  assert.equal(binomialTailBySum(3, 4, 0.5), 5 / 16);
  assert.throws(() => binomialTailBySum(6, 5, 0.5), /k must be an integer in \[0, 5\], got 6/);
  assert.throws(() => binomialTailBySum(1, 5, 1.5), /p must be in \[0, 1\], got 1.5/);
});

Deno.test("binomial: every bound of shared/stats for n ≤ 40 passes, and one 1e-4 above or below it fails", () => {
  for (const alpha of [1e-6, 0.05]) {
    for (let n = 1; n <= 40; n++) {
      for (let k = 0; k <= n; k++) {
        const bound = clopperPearsonLower(k, n, alpha);
        checkClopperPearsonBound(k, n, alpha, bound);
        for (const off of [1e-4, -1e-4]) {
          if (bound + off < 0 || bound + off > 1) continue;
          assert.throws(() => checkClopperPearsonBound(k, n, alpha, bound + off), ClaimViolation);
        }
      }
    }
  }
});

Deno.test("binomial: the mistakes the check names are rejected (tail from k + 1, α^n for α^(1/n))", () => {
  const n = 20, alpha = 1e-6;
  assert.throws(() => checkClopperPearsonBound(n, n, alpha, alpha ** n), ClaimViolation);
  // the root of P(Bin(n, p) ≥ k + 1) = α, taken for k successes
  assert.throws(
    () => checkClopperPearsonBound(12, n, alpha, clopperPearsonLower(13, n, alpha)),
    ClaimViolation,
  );
});
