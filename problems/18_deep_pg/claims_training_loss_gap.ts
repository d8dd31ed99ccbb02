/**
 * Claim 18e's comparison: the tfjs policy objective exactly as training calls it
 * (`stackedTrainingLoss`, entropy bonus on, weights from discounted returns-to-go) against
 * central differences of the float64 surrogate F that the step follows in expectation
 * (README, "What the step is a gradient of"), and the mistakes of its control.
 *
 * @module
 */
import { cliffWalk, policyOutcome } from "../../shared/cliff/mod.ts";
import {
  createStackedMlp,
  disposeStackedMlp,
  stackedForwardAll,
  type StackedMlp,
} from "../../shared/mlp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { type ClaimContext, ClaimViolation } from "../../shared/testing/mod.ts";
import { tf } from "../../shared/tf/mod.ts";
import {
  expectedSurrogate,
  forward64,
  type MlpWeights,
  moveWeights,
  softmaxRows,
} from "./claims_oracles.ts";
import { dotCopy, randomDirection, weightsOf } from "./claims_tf_weights.ts";
import { defaultConfig, entropyBonus } from "./config.ts";
import { stackedEntropy, stackedPolicyLoss } from "./losses.ts";

/** A policy objective of the form training calls: W [K, S, A], E [K, S]. */
export type PolicyObjective = (net: StackedMlp, w: tf.Tensor3D, e: tf.Tensor2D) => tf.Scalar;

const COPIES = 3;
const DIRECTIONS = 3;
const FD_STEP = 1e-5;
/**
 * Output-layer scale of the random networks: far from uniform, where ∇H is large (at the
 * near-uniform initialisation of training ∇H ≈ 0 and no entropy mistake would show).
 */
const OUTPUT_SCALE = 1.5;

/**
 * For random policy networks, −⟨∇_θ loss, u⟩ of `lossOf` at W = d π (Q_γ − b) and E = β d
 * (d the expected undiscounted visits, Q_γ the exact discounted action values at θ_0, b an
 * arbitrary baseline, β from the training schedule) against the central difference of F
 * along u, F(θ) = Σ_s d(s) [Σ_a π_θ(a | s)(Q_γ(s, a) − b(s)) + β H(π_θ(· | s))].
 *
 * @param ctx the claim context (seeds)
 * @param lossOf the objective under test
 * @returns the evidence
 * @throws ClaimViolation when a derivative is off by more than the tolerance
 * @example
 * ```ts
 * import { claimContext } from "../../shared/testing/mod.ts";
 * import { stackedTrainingLoss } from "./losses.ts";
 * import { trainingLossGap } from "./claims_training_loss_gap.ts";
 * const r = await trainingLossGap(claimContext("18e"), stackedTrainingLoss);
 * if (!(r.worstMargin >= 0)) throw new Error();
 * ```
 */
