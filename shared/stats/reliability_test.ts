import assert from "node:assert/strict";
import fc from "fast-check";
import {
  binomialUpperTail,
  clopperPearsonLower,
  reliability,
  successesNeeded,
} from "./reliability.ts";

Deno.test("reliability Clopper–Pearson matches its closed forms at k = n and k = 1", () => {
  for (const n of [1, 2, 5, 20, 64, 500]) {
    for (const alpha of [1e-6, 0.01, 0.05]) {
      // k = n: p^n = α; k = 1: 1 − (1 − p)^n = α
      assert.ok(Math.abs(clopperPearsonLower(n, n, alpha) - alpha ** (1 / n)) < 1e-12);
      const one = 1 - (1 - alpha) ** (1 / n);
      assert.ok(Math.abs(clopperPearsonLower(1, n, alpha) - one) < 1e-10, `n=${n} α=${alpha}`);
    }
  }
});

Deno.test("reliability Clopper–Pearson matches the published 95% interval for 5 of 10", () => {
  // the two-sided 95% Clopper–Pearson interval for 5/10 is [0.187086, 0.812914]
  assert.ok(Math.abs(clopperPearsonLower(5, 10, 0.025) - 0.187086) < 1e-6);
  // and for 0 of 10 the lower end is 0
  assert.equal(clopperPearsonLower(0, 10, 0.025), 0);
});

Deno.test("reliability the bound covers: P(p_L(X) > p) ≤ α exactly for Bin(n, p)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 999 }).map((k) => k / 1000),
      fc.constantFrom(1e-6, 1e-3, 0.05),
      (n, p, alpha) => {
        // exact coverage by enumerating X = k (pmf from successive tail differences)
        let miss = 0;
        for (let k = 0; k <= n; k++) {
          const pmf = binomialUpperTail(k, n, p) - (k < n ? binomialUpperTail(k + 1, n, p) : 0);
          if (clopperPearsonLower(k, n, alpha) > p) miss += pmf;
        }
        assert.ok(miss <= alpha * (1 + 1e-6), `n=${n} p=${p} α=${alpha}: miss ${miss}`);
      },
    ),
    { numRuns: 60, seed: 18 },
  );
});

Deno.test("reliability the bound increases with successes and with α", () => {
  let last = -1;
  for (let k = 0; k <= 20; k++) {
    const b = clopperPearsonLower(k, 20, 1e-6);
    assert.ok(b > last, `k=${k}`);
    last = b;
  }
  assert.ok(clopperPearsonLower(18, 20, 1e-6) < clopperPearsonLower(18, 20, 1e-3));
});

Deno.test("reliability the binomial tail is the direct sum", () => {
  const choose = (
    n: number,
    k: number,
  ): number => (k === 0 ? 1 : (choose(n, k - 1) * (n - k + 1)) / k);
  for (const [k, n, p] of [[0, 4, 0.3], [2, 4, 0.3], [4, 4, 0.3], [7, 12, 0.9]] as const) {
    let direct = 0;
    for (let j = k; j <= n; j++) direct += choose(n, j) * p ** j * (1 - p) ** (n - j);
    assert.ok(Math.abs(binomialUpperTail(k, n, p) - direct) < 1e-14, `k=${k} n=${n}`);
  }
});

Deno.test("reliability the tail at k = 0 is P(X ≥ 0) = 1 for every p, p = 0 and p = 1 included", () => {
  // X ≥ 0 always holds, even for Bin(n, 0) (X ≡ 0), whose tail at k ≥ 1 is 0
  for (const n of [1, 5, 20]) {
    for (const p of [0, 0.3, 1]) assert.equal(binomialUpperTail(0, n, p), 1, `n=${n} p=${p}`);
    assert.equal(binomialUpperTail(1, n, 0), 0, `n=${n}`);
  }
});

Deno.test("reliability the bisection returns a rejected p: below the root even when a midpoint hits α exactly", () => {
  // α is the tail at the first midpoint 1/2 itself, so the root is 1/2: a midpoint whose tail
  // equals α is not rejected, and the bound stays strictly below it (within the 1e-12 bracket)
  const alpha = binomialUpperTail(1, 2, 0.5); // 1 − (1/2)² = 3/4 up to rounding
  assert.ok(Math.abs(alpha - 0.75) < 1e-15, `${alpha}`);
  const b = clopperPearsonLower(1, 2, alpha);
  assert.ok(b < 0.5 && b > 0.5 - 1e-11, `bound ${b}`);
  assert.ok(binomialUpperTail(1, 2, b) < alpha);
});

