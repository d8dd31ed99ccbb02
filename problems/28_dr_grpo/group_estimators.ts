/**
 * Group policy-gradient estimators and their exact expectations by enumeration.
 *
 * A group is N IID trajectories τ^(1), …, τ^(N) with terminal rewards r^(1), …, r^(N). Each
 * trajectory's score Σ_t ∇ log π_θ(a_t | s_t) is weighted by a group "advantage":
 * - Dr. GRPO: r^(i) − mean(r);
 * - GRPO: (r^(i) − mean(r)) / std(r) (population std; 0 when all rewards are equal);
 * - RLOO: r^(i) − mean of the other N − 1 rewards.
 * The estimator is (1/N) Σ_i Σ_t ∇ log π_θ(a_t^(i) | s_t^(i)) · advantage_i, and its
 * expectation is computed exactly by summing over every N-tuple of trajectories. The
 * length-normalised variant of the GRPO paper divides trajectory i's per-token terms by its
 * length |o_i| (here the number of moves T_i): (1/N) Σ_i (1/|o_i|) Σ_t ∇ log π · advantage_i.
 *
 * @module
 */
import { type FiniteMdp, MdpInputError } from "../../shared/mdp/mod.ts";
import { type Logits, softmaxPolicy, stepScore, trajectoryScore } from "./policy_gradient.ts";
import { enumerateTrajectories, type Trajectory } from "./terminal_mdp.ts";

/** Which group baseline an estimator uses. */
export type GroupBaseline = "dr-grpo" | "grpo" | "rloo";

/** How a group estimator weighs each trajectory's per-token terms. */
export interface GroupEstimatorOptions {
  /**
   * Divide trajectory i's terms by its length |o_i| (GRPO's per-response token mean);
   * default false (Dr. GRPO's plain sum).
   */
  perToken?: boolean;
}

/**
 * The per-trajectory weights of a group estimator.
 *
 * @param rewards r^(1), …, r^(N)
 * @param kind Dr. GRPO (r − mean), GRPO ((r − mean)/std) or RLOO (r − mean of the others)
 * @returns one advantage per trajectory
 * @throws MdpInputError for an empty group, a non-finite reward, RLOO with N = 1, or GRPO
 *   rewards that differ by less than about 1e-160
 * @example
 * ```ts
 * import { groupAdvantages } from "./mod.ts";
 * if (groupAdvantages([1, 0], "dr-grpo").join() !== "0.5,-0.5") throw new Error();
 * if (groupAdvantages([1, 0], "grpo").join() !== "1,-1") throw new Error();
 * if (groupAdvantages([1, 0], "rloo").join() !== "1,-1") throw new Error();
 * ```
 */
export function groupAdvantages(rewards: readonly number[], kind: GroupBaseline): number[] {
  const n = rewards.length;
  if (n === 0) throw new MdpInputError("a group needs at least one trajectory");
  rewards.forEach((r, i) => {
    if (!Number.isFinite(r)) throw new MdpInputError(`reward ${i} of the group is ${r}`);
  });
  const sum = rewards.reduce((a, b) => a + b, 0);
  const mean = sum / n;
  switch (kind) {
    case "dr-grpo":
      return rewards.map((r) => r - mean);
    case "grpo": {
      // all rewards equal: every numerator is 0, and GRPO implementations give advantage 0.
      // Decided on the rewards, not on std = 0: their float mean need not equal them (0.1 +
      // 0.1 + 0.1 is 0.30000000000000004), and that residue over an equally tiny std gives −1s
      if (rewards.every((r) => r === rewards[0])) return rewards.map(() => 0);
      const std = Math.sqrt(rewards.reduce((acc, r) => acc + (r - mean) ** 2, 0) / n);
      if (!(std > 0)) {
        // distinct rewards whose squared deviations underflow (below about 1e-160 apart)
        throw new MdpInputError(`rewards ${rewards.join(", ")} differ too little to standardise`);
      }
      return rewards.map((r) => (r - mean) / std);
    }
    case "rloo":
      if (n < 2) throw new MdpInputError("RLOO needs a group of at least 2 trajectories");
      return rewards.map((r) => r - (sum - r) / (n - 1));
    default:
      throw new MdpInputError(`unknown group baseline ${JSON.stringify(kind)}`);
  }
}

