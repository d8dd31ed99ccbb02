import assert from "node:assert/strict";
import type { ClaimResult } from "../shared/testing/mod.ts";
import { compareRuns, EXACT } from "./compare_runs.ts";

const base: ClaimResult = {
  id: "04a",
  problem: 4,
  statement: "s",
  verdict: "pass",
  negativeControl: "rejected",
  evidence: { over: "random MDPs", cases: 200, worstMargin: 1e-12, note: "n" },
  control: { variant: "1 + γ for 1 − γ", rejection: "ClaimViolation: at s = 0, Q = [1, 2]" },
  ms: 12,
  seed: 42,
};

Deno.test("compareRuns: equal runs agree whatever their times", () => {
  assert.deepEqual(compareRuns([base], [{ ...base, ms: 900 }], EXACT), []);
});

Deno.test("compareRuns: each field a browser could get wrong is caught, by name", () => {
  const cases: [string, ClaimResult][] = [
    ["verdict", { ...base, verdict: "fail" }],
    ["negative control", { ...base, negativeControl: "accepted" }],
    ["seed", { ...base, seed: 43 }],
    ["cases", { ...base, evidence: { ...base.evidence, cases: 199 } as ClaimResult["evidence"] }],
    ["rejection", { ...base, control: { ...base.control, rejection: "at s = 1" } }],
    ["worst margin", {
      ...base,
      evidence: { ...base.evidence, worstMargin: 2e-12 } as ClaimResult["evidence"],
    }],
    ["note", { ...base, evidence: { ...base.evidence, note: "m" } as ClaimResult["evidence"] }],
  ];
  for (const [field, changed] of cases) {
    const diff = compareRuns([base], [changed], EXACT);
    assert.equal(diff.length, 1, field);
    assert.match(diff[0]!, new RegExp(`^04a ${field}:`));
  }
  assert.match(compareRuns([base], [], EXACT)[0]!, /claims differ/);
});

Deno.test("compareRuns: a float tolerance is relative to the margin's size, never lets NaN through, and can ignore texts", () => {
  const at = (m: number, rejection = base.control.rejection): ClaimResult => ({
    ...base,
    evidence: { ...base.evidence, worstMargin: m } as ClaimResult["evidence"],
    control: { ...base.control, rejection },
  });
  const loose = { margin: 1e-3, sameText: false };
  assert.deepEqual(compareRuns([at(100)], [at(100.05, "other text")], loose), []);
  assert.equal(compareRuns([at(100)], [at(100.2)], loose).length, 1);
  assert.equal(compareRuns([at(0)], [at(2e-3)], loose).length, 1); // absolute near 0
  assert.equal(compareRuns([at(NaN)], [at(NaN)], loose).length, 1);
  assert.deepEqual(compareRuns([at(Infinity)], [at(Infinity)], EXACT), []);
});
