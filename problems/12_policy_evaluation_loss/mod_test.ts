import assert from "node:assert/strict";
import { evaluatePolicy, makeMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims, TRAINING_MDP, TRAINING_POLICY } from "./claims.ts";
import {
  actionValueFitLoss,
  certifiedSteps,
  fitOneHotRegression,
  sampleTransitions,
  valueFitLoss,
} from "./mod.ts";

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

Deno.test("12d the step count follows from f over the seen inputs: an unseen input is left out, equal counts or a loose tolerance take one step", async () => {
  await withNoTensorLeak("12d steps", () => {
    // inputs 0, 0, 1 of 3 (input 2 unseen): f = (2/3, 1/3), η = 1/(2 · 2/3) = 3/4,
    // ρ = 1 − (1/3)/(2/3) = 1/2; b + max|y| = √(6/4) + 5 ≈ 6.2247, and
    // T = ⌈log₂(6.2247/10⁻⁴)⌉ = ⌈15.93⌉ = 16 (an unseen input counted with f = 0 would give ρ = 1)
    const partial = fitOneHotRegression([0, 0, 1], [1, 3, 5], 3, 2);
    assert.equal(partial.learningRate, 3 / 4);
    assert.equal(partial.contraction, 1 / 2);
    assert.equal(partial.steps, 16);
    // m_0 = (1 + 3)/2, m_1 = 5 from its single sample, unseen input 2: NaN
    assert.deepEqual(partial.sampleMeans, [2, 5, NaN]);
    [2, 5].forEach((m, i) =>
      assert.ok(Math.abs(partial.values[i]! - m) < 1e-3, `input ${i}: ${partial.values[i]}`)
    );
    // every input seen once: ρ = 0, and the step with η = 1/(2 · 1/3) lands on the means
    const equal = fitOneHotRegression([0, 1, 2], [1, -2, 4], 3, 2);
    assert.equal(equal.contraction, 0);
    assert.equal(equal.steps, 1);
    assert.deepEqual(equal.sampleMeans, [1, -2, 4]);
    // with ρ = 0 even τ = 0 is certified by that one step
    const exact = fitOneHotRegression([0, 1, 2], [1, -2, 4], 3, 2, 0);
    assert.equal(exact.steps, 1);
    assert.equal(exact.capped, false);
    [1, -2, 4].forEach((m, i) =>
      assert.ok(Math.abs(exact.values[i]! - m) < 1e-5, `input ${i}: ${exact.values[i]}`)
    );
    [1, -2, 4].forEach((m, i) =>
      assert.ok(Math.abs(equal.values[i]! - m) < 1e-5, `input ${i}: ${equal.values[i]}`)
    );
    // exactly T steps are taken: at tolerance 1, T = ⌈log₂ 6.2247⌉ = 3, and input 1 (f = f_max/2)
    // ends at m_1 + (φ_1(0) − m_1)/2³, with φ(0) the glorot-uniform draw of the same seed;
    // |φ_1(0) − m_1| ≥ 5 − √1.5 makes one step more or less move it by ≥ 0.23
    const short = fitOneHotRegression([0, 0, 1], [1, 3, 5], 3, 2, 1);
    assert.equal(short.steps, 3);
    const init = tf.tidy(() =>
      Array.from(tf.initializers.glorotUniform({ seed: 2 }).apply([3, 1]).dataSync())
    );
    const want = 5 + (init[1]! - 5) / 8;
    assert.ok(Math.abs(short.values[1]! - want) < 1e-5, `φ_1 = ${short.values[1]}, want ${want}`);
    // a tolerance above the initial error bound b + max|y| ≈ 6.22 is met before any step, yet
    // the documented minimum of one step holds: input 0 (f = f_max) lands on m_0 = 2 and
    // input 1 halves its initial error once
    const loose = fitOneHotRegression([0, 0, 1], [1, 3, 5], 3, 2, 10);
    assert.equal(loose.steps, 1);
    const once = 5 + (init[1]! - 5) / 2;
    assert.ok(Math.abs(loose.values[1]! - once) < 1e-5, `φ_1 = ${loose.values[1]}, want ${once}`);
    assert.ok(Math.abs(loose.values[0]! - 2) < 1e-5, `φ_0 = ${loose.values[0]}`);
  });
});

