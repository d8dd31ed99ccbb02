/**
 * Problem 22's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { Rng } from "../../shared/random/mod.ts";
import {
  assertAllClose,
  assertClose,
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  bradleyTerryGrad,
  bradleyTerryLoss,
  crossEntropy2,
  crossEntropy2Grad,
  discordantPairs,
  disposeRewardModel,
  makeRewardModel,
  type PreferenceData,
  rewards,
  syntheticPreferences,
  tfBradleyTerry,
  tfCrossEntropy,
  trainRewardModel,
} from "./mod.ts";

/** A batch of 1–12 examples: logits (f1, f2) ∈ [−30, 30]² in steps of 0.01, labels z. */
const arbBatch = fc.array(
  fc.tuple(
    fc.integer({ min: -3000, max: 3000 }).map((k) => k / 100),
    fc.integer({ min: -3000, max: 3000 }).map((k) => k / 100),
    fc.integer({ min: 0, max: 1 }),
  ),
  { minLength: 1, maxLength: 12 },
);
type Batch = [number, number, number][];
const OVER_A = "batches of 1–12 examples, logits f ∈ [−30, 30]² (steps of 0.01), labels z ∈ {0, 1}";

/** tfjs's softmax cross-entropy of a batch versus the handout's formula in float64. */
function crossEntropyMargin(batch: Batch, swapLabels: boolean): number {
  const tfValue = tf.tidy(() =>
    tfCrossEntropy(
      tf.tensor2d(batch.map(([f1, f2]) => [f1, f2])),
      tf.tensor1d(batch.map(([, , z]) => z)),
    ).dataSync()[0]!
  );
  const formula = batch.reduce(
    (s, [f1, f2, z]) => s + crossEntropy2(f1, f2, swapLabels ? 1 - z : z),
    0,
  );
  // float32: each logit is rounded (relative 6e-8, so ≤ 2e-6 at |f| ≤ 30) and the log-sum-exp
  // adds a few ulps of its size; 1e-5·(1 + |f1| + |f2|) per example covers both with room.
  const tol = batch.reduce((s, [f1, f2]) => s + 1e-5 * (1 + Math.abs(f1) + Math.abs(f2)), 0);
  return tol - Math.abs(tfValue - formula);
}

/** One 22b case: a seeded random reward model and a random batch of compared pairs. */
interface RewardCase {
  seed: number;
  batch: number;
  features: number;
}
const arbRewardCase = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 30 }),
  batch: fc.integer({ min: 1, max: 16 }),
  features: fc.integer({ min: 1, max: 6 }),
});
const OVER_B = "random tanh-MLP reward models (F ∈ 1..6 features, 8 hidden, Glorot-normal " +
  "seeded), batches of 1–16 pairs with Gaussian features (scale 2) and random labels";

/**
 * Checks, for one case, that the cross-entropy of f = (r(x, y_A), r(x, y_B)) equals the
 * Bradley–Terry loss in value and in gradient: tfjs CE vs tfjs BT (value and autodiff
 * gradients in every parameter), float64 BT on the same rewards, and the float64 closed-form
 * gradients in the logits vs tfjs autodiff. `swapWinner` is the negative control's variant.
 */
