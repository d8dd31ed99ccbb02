/**
 * Independent computations the claims compare the training code with: every episode of a
 * small walk enumerated with its probability (no sampling, no dynamic programming), and
 * the MLP's outputs recomputed in float64 from the values of its tfjs variables (for
 * central differences of the exact objective).
 *
 * @module
 */
import type { CliffWalk, Episode } from "../../shared/cliff/mod.ts";

/** An episode with its probability. */
export interface WeightedEpisode {
  /** The episode. */
  episode: Pick<Episode, "states" | "actions" | "rewards" | "finalState" | "truncated">;
  /** Its probability under the policy and the walk. */
  prob: number;
}

/**
 * Every episode of at most `horizon` moves from `start` under `table`, with its
 * probability: a depth-first walk over actions and outcomes. The probabilities sum to 1.
 *
 * @param walk the walk (slippery or not)
 * @param table rows π(· | s)
 * @param horizon the time limit H (episodes still running at H are truncated)
 * @param start the start state
 * @returns the episodes
 */
export function enumerateEpisodes(
  walk: CliffWalk,
  table: readonly (readonly number[])[],
  horizon: number,
  start: number = walk.start,
): WeightedEpisode[] {
  const out: WeightedEpisode[] = [];
  const states: number[] = [];
  const actions: number[] = [];
  const rewards: number[] = [];
  const visit = (s: number, prob: number) => {
    if (walk.isTerminal[s] || states.length === horizon) {
      out.push({
        episode: {
          states: [...states],
          actions: [...actions],
          rewards: [...rewards],
          finalState: s,
          truncated: !walk.isTerminal[s],
        },
        prob,
      });
      return;
    }
    for (let a = 0; a < walk.nActions; a++) {
      const pa = table[s]![a]!;
      if (pa === 0) continue;
      for (const o of walk.outcomes[s]![a]!) {
        states.push(s);
        actions.push(a);
        rewards.push(o.reward);
        visit(o.next, prob * pa * o.prob);
        states.pop();
        actions.pop();
        rewards.pop();
      }
    }
  };
  visit(start, 1);
  return out;
}

/** The variables of one MLP copy as float64 arrays (row-major). */
export interface MlpWeights {
  /** [S × H] */
  w1: Float64Array;
  /** [H] */
  b1: Float64Array;
  /** [H × O] */
  w2: Float64Array;
  /** [O] */
  b2: Float64Array;
  /** S */
  nStates: number;
  /** H */
  hidden: number;
  /** O */
  nOut: number;
}

/**
 * The MLP on every state in float64: out[s] = tanh(w1[s] + b1) w2 + b2 (the input is
 * one-hot(s), so the first layer is row s of w1).
 *
 * @param w the weights
 * @returns [S][O] outputs
 */
export function forward64(w: MlpWeights): number[][] {
  const out: number[][] = [];
  for (let s = 0; s < w.nStates; s++) {
    const row = new Array<number>(w.nOut).fill(0);
    for (let h = 0; h < w.hidden; h++) {
      const z = Math.tanh(w.w1[s * w.hidden + h]! + w.b1[h]!);
      for (let o = 0; o < w.nOut; o++) row[o]! += z * w.w2[h * w.nOut + o]!;
    }
    out.push(row.map((x, o) => x + w.b2[o]!));
  }
  return out;
}

/**
 * Softmax of each row in float64 (max-shifted).
 *
 * @param logits rows of logits
 * @returns rows of probabilities
 */
export function softmaxRows(logits: readonly (readonly number[])[]): number[][] {
  return logits.map((z) => {
    const m = Math.max(...z);
    const e = z.map((x) => Math.exp(x - m));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / total);
  });
}

/**
 * w + h · u, componentwise over the four arrays (u has the same layout).
 *
 * @param w the weights
 * @param u the direction
 * @param h the step
 * @returns the moved weights
 */
export function moveWeights(w: MlpWeights, u: MlpWeights, h: number): MlpWeights {
  const add = (a: Float64Array, b: Float64Array) => a.map((x, i) => x + h * b[i]!);
  return {
    ...w,
    w1: add(w.w1, u.w1),
    b1: add(w.b1, u.b1),
    w2: add(w.w2, u.w2),
    b2: add(w.b2, u.b2),
  };
}

/**
 * The surrogate whose gradient at θ_0 the trained policy step follows in expectation (README,
 * "What the step is a gradient of"): with d_0, Q_0 and b held at their values for θ_0,
 *   F(θ) = Σ_s d_0(s) [Σ_a π_θ(a | s) (Q_0(s, a) − b(s)) + β H(π_θ(· | s))],
 * in float64 from a policy table. Entropy with 0 log 0 = 0.
 *
 * @param table rows π_θ(· | s)
 * @param visits d_0(s), the expected visits under θ_0 (0 at terminal states)
 * @param q Q_0(s, a) (rows unused where visits are 0)
 * @param baseline b(s)
 * @param beta β, the entropy bonus
 * @returns F(θ)
 */
export function expectedSurrogate(
  table: readonly (readonly number[])[],
  visits: readonly number[],
  q: readonly (readonly number[])[],
  baseline: readonly number[],
  beta: number,
): number {
  let total = 0;
  table.forEach((row, s) => {
    const d = visits[s]!;
    if (d === 0) return;
    let pg = 0;
    let entropy = 0;
    row.forEach((p, a) => {
      pg += p * (q[s]![a]! - baseline[s]!);
      if (p > 0) entropy -= p * Math.log(p);
    });
    total += d * (pg + beta * entropy);
  });
  return total;
}