Deno.test("12d certifiedSteps is the least T ≥ 1 with e ρ^T ≤ τ, and the cap of 10 000 steps binds only above 10 000", () => {
  // e ρ^T ≤ e ρ^k ⇔ T ≥ k, so τ = e ρ^9999.5 needs T = 10 000 (allowed) and τ = e ρ^10000.5
  // needs T = 10 001, which the cap cuts to 10 000
  const rho = 0.95;
  const e = 2;
  assert.deepEqual(certifiedSteps(rho, e, e * rho ** 9999.5), { steps: 10_000, capped: false });
  assert.deepEqual(certifiedSteps(rho, e, e * rho ** 10000.5), { steps: 10_000, capped: true });
  // 8 · (1/2)^T ≤ 3.99 first at T = 2, ≤ 4 at T = 1; τ ≥ e is met at T = 0, yet one step is taken
  assert.deepEqual(certifiedSteps(0.5, 8, 3.99), { steps: 2, capped: false });
  assert.deepEqual(certifiedSteps(0.5, 8, 4), { steps: 1, capped: false });
  assert.deepEqual(certifiedSteps(0.5, 8, 8), { steps: 1, capped: false });
  // ρ = 0: one step lands on the minimiser, so it certifies every τ ≥ 0, even τ = 0
  assert.deepEqual(certifiedSteps(0, e, 0), { steps: 1, capped: false });
  assert.deepEqual(certifiedSteps(0, e, 1e-300), { steps: 1, capped: false });
  // ρ > 0 never reaches τ = 0: no T certifies it, so the cap sets the count
  assert.deepEqual(certifiedSteps(rho, e, 0), { steps: 10_000, capped: true });
});

Deno.test("12d certifiedSteps refuses ρ outside [0, 1), e ≤ 0 and τ < 0, at both sides of each bound", () => {
  // just inside each bound is accepted (ρ = 0 above; ρ = 1 − 2⁻⁵³ needs ~6e15 steps: capped)
  assert.deepEqual(certifiedSteps(1 - 2 ** -53, 2, 1), { steps: 10_000, capped: true });
  assert.deepEqual(certifiedSteps(0.5, Number.MIN_VALUE, 1), { steps: 1, capped: false });
  for (const rho of [1, -Number.MIN_VALUE, NaN]) {
    assert.throws(() => certifiedSteps(rho, 2, 1), /contraction must be in \[0, 1\), got /);
  }
  for (const e of [0, -1, NaN]) {
    assert.throws(() => certifiedSteps(0.5, e, 1), /initial error bound must be > 0, got /);
  }
  for (const tau of [-Number.MIN_VALUE, NaN]) {
    assert.throws(() => certifiedSteps(0.5, 2, tau), /tolerance must be ≥ 0, got /);
  }
  // the fit passes its tolerance on: a negative one is refused, not run for no steps
  assert.throws(
    () => fitOneHotRegression([0, 1], [1, 2], 2, 1, -1),
    /tolerance must be ≥ 0, got -1/,
  );
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
  // both ends of the index range: −1 is refused like nInputs (0 and nInputs − 1 fit above)
  assert.throws(
    () => fitOneHotRegression([0, -1], [1, 2], 3, 1),
    /input 1 is -1, not an index in \[0, 3\)/,
  );
  // no samples: f_max would be 0 and η = 1/(2 f_max) infinite, so an empty set is refused
  assert.throws(() => fitOneHotRegression([], [], 3, 1), /got 0 inputs and 0 targets/);
});