function rewardCaseMargin(c: RewardCase, swapWinner: boolean): number {
  const rng = new Rng(c.seed);
  const model = makeRewardModel(c.features, 8, c.seed);
  const vars = [model.w1, model.b1, model.w2, model.b2];
  const gauss = (n: number) => Array.from({ length: n }, () => 2 * rng.normal());
  const phiA = tf.tensor2d(Array.from({ length: c.batch }, () => gauss(c.features)));
  const phiB = tf.tensor2d(Array.from({ length: c.batch }, () => gauss(c.features)));
  const zs = Array.from({ length: c.batch }, () => rng.int(2));
  const z = tf.tensor1d(zs);
  const zBt = tf.tensor1d(swapWinner ? zs.map((v) => 1 - v) : zs);
  try {
    const ceLoss = () =>
      tf.tidy(() =>
        tfCrossEntropy(tf.stack([rewards(model, phiA), rewards(model, phiB)], 1) as tf.Tensor2D, z)
      );
    const btLoss = () =>
      tf.tidy(() => tfBradleyTerry(rewards(model, phiA), rewards(model, phiB), zBt));
    const ce = tf.variableGrads(ceLoss, vars);
    const bt = tf.variableGrads(btLoss, vars);
    const ceValue = ce.value.dataSync()[0]!;
    const btValue = bt.value.dataSync()[0]!;
    // float32 sums of ≤ 16 terms: relative 1e-5 plus 1e-6 per term
    const valueTol = { abs: 1e-6 * c.batch, rel: 1e-5 };
    assertClose(btValue, ceValue, valueTol, "tfjs BT loss vs tfjs cross-entropy");
    let worst = Infinity;
    for (const v of vars) {
      const g1 = ce.grads[v.name]!.dataSync();
      const g2 = bt.grads[v.name]!.dataSync();
      const scale = Math.max(1, ...Array.from(g1, Math.abs));
      // both gradients are float32 sums over ≤ 16 pairs of O(scale) terms
      worst = Math.min(
        worst,
        assertAllClose(g2, g1, { abs: 1e-5 * scale, rel: 1e-4 }, `∂L/∂${v.name}`),
      );
    }
    tf.dispose([ce.value, bt.value, ce.grads, bt.grads]);

    // float64 closed forms on the same (float32) rewards
    const rA = tf.tidy(() => rewards(model, phiA));
    const rB = tf.tidy(() => rewards(model, phiB));
    const a = Array.from(rA.dataSync());
    const b = Array.from(rB.dataSync());
    const logits = tf.stack([rA, rB], 1) as tf.Tensor2D;
    const autodiff = tf.tidy(() =>
      tf.grad((f: tf.Tensor) => tfCrossEntropy(f as tf.Tensor2D, z))(logits)
    );
    const g = autodiff.arraySync() as number[][];
    tf.dispose([rA, rB, logits, autodiff]);
    let bt64 = 0;
    zs.forEach((zb, i) => {
      const zw = swapWinner ? 1 - zb : zb;
      const [w, l] = zw === 0 ? [a[i]!, b[i]!] : [b[i]!, a[i]!];
      bt64 += bradleyTerryLoss(w, l);
      const [gw, gl] = bradleyTerryGrad(w, l);
      const btGrad = zw === 0 ? [gw, gl] : [gl, gw];
      // float64 identity: the CE gradient in (f1, f2) is the BT gradient in (r_A, r_B)
      assertAllClose(
        crossEntropy2Grad(a[i]!, b[i]!, zb),
        btGrad,
        { abs: 1e-15, rel: 0 },
        "closed forms",
      );
      // float32 autodiff vs float64 closed form: σ in float32 is good to ~1e-7
      assertAllClose(g[i]!, btGrad, { abs: 1e-6, rel: 1e-5 }, `∂CE/∂f at pair ${i}`);
    });
    assertClose(bt64, ceValue, valueTol, "float64 BT loss vs tfjs cross-entropy");
    return worst;
  } finally {
    disposeRewardModel(model);
    tf.dispose([phiA, phiB, z, zBt]);
  }
}

/** 22c's setting: 3 prompts × 6 responses (45 pairs), 6 features, hidden width 16. */
const PREFERENCES = { prompts: 3, responses: 6, features: 6 };
const TRAINING = { hidden: 16, learningRate: 0.05, steps: 300 };

/**
 * The premise "preferences decided by the hidden reward r* = θ*·φ + sin φ₁": θ* and every φ
 * are drawn again here from the seed, in the order `syntheticPreferences` documents (θ*, then
 * per prompt its responses' features and one order coin per pair), and r* is summed by a plain
 * loop. Every feature vector must be the draw, every hidden reward r* (to 1e-12 of
 * Σ_i |θ*_i φ_i| + 1, far above the float64 rounding of an F-term dot product and a sine), and every pair the two
 * responses of one prompt in the coin's order with z = 0 iff r*(y_A) > r*(y_B). A generator
 * whose labels followed some other function of φ would make 22c a claim about other data (a
 * linear r*, say, which is easier to learn). Throws a ClaimViolation naming the first item
 * or pair that differs.
 */
function checkHiddenReward(data: PreferenceData, seed: number): void {
  const { prompts, responses, features } = PREFERENCES;
  const rng = new Rng(seed);
  const theta = Array.from({ length: features }, () => rng.normal());
  let item = 0;
  let pair = 0;
  for (let x = 0; x < prompts; x++) {
    const first = item;
    for (let y = 0; y < responses; y++, item++) {
      let dot = 0, size = 0;
      for (let i = 0; i < features; i++) {
        const phi = rng.normal();
        if (data.features[item]![i] !== phi || data.prompt[item] !== x) {
          throw new ClaimViolation(`item ${item}: feature ${i} or prompt is not the seed's draw`);
        }
        dot += theta[i]! * phi;
        size += Math.abs(theta[i]! * phi);
      }
      const want = dot + Math.sin(data.features[item]![0]!);
      if (!(Math.abs(data.hiddenReward[item]! - want) <= 1e-12 * (size + 1))) {
        throw new ClaimViolation(
          `item ${item}: hidden reward ${data.hiddenReward[item]}, but θ*·φ + sin φ₁ = ${want}`,
        );
      }
    }
    for (let i = first; i < item; i++) {
      for (let j = i + 1; j < item; j++, pair++) {
        const [a, b] = rng.uniform() < 0.5 ? [i, j] : [j, i];
        const z = data.hiddenReward[a]! > data.hiddenReward[b]! ? 0 : 1;
        const got = data.pairs[pair];
        if (got?.a !== a || got.b !== b || got.z !== z) {
          throw new ClaimViolation(
            `pair ${pair} is ${JSON.stringify(got)}, the seed and r* give ${
              JSON.stringify({ a, b, z })
            }`,
          );
        }
      }
    }
  }
  if (data.pairs.length !== pair || data.features.length !== item) {
    throw new ClaimViolation(
      `${data.features.length} items and ${data.pairs.length} pairs, expected ${item} and ${pair}`,
    );
  }
}

