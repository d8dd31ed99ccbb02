import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { ClaimViolation } from "../testing/mod.ts";
import {
  assertMeanEquals,
  assertVarianceEquals,
  empiricalBernsteinHalfWidth,
  hoeffdingHalfWidth,
  meanBand,
  medianOfMeansGroups,
  sampleVariance,
  summarize,
} from "./mod.ts";

Deno.test("stats summarize agrees with the definitions on a small sample", () => {
  const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(s.n, 8);
  assert.equal(s.mean, 5);
  assert.equal(s.variance, 32 / 7);
  assert.equal(s.min, 2);
  assert.equal(s.max, 9);
});

Deno.test("stats summarize is stable under a large offset (two-pass variance)", () => {
  const s = summarize([1e9 + 1, 1e9 + 2, 1e9 + 3]);
  assert.equal(s.variance, 1);
});

Deno.test("stats bad input gets a clear error", () => {
  assert.throws(() => summarize([]), /empty/);
  assert.throws(() => summarize([1, NaN]), /sample value 1 is NaN/);
  assert.throws(() => hoeffdingHalfWidth(10, { lo: 0, hi: 1 }, 0), /false-alarm/);
  assert.throws(() => hoeffdingHalfWidth(10, { lo: 1, hi: 0 }, 1e-6), /lo ≤ hi/);
  assert.throws(
    () => meanBand([0, 2], { kind: "hoeffding", lo: 0, hi: 1 }),
    /sample 1 = 2 lies outside the stated range \[0, 1\]/,
  );
  assert.throws(
    () => meanBand([0, 1], { kind: "hoeffding", lo: 0, hi: 1 }, 1e-3),
    /exceeds the suite's limit/,
  );
  assert.throws(
    () => meanBand([0, 1], { kind: "median-of-means", sigma: 1 }),
    /needs at least 35 samples/,
  );
});

Deno.test("stats Hoeffding half-width is the closed form (hi − lo)√(ln(2/δ)/(2N))", () => {
  const t = hoeffdingHalfWidth(1000, { lo: -2, hi: 2 }, 1e-6);
  assert.ok(Math.abs(t - 4 * Math.sqrt(Math.log(2e6) / 2000)) < 1e-15);
});

Deno.test("stats empirical Bernstein shrinks to its range term for a constant sample", () => {
  const t = empiricalBernsteinHalfWidth(101, 0, { lo: 0, hi: 3 }, 1e-6);
  assert.ok(Math.abs(t - (7 * 3 * Math.log(4e6)) / 300) < 1e-15);
  // a range that does not start at 0: the width hi − lo = 8 enters, not hi
  const w = empiricalBernsteinHalfWidth(101, 2, { lo: -3, hi: 5 }, 1e-6);
  const log = Math.log(4e6);
  assert.ok(Math.abs(w - (Math.sqrt((4 * log) / 101) + (7 * 8 * log) / 300)) < 1e-14, `${w}`);
});

Deno.test("stats median of means uses the smallest odd K with exp(−K·kl(½‖1/8)) ≤ δ and estimates a heavy-tailed mean", () => {
  assert.equal(medianOfMeansGroups(1e-6), 35); // ln(1e6)/0.4133 = 33.4 -> 34 -> odd 35
  assert.equal(medianOfMeansGroups(0.5) % 2, 1);
  assert.throws(() => medianOfMeansGroups(0), /false-alarm probability must be in \(0, 1\)/);
  // 35 groups of 10: t = σ/√(10/8); three wild groups of 35 leave the median unchanged
  const wild = new Float64Array(350).fill(1);
  for (let i = 0; i < 30; i++) wild[i] = 1e9;
  const b = meanBand(wild, { kind: "median-of-means", sigma: 1 });
  assert.equal(b.estimate, 1);
  assert.equal(b.halfWidth, 1 / Math.sqrt(10 / 8));
  // exponential(1) samples: mean 1, σ = 1, unbounded
  const rng = new Rng(7);
  const xs = Array.from({ length: 50_000 }, () => -Math.log(1 - rng.uniform()));
  const ok = assertMeanEquals(xs, 1, {
    method: { kind: "median-of-means", sigma: 1 },
    seed: 7,
    label: "Exp(1)",
  });
  assert.ok(ok.halfWidth < 0.1, ok.report);
});