/**
 * The exact expectation of a group estimator,
 * E[(1/N) Σ_i (1/|o_i|)^λ Σ_t ∇ log π_θ(a_t^(i) | s_t^(i)) · advantage_i] (λ = 1 with
 * `perToken`, else 0), by summing over every N-tuple of trajectories (|trajectories|^N terms)
 * with its product probability.
 *
 * @param mdp a terminal-reward MDP with a finite horizon
 * @param theta logits of the softmax policy
 * @param n the group size N ≥ 1
 * @param kind the group baseline
 * @param options `perToken`: divide each trajectory's terms by its length
 * @returns the expected estimator, shaped like θ
 * @throws MdpInputError for N < 1 or a group larger than 10^7 tuples
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { expectedGroupGradient } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * // ∇J = [1/4, −1/4] at θ = 0; Dr. GRPO with N = 2 gives half of it
 * const g = expectedGroupGradient(bandit, [[0, 0], [0, 0]], 2, "dr-grpo");
 * if (Math.abs(g[0]![0]! - 0.125) > 1e-15) throw new Error();
 * ```
 */
export function expectedGroupGradient(
  mdp: FiniteMdp,
  theta: Logits,
  n: number,
  kind: GroupBaseline,
  options: GroupEstimatorOptions = {},
): number[][] {
  if (!Number.isInteger(n) || n < 1) {
    throw new MdpInputError(`the group size N must be a positive integer, got ${n}`);
  }
  const pi = softmaxPolicy(mdp, theta);
  const trajs = enumerateTrajectories(mdp, pi);
  const m = trajs.length;
  checkTupleCount(m, n);
  const S = mdp.nStates;
  const A = mdp.nActions;
  const D = S * A;
  const scores = trajs.map((t) => Float64Array.from(trajectoryScore(pi, t).flat())); // [m][D]
  // 1/|o_i| for the per-token mean, else 1
  const scale = trajs.map((t) => (options.perToken ? 1 / t.states.length : 1));
  const acc = new Float64Array(D);
  const rewards = new Array<number>(n);
  for (const idx of indexTuples(m, n)) {
    // the tuple (τ^(idx[0]), …, τ^(idx[n−1])), IID: its probability is the product
    let p = 1;
    idx.forEach((t, i) => {
      p *= trajs[t]!.prob;
      rewards[i] = trajs[t]!.reward;
    });
    // only saves time: a tuple of probability 0 would add 0 · (finite advantage) below
    if (p > 0) {
      const adv = groupAdvantages(rewards, kind);
      idx.forEach((t, i) => {
        const w = (p * adv[i]! * scale[t]!) / n;
        if (w !== 0) scores[t]!.forEach((x, d) => (acc[d]! += w * x));
      });
    }
  }
  return Array.from({ length: S }, (_, s) => Array.from(acc.subarray(s * A, (s + 1) * A)));
}

/** A finite random variable Y: values with probabilities. */
export type FiniteLaw = readonly { readonly value: number; readonly prob: number }[];

/**
 * The exact E_τ E_Y[∇ log π_θ(a_t | s_t) b(Y)] when the law of Y may depend on the
 * trajectory: `lawOfY(τ)` gives the conditional law of Y given τ (a constant function is an
 * independent Y). The step score is 0 for t ≥ T.
 *
 * @param mdp a terminal-reward MDP with a finite horizon
 * @param theta logits of the softmax policy
 * @param t the time step
 * @param lawOfY the law of Y given the trajectory
 * @param b the baseline function b(Y)
 * @returns the expectation, shaped like θ
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { expectedStepScoreTimesBaseline } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * const coin = [{ value: 0, prob: 0.5 }, { value: 1, prob: 0.5 }];
 * const g = expectedStepScoreTimesBaseline(bandit, [[1, 0], [0, 0]], 0, () => coin, (y) => 3 * y - 7);
 * if (Math.max(...g.flat().map(Math.abs)) > 1e-15) throw new Error();
 * ```
 */
