import assert from "node:assert/strict";
import { ConstantUniform, registerClaimTests } from "../../shared/testing/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import { softplus } from "../../shared/softmax/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { claims } from "./claims.ts";
import {
  bradleyTerryLoss,
  crossEntropy2,
  crossEntropy2Grad,
  discordantPairs,
  disposeRewardModel,
  makeRewardModel,
  PreferenceInputError,
  rewards,
  sigmoid,
  syntheticPreferences,
  tfBradleyTerry,
  tfCrossEntropy,
  trainRewardModel,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("22 bad input is refused with a message naming what and where", () => {
  const refuses = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof PreferenceInputError && re.test(e.message));
  refuses(() => crossEntropy2(0, 1, 2), /crossEntropy2: label z = 2 is not 0 or 1/);
  refuses(() => crossEntropy2Grad(0, 1, 0.5), /crossEntropy2Grad: label z = 0\.5/);
  // each size is refused just below its least value and accepted at it
  const least = { prompts: 1, responses: 2, features: 1 };
  assert.equal(syntheticPreferences(least, 1).pairs.length, 1);
  for (
    const [field, below, re] of [
      ["prompts", 0, /prompts = 0 is not an integer ≥ 1/],
      ["responses", 1, /responses = 1 is not an integer ≥ 2/],
      ["features", 0, /features = 0 is not an integer ≥ 1/],
      ["features", 1.5, /features = 1\.5 is not an integer ≥ 1/],
    ] as const
  ) {
    refuses(() => syntheticPreferences({ ...least, [field]: below }, 1), re);
  }
});

Deno.test("22a the closed form matches −log of the softmax probability written out naively", () => {
  for (const [f1, f2, z] of [[0.3, -1.2, 0], [2, 5, 1], [-4, -4, 0]] as const) {
    const p1 = Math.exp(f1) / (Math.exp(f1) + Math.exp(f2));
    const naive = -(1 - z) * Math.log(p1) - z * Math.log(1 - p1);
    assert.ok(Math.abs(crossEntropy2(f1, f2, z) - naive) < 1e-14, `${f1}, ${f2}, ${z}`);
  }
});

Deno.test("22a the stable forms stay finite where the naive softmax overflows", () => {
  // e^800 overflows; the loss of a confident wrong answer is the logit gap, 800
  assert.equal(crossEntropy2(0, 800, 0), 800);
  assert.equal(bradleyTerryLoss(-400, 400), 800);
  assert.equal(softplus(-800), 0);
  assert.equal(sigmoid(800), 1);
});

Deno.test("22b float64 identity: CE with z picks the same term as BT with the winner (both labels)", () => {
  for (const [ra, rb] of [[1.5, -0.25], [-3, 2]] as const) {
    assert.equal(crossEntropy2(ra, rb, 0), bradleyTerryLoss(ra, rb));
    assert.equal(crossEntropy2(ra, rb, 1), bradleyTerryLoss(rb, ra));
  }
});

Deno.test("22b tfjs CE and BT agree at extreme reward gaps without NaN or leaks", async () => {
  const [ce, bt] = await withNoTensorLeak("extreme gaps", () =>
    tf.tidy(() => {
      const ra = tf.tensor1d([200, -200, 0]);
      const rb = tf.tensor1d([-200, 200, 0]);
      const z = tf.tensor1d([1, 0, 1]);
      const c = tfCrossEntropy(tf.stack([ra, rb], 1) as tf.Tensor2D, z).dataSync()[0]!;
      const b = tfBradleyTerry(ra, rb, z).dataSync()[0]!;
      return [c, b];
    }));
  // two wrong answers by a gap of 400 each, plus log 2 for the tie
  assert.ok(Math.abs(ce! - (800 + Math.LN2)) < 1e-3, `CE ${ce}`);
  assert.ok(Math.abs(bt! - ce!) < 1e-3, `BT ${bt}`);
});

Deno.test("22c synthetic preferences: labels follow the hidden reward, every pair of a prompt once", () => {
  const d = syntheticPreferences({ prompts: 2, responses: 5, features: 3 }, 9);
  assert.equal(d.pairs.length, 2 * 10);
  for (const { a, b, z } of d.pairs) {
    assert.equal(d.prompt[a], d.prompt[b]);
    assert.equal(z, d.hiddenReward[a]! > d.hiddenReward[b]! ? 0 : 1);
  }
});

