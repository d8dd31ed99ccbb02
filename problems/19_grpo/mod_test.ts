import assert from "node:assert/strict";
import {
  cliffWalk,
  describeField,
  edgePolicyActions,
  policyOutcome,
  rollout,
} from "../../shared/cliff/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import {
  assertClose,
  ConstantUniform,
  registerClaimTests,
  seedFor,
  UsageError,
  verifySeed,
} from "../../shared/testing/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import { createMlp, disposeMlp } from "../../shared/mlp/mod.ts";
import { claims } from "./claims.ts";
import {
  clippedLoss,
  clipWeights,
  configSpec,
  defaultConfig,
  exactOutcome,
  groupAdvantages,
  grpoConfig,
  mostProbablePath,
  packCopy,
  perStepObjective,
  trainGrpoRuns,
  trainJob,
} from "./mod.ts";
import { EpisodeSampler } from "./group_sampler.ts";
import {
  bootstrap,
  LENGTH_BIAS_QUANTITIES,
  lengthBiasArgs,
  lengthBiasCommand,
  lengthBiasTable,
} from "./length_bias.ts";
import { createStackedMlp, disposeStackedMlp, stackedLogits } from "./stacked_mlp.ts";

registerClaimTests(claims);

Deno.test("19 group advantages: GRPO has mean 0 and std 1, Dr. GRPO mean 0, equal scores give 0", () => {
  const r = [100, -100, -100, 100, 100];
  const a = groupAdvantages(r, "grpo");
  const mean = a.reduce((x, y) => x + y, 0) / a.length;
  const std = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / a.length);
  assert.ok(Math.abs(mean) < 1e-12 && Math.abs(std - 1) < 1e-12);
  assert.deepEqual(groupAdvantages(r, "dr-grpo"), [80, -120, -120, 80, 80]);
  assert.deepEqual(groupAdvantages([-100, -100], "grpo"), [0, 0]);
  // equal scores whose float mean is not exactly them (0.1 + 0.1 + 0.1 ≠ 0.3) still give 0
  assert.deepEqual(groupAdvantages([0.1, 0.1, 0.1], "grpo"), [0, 0, 0]);
  // distinct scores whose squared deviations underflow cannot be standardised: a clear error
  assert.throws(
    () => groupAdvantages([1e-200, 3e-200], "grpo"),
    (e) =>
      e instanceof RangeError &&
      e.message === "scores 1e-200, 3e-200 differ too little to standardise",
  );
  // deviations (−1, 0, 1), std √(2/3): advantages ∓√1.5 and an exact 0 in the middle
  const mid = groupAdvantages([0, 1, 2], "grpo");
  assert.equal(mid[1], 0);
  assert.ok(Math.abs(mid[2]! - Math.sqrt(1.5)) < 1e-15 && mid[0] === -mid[2]!, String(mid));
  assert.throws(() => groupAdvantages([], "grpo"), /at least one trajectory/);
});

Deno.test("19 weights of one trajectory sum to Â/G (GRPO) or Â·|o|/G (Dr. GRPO)", () => {
  const group = [{ states: [0, 1, 1], actions: [0, 1, 1] }];
  const g = clipWeights(group, [2], "grpo", 2, 2);
  const d = clipWeights(group, [2], "dr-grpo", 2, 2);
  const total = (w: number[][]) => w.flat().reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(total(g.positive) - 2) < 1e-12);
  assert.equal(total(d.positive), 6);
  assert.equal(total(g.negative), 0);
});

