import assert from "node:assert/strict";
import fc from "fast-check";
import { centralDifference, FINITE_DIFFERENCE_TOLERANCE } from "../gradients/mod.ts";
import { checkProperty, closeMargin, seedFor } from "../testing/mod.ts";
import {
  logSumExp,
  softmax,
  SoftmaxInputError,
  softmaxPolicy,
  softmaxScore,
  softmaxScoreFromPolicy,
  softplus,
} from "./mod.ts";

/** Logit vectors of length 1 to 6 with entries in [−20, 20] (multiples of 1/100). */
const logits = fc.array(fc.integer({ min: -2000, max: 2000 }).map((k) => k / 100), {
  minLength: 1,
  maxLength: 6,
});

/** Rectangular logit tables: 1 to 4 states, 1 to 4 actions, entries in [−5, 5]. */
const table = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
  .chain(([nS, nA]) =>
    fc.record({
      theta: fc.array(
        fc.array(fc.integer({ min: -500, max: 500 }).map((k) => k / 100), {
          minLength: nA,
          maxLength: nA,
        }),
        { minLength: nS, maxLength: nS },
      ),
      s: fc.integer({ min: 0, max: nS - 1 }),
      a: fc.integer({ min: 0, max: nA - 1 }),
    })
  );

// Float64 sums of at most 6 terms in [0, 1] carry a few ulps of error: 1e-14 leaves room.
const SUM_TOLERANCE = { abs: 1e-14, rel: 0 };

Deno.test("softmax: a probability vector equal to the naive quotient e^z / Σ e^z", () => {
  checkProperty(
    { seed: seedFor("softmax/quotient"), over: "logit vectors in [−20, 20]^n, n ≤ 6" },
    logits,
    (z) => {
      const mu = softmax(z);
      const naive = z.map(Math.exp);
      const total = naive.reduce((a, b) => a + b, 0);
      let worst = closeMargin(mu.reduce((a, b) => a + b, 0), 1, SUM_TOLERANCE);
      mu.forEach((p, i) => {
        if (!(p > 0)) throw new Error(`μ_${i} = ${p} is not positive`);
        // e^{±20} is far from overflow, so the naive quotient is accurate to a few ulps
        worst = Math.min(worst, closeMargin(p, naive[i]! / total, { abs: 0, rel: 1e-13 }));
      });
      return worst;
    },
  );
});

Deno.test("softmax: shifting every logit by a constant changes nothing, and 1000s do not overflow", () => {
  checkProperty(
    { seed: seedFor("softmax/shift"), over: "logit vectors in [−20, 20]^n, shifts to ±1000" },
    fc.tuple(logits, fc.integer({ min: -1000, max: 1000 })),
    ([z, c]) => {
      const mu = softmax(z);
      const shifted = softmax(z.map((x) => x + c));
      // x + c rounds at ~1e-13 for |c| ≤ 1000, which moves μ by at most that relative amount
      return Math.min(...mu.map((p, i) => closeMargin(shifted[i]!, p, { abs: 0, rel: 1e-11 })));
    },
  );
});

Deno.test("logSumExp: log μ(z)_i = z_i − logSumExp(z), and it matches log Σ e^z", () => {
  checkProperty(
    { seed: seedFor("softmax/logsumexp"), over: "logit vectors in [−20, 20]^n, n ≤ 6" },
    logits,
    (z) => {
      const lse = logSumExp(z);
      const naive = Math.log(z.reduce((a, x) => a + Math.exp(x), 0));
      let worst = closeMargin(lse, naive, { abs: 1e-13, rel: 1e-14 });
      softmax(z).forEach((p, i) => {
        worst = Math.min(worst, closeMargin(Math.log(p), z[i]! - lse, { abs: 1e-12, rel: 0 }));
      });
      return worst;
    },
  );
  assert.equal(logSumExp([1e300, 1e300]), 1e300 + Math.log(2));
  assert.equal(logSumExp([-1e300]), -1e300);
});

