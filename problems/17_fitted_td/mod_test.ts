import assert from "node:assert/strict";
import { evaluationSetting, QNetInputError, sampleExploringStarts } from "../../shared/qnet/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { assertAllClose, registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import { fittedKStepTd, KStepData, kStepTarget, train } from "./mod.ts";

registerClaimTests(claims);

Deno.test("17 the pooled mean targets equal the per-sample k-step targets averaged pair by pair", () => {
  const setting = evaluationSetting();
  const episodes = sampleExploringStarts(setting, new Rng(4), 300).filter((e) => e.terminated);
  const rng = new Rng(5);
  const qbar = Array.from({ length: 192 }, () => 200 * rng.uniform() - 100);
  for (const k of [1, 3, 10]) {
    for (const gamma of [1, 0.9]) {
      const data = new KStepData(48, 4, k, gamma);
      const sum = new Float64Array(192);
      const n = new Float64Array(192);
      for (const ep of episodes) {
        data.add(ep);
        ep.states.forEach((s, t) => {
          sum[s * 4 + ep.actions[t]!]! += kStepTarget(ep, t, k, gamma, qbar, 4);
          n[s * 4 + ep.actions[t]!]! += 1;
        });
      }
      const direct = Array.from(sum, (x, p) => (n[p]! > 0 ? x / n[p]! : 0));
      // float64 sums of ≤ 10^4 terms of size ≤ 200: 1e-9 absolute
      assertAllClose(
        Array.from(data.targets(qbar)),
        direct,
        { abs: 1e-9, rel: 1e-12 },
        `k=${k}, γ=${gamma}`,
      );
      assertAllClose(Array.from(data.weights()), Array.from(n), { abs: 0, rel: 0 }, "counts");
    }
  }
});

Deno.test("17 with Q̄ equal to an episode's own returns, every k-step target telescopes to the return G_t", () => {
  // an episode through distinct states, so that Q̄(s_j, a_j) := G_j is a table
  const rng = new Rng(8);
  for (const gamma of [1, 0.9, 0.5]) {
    const T = 12;
    const ep = {
      states: Array.from({ length: T }, (_, j) => j),
      actions: Array.from({ length: T }, () => rng.int(4)),
      rewards: Array.from({ length: T }, () => rng.int(21) - 10),
    };
    // G_t = Σ_{j ≥ t} γ^{j−t} r_j by the direct sum
    const G = ep.rewards.map((_, t) =>
      ep.rewards.slice(t).reduce((acc, r, j) => acc + gamma ** j * r, 0)
    );
    const qbar = new Array<number>(T * 4).fill(0);
    ep.states.forEach((s, j) => (qbar[s * 4 + ep.actions[j]!] = G[j]!));
    for (const k of [1, 2, 3, 5, 11, 12, 20]) {
      const ys = ep.rewards.map((_, t) => kStepTarget(ep, t, k, gamma, qbar, 4));
      // float64 sums of ≤ 12 terms of size ≤ 10: 1e-12
      assertAllClose(ys, G, { abs: 1e-12, rel: 0 }, `k=${k}, γ=${gamma}`);
    }
  }
});

Deno.test("17 train records an error curve for every k", async () => {
  const lines: string[] = [];
  const r = await withNoTensorLeak(
    "17 train",
    () =>
      train({
        seed: 2,
        budget: 400,
        config: { episodesPerRound: 400, finalSteps: 0 },
        onProgress: (l) => lines.push(l),
      }),
  );
  assert.equal(r.algorithm, "td");
  const byK = r.extra!.curvesByK as { k: number; curve: unknown[] }[];
  assert.deepEqual(byK.map((c) => c.k), [1, 3, 10]);
  assert.ok(byK.every((c) => c.curve.length === 1));
  assert.match(lines[2]!, /td k=10: 400 episodes/);
});

Deno.test("17 bad input gets a clear error naming what and where", () => {
  const ep = { states: [0], actions: [0], rewards: [1] };
  assert.throws(() => kStepTarget(ep, 0, 0, 1, [], 4), /k must be a positive integer, got 0/);
  assert.throws(() => kStepTarget(ep, 1, 1, 1, [], 4), /time step 1 is not in \[0, 1\)/);
  assert.throws(() => new KStepData(48, 4, 2.5, 1), QNetInputError);
  assert.throws(
    () => fittedKStepTd({ seed: 1, k: 1, config: { targetEvery: 0 } }),
    /targetEvery must be a positive integer, got 0/,
  );
});