Deno.test("19 the batched loss of K networks has, for each copy, the gradient of that copy alone", async () => {
  await withNoTensorLeak("batched gradient", () => {
    const stack = createStackedMlp(48, 8, 4, [3, 4, 5], 0.5);
    const single = createMlp(48, 8, 4, 4, 0.5); // the same initialisation as copy 1
    const rng = new Rng(9);
    const w = (sign: number) => Array.from({ length: 3 * 48 * 4 }, () => sign * rng.uniform());
    const [Wp, Wn] = [w(1), w(-1)];
    const gap = tf.tidy(() => {
      const positive = tf.tensor3d(Wp, [3, 48, 4]);
      const negative = tf.tensor3d(Wn, [3, 48, 4]);
      const old = tf.sub(tf.logSoftmax(stackedLogits(stack)), 0.1); // ρ = e^0.1 > 1 + ε: some clipped
      const g = tf.grads((w2: tf.Tensor) =>
        clippedLoss(
          tf.add(
            tf.matMul(tf.sub(tf.mul(tf.sigmoid(tf.mul(tf.add(stack.w1, stack.b1), 2)), 2), 1), w2),
            stack.b2,
          ),
          old,
          positive,
          negative,
          0.2,
        )
      )([stack.w2])[0]!;
      const g1 = tf.grads((w2: tf.Tensor) =>
        clippedLoss(
          tf.add(
            tf.matMul(tf.tanh(tf.add(tf.matMul(tf.eye(48), single.w1), single.b1)), w2),
            single.b2,
          ),
          tf.gather(old, 1),
          tf.gather(positive, 1),
          tf.gather(negative, 1),
          0.2,
        )
      )([single.w2])[0]!;
      return tf.max(tf.abs(tf.sub(tf.gather(g, 1), g1))).arraySync() as number;
    });
    disposeStackedMlp(stack);
    disposeMlp(single);
    assert.ok(gap < 1e-5, `copy 1's gradient differs from the single network's by ${gap}`);
  });
});

Deno.test("19 the fast sampler draws exactly what rollout draws from the same random source", () => {
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: 60 });
  const rng = new Rng(seedFor("19 sampler tables", verifySeed()));
  const sampler = new EpisodeSampler(walk);
  for (let trial = 0; trial < 20; trial++) {
    // random rows with some exact zeros
    const table = Array.from({ length: 48 }, () => {
      const raw: number[] = [0, 1, 2, 3].map(() => (rng.uniform() < 0.2 ? 0 : rng.uniform()));
      if (!raw.some((x) => x > 0)) raw[0] = 1;
      const total = raw.reduce((a, b) => a + b, 0);
      return raw.map((x) => x / total);
    });
    sampler.load(table);
    const s = trial * 7919;
    for (let i = 0; i < 20; i++) {
      const a = sampler.episode(new Rng(s + i), 60);
      const b = rollout(walk, table, new Rng(s + i));
      assert.deepEqual([a.states, a.actions, a.end], [b.states, b.actions, b.end]);
    }
  }
});

Deno.test("19 the fast sampler draws as rollout on exact boundaries: a tie takes the next action, rows are normalised by their total", () => {
  // every draw U = 1/2. On rows (1/2, 1/2, 0, 0), u = U · 1 = 1/2 is not below the running sum
  // 1/2 of action 0, so action 1 is drawn ("the first action whose running sum exceeds u").
  // Rows may sum to 1 within 1e-3 (float32 softmax rows); sampleAction compares U · Σπ with the
  // running sums, i.e. draws from π / Σπ: on (1/2, 0.5005, 0, 0), P(a = 0) = 0.5 / 1.0005 < 1/2
  // gives action 1, where comparing U / Σπ = 0.49975… would give action 0
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: 5 });
  for (const row of [[0.5, 0.5, 0, 0], [0.5, 0.5005, 0, 0]]) {
    const table = Array.from({ length: 48 }, () => row);
    const sampler = new EpisodeSampler(walk);
    sampler.load(table);
    const a = sampler.episode(new ConstantUniform(0.5), 5);
    const b = rollout(walk, table, new ConstantUniform(0.5));
    assert.deepEqual(a.actions, b.actions, `row ${row}`);
    assert.ok(a.actions.every((x) => x === 1), `row ${row}: actions ${a.actions}`);
  }
});

Deno.test("19 the fast sampler refuses a slippery walk (a move there has several outcomes) and takes a non-slippery one", () => {
  assert.throws(() => new EpisodeSampler(cliffWalk({ slippery: true })), /non-slippery/);
  new EpisodeSampler(cliffWalk({ slippery: false }));
});

