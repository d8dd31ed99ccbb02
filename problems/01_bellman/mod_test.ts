import assert from "node:assert/strict";
import { makeMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { monotonicityGap, policyBelowOptimalGap } from "./mod.ts";

registerClaimTests(claims);

const twoArmed = makeMdp({
  gamma: 0.9,
  outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]],
});

Deno.test("01 the greedy choice attains B*: the gap is 0 for the policy that picks the best arm", () => {
  assert.equal(policyBelowOptimalGap(twoArmed, [[0, 1]], [5]), 0);
  assert.equal(policyBelowOptimalGap(twoArmed, [[1, 0]], [5]), 2);
});

Deno.test("01 monotonicityGap refuses a pair that is not ordered, naming the state", () => {
  assert.throws(
    () => monotonicityGap(twoArmed, [1], [0]),
    (e: unknown) => e instanceof MdpInputError && /state 0: U = 1, V = 0/.test(e.message),
  );
});
