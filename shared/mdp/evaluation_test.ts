import assert from "node:assert/strict";
import { makeMdp } from "./model.ts";
import { valueIteration } from "./evaluation.ts";

Deno.test("value iteration starts from V = 0 unless told otherwise, and stops at the first sweep whose bound meets the tolerance", () => {
  // one state, one action, reward 1, γ = 1/2: from V_0 = 0, V_k = 2(1 − 2^−k) exactly in
  // binary, the residual is 2^−(k−1) and the bound γ/(1 − γ)·residual equals it; the first
  // k with 2^−(k−1) ≤ 1e-10 is k = 35
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  const r = valueIteration(mdp);
  assert.equal(r.iterations, 35);
  assert.equal(r.V[0], 2 - 2 ** -34);
  assert.equal(r.residual, 2 ** -34);
  assert.equal(r.errorBound, 2 ** -34);
  // from V_0 = −1 the iterates are 2 − 3·2^−k instead
  assert.equal(valueIteration(mdp, { initial: [-1] }).V[0], 2 - 3 * 2 ** -35);
});