Deno.test("19 exact outcome agrees with sampled episodes (Hoeffding, δ = 1e-6 each)", () => {
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: 30 });
  const edge = edgePolicyActions(walk);
  // 70% the edge policy, 30% uniform: every outcome has a non-trivial probability
  const table = edge.map((a) => [0, 1, 2, 3].map((b) => 0.7 * (a === b ? 1 : 0) + 0.3 / 4));
  const exact = exactOutcome(walk, table, 30);
  const seed = seedFor("19 outcome sampling", verifySeed());
  const rng = new Rng(seed);
  const n = 20_000;
  let goal = 0, fall = 0, length = 0;
  for (let i = 0; i < n; i++) {
    const ep = rollout(walk, table, rng);
    if (ep.end === "goal") goal++;
    if (ep.end === "cliff") fall++;
    length += ep.length;
  }
  const band = Math.sqrt(Math.log(2 / 1e-6) / (2 * n)); // indicators in [0, 1]
  assertClose(goal / n, exact.success, { abs: band, rel: 0 }, `success, N = ${n}, seed ${seed}`);
  assertClose(fall / n, exact.fall, { abs: band, rel: 0 }, `fall, N = ${n}, seed ${seed}`);
  assertClose(length / n, exact.expectedLength, { abs: 30 * band, rel: 0 }, "length in [1, 30]");
  assert.ok(exact.success > 0.2 && exact.success < 0.9, `non-trivial case: ${exact.success}`);
  assert.ok(exact.truncated > 0.001, `some truncation: ${exact.truncated}`);
});

Deno.test("19 exact outcome: the failure length is undefined (NaN) when every episode reaches the goal, lengths not integers", () => {
  // 3 × 3 walk: start 6, cliff 7, goal 8. From the start up to 3; from 3 up (3/7) to the long
  // way 0 → 1 → 2 → 5 → goal (6 moves) or right (4/7) to 4 → 5 → goal (4 moves). No path
  // falls or loops, so success = 1 exactly and E[T] = (6·3 + 4·4)/7 = 34/7; the recursions for
  // E[T] and E[T 1{goal}] round differently here, so only the success < 1 test gives NaN
  const walk = cliffWalk({ variant: "terminal-only", rows: 3, cols: 3, maxSteps: 10 });
  const [up, right, down] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]];
  const none = [0, 0, 0, 0];
  const table = [right, right, down, [3 / 7, 4 / 7, 0, 0], right, down, up, none, none];
  const o = exactOutcome(walk, table, 10);
  assert.equal(o.success, 1);
  assert.equal(o.fall, 0);
  assert.equal(o.truncated, 0);
  assertClose(o.expectedLength, 34 / 7, { abs: 1e-12, rel: 0 }, "E[T]");
  assertClose(o.successLength, 34 / 7, { abs: 1e-12, rel: 0 }, "E[T | goal]");
  assert.ok(Number.isNaN(o.failureLength), `failureLength ${o.failureLength}`);
});

Deno.test("19 exact outcome over a long horizon tends to the linear solve of the untruncated walk", () => {
  const walk = cliffWalk({ variant: "terminal-only" });
  const edge = edgePolicyActions(walk);
  const table = edge.map((a) => [0, 1, 2, 3].map((b) => 0.5 * (a === b ? 1 : 0) + 0.5 / 4));
  const solved = policyOutcome(walk, table);
  const long = exactOutcome(walk, table, 3000);
  assert.ok(long.truncated < 1e-12, `truncation mass ${long.truncated}`);
  assertClose(long.success, solved.success, { abs: 1e-9, rel: 0 }, "success");
  assertClose(long.expectedLength, solved.expectedLength, { abs: 1e-6, rel: 1e-9 }, "length");
  // at the suite's horizon of 100 moves some mass is cut: never more success than the limit
  assert.ok(exactOutcome(walk, table, 100).success <= solved.success + 1e-12);
});

