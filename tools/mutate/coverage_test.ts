import assert from "node:assert/strict";
import { executedLines } from "./coverage.ts";

Deno.test("coverage: a one-line if whose branch is not taken still counts as run (Deno's lcov reads 0 there)", () => {
  // as `deno coverage --lcov` writes `r.forEach((x, a) => { if (x > r[best]!) best = a; })`
  // called ten times with the assignment never made
  const lcov = [
    "SF:/tmp/w0/problems/01_x/mod.ts",
    "FN:69,rewardGreedyBackup",
    "FNDA:2,rewardGreedyBackup",
    "DA:74,4",
    "DA:75,0",
    "DA:80,0",
    "BRDA:75,5,0,0",
    "BRDA:75,5,1,10",
    "BRDA:80,6,0,-",
    "end_of_record",
    "SF:/elsewhere/problems/01_x/mod.ts",
    "DA:80,5",
    "end_of_record",
  ].join("\n");
  const hit = executedLines(lcov, ["/tmp/w0"]);
  assert.deepEqual([...hit.get("problems/01_x/mod.ts")!].sort(), [74, 75]);
  assert.equal(hit.size, 1, "files outside the scratch roots are left out");
});
