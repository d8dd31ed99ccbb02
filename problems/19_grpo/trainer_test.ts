import assert from "node:assert/strict";
import { cliffWalk, rollout } from "../../shared/cliff/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { seedFor } from "../../shared/testing/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import { type GrpoConfig, grpoConfig } from "./config.ts";
import { clippedLoss } from "./loss.ts";
import { clipWeights, groupAdvantages } from "./objective.ts";
import { disposeStackedMlp, stackedLogits } from "./stacked_mlp.ts";
import { initialPolicies, packCopy, trainGrpoRuns, trainGrpoSeeds } from "./trainer.ts";

const S = 48;
const A = 4;

/** The outcome score of an episode: +100 goal, −100 cliff, `truncatedScore` when cut. */
function score(end: "goal" | "cliff" | "truncated", config: Readonly<GrpoConfig>): number {
  return end === "goal" ? 100 : end === "cliff" ? -100 : config.truncatedScore;
}

/** Copy k's rows of softmax probabilities [K·S·A], renormalised in float64. */
function rowsOf(flat: ArrayLike<number>, k: number): number[][] {
  return Array.from({ length: S }, (_, s) => {
    const row = Array.from({ length: A }, (_, a) => flat[(k * S + s) * A + a]!);
    const total = row.reduce((x, y) => x + y, 0);
    return row.map((p) => p / total);
  });
}

/**
 * One GRPO update of a run, built from its parts: the group of G episodes π₀ draws from the
 * run's rollout stream, scored and weighed, then `steps` Adam steps on the clipped loss
 * (`clip` ε) or on the plain ratio loss (`clip` null) against π₀.
 */
async function oneUpdate(
  seed: number,
  config: Readonly<GrpoConfig>,
  steps: number,
  clip: number | null,
): Promise<{ policy: number[][]; ends: string[] }> {
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: config.maxSteps });
  const net = initialPolicies([{ seed, config }], S, A);
  const old = tf.tidy(() => tf.logSoftmax(stackedLogits(net)));
  const oldProbs = tf.exp(old);
  const pi0 = rowsOf(await oldProbs.data(), 0);
  oldProbs.dispose();
  const rng = new Rng(seedFor(`${config.variant} rollouts`, seed));
  const group = Array.from({ length: config.groupSize }, () => rollout(walk, pi0, rng));
  const advantages = groupAdvantages(group.map((ep) => score(ep.end, config)), config.variant);
  const w = clipWeights(group, advantages, config.variant, S, A);
  const positive = tf.tensor3d([w.positive]);
  const negative = tf.tensor3d([w.negative]);
  const opt = tf.train.adam(config.lr);
  for (let e = 0; e < steps; e++) {
    opt.minimize(
      () => clippedLoss(stackedLogits(net), old, positive, negative, clip),
      false,
      net.variables,
    );
  }
  const probs = tf.tidy(() => tf.exp(tf.logSoftmax(stackedLogits(net))));
  const policy = rowsOf(await probs.data(), 0);
  tf.dispose([old, positive, negative, probs]);
  disposeStackedMlp(net);
  opt.dispose();
  return { policy, ends: group.map((ep) => ep.end) };
}

/** The largest |x − y| over two tables. */
function gap(x: number[][], y: number[][]): number {
  return Math.max(...x.flatMap((row, s) => row.map((p, a) => Math.abs(p - y[s]![a]!))));
}

// one group of 8 short episodes, a large step and a narrow clip: within 3 epochs some ratios
// leave [1 − ε, 1 + ε], so the clipped and the plain update differ; a truncated episode scores
// 0, not the −100 of a fall
const base = grpoConfig({
  groupSize: 8,
  budget: 8,
  maxSteps: 4,
  truncatedScore: 0,
  lr: 0.1,
  clip: 0.05,
  hidden: 8,
  resampleEqualGroups: false,
});

for (const [useClip, epochs] of [[true, 3], [false, 3], [true, 1]] as const) {
  Deno.test(`19 one update with useClip ${useClip} is ${epochs} Adam step${epochs === 1 ? "" : "s"} on the ${useClip ? "clipped" : "plain ratio"} loss of the scored group π₀ drew`, async () => {
    const config = { ...base, useClip, epochs };
    const seed = 5;
    const [run] = await withNoTensorLeak("one update", () => trainGrpoRuns([{ seed, config }]));
    const want = await withNoTensorLeak(
      "by hand",
      () => oneUpdate(seed, config, epochs, useClip ? config.clip : null),
    );
    assert.ok(gap(run!.policy, want.policy) < 1e-9, `gap ${gap(run!.policy, want.policy)}`);
    // premises: the group holds falls and cut episodes (so their scores matter), and the check
    // tells E steps from E − 1 and, past the first step, the clip from no clip (the first step
    // starts at ρ = 1, inside the clip range, where both losses have the same gradient)
    assert.ok(want.ends.includes("cliff") && want.ends.includes("truncated"), want.ends.join());
    const fewer = await oneUpdate(seed, config, epochs - 1, useClip ? config.clip : null);
    assert.ok(
      gap(fewer.policy, want.policy) > 1e-4,
      `one step changes ${gap(fewer.policy, want.policy)}`,
    );
    const other = await oneUpdate(seed, config, epochs, useClip ? null : config.clip);
    const clipGap = gap(other.policy, want.policy);
    assert.ok(epochs === 1 ? clipGap === 0 : clipGap > 1e-4, `the clip changes ${clipGap}`);
  });
}