Deno.test("19 exact outcome: the truncated mass stays a probability where 1 − success − fall rounds below 0", () => {
  // 90% the edge policy, 10% uniform, 1000 moves: every episode ends, and the two sums of
  // 1000 rounds leave 1 − success − fall at −3.9e-16. That is rounding, not mass: the
  // truncated probability must be exactly 0, never below it.
  const walk = cliffWalk({ variant: "terminal-only" });
  const edge = edgePolicyActions(walk);
  const table = edge.map((a) => [0, 1, 2, 3].map((b) => 0.9 * (a === b ? 1 : 0) + 0.1 / 4));
  const o = exactOutcome(walk, table, 1000);
  const rounded = 1 - o.success - o.fall;
  assert.ok(rounded < 0, `the case must round below 0 to test the clamp: ${rounded}`);
  assert.equal(o.truncated, 0);
});

Deno.test("19 exact outcome refuses a horizon that is not a positive integer, and takes 1", () => {
  const walk = cliffWalk({ variant: "terminal-only" });
  const table = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  for (const h of [0, -3, 1.5, NaN, Infinity]) {
    assert.throws(
      () => exactOutcome(walk, table, h),
      (e: unknown) =>
        e instanceof RangeError && e.message === `horizon must be a positive integer, got ${h}`,
    );
  }
  // one move up from the start: nothing ends, everything is truncated
  assert.equal(exactOutcome(walk, table, 1).truncated, 1);
});

Deno.test("19 most probable path: of two equally probable paths, the one whose tie is found first (lower state) is returned", () => {
  // 4 × 12 walk, start 36, goal 47; actions up 0, right 1, down 2. From 24 the policy goes up
  // or right with probability 1/2; both branches meet at 13 after three moves (via 12 or
  // via 25), then run right along row 1 and down twice: two 15-move paths of probability 1/2.
  // At 13 the move from state 12 is found before the move from 25 and is kept.
  const walk = cliffWalk({ variant: "terminal-only" });
  const [up, right, down] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]];
  const table = Array.from({ length: walk.nStates }, () => right);
  table[36] = up;
  table[24] = [0.5, 0.5, 0, 0];
  table[25] = up;
  table[23] = down;
  table[35] = down;
  const path = mostProbablePath(walk, table, 100)!;
  const row1 = Array.from({ length: 11 }, (_, i) => 13 + i); // 13 … 23
  assert.deepEqual(path.states, [36, 24, 12, ...row1, 35]);
  assert.deepEqual(path.actions, [0, 0, 1, ...new Array(10).fill(1), 2, 2]);
  assert.equal(path.probability, 0.5);
});

Deno.test("19 training reports progress every 25 updates, from update 0", async () => {
  // 27 groups of 64 episodes are updates 0..26: progress at 0 and 25
  const lines: string[] = [];
  await withNoTensorLeak(
    "train grpo progress",
    () =>
      trainJob("grpo")({
        seed: 4,
        budget: 64 * 27,
        config: { resampleEqualGroups: false },
        onProgress: (l) => lines.push(l),
      }),
  );
  assert.deepEqual(lines.map((l) => Number(/^update (\d+):/.exec(l)?.[1])), [0, 25]);
});

Deno.test("19 the training job reports target, value, policy and outcome, leaking no tensors", async () => {
  const before = performance.now();
  const report = await withNoTensorLeak(
    "train grpo",
    () => trainJob("grpo")({ seed: 4, budget: 128, config: { resampleEqualGroups: false } }),
  );
  // ms is the run's own wall time: positive and within the time the call took
  assert.ok(report.ms > 0 && report.ms <= performance.now() - before, `ms = ${report.ms}`);
  assert.equal(report.algorithm, "grpo");
  assert.equal(report.episodes, 128);
  assert.equal(report.curve.length, 3);
  assert.equal(report.reachedTarget, false);
  assert.equal(report.episodesToTarget, null);
  assert.ok(report.value !== undefined && report.value >= 0 && report.value <= 1);
  assert.equal(report.policy?.length, 48);
  const o = report.outcome!;
  assert.ok(Math.abs(o.success + o.fall + o.truncated - 1) < 1e-9);
  // each group is 64 i.i.d. episodes of the previous policy (no resampling here): its goal
  // fraction lies within Hoeffding's √(ln(2/δ)/128) < 0.34 of that policy's exact success,
  // at false alarm δ = 1e-6 per group; before the first group there is none
  const groups = report.extra!.groupSuccess as { value: number }[];
  assert.ok(Number.isNaN(groups[0]!.value));
  for (let i = 1; i < report.curve.length; i++) {
    const [got, p] = [groups[i]!.value, report.curve[i - 1]!.value];
    assert.ok(Math.abs(got - p) < 0.34, `group ${i}: goal fraction ${got}, exact success ${p}`);
  }
});

