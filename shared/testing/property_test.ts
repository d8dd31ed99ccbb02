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