Deno.test("22c the order of a compared pair is a fair coin: u = 1/2 swaps it, the draw just below keeps it", () => {
  // u < 1/2 holds on exactly 2^52 of the uniform's 2^53 values, so each order has
  // probability exactly 1/2; u ≤ 1/2 would favour keeping the order by 2^-53
  const sizes = { prompts: 1, responses: 2, features: 1 };
  const at = (u: number) => syntheticPreferences(sizes, new ConstantUniform(u)).pairs[0]!;
  assert.deepEqual([at(0.5).a, at(0.5).b], [1, 0]);
  assert.deepEqual([at(0.5 - 2 ** -53).a, at(0.5 - 2 ** -53).b], [0, 1]);
  // a generator passed in is the one drawn from: the same seed as a number gives the same data
  assert.deepEqual(syntheticPreferences(sizes, new Rng(5)), syntheticPreferences(sizes, 5));
});

Deno.test("22 a NaN learned reward is discordant with every other item of its prompt, never with itself", () => {
  // one prompt, three responses: the hidden order is recovered except at item 1, whose NaN
  // makes sign(learned_i − learned_j) NaN, unequal to any hidden sign; (1, 1) is not a pair
  const d = syntheticPreferences({ prompts: 1, responses: 3, features: 2 }, 3);
  const learned = [...d.hiddenReward];
  learned[1] = NaN;
  assert.deepEqual(discordantPairs(d, learned), [[0, 1], [1, 2]]);
});

Deno.test("22 reward models share no draw: across seeds −2..4 and both layers, no weight tensor is another rescaled", () => {
  // glorot-normal draws with one tfjs seed are the same normals times √(2/(fanIn + fanOut)),
  // whatever the shape: two tensors drawn from one stream have a constant ratio on their
  // common prefix. Independent draws give a constant ratio with probability 0.
  const tensors: { name: string; w: number[] }[] = [];
  for (let seed = -2; seed <= 4; seed++) {
    const m = makeRewardModel(3, 4, seed);
    tensors.push({ name: `w1 of seed ${seed}`, w: Array.from(m.w1.dataSync()) });
    tensors.push({ name: `w2 of seed ${seed}`, w: Array.from(m.w2.dataSync()) });
    disposeRewardModel(m);
  }
  for (const [i, a] of tensors.entries()) {
    for (const b of tensors.slice(i + 1)) {
      const ratios = b.w.slice(0, Math.min(a.w.length, b.w.length)).map((v, j) => v / a.w[j]!);
      assert.ok(
        ratios.some((r) => Math.abs(r - ratios[0]!) > 1e-3 * Math.abs(ratios[0]!)),
        `${b.name} / ${a.name} = ${ratios}`,
      );
    }
  }
});

Deno.test("22 training takes exactly `steps` Adam steps: 0 steps return the seed's untrained model, 1 step moves it", async () => {
  const data = syntheticPreferences({ prompts: 1, responses: 3, features: 2 }, 4);
  const config = { hidden: 4, learningRate: 0.05, seed: 1 };
  // the untrained model of the seed, evaluated on every item outside the training routine
  const initial = await withNoTensorLeak("22 untrained", () => {
    const m = makeRewardModel(2, 4, config.seed);
    const r = tf.tidy(() => rewards(m, tf.tensor2d(data.features)));
    const out = Array.from(r.dataSync());
    r.dispose();
    disposeRewardModel(m);
    return out;
  });
  const none = trainRewardModel(data, { ...config, steps: 0 });
  assert.deepEqual(none.learnedReward, initial);
  assert.equal(none.lossAfter, none.lossBefore);
  // one step of size 0.05 changes every weight by about 0.05 (Adam's first step is
  // η·sign(g)), so the rewards move and, the gradient pointing downhill, the loss falls
  const one = trainRewardModel(data, { ...config, steps: 1 });
  assert.equal(one.lossBefore, none.lossBefore);
  assert.ok(one.lossAfter < one.lossBefore, `loss ${one.lossBefore} → ${one.lossAfter}`);
  assert.notDeepEqual(one.learnedReward, initial);
});
