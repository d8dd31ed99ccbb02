import assert from "node:assert/strict";
import type { ClaimResult } from "../shared/testing/mod.ts";
import { claimsTable, indexPage, type NavEntry, problemPage } from "./page.ts";
import type { ClaimSources } from "./source_index.ts";
import type { ProblemRun } from "./verify_run.ts";

const result = (id: string, over: Partial<ClaimResult> = {}): ClaimResult => ({
  id,
  problem: Number(id.slice(0, 2)),
  statement: `statement of ${id} with <tags>`,
  verdict: "pass",
  negativeControl: "rejected",
  evidence: { over: "random MDPs", cases: 300, worstMargin: 0.5 },
  control: { variant: "the reversed inequality", rejection: "PropertyFailure: counterexample" },
  ms: 12,
  seed: 1,
  ...over,
});

const entry = (n: number, status: NavEntry["status"]): NavEntry => ({
  number: n,
  folder: `0${n}_x`,
  topic: `topic ${n}`,
  href: `0${n}_x.html`,
  status,
  title: `Problem ${n} — title`,
});

Deno.test("page: a problem not yet built shows as such, with no verdict", () => {
  const e = entry(3, "not-built");
  const html = problemPage({ entry: e, sources: new Map(), code: [], figures: [] }, [e], {});
  assert.match(html, /not yet built/);
  assert.doesNotMatch(html, /v-ok|badge|claims-table/);
  const index = indexPage([e], new Map(), { seed: 7, suiteMs: 0, builtAt: "now" });
  assert.match(index, /not yet built/);
  assert.doesNotMatch(index, /v-ok/);
  assert.match(index, /0 of 1/);
});

Deno.test("page: the claims table shows verdict, evidence, control, time and links", () => {
  const run: ProblemRun = {
    number: 4,
    state: "failing",
    ms: 30,
    results: [
      result("04a"),
      result("04b", { verdict: "fail", evidence: { error: "ClaimViolation: no" } }),
      result("04c", { negativeControl: "accepted" }),
    ],
  };
  const sources = new Map<string, ClaimSources>([["04a", {
    claimLine: 12,
    registeredAt: 7,
    tests: [{ name: "04a extra", line: 30 }],
    uses: [{ name: "gap", line: 5, docLine: 3 }],
  }]]);
  const html = claimsTable(run, sources);
  assert.equal((html.match(/<tr id="result-/g) ?? []).length, 3);
  assert.match(html, /href="#claims\.ts-L12"/);
  assert.match(html, /href="#mod_test\.ts-L7"/);
  assert.match(html, /href="#mod_test\.ts-L30"/);
  assert.match(html, /href="#def-gap"/);
  assert.match(html, /<b>300<\/b> cases; worst margin <b>0\.500<\/b>/);
  assert.match(html, /badge v-fail">FAIL/);
  assert.match(html, /badge v-control">ACCEPTED/);
  assert.match(html, /statement of 04a with &lt;tags&gt;/, "statements are escaped");
  assert.match(html, /12 ms/);
});

Deno.test("page: the index counts verified claims and shows seed and suite time", () => {
  const e = entry(1, "verified");
  const runs = new Map<number, ProblemRun>([[1, {
    number: 1,
    state: "verified",
    ms: 5,
    results: [result("01a"), result("01b", { negativeControl: "accepted" })],
  }]]);
  const html = indexPage([e], runs, { seed: 42, suiteMs: 12_345, builtAt: "now" });
  assert.match(html, /claims verified<\/dt><dd>1 of 2/);
  assert.match(html, /12\.3 s/);
  assert.match(html, /VERIFY_SEED=42/);
  assert.match(html, /01a ✓/);
  assert.match(html, /01b ✗/);
});