Deno.test("19 a group whose scores are all equal counts as an empty update, every time and from 0", async () => {
  // one move from the start never reaches the goal: up and the walls are cut (scored −100
  // here), right falls into the cliff (−100), so every group of 2 scores −100, −100
  const config = grpoConfig({
    groupSize: 2,
    budget: 8,
    maxSteps: 1,
    truncatedScore: -100,
    resampleEqualGroups: false,
  });
  const [run] = await trainGrpoRuns([{ seed: 3, config }]);
  assert.equal(run!.episodes, 8);
  assert.equal(run!.discardedGroups, 0);
  assert.equal(run!.emptyUpdates, 4);
});

Deno.test("19 a group of equal scores is discarded and resampled while the budget holds the next group, exactly at it included", async () => {
  // every group scores −100, −100 (one move never reaches the goal); with one resample per
  // update and budget 8: update 1 samples 2, discards them (2 + 2 ≤ 8), samples 4; update 2
  // samples 6, discards them (6 + 2 = 8 is within the budget), samples 8 and stops
  const config = grpoConfig({
    groupSize: 2,
    budget: 8,
    maxSteps: 1,
    truncatedScore: -100,
    resampleEqualGroups: true,
    maxResamples: 1,
  });
  const [run] = await trainGrpoRuns([{ seed: 3, config }]);
  assert.deepEqual([run!.episodes, run!.discardedGroups, run!.emptyUpdates], [8, 2, 2]);
});

Deno.test("19 a run stops at the target when stopAtTarget is set, and otherwise spends its budget", async () => {
  // target 0: every policy meets it, the initial one at 0 episodes
  const config = (stopAtTarget: boolean) =>
    grpoConfig({
      groupSize: 2,
      budget: 4,
      maxSteps: 1,
      resampleEqualGroups: false,
      targetSuccess: 0,
      stopAtTarget,
    });
  const [stop, spend] = await trainGrpoRuns([
    { seed: 3, config: config(true) },
    { seed: 3, config: config(false) },
  ]);
  assert.deepEqual([stop!.episodesToTarget, stop!.episodes, stop!.curve.length], [0, 0, 1]);
  // two groups of 2 fill the budget of 4: three policies on the curve
  assert.deepEqual([spend!.episodesToTarget, spend!.episodes, spend!.curve.length], [0, 4, 3]);
});

Deno.test("19 the training job's summary says whether and when the target was reached", async () => {
  // one move from the start never reaches the goal: success probability exactly 0, which
  // meets target 0 at 0 episodes and never meets target 1
  const config = { groupSize: 2, maxSteps: 1, resampleEqualGroups: false };
  const reached = await trainJob("grpo")({
    seed: 3,
    budget: 4,
    config: { ...config, targetSuccess: 0 },
  });
  assert.equal(
    reached.summary,
    "grpo: success probability 0.000 after 0 episodes (target 0 reached after 0 episodes); " +
      "0 groups of equal scores resampled",
  );
  const missed = await trainJob("dr-grpo")({
    seed: 3,
    budget: 4,
    config: { ...config, targetSuccess: 1 },
  });
  assert.equal(
    missed.summary,
    "dr-grpo: success probability 0.000 after 4 episodes (target 1 not reached); " +
      "0 groups of equal scores resampled",
  );
});

