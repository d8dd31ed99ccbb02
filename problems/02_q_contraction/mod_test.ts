import assert from "node:assert/strict";
import { bellmanOptimalQ, makeMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { measureContraction, optimalContractionSlack } from "./mod.ts";

registerClaimTests(claims);

const mdp = makeMdp({
  gamma: 0.75,
  outcomes: [
    [[{ next: 1, reward: 1, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]],
    [[{ next: 0, reward: 2, prob: 0.5 }, { next: 1, reward: -2, prob: 0.5 }], [{
      next: 1,
      reward: 0,
      prob: 1,
    }]],
  ],
});

Deno.test("02b the factor γ is attained: a constant shift moves B*[Q] by exactly γ times the shift", () => {
  const q = [[1, 2], [3, 4]];
  const shifted = q.map((row) => row.map((x) => x + 8));
  const m = measureContraction((t) => bellmanOptimalQ(mdp, t), q, shifted);
  assert.equal(m.before, 8);
  assert.equal(m.after, 6);
  assert.equal(optimalContractionSlack(mdp, q, shifted), 0);
});

Deno.test("02 operators reject a Q table of the wrong shape, naming the state", () => {
  assert.throws(
    () => bellmanOptimalQ(mdp, [[1, 2], [3]]),
    (e: unknown) => e instanceof MdpInputError && /Q\(s=1, ·\): expected 2 actions/.test(e.message),
  );
  assert.throws(
    () => bellmanOptimalQ(mdp, [[1, NaN], [3, 4]]),
    (e: unknown) => e instanceof MdpInputError && /Q\(s=0, a=1\) = NaN/.test(e.message),
  );
});
