import assert from "node:assert/strict";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { makeMdp } from "../../shared/mdp/mod.ts";
import {
  actionValuesByLinearSolve,
  gae,
  GaeInputError,
  lambdaAverageOfTdk,
  tdErrors,
  tdkAdvantage,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("11f gae with λ = 1 is the Monte Carlo return minus V, with λ = 0 it is δ_t", () => {
  const r = [1, 2, 3];
  const v = [0.5, -1, 2, 0]; // terminal: V(s_3) = 0
  const g = 0.9;
  const mc = [1 + g * 2 + g * g * 3 - 0.5, 2 + g * 3 + 1, 3 - 2];
  gae(r, v, g, 1).forEach((x, t) => assert.ok(Math.abs(x - mc[t]!) < 1e-12, `t = ${t}`));
  assert.deepEqual(gae(r, v, g, 0), tdErrors(r, v, g));
});

Deno.test("11f an empty episode has no advantages; a one-step one has A_0 = δ_0", () => {
  assert.deepEqual(gae([], [7], 0.9, 0.95), []);
  assert.deepEqual(gae([2], [1, 3], 0.5, 0.95), [2 + 1.5 - 1]);
  assert.deepEqual(lambdaAverageOfTdk([2], [1, 3], 0.5, 0.95), [2.5]);
});

Deno.test("11d TD(k) at the end of the episode uses the bootstrap value", () => {
  assert.equal(tdkAdvantage([1, 1], [0, 0, 8], 0.5, 0, 2), 1 + 0.5 + 0.25 * 8);
});

Deno.test("11 gae rejects bad input with a message naming the argument and index", () => {
  assert.throws(
    () => gae([1, 2], [0, 0], 0.9, 0.9),
    (e: unknown) =>
      e instanceof GaeInputError &&
      /values must be one longer than rewards.*got 2 values for 2 rewards/.test(e.message),
  );
  assert.throws(
    () => gae([1, NaN], [0, 0, 0], 0.9, 0.9),
    /rewards\[1\] = NaN is not a finite number/,
  );
  assert.throws(() => gae([1], [0, Infinity], 0.9, 0.9), /values\[1\] = Infinity/);
  assert.throws(() => gae([1], [0, 0], 1.5, 0.9), /gamma must be in \[0, 1\], got 1.5/);
  assert.throws(() => gae([1], [0, 0], 0.9, -0.1), /lambda must be in \[0, 1\], got -0.1/);
  assert.throws(() => tdkAdvantage([1], [0, 0], 0.9, 0, 2), /t \+ k ≤ T = 1, got t = 0, k = 2/);
  // each condition on (t, k) on its own, the others satisfied
  for (const [t, k] of [[0.5, 1], [0, 1.5], [-1, 1], [0, 0], [1, 2]]) {
    assert.throws(
      () => tdkAdvantage([1, 2], [0, 0, 0], 0.9, t!, k!),
      /need 0 ≤ t and 1 ≤ k with t \+ k ≤ T = 2/,
      `t = ${t}, k = ${k}`,
    );
  }
  assert.equal(tdkAdvantage([1, 2], [0, 0, 0], 0.5, 1, 1), 2);
  assert.throws(() => gae("x" as unknown as number[], [0], 0.9, 0.9), /rewards must be an array/);
});

Deno.test("11 Q^π by linear solve: with every state terminal there is nothing to solve and Q = 0", () => {
  // two terminal states with two actions each: no live pair, an empty system, every entry 0
  const mdp = makeMdp({
    gamma: 0.5,
    outcomes: [[], []],
    terminal: [0, 1],
    nActions: 2,
  });
  assert.deepEqual(actionValuesByLinearSolve(mdp, [[0.5, 0.5], [1, 0]]), [[0, 0], [0, 0]]);
});
