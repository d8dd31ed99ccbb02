import assert from "node:assert/strict";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import {
  estimatorK1,
  estimatorK2,
  estimatorSpread,
  estimatorSpreadTable,
  exactExpectation,
  exactRatioPartExpectation,
  k2Term,
  klDivergence,
  KlInputError,
  logRatios,
  naiveK2Term,
  validatePmf,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("23 bad input is refused with a message naming what and where", () => {
  const refuses = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof KlInputError && re.test(e.message));
  refuses(() => klDivergence([0.5, 0.6], [0.5, 0.5]), /p sums to 1\.1/);
  refuses(() => klDivergence([0.5, 0.5], [1]), /p has 2 outcomes but q has 1/);
  refuses(() => logRatios([1, 0], [0.5, 0.5], [1]), /sample 0 = 1 has p\(x\) = 0/);
  refuses(() => logRatios([0.5, 0.5], [1, 0], [0, 1]), /sample 1 = 1 has q\(x\) = 0/);
  refuses(() => logRatios([0.5, 0.5], [0.5, 0.5], [2]), /sample 0 is 2/);
  refuses(() => estimatorK2([]), /sample is empty/);
  refuses(() => estimatorK1([0, NaN]), /log-ratio 1 is NaN/);
  refuses(() => k2Term(710), /too large/);
  refuses(() => exactRatioPartExpectation([1, 0.5], [1, 1], 1), /p weight 1 is 0\.5/);
});

const refuses = (f: () => unknown, re: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof KlInputError && re.test(e.message));

Deno.test("23 a pmf has at least one outcome: [] is refused as empty, [1] accepted", () => {
  refuses(() => validatePmf([], "p"), /^p is empty$/);
  refuses(() => klDivergence([1], []), /^q is empty$/);
  validatePmf([1], "p");
  assert.equal(klDivergence([1], [1]), 0);
});

Deno.test("23 KL counts 0 · log(0 / q) as 0, is infinite where q = 0 < p, and is finite where both are 0", () => {
  // a point mass p = δ₀: KL = 1 · log(1 / q₀)
  assert.equal(klDivergence([1, 0], [0.5, 0.5]), Math.LN2);
  // p = (¼, 0, ¾), q = (½, ¼, ¼): ¼ log ½ + ¾ log 3, the middle outcome contributing nothing
  const d = klDivergence([0.25, 0, 0.75], [0.5, 0.25, 0.25]);
  assert.ok(Math.abs(d - (0.75 * Math.log(3) - 0.25 * Math.LN2)) < 1e-15, String(d));
  assert.equal(klDivergence([0.5, 0.5], [1, 0]), Infinity);
  assert.equal(klDivergence([1, 0], [1, 0]), 0);
});

Deno.test("23 a pmf sums to 1 within 1e-9: 1 ± 0.9e-9 accepted, 1 ± 1.1e-9 refused", () => {
  for (const total of [1 + 0.9e-9, 1 - 0.9e-9]) validatePmf([0.5, total - 0.5], "p");
  for (const total of [1 + 1.1e-9, 1 - 1.1e-9]) {
    refuses(() => validatePmf([0.5, total - 0.5], "p"), /^p sums to 0\.99|^p sums to 1\.00/);
  }
});

Deno.test("23 a sample is an integer outcome index in 0..|X|−1: 0 and 1 accepted, −1, 0.5 and 2 refused", () => {
  const p = [0.5, 0.5];
  const q = [0.25, 0.75];
  assert.deepEqual(logRatios(p, q, [0, 1]), [Math.log(0.5), Math.log(1.5)]);
  for (const x of [-1, 0.5, 2]) {
    refuses(
      () => logRatios(p, q, [0, x]),
      new RegExp(`^sample 1 is ${x}, not an outcome index in 0\\.\\.1$`),
    );
  }
});

Deno.test("23c exact weights are non-negative integers, not all zero: 0 accepted, −1 and all-zero refused", () => {
  // p = (0, 1), q = (1/2, 1/2): E_p[q/p − 1] = 1/2 − 1, the mass q puts outside supp p, negated
  assert.equal(exactRatioPartExpectation([0, 1], [1, 1], 1).toFraction(), "-1/2");
  refuses(
    () => exactRatioPartExpectation([1, -1, 2], [1, 1, 1], 1),
    /^p weight 1 is -1, not a non-negative integer$/,
  );
  refuses(() => exactRatioPartExpectation([1, 1], [0, 0], 1), /^q weights are all zero$/);
});