Deno.test("19 a curve point's group success is the fraction of the previous group's episodes that reached the goal", async () => {
  // one group of 4 096 episodes from the initial policy π₀ (exact success ≈ 0.0015 at 100
  // moves), replayed with rollout from the run's rollout stream: the goal count k is
  // exact, and the second curve point reports k / 4 096
  const G = 4_096;
  const config = grpoConfig({ groupSize: G, budget: G, resampleEqualGroups: false });
  const [initial, run] = await trainGrpoRuns([
    { seed: 1, config: { ...config, budget: 0 } },
    { seed: 1, config },
  ]);
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: config.maxSteps });
  const rng = new Rng(seedFor("grpo rollouts", 1));
  let goals = 0;
  for (let i = 0; i < G; i++) if (rollout(walk, initial!.policy, rng).end === "goal") goals++;
  assert.ok(goals >= 1, "premise: some episode of the group reaches the goal");
  assert.equal(run!.curve.length, 2);
  assert.equal(run!.curve[1]!.groupSuccess, goals / G);
});

Deno.test("19 runs of one batched program must share the network's hyperparameters", async () => {
  await assert.rejects(
    () =>
      trainGrpoRuns([
        { seed: 1, config: grpoConfig({ budget: 64 }) },
        { seed: 2, config: grpoConfig({ budget: 64, lr: 0.01 }) },
      ]),
    /runs of one batched program share lr/,
  );
});

Deno.test("19 bad configuration is refused with the field named", () => {
  assert.throws(
    () => grpoConfig({ clip: 1.5 }),
    /GrpoConfig\.clip must be a number in \(0, 1\), got 1\.5/,
  );
  assert.throws(
    () => grpoConfig({ groupSize: 0 }),
    /GrpoConfig\.groupSize must be an integer in \[2, 4096\], got 0/,
  );
  assert.throws(() => grpoConfig({ nope: 1 } as never), /GrpoConfig has no field "nope"/);
});

Deno.test("19 every field's allowed values, as `deno task train --help` states them", () => {
  const stated: Record<string, string> = {};
  for (const [field, value] of Object.entries(defaultConfig)) {
    stated[field] = describeField(typeof value, configSpec[field as keyof typeof configSpec]);
  }
  assert.deepEqual(stated, {
    variant: "one of grpo, dr-grpo",
    groupSize: "an integer in [2, 4096]",
    epochs: "an integer in [1, 100]",
    clip: "a number in (0, 1)",
    useClip: "true or false",
    advantageSign: "one of 1, -1",
    lr: "a number in (0, 1]",
    hidden: "an integer in [1, 1024]",
    outputScale: "a number in [0, 10]",
    maxSteps: "an integer in [1, 10000]",
    truncatedScore: "a number in [-100, 100]",
    resampleEqualGroups: "true or false",
    maxResamples: "an integer in [0, 1000]",
    budget: "an integer in [0, 10000000]",
    targetSuccess: "a number in [0, 1]",
    stopAtTarget: "true or false",
  });
  // and the checks enforce them at both ends
  for (const [field, spec] of Object.entries(configSpec)) {
    if (spec?.min === undefined || spec.max === undefined) continue;
    const step = spec.integer ? 1 : 1e-9;
    const below = spec.minExclusive ? spec.min : spec.min - step;
    const above = spec.maxExclusive ? spec.max : spec.max + step;
    assert.throws(() => grpoConfig({ [field]: below }), RangeError, `${field} = ${below}`);
    assert.throws(() => grpoConfig({ [field]: above }), RangeError, `${field} = ${above}`);
  }
});

Deno.test("19 the sampler refuses what sampleAction refuses: a negative entry, a row far from summing to 1", () => {
  const sampler = new EpisodeSampler(cliffWalk({ variant: "terminal-only" }));
  const rows = (row: number[]) => Array.from({ length: 48 }, () => row);
  sampler.load(rows([0.25, 0.25, 0.25, 0.2505])); // within 1e-3 of 1: float32 rows pass
  assert.throws(() => sampler.load(rows([0.25, 0.25, 0.25, 0.252])), /sums to 1\.002/);
  assert.throws(() => sampler.load(rows([0.25, 0.25, 0.25, 0.248])), /sums to 0\.998/);
  assert.throws(() => sampler.load(rows([-0.25, 0.75, 0.25, 0.25])), /is not ≥ 0/);
});