Deno.test("stats the agreement check accepts the true mean and rejects a wrong one, printing N and seed", () => {
  const rng = new Rng(11);
  const xs = Array.from({ length: 50_000 }, () => (rng.uniform() < 0.3 ? 1 : 0));
  for (const kind of ["hoeffding", "empirical-bernstein"] as const) {
    assertMeanEquals(xs, 0.3, { method: { kind, lo: 0, hi: 1 }, seed: 11, label: "Bernoulli" });
    assert.throws(
      () =>
        assertMeanEquals(xs, 0.35, {
          method: { kind, lo: 0, hi: 1 },
          seed: 11,
          label: "Bernoulli",
        }),
      (e: unknown) =>
        e instanceof ClaimViolation && /N = 50000, seed 11/.test(e.message) &&
        /outside the band/.test(e.message),
    );
  }
});

Deno.test("stats the agreement band is closed: an exact value at distance exactly the half-width is accepted", () => {
  // a constant sample on the degenerate range [2, 2]: half-width 0, estimate 2, margin 0
  const flat = { method: { kind: "hoeffding", lo: 2, hi: 2 }, seed: 0, label: "flat" } as const;
  assert.equal(assertMeanEquals([2, 2, 2], 2, flat).margin, 0);
  assert.throws(() => assertMeanEquals([2, 2, 2], 2.5, flat), ClaimViolation);
  // 100 zeros in [0, 1]: estimate 0, so exact = t lies at |0 − t| = t, margin 0 with no rounding
  const zeros = new Float64Array(100);
  const method = { kind: "hoeffding", lo: 0, hi: 1 } as const;
  const t = meanBand(zeros, method).halfWidth;
  assert.ok(t > 0, `half-width ${t}`);
  assert.equal(assertMeanEquals(zeros, t, { method, seed: 0, label: "edge" }).margin, 0);
  assert.equal(assertMeanEquals(zeros, -t, { method, seed: 0, label: "edge" }).margin, 0);
  // one step past the edge is outside
  const past = t + t * Number.EPSILON;
  assert.ok(past > t);
  assert.throws(
    () => assertMeanEquals(zeros, past, { method, seed: 0, label: "edge" }),
    ClaimViolation,
  );
});

Deno.test("stats the variance check accepts the true variance and rejects a wrong one", () => {
  const rng = new Rng(5);
  const xs = Array.from({ length: 50_000 }, () => 2 * rng.uniform() - 1); // variance 1/3
  assertVarianceEquals(xs, 1 / 3, { mean: 0, lo: -1, hi: 1, seed: 5, label: "U(−1, 1)" });
  assert.throws(
    () => assertVarianceEquals(xs, 0.4, { mean: 0, lo: -1, hi: 1, seed: 5, label: "U(−1, 1)" }),
    ClaimViolation,
  );
});

Deno.test("stats meanBand's range error names the first sample outside [lo, hi], not one lying on an end", () => {
  const method = { kind: "hoeffding", lo: 0, hi: 1 } as const;
  assert.throws(() => meanBand([1, 2], method), /sample 1 = 2 lies outside/);
  assert.throws(() => meanBand([0, -1], method), /sample 1 = -1 lies outside/);
  // both ends themselves are inside: a sample of only 0s and 1s gets a band
  assert.equal(meanBand([0, 1], method).estimate, 0.5);
});

