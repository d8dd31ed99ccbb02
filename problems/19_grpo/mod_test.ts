import assert from "node:assert/strict";
import { cliffWalk, edgePolicyActions, rollout } from "../../shared/cliff/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { assertClose, registerClaimTests, seedFor, verifySeed } from "../../shared/testing/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import { createMlp, disposeMlp, mlpForwardAll } from "../../shared/mlp/mod.ts";
import { claims } from "./claims.ts";
import {
  clippedLoss,
  clippedObjective,
  clipWeights,
  groupAdvantages,
  GRPO_CONFIG,
  successProbability,
  trainGrpo,
  trainJob,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("19 group advantages: GRPO has mean 0 and std 1, Dr. GRPO mean 0, equal rewards give 0", () => {
  const r = [100, -100, -100, 100, 100];
  const a = groupAdvantages(r, "grpo");
  const mean = a.reduce((x, y) => x + y, 0) / a.length;
  const std = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / a.length);
  assert.ok(Math.abs(mean) < 1e-12 && Math.abs(std - 1) < 1e-12);
  assert.deepEqual(groupAdvantages(r, "dr-grpo"), [80, -120, -120, 80, 80]);
  assert.deepEqual(groupAdvantages([-100, -100], "grpo"), [0, 0]);
  assert.throws(() => groupAdvantages([], "grpo"), /at least one trajectory/);
});

Deno.test("19 advantages are broadcast to every action: weights of one trajectory sum to Â/G (GRPO) or Â·|o|/G (Dr.)", () => {
  const group = [{ states: [0, 1, 1], actions: [0, 1, 1] }];
  const g = clipWeights(group, [2], "grpo", 2, 2);
  const d = clipWeights(group, [2], "dr-grpo", 2, 2);
  const total = (w: number[][]) => w.flat().reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(total(g.positive) - 2) < 1e-12);
  assert.equal(total(d.positive), 6);
  assert.equal(total(g.negative), 0);
});

Deno.test("19 the tfjs loss is minus the float64 grouped objective (float32: 1e-4 relative)", async () => {
  await withNoTensorLeak("clipped loss cross-check", async () => {
    const net = createMlp(3, 8, 2, 7);
    const rng = new Rng(11);
    const delta = [0, 1, 2].map(() => [0, 1].map(() => 0.8 * (rng.uniform() - 0.5)));
    const ratio = delta.map((row) => row.map(Math.exp));
    const group = [{ states: [0, 1, 2], actions: [0, 1, 1] }, { states: [2, 2], actions: [0, 0] }];
    for (const variant of ["grpo", "dr-grpo"] as const) {
      const advantages = [1.5, -0.5];
      const w = clipWeights(group, advantages, variant, 3, 2);
      const loss = tf.tidy(() => {
        // log π_old = log π_θ − δ, so ρ = exp(δ)
        const old = tf.sub(tf.logSoftmax(mlpForwardAll(net)), tf.tensor2d(delta)) as tf.Tensor2D;
        return clippedLoss(net, old, tf.tensor2d(w.positive), tf.tensor2d(w.negative), 0.2);
      });
      const value = (await loss.data())[0]!;
      loss.dispose();
      const j = clippedObjective(group, advantages, variant, ratio, 0.2);
      assertClose(-value, j.perStep, { abs: 1e-5, rel: 1e-4 }, `${variant} objective`);
    }
    disposeMlp(net);
  });
});

Deno.test("19 exact success probability agrees with sampled episodes (Hoeffding, δ = 1e-6)", () => {
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: 30 });
  const edge = edgePolicyActions(walk);
  // 70% the edge policy, 30% uniform: neither certain success nor certain failure
  const table = edge.map((a) => [0, 1, 2, 3].map((b) => 0.7 * (a === b ? 1 : 0) + 0.3 / 4));
  const exact = successProbability(walk, table, 30);
  const seed = seedFor("19 success sampling", verifySeed());
  const rng = new Rng(seed);
  const n = 20_000;
  let hits = 0;
  for (let i = 0; i < n; i++) if (rollout(walk, table, rng).end === "goal") hits++;
  const band = Math.sqrt(Math.log(2 / 1e-6) / (2 * n)); // indicators in [0, 1]
  assertClose(hits / n, exact, { abs: band, rel: 0 }, `success rate, N = ${n}, seed ${seed}`);
  assert.ok(exact > 0.2 && exact < 0.9, `non-trivial case: ${exact}`);
});

Deno.test("19 the training jobs report curves and lengths of successes and failures, leaking no tensors", async () => {
  const report = await withNoTensorLeak(
    "train grpo",
    () => trainJob("grpo")({ seed: 4, budget: 128 }),
  );
  assert.equal(report.algorithm, "grpo");
  assert.equal(report.curve.length, 2);
  assert.ok(report.extra && "successLength" in report.extra && "failureLength" in report.extra);
});

Deno.test("19 bad configuration is refused with the field named", async () => {
  await assert.rejects(
    () => trainGrpo(1, { ...GRPO_CONFIG, clip: 1.5 }),
    /GrpoConfig\.clip must be in \(0, 1\), got 1\.5/,
  );
  await assert.rejects(
    () => trainGrpo(1, { ...GRPO_CONFIG, groupSize: 0 }),
    /GrpoConfig\.groupSize must be a positive integer/,
  );
});