Deno.test("reliability summary, successes needed, and bad arguments", () => {
  const r = reliability([true, false, true], 1e-6);
  assert.equal(r.successes, 2);
  assert.equal(r.runs, 3);
  assert.equal(successesNeeded(0, 20, 1e-6), 0);
  assert.throws(
    () => clopperPearsonLower(3, 2, 0.1),
    /successes must be an integer in \[0, 2\], got 3/,
  );
  assert.throws(() => clopperPearsonLower(1, 2, 0), /alpha must be in \(0, 1\), got 0/);
  assert.throws(() => reliability([], 0.1), /no runs/);
});

Deno.test("reliability guards refuse each bound and a fraction past it, and accept just inside", () => {
  // rate ∈ [0, 1): 1 and 1.5 refused, 0.999 accepted (and not reachable with 20 runs)
  for (const rate of [1, 1.5, -0.001, NaN]) {
    assert.throws(() => successesNeeded(rate, 20, 1e-6), /rate must be in \[0, 1\)/);
  }
  assert.equal(successesNeeded(0.999, 20, 1e-6), null);
  // α ∈ (0, 1): 0, 1 and 1.5 refused; 0.999 accepted
  for (const alpha of [0, 1, 1.5, -0.5]) {
    assert.throws(() => clopperPearsonLower(1, 2, alpha), /alpha must be in \(0, 1\)/);
  }
  assert.ok(clopperPearsonLower(1, 2, 0.999) > 0);
  // counts: n = 0 and k = n accepted where meaningful, k = −1, 2.5 and n + 1 refused
  assert.equal(binomialUpperTail(0, 0, 0.5), 1);
  // each refusal names the count at fault: n = −1 is refused as trials, not as k > n
  for (const [k, n] of [[-1, 2], [0.5, 2], [3, 2]] as const) {
    assert.throws(() => binomialUpperTail(k, n, 0.5), /^RangeError: successes must be an integer/);
  }
  for (const [k, n] of [[0, -1], [0, 1.5]] as const) {
    assert.throws(
      () => binomialUpperTail(k, n, 0.5),
      new RegExp(`^RangeError: trials must be a non-negative integer, got ${n}$`),
    );
  }
});

Deno.test("reliability the Clopper–Pearson bound needs a run: n = 0 refused, n = 1 gives 0 and α", () => {
  // with no run there is no binomial test to invert (the tail at k = 0 is 1 for every p)
  assert.throws(() => clopperPearsonLower(0, 0, 0.05), /^RangeError: trials must be ≥ 1, got 0$/);
  assert.throws(() => reliability([], 0.05), /no runs/);
  // n = 1: no success gives 0; one success gives the root of p¹ = α, i.e. α itself
  assert.equal(clopperPearsonLower(0, 1, 0.05), 0);
  assert.equal(clopperPearsonLower(1, 1, 0.05), 0.05);
  assert.deepEqual(reliability([true], 0.05), {
    runs: 1,
    successes: 1,
    rate: 1,
    lowerBound: 0.05,
    alpha: 0.05,
  });
});

Deno.test("reliability successesNeeded returns n itself when only a clean sweep reaches the rate", () => {
  // p_L(n, n, α) = α^{1/n}: 20 of 20 at α = 1e-6 reaches 10^-0.3 = 0.501, 19 of 20 does not
  const sweep = clopperPearsonLower(20, 20, 1e-6);
  assert.ok(clopperPearsonLower(19, 20, 1e-6) < 0.5 && sweep >= 0.5, `${sweep}`);
  assert.equal(successesNeeded(0.5, 20, 1e-6), 20);
  // one run at α = 0.4: k = 1 gives p_L = 0.4, so a rate of 0.3 needs the one success
  assert.equal(successesNeeded(0.3, 1, 0.4), 1);
  assert.equal(successesNeeded(0.41, 1, 0.4), null);
});

Deno.test("reliability the binomial tail accepts p = 0 and p = 1 at every k and refuses p just outside [0, 1]", () => {
  // Bin(n, 0) ≡ 0 and Bin(n, 1) ≡ n: tails 0 and 1 at every k ≥ 1
  for (const k of [1, 3, 4]) {
    assert.equal(binomialUpperTail(k, 4, 0), 0, `k = ${k}, p = 0`);
    assert.equal(binomialUpperTail(k, 4, 1), 1, `k = ${k}, p = 1`);
  }
  for (const p of [-1e-300, 1 + Number.EPSILON, NaN, Infinity]) {
    assert.throws(
      () => binomialUpperTail(1, 4, p),
      new RegExp(`p must be in \\[0, 1\\], got ${p}$`),
    );
  }
});