Deno.test("stats the variance check accepts an exact mean at either end of [lo, hi] and refuses one just outside", () => {
  // a point mass at lo (or hi) has mean lo (or hi) and variance 0: a legitimate input
  const opts = { lo: -1, hi: 1, seed: 0, label: "point mass" };
  for (const end of [opts.lo, opts.hi]) {
    const xs = new Float64Array(100).fill(end);
    const agreement = assertVarianceEquals(xs, 0, { ...opts, mean: end });
    assert.equal(agreement.estimate, 0);
  }
  const below = opts.lo - 2 * Number.EPSILON;
  const above = opts.hi + 2 * Number.EPSILON;
  assert.ok(below < opts.lo && above > opts.hi);
  const mid = new Float64Array(100).fill(0);
  assert.throws(
    () => assertVarianceEquals(mid, 1, { ...opts, mean: below }),
    /mean .* lies outside/,
  );
  assert.throws(
    () => assertVarianceEquals(mid, 1, { ...opts, mean: above }),
    /mean .* lies outside/,
  );
  // a sample on an end is accepted (above), one just past it is refused
  assert.throws(
    () => assertVarianceEquals([0, above], 0.5, { ...opts, mean: 0 }),
    /sample 1 = .* lies outside/,
  );
  assert.throws(
    () => assertVarianceEquals([below, 0], 0.5, { ...opts, mean: 0 }),
    /sample 0 = .* lies outside/,
  );
  // a sample past the end near the mean has a small square, which the variance band alone
  // would take: with mean 0.9, x = 1.1 gives (x − 0.9)² = 0.04 ≤ (−1 − 0.9)², so only the
  // range check on the samples themselves refuses it, naming the sample and [lo, hi]
  assert.throws(
    () => assertVarianceEquals([0.9, 1.1], 0.01, { ...opts, mean: 0.9 }),
    (e) =>
      e instanceof RangeError && e.message === "point mass: sample 1 = 1.1 lies outside [-1, 1]",
  );
  assert.throws(
    () => assertVarianceEquals([-1.1, -0.9], 0.01, { ...opts, mean: -0.9 }),
    (e) =>
      e instanceof RangeError && e.message === "point mass: sample 0 = -1.1 lies outside [-1, 1]",
  );
});

Deno.test("stats median of means averages exactly K consecutive groups of ⌊N/K⌋ and takes their middle value", () => {
  // K = 35 at δ = 1e-6. Group g (entries g·m … (g + 1)·m − 1) holds the value g, so the group means
  // are 0..34 and the median is 17; the N − K·m leftover samples (−10¹²) must be ignored.
  const k = medianOfMeansGroups(1e-6);
  for (const m of [1, 3]) {
    const leftover = Math.max(1, m - 1); // fewer than m: not a group of its own
    const xs = new Float64Array(k * m + leftover).fill(-1e12);
    for (let g = 0; g < k; g++) xs.fill(g, g * m, (g + 1) * m);
    const b = meanBand(xs, { kind: "median-of-means", sigma: 2 });
    assert.equal(b.estimate, (k - 1) / 2, `m = ${m}: ${b.method}`);
    assert.equal(b.halfWidth, 2 / Math.sqrt(m / 8));
    assert.match(b.method, new RegExp(`median of ${k} means of ${m} samples`));
  }
  // reversed order: the median is taken after sorting, not by position
  const rev = new Float64Array(k).map((_, i) => k - 1 - i);
  assert.equal(meanBand(rev, { kind: "median-of-means", sigma: 1 }).estimate, (k - 1) / 2);
});

Deno.test("stats median of means: K is the smallest odd K with exp(−K·kl(½‖1/8)) ≤ δ, whatever the parity of the smallest K", () => {
  const kl = -0.5 * Math.log(4 * (1 / 8) * (7 / 8));
  for (const delta of [0.7, 0.5, 0.3, 0.1, 1e-3, 1e-6, 1e-9]) {
    let smallest = 1;
    while (Math.exp(-smallest * kl) > delta) smallest++;
    const odd = smallest % 2 === 1 ? smallest : smallest + 1;
    assert.equal(medianOfMeansGroups(delta), odd, `δ = ${delta} (smallest K ${smallest})`);
  }
  // δ = 0.7 and 0.3 need K = 1 and 3, already odd; δ = 0.5 needs 2, so 3
  assert.deepEqual([0.7, 0.3, 0.5].map(medianOfMeansGroups), [1, 3, 3]);
});

Deno.test("stats a degenerate range lo = hi is accepted for a constant sample", () => {
  const b = meanBand([2, 2, 2], { kind: "hoeffding", lo: 2, hi: 2 });
  assert.equal(b.estimate, 2);
  assert.equal(b.halfWidth, 0);
  assert.throws(() => meanBand([2], { kind: "hoeffding", lo: 2, hi: 1.5 }), /lo ≤ hi/);
});

Deno.test("stats a single sample has variance 0 by definition, and two samples the unbiased (x₁ − x₂)²/2", () => {
  // N = 1: Σ (x − mean)² / (N − 1) would be 0/0; the summary states 0, so bands stay finite
  const one = summarize([7.5]);
  assert.deepEqual(one, { n: 1, mean: 7.5, variance: 0, min: 7.5, max: 7.5 });
  assert.equal(summarize([-3, 5]).variance, 32);
  assert.throws(() => sampleVariance([7.5]), /needs at least two values/);
  assert.equal(sampleVariance([-3, 5]), 32);
});

