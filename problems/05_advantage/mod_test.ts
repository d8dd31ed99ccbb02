import assert from "node:assert/strict";
import { makeMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { advantage, advantageExact, meanAdvantage } from "./mod.ts";

registerClaimTests(claims);

const twoArms = makeMdp({
  gamma: 0.5,
  outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
});

Deno.test("05b a suboptimal policy has a positive advantage somewhere (the improving action)", () => {
  // always arm 0: V = 0, Q = (0, 1), so A(s, arm 1) = 1 > 0
  assert.deepEqual(advantageExact(twoArms, [[1, 0]]).flat().map((x) => x.toFraction()), ["0", "1"]);
  assert.deepEqual(advantage(twoArms, [[1, 0]]), [[0, 1]]);
});

Deno.test("05a meanAdvantage rejects a drawing policy that is not a distribution, naming it", () => {
  assert.throws(
    () => meanAdvantage(twoArms, [[1, 0]], [[0.5, 0.4]]),
    (e: unknown) =>
      e instanceof MdpInputError && /μ\(· \| s=0\): entries sum to 0.9/.test(e.message),
  );
});
