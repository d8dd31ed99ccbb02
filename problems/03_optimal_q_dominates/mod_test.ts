import assert from "node:assert/strict";
import {
  evaluatePolicy,
  evaluatePolicyExact,
  ImproperPolicyError,
  makeMdp,
  MdpInputError,
  optimalFromStartOnly,
  optimalValues,
  reachableStates,
  valueIteration,
} from "../../shared/mdp/mod.ts";
import { assertAllClose, registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { dominanceGapExact, optimalityResidual } from "./mod.ts";

registerClaimTests(claims);

// A chain: in state 0 "wait" (reward 0, stay) or "go" (reward −1, to state 1, which pays 5 per step).
const chain = makeMdp({
  gamma: 0.9,
  outcomes: [
    [[{ next: 0, reward: 0, prob: 1 }], [{ next: 1, reward: -1, prob: 1 }]],
    [[{ next: 1, reward: 5, prob: 1 }], [{ next: 1, reward: 5, prob: 1 }]],
  ],
});

Deno.test("03 policy iteration and value iteration agree on V* (two independent methods)", () => {
  const pi = optimalValues(chain);
  const vi = valueIteration(chain, { tolerance: 1e-11 });
  assertAllClose(vi.V, pi.V, { abs: 1e-10, rel: 0 }, "V* by VI vs PI");
  assert.equal(pi.actions[0], 1);
  assert.ok(optimalityResidual(chain, pi.V) < 1e-12);
});

Deno.test("03 evaluation rejects a policy that is not a distribution, naming state and action", () => {
  assert.throws(
    () => evaluatePolicy(chain, [[0.5, 0.6], [1, 0]]),
    (e: unknown) =>
      e instanceof MdpInputError && /π\(· \| s=0\): entries sum to 1.1/.test(e.message),
  );
  assert.throws(
    () => evaluatePolicy(chain, [[1, 0], [-0.5, 1.5]]),
    (e: unknown) => e instanceof MdpInputError && /s=1\): entry 0 = -0.5/.test(e.message),
  );
});

Deno.test("03 with γ = 1 an improper policy has no finite value: a clear error", () => {
  const loop = makeMdp({
    gamma: 1,
    terminal: [1],
    outcomes: [[[{ next: 0, reward: -1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
  });
  assert.throws(() => evaluatePolicy(loop, [[1, 0], [1, 0]]), ImproperPolicyError);
  assert.equal(evaluatePolicy(loop, [[0, 1], [1, 0]]).V[0], 0);
});

Deno.test("03a the side room: optimal from state 0, yet Q(s0, move) = 0 < 1 = Q*(s0, move)", () => {
  const side = makeMdp({
    gamma: 0.5,
    outcomes: [
      [[{ next: 0, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
      [[{ next: 1, reward: 0, prob: 1 }], [{ next: 1, reward: 1, prob: 1 }]],
    ],
  });
  const startOnly = optimalFromStartOnly(side, [0, 1], [[2, 1], [1, 2]], 0);
  assert.deepEqual(startOnly, [0, 0]);
  const pi = [[1, 0], [1, 0]];
  assert.equal(evaluatePolicyExact(side, pi).V[0]!.toFraction(), "2");
  assert.equal(dominanceGapExact(side, pi, [[1, 0], [0, 1]]).toFraction(), "-1");
  assert.deepEqual(reachableStates(side, [[0, 1], [1, 0]], 0), [true, true]);
});