Deno.test("19 no runs train nothing and give no results", async () => {
  assert.deepEqual(await trainGrpoRuns([]), []);
  assert.deepEqual(await trainGrpoSeeds([], grpoConfig()), []);
});

// one move from the start never reaches the goal (up and the walls are cut, scored −100
// here; right falls, −100): every group of 2 scores −100, −100 and carries no signal
const equalScores = grpoConfig({
  groupSize: 2,
  maxSteps: 1,
  truncatedScore: -100,
  hidden: 4,
  epochs: 1,
  resampleEqualGroups: true,
});

Deno.test("19 a group of equal scores is resampled exactly maxResamples times, then the update is taken", async () => {
  // maxResamples 2: each update samples 3 groups of 2 (two discarded), so budget 18 holds
  // three updates; maxResamples 0 (resampling on, but none allowed): each update samples one
  // group, so budget 6 holds three updates
  const [two, none] = await trainGrpoRuns([
    { seed: 3, config: { ...equalScores, maxResamples: 2, budget: 18 } },
    { seed: 3, config: { ...equalScores, maxResamples: 0, budget: 6 } },
  ]);
  assert.deepEqual(two!.curve.map((p) => p.episode), [0, 6, 12, 18]);
  assert.deepEqual([two!.episodes, two!.discardedGroups, two!.emptyUpdates], [18, 6, 3]);
  assert.deepEqual(none!.curve.map((p) => p.episode), [0, 2, 4, 6]);
  assert.deepEqual([none!.episodes, none!.discardedGroups, none!.emptyUpdates], [6, 0, 3]);
});

Deno.test("19 progress lines number the updates from 0, every 25th, and count the runs still training", async () => {
  const progress = async (budget: number) => {
    const lines: string[] = [];
    const config = { ...equalScores, resampleEqualGroups: false, budget };
    await trainGrpoRuns([{ seed: 3, config }, { seed: 4, config }], (l) => lines.push(l));
    return lines;
  };
  // one group: one update, number 0; success within one move is exactly 0
  assert.deepEqual(await progress(2), [
    "update 0: 2 of 2 runs training, success probability 0.000 0.000",
  ]);
  // 26 groups: updates 0 … 25, a line at 0 and at 25
  const lines = await progress(52);
  assert.deepEqual(lines.map((l) => /^update (\d+):/.exec(l)?.[1]), ["0", "25"]);
});

Deno.test("19 a run's policy is its network's softmax table, each row renormalised to sum to 1", async () => {
  // budget 0: no update, the policies are the initial networks' (copy k for run k)
  const config = grpoConfig({ budget: 0, hidden: 8, outputScale: 2 });
  const runs = [{ seed: 1, config }, { seed: 2, config }];
  const got = await trainGrpoRuns(runs);
  const net = initialPolicies(runs, S, A);
  const probs = tf.tidy(() => tf.exp(tf.logSoftmax(stackedLogits(net))));
  const flat = await probs.data();
  probs.dispose();
  disposeStackedMlp(net);
  for (const k of [0, 1]) {
    assert.deepEqual(got[k]!.policy, rowsOf(flat, k), `run ${k}`);
    for (const row of got[k]!.policy) {
      assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-15, `${row}`);
    }
  }
  // premise: some float32 row does not sum to 1 exactly, so the renormalisation shows
  const sums = Array.from(
    { length: 2 * S },
    (_, i) => Array.from({ length: A }, (_, a) => flat[A * i + a]!).reduce((x, y) => x + y, 0),
  );
  assert.ok(sums.some((t) => Math.abs(t - 1) > 1e-9), "every float32 row sums to 1");
});

Deno.test("19 packing copy k writes only its own S · A entries, also for a table of one row", () => {
  const flat = new Float32Array(3 * 2).fill(7);
  packCopy(flat, 1, [[1, 2]]);
  assert.deepEqual([...flat], [7, 7, 1, 2, 7, 7]);
  const two = new Float32Array(2 * 2 * 3).fill(7);
  packCopy(two, 0, [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([...two], [1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7]);
});