Deno.test("23 enumeration bounds: |X|^N = 100 000 tuples are summed, 100 001 refused; N must be an integer ≥ 1", () => {
  const refuses = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof KlInputError && re.test(e.message));
  // at the bound: 10 outcomes, N = 5; p = q makes every log-ratio 0, and the weights p^N
  // of all 10^5 tuples sum to 1, so E[D̂(1)] = 0 and E[1] = 1 (a float64 sum of 10^5 terms
  // of 1e-5 is off by at most 10^5 · 2^-52 ≈ 2e-11; a tuple missing or counted twice, 1e-5)
  const ten = new Array<number>(10).fill(0.1);
  assert.equal(exactExpectation(ten, ten, 5, estimatorK1), 0);
  const mass = exactExpectation(ten, ten, 5, () => 1);
  assert.ok(Math.abs(mass - 1) < 1e-9, `total weight ${mass}`);
  // just above: 100 001 outcomes, N = 1
  const many = new Array<number>(100_001).fill(1 / 100_001);
  refuses(() => exactExpectation(many, many, 1, estimatorK1), /100001\^1 tuples are too many/);
  // the sample size: 0 and 1.5 refused, 1 accepted (E[D̂(1)] = KL with one sample)
  const [p, q] = [[0.5, 0.5], [0.25, 0.75]];
  for (const n of [0, 1.5]) {
    refuses(
      () => exactExpectation(p, q, n, estimatorK1),
      new RegExp(`sample size ${n} is not ≥ 1`),
    );
  }
  assert.ok(Math.abs(exactExpectation(p, q, 1, estimatorK1) - klDivergence(p, q)) < 1e-15);
});

Deno.test("23c D̂(2) is biased when q has mass where p has none: the bias is −q(outside supp p)", () => {
  // p = (1/2, 1/2, 0), q = (1/4, 1/4, 1/2): E_p[q/p − 1] = 1/2 − 1 = −1/2 exactly.
  for (const n of [1, 2, 3]) {
    assert.equal(exactRatioPartExpectation([1, 1, 0], [1, 1, 2], n).toFraction(), "-1/2");
  }
});

Deno.test("23a D̂(1) ignores outcomes p never produces: zeros of p leave it unbiased", () => {
  const p = [0.5, 0.5, 0];
  const q = [0.25, 0.25, 0.5];
  const e = exactExpectation(p, q, 2, estimatorK1);
  assert.ok(Math.abs(e - Math.log(2)) < 1e-15, `E D̂(1) = ${e}, KL = log 2`);
});

Deno.test("23d the stable term agrees with λ²/2 + λ³/6 for tiny λ and is exact at λ = 0", () => {
  for (const l of [1e-12, -1e-12, 3e-8, -3e-8]) {
    const series = l * l / 2 + l ** 3 / 6;
    assert.ok(Math.abs(k2Term(l) - series) <= 1e-15 * series, `λ = ${l}`);
  }
  assert.equal(k2Term(0), 0);
});

Deno.test("23d the stable term near |λ| = 1 is e^λ − λ − 1 rounded to the nearest double (Horner through λ¹⁷/19!)", () => {
  // references: e^λ − λ − 1 at the double λ in 60-digit decimal arithmetic (Python's decimal),
  // rounded once to float64; the sum cut one term earlier, at λ¹⁶/18!, is an ulp off at each
  const cases: [number, number][] = [
    [-0.95, 0.3367410234545012], // 0.33674102345450117968…
    [-0.887, 0.2988895698108276], // 0.29888956981082759898…
    [0.916, 0.5832732759606523], // 0.58327327596065223202…
    [0.971, 0.6695837232255036], // 0.66958372322550366580…
  ];
  for (const [l, want] of cases) assert.equal(k2Term(l), want, `λ = ${l}`);
});

Deno.test("23d at the branch boundary λ = ±1 the term is e − 2 and 1/e rounded to the nearest double", () => {
  // |λ| ≤ 1 is summed by the series, whose truncation error there is below 1/20! relative.
  // e − 2 = 0.718281828459045235…: the series gives the nearest double, while expm1(1) − 1
  // (the λ > 1 form) is one ulp above it. 1/e = 0.367879441171442321…: the series and
  // (1 − 1) + exp(−1) (the λ < −1 form) both give the nearest double.
  assert.equal(k2Term(1), 0.7182818284590452);
  assert.equal(k2Term(-1), 0.36787944117144233);
});

Deno.test("23d the naive term is the formula as written: exact at λ = 0, rounding-accurate where nothing cancels", () => {
  // e^0 − 0 − 1 = 0 exactly; e^3 − 4 = 16.0855369231876677…, whose nearest double is
  // 16.085536923187668 and whose ulp is 2^-48 (Math.exp is within an ulp of e^3)
  assert.equal(naiveK2Term(0), 0);
  assert.ok(Math.abs(naiveK2Term(3) - 16.085536923187668) <= 2 ** -47, `${naiveK2Term(3)}`);
});