Deno.test("19 the bootstrap of one value is that value, and of no defined value is undefined (NaN)", () => {
  const rng = new Rng(1);
  assert.deepEqual(bootstrap([5], rng, 20), { mean: 5, lo: 5, hi: 5, n: 1 });
  const none = bootstrap([NaN, NaN], rng, 20);
  assert.ok(Number.isNaN(none.mean) && none.n === 0);
  // two values: every resample mean is one of 0, 1/2, 1, and the interval spans them
  const two = bootstrap([0, 1], rng, 2000);
  assert.deepEqual([two.mean, two.lo, two.hi], [0.5, 0, 1]);
});

/** A random source whose integer draws are `draws` in turn, cyclically. */
class CyclicInts extends Rng {
  #i = 0;
  constructor(readonly draws: readonly number[]) {
    super(0);
  }
  override int(n: number): number {
    const k = this.draws[this.#i++ % this.draws.length]!;
    assert.ok(k < n);
    return k;
  }
}

Deno.test("19 the bootstrap interval's ends are the sorted resample means at indices ⌊0.025R⌋ and ⌊0.975R⌋", () => {
  // values (0, 1), two draws per resample. R = 41 resamples: the first draws (0, 0) (mean 0),
  // the next 39 draw (0, 1) (mean 1/2), the last (1, 1) (mean 1). Sorted: 0, then 1/2 at
  // indices 1..39, then 1 at index 40; ⌊0.025 · 41⌋ = 1 and ⌊0.975 · 41⌋ = 39: both ends 1/2
  const draws = [0, 0, ...Array.from({ length: 39 }, () => [0, 1]).flat(), 1, 1];
  assert.deepEqual(bootstrap([0, 1], new CyclicInts(draws), 41), {
    mean: 0.5,
    lo: 0.5,
    hi: 0.5,
    n: 2,
  });
  // R = 1: ⌊0.025⌋ = ⌊0.975⌋ = 0, both ends are the one resample mean
  assert.deepEqual(bootstrap([0, 1], new CyclicInts([1, 1]), 1), { mean: 0.5, lo: 1, hi: 1, n: 2 });
});

Deno.test("19 the bootstrap takes an integer number of resamples ≥ 1 and refuses the rest", () => {
  const message = (r: number) =>
    new RegExp(`^RangeError: bootstrap needs an integer number of resamples ≥ 1, got ${r}$`);
  for (const r of [0, -1, 1.5, NaN]) {
    assert.throws(() => bootstrap([1, 2], new Rng(1), r), (e) => message(r).test(String(e)));
    // refused before looking at the values, also when none is defined
    assert.throws(() => bootstrap([NaN], new Rng(1), r), (e) => message(r).test(String(e)));
  }
  assert.deepEqual(bootstrap([3, 3], new Rng(1), 1), { mean: 3, lo: 3, hi: 3, n: 2 });
});

Deno.test("19 packed weights land where tfjs reads copy k, state s, action a", () => {
  const K = 3, S = 5, A = 4;
  const flat = new Float32Array(K * S * A);
  const tables = [0, 1, 2].map((k) =>
    Array.from({ length: S }, (_, s) => Array.from({ length: A }, (_, a) => 100 * k + 10 * s + a))
  );
  tables.forEach((t, k) => packCopy(flat, k, t));
  const read = tf.tidy(() => tf.tensor3d(flat, [K, S, A]).arraySync());
  assert.deepEqual(read, tables);
});

Deno.test("19 the length-bias command takes K ≥ 1 seeds and a budget ≥ 0, defaults 20 and 3 200, and refuses the rest", () => {
  assert.deepEqual(lengthBiasArgs([]), { k: 20, budget: 3_200 });
  // each boundary on both sides: K = 1 and budget = 0 are accepted, K = 0 and budget = −1 not
  assert.deepEqual(lengthBiasArgs(["1", "0"]), { k: 1, budget: 0 });
  assert.deepEqual(lengthBiasArgs(["5"]), { k: 5, budget: 3_200 });
  for (const args of [["0"], ["1", "-1"], ["1.5"], ["2", "0.5"], ["x"], ["2", "many"]]) {
    assert.equal(lengthBiasArgs(args), null, args.join(" "));
  }
});

Deno.test("19 the length-bias command prints its table and exits 0, and bad arguments are a usage error", async () => {
  const lines: string[] = [];
  assert.equal(await lengthBiasCommand(["1", "0"], (l) => lines.push(l)), 0);
  assert.equal(lines.length, 2 + LENGTH_BIAS_QUANTITIES.length);
  assert.ok(lines[0]!.startsWith("1 seeds, 0 episodes each"), lines[0]);
  await assert.rejects(
    () => lengthBiasCommand(["0", "10"], () => {}),
    (e) =>
      e instanceof UsageError &&
      e.message === "usage: length_bias.ts [K ≥ 1] [budget ≥ 0]; got 0 10",
  );
});

Deno.test("19 perStepObjective's softmax is shift-invariant: logits near 1000 (where exp overflows) give the value of logits near 0", () => {
  const group = [{ states: [0], actions: [1] }];
  const old = [[0.5, 0.5]];
  const near0 = perStepObjective(group, [1], "grpo", [[0, Math.log(3)]], old, 0.2);
  const near1000 = perStepObjective(group, [1], "grpo", [[1000, 1000 + Math.log(3)]], old, 0.2);
  // π(1) = 3/4, ρ = 1.5 is clipped at 1.2 for A = 1: J = 1.2 for either shift
  assert.ok(Math.abs(near0.value - 1.2) < 1e-12, String(near0.value));
  assert.ok(Math.abs(near1000.value - 1.2) < 1e-12, String(near1000.value));
});

Deno.test("19 perStepObjective stays exact when one row's logits span 800 (beyond exp's range): π = (0, 1/2, 1/2)", () => {
  // e^(−800) underflows to 0 after the shift by the largest logit, so π = (0, 1/2, 1/2) exactly
  const group = [{ states: [0], actions: [1] }];
  const j = perStepObjective(group, [-1], "grpo", [[0, 800, 800]], [[0.25, 0.25, 0.5]], 0.2);
  // ρ = (1/2)/(1/4) = 2 and Â = −1: min(−2, −1.2) = −2 is the unclipped term, J = −2
  assert.equal(j.value, -2);
  // J = −4 π₁ and ∂π₁/∂z_b = π₁(1[b = 1] − π_b) = (0, 1/4, −1/4), so ∂J/∂z = (0, −1, 1)
  assert.deepEqual(j.gradient, [[0, -1, 1]]);
});

Deno.test("19 the length-bias table uses 10,000 bootstrap resamples by default, as documented", async () => {
  // budget 0: no training, only the initial policies' exact outcomes are tabulated
  const t = await lengthBiasTable({ seeds: [1], budget: 0 });
  assert.deepEqual([t.budget, t.resamples], [0, 10_000]);
  assert.equal((await lengthBiasTable({ seeds: [1], budget: 0, resamples: 7 })).resamples, 7);
});

Deno.test("19 the length-bias table trains every run for 3,200 episodes by default, as documented", async () => {
  // no seeds: no run is trained, so the default budget is read off the table at no cost
  const t = await lengthBiasTable({ seeds: [], resamples: 1 });
  assert.equal(t.budget, 3_200);
  assert.deepEqual([t.runs.grpo.length, t.runs["dr-grpo"].length, t.rows.grpo.success.n], [
    0,
    0,
    0,
  ]);
  assert.equal((await lengthBiasTable({ seeds: [], budget: 3_199, resamples: 1 })).budget, 3_199);
});

Deno.test("19 the length-bias table runs 20 distinct seeds per estimator by default, as documented", async () => {
  // budget 0: no training, only the initial policies' exact outcomes are tabulated
  const t = await lengthBiasTable({ budget: 0, resamples: 1 });
  assert.equal(t.seeds.length, 20);
  assert.equal(new Set(t.seeds).size, 20);
  assert.deepEqual([t.runs.grpo.length, t.runs["dr-grpo"].length], [20, 20]);
});