export function expectedStepScoreTimesBaseline(
  mdp: FiniteMdp,
  theta: Logits,
  t: number,
  lawOfY: (traj: Trajectory) => FiniteLaw,
  b: (y: number) => number,
): number[][] {
  const pi = softmaxPolicy(mdp, theta);
  const out = pi.map((row) => row.map(() => 0));
  for (const traj of enumerateTrajectories(mdp, pi)) {
    // E[b(Y) | τ]
    const eb = lawOfY(traj).reduce((acc, y) => acc + y.prob * b(y.value), 0);
    const g = stepScore(pi, traj, t);
    g.forEach((row, s) => row.forEach((x, a) => (out[s]![a]! += traj.prob * eb * x)));
  }
  return out;
}

/**
 * The law of the terminal reward r of one trajectory under π_θ (equal rewards merged).
 *
 * @param mdp a terminal-reward MDP with a finite horizon
 * @param theta logits of the softmax policy
 * @returns the law of r
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { rewardLaw } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * const law = rewardLaw(bandit, [[0, 0], [0, 0]]);
 * if (law.length !== 2 || law[0]!.prob !== 0.5) throw new Error();
 * ```
 */
export function rewardLaw(mdp: FiniteMdp, theta: Logits): FiniteLaw {
  const pi = softmaxPolicy(mdp, theta);
  const byValue = new Map<number, number>();
  for (const tr of enumerateTrajectories(mdp, pi)) {
    byValue.set(tr.reward, (byValue.get(tr.reward) ?? 0) + tr.prob);
  }
  return [...byValue].map(([value, prob]) => ({ value, prob }));
}

/** The most tuples an exact expectation enumerates: 10^7 take a few seconds. */
export const MAX_ENUMERATED_TUPLES = 10_000_000;

/**
 * Refuses to enumerate more than {@link MAX_ENUMERATED_TUPLES} tuples: `m` trajectories (or
 * reward values) in each of `n` places make m^n of them.
 *
 * @param m choices per place
 * @param n places
 * @throws MdpInputError naming m^n when m^n > 10^7
 * @example
 * ```ts
 * import { checkTupleCount } from "./mod.ts";
 * checkTupleCount(10, 7); // exactly 10^7: accepted
 * let refused = false;
 * try { checkTupleCount(10, 8); } catch { refused = true; }
 * if (!refused) throw new Error();
 * ```
 */
export function checkTupleCount(m: number, n: number): void {
  if (m ** n > MAX_ENUMERATED_TUPLES) {
    throw new MdpInputError(`${m}^${n} tuples of trajectories are too many to enumerate`);
  }
}

/**
 * Every tuple in {0, …, base − 1}^length, tuple number c being the base-`base` digits of c
 * (least significant first); length 0 gives the one empty tuple. The same array is yielded
 * each time, rewritten in place: read it before the next step. Decoding each count, rather
 * than carrying an odometer, keeps the tuple exactly `length` long, which is the group size
 * the callers' rewards inherit, and visits each tuple exactly once.
 *
 * @param base choices per place (≥ 1)
 * @param length places (≥ 0)
 * @returns a generator of the base^length tuples
 * @example
 * ```ts
 * import { indexTuples } from "./mod.ts";
 * const all = [...indexTuples(2, 2)].length; // the generator reuses one array: count only
 * const listed = Array.from(indexTuples(3, 2), (t) => t.join("")).join(" ");
 * if (all !== 4 || listed !== "00 10 20 01 11 21 02 12 22") throw new Error(listed);
 * ```
 */
export function* indexTuples(base: number, length: number): Generator<readonly number[]> {
  const idx = new Array<number>(length);
  const total = base ** length;
  for (let count = 0; count < total; count++) {
    let rest = count;
    for (let j = 0; j < length; j++) {
      idx[j] = rest % base;
      rest = (rest - idx[j]!) / base;
    }
    yield idx;
  }
}
