import assert from "node:assert/strict";
import { claimsCommand, failingTest, isClaimTest, testsCommand } from "./execute.ts";

Deno.test("execute: the claims phase runs the driver without type-checking, own problem first", () => {
  const args = claimsCommand([4, 1, 12]);
  assert.equal(args[0], "run");
  assert.ok(args.includes("--no-check") && args.includes("--node-modules-dir=manual"));
  assert.deepEqual(args.slice(-4), ["tools/mutate/claims_driver.ts", "04", "01", "12"]);
});

Deno.test("execute: the tests phase stops at the first failure and runs doc blocks one way or the other", () => {
  const viaRunner = testsCommand(["a_test.ts"], ["a.ts", "README.md"], "doc_blocks_test.ts");
  assert.ok(viaRunner.args.includes("--fail-fast"));
  assert.deepEqual(viaRunner.args.slice(-2), ["a_test.ts", "doc_blocks_test.ts"]);
  assert.deepEqual(viaRunner.keepDocs, ["a.ts", "README.md"]);
  const viaDoc = testsCommand(["a_test.ts"], ["a.ts"]);
  assert.ok(viaDoc.args.includes("--doc") && viaDoc.keepDocs === undefined);
  assert.deepEqual(viaDoc.args.slice(-2), ["a_test.ts", "a.ts"]);
  assert.ok(
    !testsCommand(["a_test.ts"], [], "doc_blocks_test.ts").args.includes("doc_blocks_test.ts"),
  );
});

Deno.test("execute: the failing test is read from deno test's FAILURES section, and claim tests are told apart", () => {
  const out = [
    "running 3 tests from ./problems/04_x/mod_test.ts",
    "04 enumeration refuses ... FAILED (2ms)",
    "",
    " ERRORS ",
    "",
    "04 enumeration refuses => ./problems/04_x/mod_test.ts:30:6",
    "error: AssertionError",
    "",
    " FAILURES ",
    "",
    "04 enumeration refuses => ./problems/04_x/mod_test.ts:30:6",
    "",
    "FAILED | 2 passed | 1 failed (1s)",
  ].join("\n");
  assert.equal(failingTest(out), "04 enumeration refuses");
  assert.equal(failingTest("ok | 3 passed | 0 failed"), undefined);
  assert.ok(isClaimTest("04b Q^π by the state–action solve agrees"));
  assert.ok(!isClaimTest("04 enumeration refuses") && !isClaimTest("./problems/04_x/mod.ts#10-20"));
});
