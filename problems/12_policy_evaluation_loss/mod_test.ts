import assert from "node:assert/strict";
import { evaluatePolicy, makeMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims, TRAINING_MDP, TRAINING_POLICY } from "./claims.ts";
import { actionValueFitLoss, fitOneHotRegression, sampleTransitions, valueFitLoss } from "./mod.ts";

registerClaimTests(claims);

Deno.test("12b with π(a | s) = 0 the Q-loss does not see Q(s, a): any value there is also a minimiser", () => {
  const mdp = makeMdp({
    gamma: 0.5,
    initial: [1],
    outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 5, prob: 1 }]]],
  });
  const pi = [[1, 0]];
  const { V, Q } = evaluatePolicy(mdp, pi);
  const changed = [[Q[0]![0]!, 123]];
  assert.equal(actionValueFitLoss(mdp, pi, V, changed), actionValueFitLoss(mdp, pi, V, Q));
});

Deno.test("12c for a deterministic policy the V- and Q-losses coincide (A^π = 0 on the chosen actions)", () => {
  const pi = [[1, 0], [0, 1], [1, 0]];
  const { V, Q } = evaluatePolicy(TRAINING_MDP, pi);
  const gap = valueFitLoss(TRAINING_MDP, pi, V, V) - actionValueFitLoss(TRAINING_MDP, pi, V, Q);
  assert.ok(Math.abs(gap) < 1e-12, String(gap));
});

Deno.test("12d the sampler draws s0 from p0: state frequencies within a Hoeffding band (δ = 1e-6 each)", () => {
  const n = 20_000;
  const data = sampleTransitions(TRAINING_MDP, TRAINING_POLICY, n, new Rng(11));
  const band = Math.sqrt(Math.log(2 / 1e-6) / (2 * n));
  TRAINING_MDP.initial!.forEach((p, s) => {
    const freq = data.filter((d) => d.s === s).length / n;
    assert.ok(Math.abs(freq - p) <= band, `state ${s}: ${freq} vs ${p} (band ${band})`);
  });
});

Deno.test("12d the fitted network reaches the per-input sample means (optimisation alone) without leaking", async () => {
  await withNoTensorLeak("12d fit", () => {
    const fit = fitOneHotRegression([0, 1, 1, 2, 2, 2], [1, 2, 4, 0, 3, 6], 3, 5);
    [1, 3, 3].forEach((m, i) =>
      assert.ok(Math.abs(fit.values[i]! - m) < 1e-3, `input ${i}: ${fit.values[i]}`)
    );
    assert.equal(fit.learningRate, 1 / (2 * 0.5));
  });
});

Deno.test("12 bad input gets a clear error naming what and where", () => {
  const noInitial = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  assert.throws(
    () => valueFitLoss(noInitial, [[1]], [0], [0]),
    (e: unknown) =>
      e instanceof MdpInputError && /needs an initial distribution p0/.test(e.message),
  );
  assert.throws(
    () => sampleTransitions(TRAINING_MDP, TRAINING_POLICY, -1, new Rng(1)),
    /sample size must be an integer ≥ 0, got -1/,
  );
  assert.throws(
    () => fitOneHotRegression([0, 3], [1, 2], 3, 1),
    /input 1 is 3, not an index in \[0, 3\)/,
  );
  assert.throws(() => fitOneHotRegression([0], [1, 2], 3, 1), /got 1 inputs and 2 targets/);
});