function trainAndCompare(seed: number, swapLabels: boolean) {
  const data = syntheticPreferences(PREFERENCES, seed);
  checkHiddenReward(data, seed);
  const result = trainRewardModel(data, { ...TRAINING, seed, swapLabels });
  // The loss the run minimised, read back after training, must be the Bradley–Terry loss of
  // the labels it was given (exchanged for the control) at the rewards it learned, summed
  // here in float64: float32 rewards and sums over 45 pairs agree to about 1e-6 relative.
  const r = result.learnedReward;
  const bt = data.pairs.reduce((acc, p) => {
    const z = swapLabels ? 1 - p.z : p.z; // z = 0: y_A preferred
    return acc +
      (z === 0 ? bradleyTerryLoss(r[p.a]!, r[p.b]!) : bradleyTerryLoss(r[p.b]!, r[p.a]!));
  }, 0);
  if (!(Math.abs(result.lossAfter - bt) <= 1e-4 * (1 + bt))) {
    const what = `the trained loss is ${result.lossAfter}, the Bradley–Terry loss of the ` +
      `learned rewards on the ${swapLabels ? "exchanged " : ""}labels ${bt} (seed ${seed})`;
    // the control must train on exactly the exchanged labels: otherwise it is no evidence
    if (swapLabels) throw new Error(`the control is not the stated mistake: ${what}`);
    throw new ClaimViolation(what);
  }
  const bad = discordantPairs(data, result.learnedReward);
  if (bad.length > 0) {
    throw new ClaimViolation(
      `${bad.length} of ${data.pairs.length} pairs ordered against the hidden reward, e.g. items ${
        bad[0]!.join(" and ")
      } (loss ${result.lossBefore.toFixed(3)} → ${result.lossAfter.toFixed(3)}, seed ${seed})`,
    );
  }
  return { data, result };
}

/** The claims of Problem 22. */
export const claims: Claim[] = defineClaims(22, [
  {
    id: "22a",
    statement: "the standard softmax cross-entropy of two logits (f1, f2) with label z equals " +
      "−(1−z) log(e^f1/(e^f1+e^f2)) − z log(e^f2/(e^f1+e^f2)), summed over the data",
    check: (ctx) =>
      withNoTensorLeak("22a", () =>
        checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 150 },
          arbBatch,
          (b) => crossEntropyMargin(b, false),
        )),
    negativeControl: {
      variant: "the formula with the labels exchanged (z in the first term, 1 − z in the second)",
      check: (ctx) =>
        withNoTensorLeak("22a control", () =>
          checkProperty(
            { seed: ctx.seed, over: OVER_A, numRuns: 150, examples: [[[1, 0, 0]] as Batch] },
            arbBatch,
            (b) => crossEntropyMargin(b, true),
          )),
    },
  },
  {
    id: "22b",
    statement: "with f = (r(x, y_A), r(x, y_B)) the cross-entropy is the Bradley–Terry loss " +
      "Σ −log σ(r_winner − r_loser): equal values and equal gradients",
    check: (ctx) =>
      withNoTensorLeak("22b", () =>
        checkProperty(
          { seed: ctx.seed, over: OVER_B, numRuns: 25 },
          arbRewardCase,
          (c) => rewardCaseMargin(c, false),
        )),
    negativeControl: {
      variant: "Bradley–Terry with winner and loser exchanged, −log σ(r_loser − r_winner)",
      check: (ctx) =>
        withNoTensorLeak("22b control", () =>
          checkProperty(
            { seed: ctx.seed, over: OVER_B, numRuns: 25 },
            arbRewardCase,
            (c) => rewardCaseMargin(c, true),
          )),
    },
  },
  {
    id: "22c",
    statement: "a tiny reward model trained with this loss on synthetic preferences recovers " +
      "the hidden ranking of the responses to every prompt",
    check: (ctx) =>
      withNoTensorLeak("22c", () => {
        const seed = ctx.seedFor("preferences");
        const { data, result } = trainAndCompare(seed, false);
        return {
          over: `${PREFERENCES.prompts} prompts × ${PREFERENCES.responses} responses, ` +
            `${data.pairs.length} compared pairs, tanh MLP (16 hidden), Adam 0.05, 300 steps`,
          cases: data.pairs.length,
          note: `all pairs concordant; loss ${result.lossBefore.toFixed(3)} → ${
            result.lossAfter.toFixed(4)
          } (seed ${seed})`,
        };
      }),
    negativeControl: {
      variant: "the same training on exchanged labels (z → 1 − z)",
      check: (ctx) =>
        withNoTensorLeak("22c control", () => trainAndCompare(ctx.seedFor("preferences"), true)),
    },
  },
]);