export async function trainingLossGap(ctx: ClaimContext, lossOf: PolicyObjective) {
  const gamma = defaultConfig.discount;
  // the walk with γ: its values are the discounted V_γ, its visits the undiscounted d
  const walk = cliffWalk({ gamma });
  const S = walk.nStates;
  const A = walk.nActions;
  const seeds = Array.from({ length: COPIES }, (_, i) => ctx.seedFor(`18e net ${i}`));
  const net = createStackedMlp(S, defaultConfig.hidden, A, seeds, OUTPUT_SCALE);
  const rng = new Rng(ctx.seedFor("18e directions"));
  let worst = Infinity;
  let entropyShare = 0;
  const notes: string[] = [];
  try {
    const W: number[][][] = [];
    const E: number[][] = [];
    const surrogates: ((w: MlpWeights) => number)[] = [];
    const base: MlpWeights[] = [];
    for (let k = 0; k < COPIES; k++) {
      const w = await weightsOf(net, k);
      base.push(w);
      const table = softmaxRows(forward64(w));
      const o = policyOutcome(walk, table, walk.start, { visits: true });
      if (!o.proper) throw new Error(`18e: random network ${k} gave an improper policy`);
      // Q_γ(s, a) = Σ_{s'} p(s' | s, a) (r + γ V_γ(s')), V_γ = 0 at terminal states
      const q = table.map((_, s) =>
        walk.outcomes[s]!.map((outs) =>
          walk.isTerminal[s]
            ? 0
            : outs.reduce((acc, x) => acc + x.prob * (x.reward + gamma * o.values[x.next]!), 0)
        )
      );
      // premise: these are Q_γ of π_θ, so Σ_a π(a | s) Q_γ(s, a) = V_γ(s) of the linear solve
      // (float64 sums of a few terms of size ≤ 10^2: 1e-9 relative)
      walk.isTerminal.forEach((terminal, s) => {
        if (terminal) return;
        const mean = table[s]!.reduce((acc, p, a) => acc + p * q[s]![a]!, 0);
        const v = o.values[s]!;
        if (!(Math.abs(mean - v) <= 1e-9 * Math.max(1, Math.abs(v)))) {
          throw new ClaimViolation(
            `copy ${k}, state ${s}: Σ_a π(a | s) Q_γ(s, a) = ${mean}, but V_γ(s) = ${v}`,
          );
        }
      });
      // an arbitrary baseline: it must not change the expected gradient
      const b = Array.from({ length: S }, () => 50 * rng.normal());
      // β along the schedule: the first update's, then a third and two thirds of the way down
      const beta = entropyBonus(defaultConfig, (k * defaultConfig.entropyEpisodes) / COPIES);
      // the bonus must be on in every copy, at β_0 (1 − k/3): a β of 0 would test nothing
      if (!(Math.abs(beta - defaultConfig.entropy * (1 - k / COPIES)) <= 1e-12 && beta > 0)) {
        throw new ClaimViolation(`copy ${k}: β = ${beta}, not β_0 (1 − ${k}/${COPIES})`);
      }
      // the expected batch weights training builds: W̄ = d π (Q_γ − b), E = β n with n → d
      W.push(table.map((row, s) => row.map((p, a) => o.visits[s]! * p * (q[s]![a]! - b[s]!))));
      E.push(o.visits.map((d) => beta * d));
      surrogates.push((x) => expectedSurrogate(softmaxRows(forward64(x)), o.visits, q, b, beta));
      // the entropy part alone, to report how much of the derivative it carries
      const zeroQ = q.map((r) => r.map(() => 0));
      const zeroB = b.map(() => 0);
      surrogates.push((x) =>
        expectedSurrogate(softmaxRows(forward64(x)), o.visits, zeroQ, zeroB, beta)
      );
    }
    const wT = tf.tensor3d(W);
    const eT = tf.tensor2d(E);
    const { grads, value } = tf.variableGrads(() => lossOf(net, wT, eT), net.variables);
    const g = net.variables.map((v) => grads[v.name]!);
    try {
      for (let k = 0; k < COPIES; k++) {
        const central = (f: (w: MlpWeights) => number, u: MlpWeights) =>
          (f(moveWeights(base[k]!, u, FD_STEP)) - f(moveWeights(base[k]!, u, -FD_STEP))) /
          (2 * FD_STEP);
        for (let i = 0; i < DIRECTIONS; i++) {
          const u = randomDirection(base[k]!, rng);
          const fd = central(surrogates[2 * k]!, u);
          const fdEntropy = central(surrogates[2 * k + 1]!, u);
          entropyShare = Math.max(entropyShare, Math.abs(fdEntropy) / Math.max(1, Math.abs(fd)));
          const tfjs = -(await dotCopy(g, u, k));
          // float32 gradient of a sum of ~200 terms: 1e-3 relative to the size of the derivative
          const tol = 1e-3 * Math.max(1, Math.abs(fd));
          worst = Math.min(worst, tol - Math.abs(tfjs - fd));
          notes.push(
            `copy ${k}, direction ${i}: ∂F/∂u = ${fd.toFixed(4)} (entropy part ` +
              `${fdEntropy.toFixed(4)}), tfjs ${tfjs.toFixed(4)}`,
          );
          if (!(Math.abs(tfjs - fd) <= tol)) {
            throw new ClaimViolation(
              `copy ${k}, direction ${i}: −⟨∇ loss, u⟩ = ${tfjs} but the central difference of ` +
                `the surrogate F is ${fd} (entropy part ${fdEntropy}; tolerance ` +
                `${tol.toExponential(2)})`,
            );
          }
        }
      }
    } finally {
      tf.dispose([wT, eT, value, ...g]);
    }
  } finally {
    disposeStackedMlp(net);
  }
  return {
    over: `${COPIES} random policy networks (hidden ${defaultConfig.hidden}, output scale ` +
      `${OUTPUT_SCALE}) on the handout's walk, γ = ${gamma}, β on the schedule ` +
      `(${defaultConfig.entropy} at the first update and two later values), ${DIRECTIONS} ` +
      `random directions each, an arbitrary baseline`,
    cases: COPIES * DIRECTIONS,
    worstMargin: worst,
    note: `${notes[0]!}; the entropy part carries up to ${(100 * entropyShare).toFixed(1)}% of ` +
      `a directional derivative`,
  };
}

/** The mistake of 18e's control: the bonus added to the minimised loss (entropy minimised). */
export const entropyMinimised: PolicyObjective = (net, w, e) =>
  tf.add(stackedPolicyLoss(net, w), stackedEntropy(net, e));

/**
 * The second mistake: the entropy taken with the logits where the log-probabilities belong,
 * −Σ_a π(a | s) f_θ(s)_a (the log-normaliser dropped).
 */
export const entropyOfLogits: PolicyObjective = (net, w, e) => {
  const logits = stackedForwardAll(net); // [K, S, A]
  const wrongH = tf.neg(tf.sum(tf.mul(tf.softmax(logits), logits), 2)); // [K, S]
  return tf.sub(stackedPolicyLoss(net, w), tf.sum(tf.mul(e, wrongH)));
};