Deno.test("23 standard deviations: exact formula matches the empirical spread of all N = 2 tuples, also with an outcome neither p nor q gives mass", () => {
  // the second pair adds an outcome with p = q = 0: p never produces it, so it must carry no
  // weight (its log-ratio log(0/0) is NaN and may not reach the sums)
  const pairs = [
    [[0.2, 0.3, 0.5], [0.5, 0.3, 0.2]],
    [[0.2, 0, 0.3, 0.5], [0.5, 0, 0.3, 0.2]],
  ];
  for (const [p, q] of pairs) {
    const row = estimatorSpread(p!, q!, 2);
    for (const [est, sd] of [[estimatorK1, row.sd1], [estimatorK2, row.sd2]] as const) {
      const m = exactExpectation(p!, q!, 2, est);
      const second = exactExpectation(p!, q!, 2, (l) => est(l) ** 2);
      assert.ok(Math.abs(Math.sqrt(second - m * m) - sd) < 1e-12, `p = ${p}: sd ${sd}`);
    }
  }
});

Deno.test("23 standard-deviation table: D̂(2) is less spread than D̂(1) on every listed pair", () => {
  const rows = estimatorSpreadTable();
  assert.equal(rows.length, 5);
  for (const r of rows) assert.ok(r.sd2 < r.sd1, `${r.label}: sd2 ${r.sd2} vs sd1 ${r.sd1}`);
});

Deno.test("23 standard-deviation table: the sample size defaults to N = 1, the spread of one sample", () => {
  // first row: p uniform on 4 outcomes, q = p ± 0.01; with one sample the spread of D̂(1)
  // is the standard deviation of −λ(X) over the 4 outcomes, enumerated here
  const p = [0.25, 0.25, 0.25, 0.25];
  const q = [0.26, 0.24, 0.26, 0.24];
  const m = exactExpectation(p, q, 1, estimatorK1);
  const sd1 = Math.sqrt(exactExpectation(p, q, 1, (l) => estimatorK1(l) ** 2) - m * m);
  const [byDefault] = estimatorSpreadTable();
  assert.equal(byDefault!.n, 1);
  assert.ok(Math.abs(byDefault!.sd1 - sd1) < 1e-12 * sd1, `sd1 ${byDefault!.sd1} vs ${sd1}`);
  // estimatorSpread itself also defaults to one sample
  const single = estimatorSpread(p, q);
  assert.equal(single.n, 1);
  assert.ok(Math.abs(single.sd1 - sd1) < 1e-12 * sd1, `sd1 ${single.sd1} vs ${sd1}`);
  // and an explicit N divides the spread by √N
  const [four] = estimatorSpreadTable(4);
  assert.ok(Math.abs(four!.sd1 - sd1 / 2) < 1e-12 * sd1, `sd1 ${four!.sd1} vs ${sd1 / 2}`);
});

Deno.test("23 standard deviations of two equally likely outcomes are half the gap between the two terms, even far below the mean", () => {
  // p = (1/2, 1/2): a term t has mean (t₀ + t₁)/2 and sd |t₀ − t₁|/2. With q = (1/2 ± a),
  // h(λ) ≈ λ²/2 + λ³/6 has sd ≈ (8/3)a³ while its mean KL ≈ 2a²: for a = 1e-5 the sd
  // (2.7e-15) is 10⁻⁵ of the mean, below the rounding of E[h²] − KL² (which is negative there)
  for (const a of [1e-2, 1e-5]) {
    const p = [0.5, 0.5];
    const q = [0.5 + a, 0.5 - a];
    const [l0, l1] = logRatios(p, q, [0, 1]) as [number, number];
    const row = estimatorSpread(p, q);
    const sd1 = Math.abs(l0 - l1) / 2;
    const sd2 = Math.abs(k2Term(l0) - k2Term(l1)) / 2;
    assert.ok(Math.abs(row.sd1 - sd1) <= 1e-12 * sd1, `a = ${a}: sd1 ${row.sd1} vs ${sd1}`);
    assert.ok(Math.abs(row.sd2 - sd2) <= 1e-12 * sd2, `a = ${a}: sd2 ${row.sd2} vs ${sd2}`);
    assert.ok(Math.abs(sd2 / (8 / 3 * a ** 3) - 1) < 1e-2, `a = ${a}: sd2 ${sd2} ≈ (8/3)a³`);
  }
});
