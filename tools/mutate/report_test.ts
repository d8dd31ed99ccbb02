import assert from "node:assert/strict";
import type { MutantResult, Status } from "./execute.ts";
import { formatSurvivors, formatTable, groupBy, rates, summaryLine, tally } from "./report.ts";

function result(status: Status, byClaims = false, group = "04"): MutantResult {
  return {
    file: `problems/${group}_x/mod.ts`,
    line: 7,
    column: 3,
    lineText: "return a + b;",
    operator: "arithmetic",
    original: "a + b",
    mutated: "a - b",
    group,
    status,
    byClaims,
    guard: false,
    occurrence: 1,
    occurrences: 1,
    ms: 1000,
  };
}

Deno.test("report: rates count timeouts as killed and leave out invalid, equivalent and unjudged mutants", () => {
  const rs = [
    result("killed", true),
    result("killed", false),
    result("timeout", true),
    result("survived"),
    result("invalid"),
    result("equivalent"),
    result("error"),
  ];
  const t = tally(rs);
  assert.deepEqual(t, {
    total: 7,
    killed: 2,
    byClaims: 2,
    timeout: 1,
    survived: 1,
    invalid: 1,
    equivalent: 1,
    error: 1,
    guarded: 0,
    guardedByClaims: 0,
    unreached: 0,
    unreachedByClaims: 0,
  });
  assert.deepEqual(rates(t), { suite: 3 / 4, claims: 2 / 4, judged: 4 });
  assert.ok(Number.isNaN(rates(tally([result("equivalent")])).suite));
});

Deno.test("report: guards and lines no claim runs stay in the suite rate, not in the claims rate", () => {
  const rs = [
    result("killed", true),
    result("survived"),
    { ...result("killed", false), guard: true },
    { ...result("killed", false), unreached: true },
    { ...result("killed", false), guard: true, unreached: true }, // counted once, as a guard
    { ...result("equivalent"), unreached: true }, // not judged: not counted
  ];
  const t = tally(rs);
  assert.deepEqual([t.guarded, t.unreached], [2, 1]);
  assert.deepEqual(rates(t), { suite: 4 / 5, claims: 1 / 2, judged: 5 });
});

Deno.test("report: tables per group, survivors with their source line, one summary line", () => {
  const rs = [
    result("killed", true, "04"),
    result("survived", false, "05"),
    result("killed", false, "05"),
  ];
  const table = formatTable("group", groupBy(rs, (r) => r.group)).split("\n");
  assert.equal(table.length, 3);
  assert.match(table[1]!, /^04 .* 100\.0% +100\.0%$/);
  assert.match(table[2]!, /^05 .* 50\.0% +0\.0%$/);
  assert.equal(
    formatSurvivors(rs),
    "problems/05_x/mod.ts:7  a + b -> a - b  (arithmetic)\n    return a + b;",
  );
  const line = summaryLine(tally(rs), 3, 1000);
  assert.match(line, /^mutate: 3 mutants: 2 killed, 0 timed out, 1 survived/);
  assert.match(
    line,
    /kill rate 66\.7% \(suite\) of 3, 33\.3% \(claims\) of 3 outside input guards; 1\.00 mutants\/s, median 1\.0 s/,
  );
  assert.ok(!line.includes("\n"));
});
