import assert from "node:assert/strict";
import { lookaheadByMatrix, makeMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { monotonicityGap, policyBelowOptimalGap, rewardGreedyBackup } from "./mod.ts";

registerClaimTests(claims);

const twoArmed = makeMdp({
  gamma: 0.9,
  outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]],
});

Deno.test("01 the greedy choice attains B*: the gap is 0 for the policy that picks the best arm", () => {
  assert.equal(policyBelowOptimalGap(twoArmed, [[0, 1]], [5]), 0);
  assert.equal(policyBelowOptimalGap(twoArmed, [[1, 0]], [5]), 2);
});

Deno.test("01a the reward-greedy backup misses a detour: a policy beats it by γ·40 − 1", () => {
  const detour = makeMdp({
    gamma: 0.9,
    outcomes: [
      [[{ next: 0, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
      [[{ next: 1, reward: 0, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
    ],
  });
  const v = [0, 40];
  assert.equal(rewardGreedyBackup(detour, v)[0], 1);
  assert.equal(policyBelowOptimalGap(detour, [[0, 1], [1, 0]], v, rewardGreedyBackup), -35);
  assert.deepEqual(lookaheadByMatrix(detour, v), [[1, 36], [36, 36]]);
});

Deno.test("01 the matrix-route lookahead reads a terminal successor as 0", () => {
  const m = makeMdp({
    gamma: 0.5,
    terminal: [1],
    outcomes: [[[{ next: 1, reward: 2, prob: 0.5 }, { next: 0, reward: 0, prob: 0.5 }]], []],
  });
  assert.deepEqual(lookaheadByMatrix(m, [4, 100]), [[2], [0]]);
});

Deno.test("01 monotonicityGap refuses a pair that is not ordered, naming the state", () => {
  assert.throws(
    () => monotonicityGap(twoArmed, [1], [0]),
    (e: unknown) => e instanceof MdpInputError && /state 0: U = 1, V = 0/.test(e.message),
  );
});

Deno.test("01 the reward-greedy backup is 0 at a terminal state and picks the first best reward", () => {
  const m = makeMdp({
    gamma: 0.5,
    terminal: [1],
    outcomes: [[[{ next: 1, reward: 2, prob: 1 }], [{ next: 0, reward: 2, prob: 1 }]], []],
  });
  assert.deepEqual(rewardGreedyBackup(m, [6, 9]), [2, 0]);
});

Deno.test("01 monotonicityGap is the smallest state gap", () => {
  const go = [[{ next: 1, reward: 0, prob: 1 }]];
  const m = makeMdp({ gamma: 0.5, outcomes: [go, [[{ next: 0, reward: 0, prob: 1 }]]] });
  // D = V − U = (4, 2): the gaps are γ·D(1) = 1 at state 0 and γ·D(0) = 2 at state 1
  assert.equal(monotonicityGap(m, [0, 0], [4, 2]), 1);
});
