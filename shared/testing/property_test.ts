import assert from "node:assert/strict";
import fc from "fast-check";
import {
  checkProperty,
  ClaimViolation,
  defineClaims,
  isViolation,
  PropertyFailure,
  runClaim,
  seedFor,
  SHRINK_BUDGET,
} from "./mod.ts";

Deno.test("checkProperty reports the worst margin and the number of cases", () => {
  const ev = checkProperty(
    { seed: 7, over: "k in 3..9", numRuns: 50 },
    fc.integer({ min: 3, max: 9 }),
    (k) => k - 3,
  );
  assert.equal(ev.cases, 50);
  assert.equal(ev.worstMargin, 0);
});

Deno.test("a failing property names the seed and the counterexample", () => {
  assert.throws(
    () =>
      checkProperty(
        { seed: 11, over: "x", numRuns: 100 },
        fc.integer({ min: 0, max: 100 }),
        (x) => 50 - x,
      ),
    (e: unknown) =>
      e instanceof PropertyFailure && /VERIFY_SEED=\d+, property seed 11/.test(e.message) &&
      /Counterexample: \[51\]/.test(e.message),
  );
});

Deno.test("a NaN margin fails as a crash: it never passes, and it never rejects a control", () => {
  let thrown: unknown;
  try {
    checkProperty({ seed: 1, over: "x", numRuns: 5 }, fc.constant(0), () => NaN);
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof Error && /margin is NaN/.test(thrown.message), String(thrown));
  assert.ok(!isViolation(thrown), "a NaN is not a counterexample");
});

Deno.test("a crash inside a property is not a violation (so it can never pass as a rejection)", () => {
  let thrown: unknown;
  try {
    checkProperty({ seed: 1, over: "x", numRuns: 5 }, fc.constant(0), () => {
      throw new TypeError("bug");
    });
  } catch (e) {
    thrown = e;
  }
  assert.ok(
    thrown instanceof Error && !isViolation(thrown),
    "a crash must not count as a violation",
  );
});

Deno.test("a negative control that crashes or passes counts as accepted, never as rejected", async () => {
  const base = { id: "00a", statement: "s", check: () => ({ over: "x", cases: 1 }) };
  const crashed = await runClaim({
    ...base,
    negativeControl: {
      variant: "v",
      check: () => {
        throw new TypeError("bug");
      },
    },
  });
  assert.equal(crashed.negativeControl, "accepted");
  const passed = await runClaim({ ...base, negativeControl: { variant: "v", check: () => 1 } });
  assert.equal(passed.negativeControl, "accepted");
  const rejected = await runClaim({
    ...base,
    negativeControl: {
      variant: "v",
      check: () => {
        throw new ClaimViolation("false");
      },
    },
  });
  assert.equal(rejected.negativeControl, "rejected");
  assert.equal(rejected.verdict, "pass");
});

Deno.test("defineClaims rejects malformed and duplicate ids", () => {
  const c = {
    id: "03a",
    statement: "s",
    check: () => ({ over: "", cases: 0 }),
    negativeControl: { variant: "", check: () => 0 },
  };
  assert.throws(() => defineClaims(4, [c]), /must be 04 followed by a letter/);
  assert.throws(() => defineClaims(3, [c, c]), /registered twice/);
});

Deno.test("seeds derived from labels are deterministic and distinct", () => {
  assert.equal(seedFor("01a", 5), seedFor("01a", 5));
  assert.notEqual(seedFor("01a", 5), seedFor("01b", 5));
  assert.notEqual(seedFor("01a", 5), seedFor("01a", 6));
});

Deno.test("shrinking a counterexample evaluates at most SHRINK_BUDGET cases after the first failure", () => {
  // fails when at least 10 of 20..40 entries are odd: most shrink candidates (an entry halved
  // toward 0) turn an odd entry even and pass, so an unbounded shrink evaluates about a
  // thousand cases here; bounded, it stops after the budget with a failure still in hand
  let calls = 0;
  let firstFailure = -1;
  let reported = "";
  try {
    checkProperty(
      { seed: 3, over: "arrays", numRuns: 100 },
      fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 20, maxLength: 40 }),
      (xs) => {
        calls++;
        const odd = xs.filter((x) => x % 2 === 1).length;
        if (odd >= 10 && firstFailure < 0) firstFailure = calls;
        return odd >= 10 ? -1 : 1;
      },
    );
  } catch (e) {
    assert.ok(e instanceof PropertyFailure, String(e));
    reported = e.message;
  }
  assert.ok(firstFailure > 0, "the property failed");
  assert.equal(calls - firstFailure, SHRINK_BUDGET, "cases evaluated after the first failure");
  // the counterexample reported is one that failed: at least 10 odd entries
  const shown = JSON.parse(/Counterexample: \[(\[[\d,]*\])\]/.exec(reported)![1]!) as number[];
  assert.ok(shown.filter((x) => x % 2 === 1).length >= 10, `counterexample ${shown}`);
});
