import assert from "node:assert/strict";
import { fraction } from "mathjs";
import { evaluatePolicy, makeMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { assertAllClose, registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { actionValuesBySolve, allDeterministicPolicies, mixPolicies } from "./mod.ts";
import { policyOnSets } from "../../shared/mdp/mod.ts";

registerClaimTests(claims);

const mdp = makeMdp({
  gamma: 0.8,
  outcomes: [
    [[{ next: 1, reward: 1, prob: 0.5 }, { next: 0, reward: -1, prob: 0.5 }], [{
      next: 1,
      reward: 0,
      prob: 1,
    }]],
    [[{ next: 0, reward: 2, prob: 1 }], [{ next: 1, reward: 0.5, prob: 1 }]],
  ],
});

Deno.test("04b Q^π by the state–action solve agrees with the state-value route", () => {
  const pi = [[0.25, 0.75], [1, 0]];
  assertAllClose(actionValuesBySolve(mdp, pi), evaluatePolicy(mdp, pi).Q, { abs: 1e-12, rel: 0 });
});

Deno.test("04 enumeration refuses to list more deterministic policies than its limit", () => {
  assert.throws(
    () => allDeterministicPolicies(mdp, 3),
    (e: unknown) =>
      e instanceof MdpInputError &&
      /2\^2 = 4 deterministic policies exceed the limit 3/.test(e.message),
  );
});

Deno.test("04 policies on sets and mixtures reject bad input, naming state and action", () => {
  assert.throws(
    () => policyOnSets([[0], []], [[1, 1], [1, 1]]),
    (e: unknown) =>
      e instanceof MdpInputError && /state 1: the allowed action set is empty/.test(e.message),
  );
  assert.throws(
    () => policyOnSets([[0, 1]], [[1, 0]]),
    (e: unknown) => e instanceof MdpInputError && /state 0, action 1: weight 0/.test(e.message),
  );
  assert.throws(
    () => mixPolicies([[fraction(1)]], [[fraction(1)]], fraction(3, 2)),
    (e: unknown) => e instanceof MdpInputError && /θ = 3\/2 is not in \[0, 1\]/.test(e.message),
  );
});

Deno.test("04 enumeration accepts exactly 4096 deterministic policies by default and refuses 4097", () => {
  // only the sizes are read before the limit is checked, so a stand-in MDP suffices
  const sized = (nStates: number, nActions: number) => ({ ...mdp, nStates, nActions });
  assert.equal(allDeterministicPolicies(sized(1, 4096)).length, 4096);
  assert.throws(() => allDeterministicPolicies(sized(1, 4097)), MdpInputError);
});

Deno.test("04 the mixture weight θ is accepted on the closed interval [0, 1] and refused just outside it", () => {
  const pi = [[fraction(1), fraction(0)]];
  const nu = [[fraction(1, 3), fraction(2, 3)]];
  const asText = (mu: ReturnType<typeof mixPolicies>) =>
    mu.map((row) => row.map((x) => x.toFraction()));
  // the endpoints are the two policies themselves
  assert.deepEqual(asText(mixPolicies(pi, nu, fraction(0))), [["1/3", "2/3"]]);
  assert.deepEqual(asText(mixPolicies(pi, nu, fraction(1))), [["1", "0"]]);
  // one thousandth beyond either end is not a convex combination
  for (const theta of [fraction(-1, 1000), fraction(1001, 1000)]) {
    assert.throws(
      () => mixPolicies(pi, nu, theta),
      (e: unknown) => e instanceof MdpInputError && /is not in \[0, 1\]/.test(e.message),
      `θ = ${theta.toFraction()}`,
    );
  }
});
