import assert from "node:assert/strict";
import { cliffWalk } from "../../shared/cliff/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { assertAllClose, registerClaimTests } from "../../shared/testing/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import { rollout } from "../../shared/cliff/mod.ts";
import { claims } from "./claims.ts";
import {
  createMlp,
  disposeMlp,
  mlpForwardAll,
  policyTable,
  valueTable,
} from "../../shared/mlp/mod.ts";
import {
  batchStats,
  PG_CONFIG,
  policyLoss,
  returnsToGo,
  train,
  trainPolicyGradient,
  valueLoss,
} from "./mod.ts";

registerClaimTests(claims);

function oneHot(i: number, n: number): number[] {
  const row = new Array<number>(n).fill(0);
  row[i] = 1;
  return row;
}

Deno.test("18 returns-to-go are the undiscounted suffix sums", () => {
  assert.deepEqual(returnsToGo([]), []);
  assert.deepEqual(returnsToGo([-1, -1, -1, -100]), [-103, -102, -101, -100]);
});

Deno.test("18 the aggregated losses have the gradients of the per-step sums of the pseudo-code", async () => {
  await withNoTensorLeak("gradient cross-check", async () => {
    const walk = cliffWalk({ maxSteps: 30 });
    const pi = createMlp(48, 16, 4, 11, 0.5);
    const vf = createMlp(48, 16, 1, 12);
    const table = await policyTable(pi);
    const V = await valueTable(vf);
    const rng = new Rng(5);
    const batch = Array.from({ length: 6 }, () => rollout(walk, table, rng, { start: 24 }));
    const stats = batchStats(batch, V, 48, 4);
    // per step: g_θ = −(1/B) Σ_t ∇ log π(a_t|s_t) (Q̂_t − V(s_t)); g_φ = (1/B) Σ_t ∇ ½ (Q̂_t − V(s_t))²
    const steps = batch.flatMap((ep) => {
      const G = returnsToGo(ep.rewards);
      return ep.states.map((s, t) => ({ s, a: ep.actions[t]!, G: G[t]! }));
    });
    const B = batch.length;
    const perStepPolicy = () =>
      tf.tidy(() => {
        const logp = tf.logSoftmax(mlpForwardAll(pi)); // [S, A]
        // select log π(a_t | s_t) with a constant 0/1 matrix (gather's gradient has no wasm kernel)
        const select = tf.tensor2d(steps.map((x) => oneHot(x.s * 4 + x.a, 48 * 4))); // [T, S·A]
        const picked = tf.reshape(tf.matMul(select, tf.reshape(logp, [-1, 1])), [-1]); // [T, S·A] x [S·A, 1] -> [T]
        const adv = tf.tensor1d(steps.map((x) => x.G - V[x.s]!));
        return tf.div(tf.neg(tf.sum(tf.mul(picked, adv))), B) as tf.Scalar;
      });
    const perStepValue = () =>
      tf.tidy(() => {
        const select = tf.tensor2d(steps.map((x) => oneHot(x.s, 48))); // [T, S]
        const v = tf.reshape(tf.matMul(select, mlpForwardAll(vf)), [-1]); // [T, S] x [S, 1] -> [T]
        const target = tf.tensor1d(steps.map((x) => x.G)); // data: no gradient flows into it
        return tf.div(tf.sum(tf.mul(0.5, tf.square(tf.sub(target, v)))), B) as tf.Scalar;
      });
    const W = tf.tensor2d(stats.policyWeights);
    const n = tf.tensor1d(stats.visits);
    const S = tf.tensor1d(stats.targetSums);
    const pairs: [() => tf.Scalar, () => tf.Scalar, tf.Variable[]][] = [
      [perStepPolicy, () => policyLoss(pi, W), pi.variables],
      [perStepValue, () => valueLoss(vf, n, S), vf.variables],
    ];
    for (const [direct, aggregated, vars] of pairs) {
      const g1 = tf.variableGrads(direct, vars);
      const g2 = tf.variableGrads(aggregated, vars);
      for (const v of vars) {
        const a = Array.from(await g1.grads[v.name]!.data());
        const b = Array.from(await g2.grads[v.name]!.data());
        // float32 sums of up to a few hundred terms: 1e-4 relative, 1e-4 absolute
        assertAllClose(b, a, { abs: 1e-4, rel: 1e-4 }, `gradient of ${v.name}`);
      }
      tf.dispose([g1.value, g2.value, ...Object.values(g1.grads), ...Object.values(g2.grads)]);
    }
    tf.dispose([W, n, S]);
    disposeMlp(pi);
    disposeMlp(vf);
  });
});

Deno.test("18 batchStats weights the advantage by the sign and averages over episodes", () => {
  const ep = { states: [0, 0], actions: [1, 1], rewards: [-1, -100] };
  const st = batchStats([ep, ep], [0, 0], 1, 2, -1);
  // Q̂ = [−101, −100]; sign −1; two identical episodes averaged
  assert.equal(st.policyWeights[0]![1], 201);
  assert.equal(st.visits[0], 2);
  assert.equal(st.targetSums[0], -201);
});

Deno.test("18 the training job reports episodes, a curve and the greedy policy, leaking no tensors", async () => {
  const report = await withNoTensorLeak("train pg", () => train({ seed: 3, budget: 64 }));
  assert.equal(report.algorithm, "pg");
  assert.equal(report.episodes, 64);
  assert.equal(report.curve.length, 2); // two updates of 32 episodes
  assert.equal(report.greedyActions?.length, 48);
});

Deno.test("18 bad configuration is refused with the field named", async () => {
  await assert.rejects(
    () => trainPolicyGradient(1, { ...PG_CONFIG, episodesPerUpdate: 0 }),
    /PgConfig\.episodesPerUpdate must be a positive integer, got 0/,
  );
  await assert.rejects(
    () => trainPolicyGradient(1, { ...PG_CONFIG, policyLr: -1 }),
    /PgConfig\.policyLr must be > 0, got -1/,
  );
});