Deno.test("softplus: equals logSumExp(0, x) and log(1 + e^x), and is e^x to full precision far left", () => {
  checkProperty(
    { seed: seedFor("softmax/softplus"), over: "x in [−20, 20] on a 1/100 grid" },
    fc.integer({ min: -2000, max: 2000 }).map((k) => k / 100),
    (x) =>
      Math.min(
        closeMargin(softplus(x), logSumExp([0, x]), { abs: 1e-15, rel: 1e-15 }),
        closeMargin(softplus(x), Math.log(1 + Math.exp(x)), { abs: 1e-15, rel: 1e-13 }),
      ),
  );
  // log(1 + e^x) rounds to 0 for x < −37; softplus keeps e^x
  assert.ok(Math.abs(softplus(-50) - Math.exp(-50)) <= 1e-16 * Math.exp(-50));
  assert.equal(softplus(1e6), 1e6);
});

Deno.test("softmaxPolicy: each row is the softmax of its logits", () => {
  checkProperty(
    { seed: seedFor("softmax/policy"), over: "logit tables, 1–4 states × 1–4 actions" },
    table,
    ({ theta }) => {
      const pi = softmaxPolicy(theta);
      assert.equal(pi.length, theta.length);
      pi.forEach((row, s) => assert.deepEqual(row, softmax(theta[s]!), `row ${s}`));
    },
  );
});

Deno.test("softmaxScore: equals float64 central differences of log π_θ(a | s), and has π-mean zero", () => {
  checkProperty(
    { seed: seedFor("softmax/score"), over: "logit tables, 1–4 states × 1–4 actions, any s, a" },
    table,
    ({ theta, s, a }) => {
      const nA = theta[0]!.length;
      const logPi = (flat: number[]) => {
        const rows = theta.map((_, u) => flat.slice(u * nA, (u + 1) * nA));
        return Math.log(softmaxPolicy(rows)[s]![a]!);
      };
      const fd = centralDifference(logPi, theta.flat());
      const g = softmaxScore(theta, s, a).flat();
      let worst = Math.min(
        ...g.map((x, i) => closeMargin(x, fd[i]!, FINITE_DIFFERENCE_TOLERANCE)),
      );
      // Σ_b π(b | s) ∇ log π(b | s) = 0 (differentiate Σ_b π(b | s) = 1)
      const pi = softmaxPolicy(theta);
      const mean = pi[s]!.reduce(
        (acc, p, b) => acc.map((x, i) => x + p * softmaxScoreFromPolicy(pi, s, b).flat()[i]!),
        new Array<number>(g.length).fill(0),
      );
      mean.forEach((x) => (worst = Math.min(worst, closeMargin(x, 0, SUM_TOLERANCE))));
      return worst;
    },
  );
});

Deno.test("softmax: bad input gets a clear error naming the index and value", () => {
  const refuses = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof SoftmaxInputError && re.test(e.message));
  refuses(() => softmax([]), /softmax of an empty vector/);
  refuses(() => logSumExp([]), /logSumExp of an empty vector/);
  refuses(() => softmax([0, NaN]), /logit 1 is NaN, not finite/);
  refuses(() => logSumExp([Infinity, 0]), /logit 0 is Infinity, not finite/);
  refuses(() => softmaxPolicy([]), /θ must have at least one row/);
  refuses(() => softmaxPolicy([[0], []]), /θ\[1\] must have at least one logit/);
  refuses(() => softmaxPolicy([[0, 1], [2, -Infinity]]), /logit θ\[1\]\[1\] = -Infinity/);
  refuses(() => softmaxScore([[0, 0]], 1, 0), /state 1 is not in \[0, 1\)/);
  refuses(() => softmaxScore([[0, 0]], 0, 2), /action 2 is not in \[0, 2\)/);
  refuses(() => softmaxScoreFromPolicy([[1]], 0, 0.5), /action 0.5 is not in \[0, 1\)/);
  refuses(() => softmaxScore([[0, 0]], -1, 0), /state -1 is not in \[0, 1\)/);
  refuses(() => softmaxScore([[0, 0]], 0, -1), /action -1 is not in \[0, 2\)/);
});
