import assert from "node:assert/strict";
import { claimSources, findClaimLines, findTests } from "./source_index.ts";

const claimsTs = `import { gap, slack, unused } from "./mod.ts";
const arb = makeArb(slack);
export const claims = defineClaims(5, [
  {
    id: "05a",
    check: (ctx) => checkProperty(ctx, arb, gap),
  },
  {
    id: "05b",
    check: () => 1,
  },
]);`;
const testTs = `registerClaimTests(claims);
Deno.test("05a gap is zero for the greedy policy", () => {});
Deno.test("05 bad input is refused", () => {});
Deno.test(\`05a, 05b hold on a bandit\`, () => {});`;
const modTs = `export function gap() {}\nexport function slack() {}\nexport function unused() {}`;

Deno.test("source index: claim lines, tests by id, definitions used directly and via helpers", () => {
  assert.deepEqual([...findClaimLines(claimsTs)], [["05a", 5], ["05b", 9]]);
  assert.equal(findTests(testTs).length, 3);
  const s = claimSources(["05a", "05b"], { claims: claimsTs, test: testTs, mod: modTs });
  const a = s.get("05a")!;
  assert.equal(a.claimLine, 5);
  assert.equal(a.registeredAt, 1);
  assert.deepEqual(a.tests.map((t) => t.line), [2, 4]);
  assert.deepEqual(a.uses.map((u) => u.name), ["gap", "slack"]);
  const b = s.get("05b")!;
  assert.deepEqual(b.tests.map((t) => t.line), [4]);
  assert.deepEqual(b.uses, []);
});

Deno.test("source index: a claim id missing from claims.ts has no line but still a row", () => {
  const s = claimSources(["05c"], { claims: claimsTs, test: "", mod: modTs });
  assert.equal(s.get("05c")!.claimLine, undefined);
});