Deno.test("stats the sample-size guards sit at their minimum: Hoeffding from N = 1, empirical Bernstein from N = 2", () => {
  const log2 = Math.log(2e6), log4 = Math.log(4e6);
  // N = 1: t = (hi − lo)√(ln(2/δ)/2); N = 0 and fractions refused
  assert.equal(hoeffdingHalfWidth(1, { lo: 0, hi: 2 }, 1e-6), 2 * Math.sqrt(log2 / 2));
  for (const n of [0, -1, 1.5]) {
    assert.throws(
      () => hoeffdingHalfWidth(n, { lo: 0, hi: 1 }, 1e-6),
      new RegExp(`sample size must be an integer ≥ 1, got ${n}$`),
    );
  }
  // a single sample gets a Hoeffding band, centred on it
  const single = meanBand([0.25], { kind: "hoeffding", lo: 0, hi: 1 });
  assert.deepEqual([single.estimate, single.halfWidth, single.n], [0.25, Math.sqrt(log2 / 2), 1]);
  // N = 2: t = √(2 V ln(4/δ)/2) + 7 (hi − lo) ln(4/δ)/3; N = 1 refused (no variance estimate)
  const t2 = empiricalBernsteinHalfWidth(2, 0.5, { lo: 0, hi: 1 }, 1e-6);
  assert.ok(Math.abs(t2 - (Math.sqrt(0.5 * log4) + 7 * log4 / 3)) < 1e-14, `${t2}`);
  for (const n of [1, 0, 2.5]) {
    assert.throws(
      () => empiricalBernsteinHalfWidth(n, 0, { lo: 0, hi: 1 }, 1e-6),
      new RegExp(`sample size must be an integer ≥ 2, got ${n}$`),
    );
  }
  assert.throws(
    () => meanBand([0.25], { kind: "empirical-bernstein", lo: 0, hi: 1 }),
    /≥ 2, got 1/,
  );
  // the variance guard: 0 accepted (the constant-sample test), any negative value refused
  assert.throws(
    () => empiricalBernsteinHalfWidth(10, -1e-300, { lo: 0, hi: 1 }, 1e-6),
    /sample variance must be ≥ 0, got -1e-300/,
  );
});

Deno.test("stats median of means accepts any finite σ ≥ 0 (σ = 0 and σ < 1 included) and refuses negative, NaN and ∞", () => {
  const xs = new Float64Array(35 * 4).fill(3); // K = 35 groups of m = 4 at δ = 1e-6
  // t = σ/√(m/8): 0 for a σ bound of 0 (a constant), and proportional to σ below 1 as above
  for (const sigma of [0, 0.5, 2]) {
    const b = meanBand(xs, { kind: "median-of-means", sigma });
    assert.deepEqual([b.estimate, b.halfWidth], [3, sigma / Math.sqrt(4 / 8)], `σ = ${sigma}`);
  }
  for (const sigma of [-1e-300, -1, NaN, Infinity]) {
    assert.throws(
      () => meanBand(xs, { kind: "median-of-means", sigma }),
      new RegExp(`needs a finite σ ≥ 0, got ${sigma}$`),
    );
  }
});

Deno.test("stats the range and false-alarm guards refuse ∞, NaN, δ = 1 and δ past 1e-6, and accept δ = 1e-6 itself", () => {
  for (const range of [{ lo: -Infinity, hi: 1 }, { lo: 0, hi: Infinity }, { lo: NaN, hi: 1 }]) {
    assert.throws(() => hoeffdingHalfWidth(10, range, 1e-6), /range must be finite with lo ≤ hi/);
  }
  for (const delta of [1, 0, -0.5, NaN]) {
    assert.throws(
      () => hoeffdingHalfWidth(10, { lo: 0, hi: 1 }, delta),
      /false-alarm probability must be in \(0, 1\)/,
    );
  }
  const xs = [0, 1];
  assert.equal(meanBand(xs, { kind: "hoeffding", lo: 0, hi: 1 }, 1e-6).falseAlarm, 1e-6);
  assert.throws(
    () => meanBand(xs, { kind: "hoeffding", lo: 0, hi: 1 }, 1.000001e-6),
    /exceeds the suite's limit 0.000001/,
  );
});
