/**
 * The finite MDP model in the handout's notation. The dynamics p(r, s' | s, a) are given
 * as a finite list of outcomes (next state s', reward r, probability) for every
 * non-terminal state s and action a, so rewards may be random. Terminal states are
 * absorbing and worth 0 by convention; every action is available in every state.
 *
 * @module
 */

/** One outcome of taking action a in state s: reward r and next state s', with probability p. */
export interface Outcome {
  /** The next state s'. */
  readonly next: number;
  /** The reward r received on this transition. */
  readonly reward: number;
  /** p(r, s' | s, a) for this outcome. */
  readonly prob: number;
}

/** What a caller gives to {@link makeMdp}. */
export interface MdpSpec {
  /** outcomes[s][a]: the outcome list of (s, a). A terminal state's entry may be `[]`. */
  outcomes: readonly (readonly (readonly Outcome[])[])[];
  /** The discount factor γ ∈ [0, 1]. */
  gamma: number;
  /** Terminal (absorbing, zero-value) states. Default: none. */
  terminal?: readonly number[];
  /** R with |r| ≤ R for every outcome. Default: the largest |reward| present. */
  rewardBound?: number;
  /** The initial distribution p0 over states, if the MDP has one. */
  initial?: readonly number[];
  /** Number of actions; default: the longest action list among the states. */
  nActions?: number;
}

/** A validated finite MDP with its derived quantities. */
export interface FiniteMdp {
  /** |S|. */
  readonly nStates: number;
  /** |A|. */
  readonly nActions: number;
  /** γ. */
  readonly gamma: number;
  /** R: a bound on |r|. */
  readonly rewardBound: number;
  /** outcomes[s][a]; empty lists for terminal states. */
  readonly outcomes: readonly (readonly (readonly Outcome[])[])[];
  /** isTerminal[s]. */
  readonly isTerminal: readonly boolean[];
  /** p0, if given. */
  readonly initial?: readonly number[];
  /** r(s, a) = E[r | s, a]; 0 at terminal states. */
  readonly expectedReward: readonly (readonly number[])[];
  /** P(s' | s, a) as transition[s][a][s']; all zero at terminal states. */
  readonly transition: readonly (readonly (readonly number[])[])[];
}

/** Thrown for malformed MDP or policy input; the message names the place and the value. */
export class MdpInputError extends Error {
  override name = "MdpInputError";
}

/** Probabilities must sum to 1 within this (sums of a few decimals round). */
export const PROB_SUM_TOLERANCE = 1e-9;

/**
 * Validates a specification and builds the MDP with r(s, a) and P(s' | s, a).
 *
 * @param spec outcomes, γ, terminal states, reward bound, p0
 * @returns the validated MDP
 * @throws MdpInputError naming the state, action, outcome and bad value: a negative, NaN
 *   or non-summing probability, a next state out of range, a reward that is not finite or
 *   exceeds the bound, γ outside [0, 1], a wrong shape, a bad initial distribution
 * @example
 * ```ts
 * import { makeMdp } from "./model.ts";
 * // one state, two actions: stay with reward 1 or reward 0
 * const mdp = makeMdp({
 *   gamma: 0.5,
 *   outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]]],
 * });
 * if (mdp.expectedReward[0]![0] !== 1 || mdp.transition[0]![1]![0] !== 1) throw new Error();
 * ```
 */
export function makeMdp(spec: MdpSpec): FiniteMdp {
  const { outcomes, gamma } = spec;
  if (!isArray(outcomes) || outcomes.length === 0) {
    throw new MdpInputError("outcomes must be a non-empty array indexed by state");
  }
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma <= 1)) {
    throw new MdpInputError(`gamma must be in [0, 1], got ${gamma}`);
  }
  const nStates = outcomes.length;
  const isTerminal = new Array<boolean>(nStates).fill(false);
  for (const t of spec.terminal ?? []) {
    if (!Number.isInteger(t) || t < 0 || t >= nStates) {
      throw new MdpInputError(`terminal state ${t} is not a state index in [0, ${nStates})`);
    }
    isTerminal[t] = true;
  }
  let nActions = spec.nActions ?? 0;
  if (spec.nActions === undefined) {
    for (const row of outcomes) nActions = Math.max(nActions, row?.length ?? 0);
  }
  if (!Number.isInteger(nActions) || nActions < 1) {
    throw new MdpInputError(`the MDP needs at least one action, got nActions = ${nActions}`);
  }
  let maxAbsReward = 0;
  for (let s = 0; s < nStates; s++) {
    const row = outcomes[s]!;
    if (!isArray(row)) throw new MdpInputError(`outcomes[${s}] (state ${s}) is not an array`);
    if (isTerminal[s] && row.length === 0) continue;
    if (row.length !== nActions) {
      throw new MdpInputError(
        `state ${s} has ${row.length} action lists, expected ${nActions}` +
          (isTerminal[s] ? " (or [] for a terminal state)" : ""),
      );
    }
    for (let a = 0; a < nActions; a++) {
      const list = row[a]!;
      const where = `p(·, · | s=${s}, a=${a})`;
      if (!isArray(list) || list.length === 0) {
        throw new MdpInputError(`${where}: the outcome list is empty or not an array`);
      }
      let total = 0;
      list.forEach((o, i) => {
        if (!Number.isInteger(o.next) || o.next < 0 || o.next >= nStates) {
          throw new MdpInputError(
            `${where}, outcome ${i}: next state ${o.next} is not in [0, ${nStates})`,
          );
        }
        if (typeof o.prob !== "number" || Number.isNaN(o.prob)) {
          throw new MdpInputError(`${where}, outcome ${i}: probability is NaN`);
        }
        if (o.prob < 0 || !Number.isFinite(o.prob)) {
          throw new MdpInputError(`${where}, outcome ${i}: probability ${o.prob} is not in [0, 1]`);
        }
        if (typeof o.reward !== "number" || !Number.isFinite(o.reward)) {
          throw new MdpInputError(`${where}, outcome ${i}: reward ${o.reward} is not finite`);
        }
        maxAbsReward = Math.max(maxAbsReward, Math.abs(o.reward));
        total += o.prob;
      });
      if (Math.abs(total - 1) > PROB_SUM_TOLERANCE) {
        throw new MdpInputError(`${where}: probabilities sum to ${total}, not 1`);
      }
    }
  }
  const rewardBound = spec.rewardBound ?? maxAbsReward;
  if (!(rewardBound >= 0) || !Number.isFinite(rewardBound)) {
    throw new MdpInputError(`rewardBound must be finite and ≥ 0, got ${rewardBound}`);
  }
  if (maxAbsReward > rewardBound) {
    // name the first offending outcome
    for (let s = 0; s < nStates; s++) {
      if (isTerminal[s]) continue;
      for (let a = 0; a < nActions; a++) {
        outcomes[s]![a]!.forEach((o, i) => {
          if (Math.abs(o.reward) > rewardBound) {
            throw new MdpInputError(
              `p(·, · | s=${s}, a=${a}), outcome ${i}: |reward| = ${
                Math.abs(o.reward)
              } exceeds the bound R = ${rewardBound}`,
            );
          }
        });
      }
    }
  }
  if (spec.initial !== undefined) validateDistribution(spec.initial, nStates, "initial p0");

  const cleanOutcomes = outcomes.map((row, s) =>
    isTerminal[s]
      ? Array.from({ length: nActions }, () => [] as Outcome[])
      : row.map((list) => list.map((o) => ({ next: o.next, reward: o.reward, prob: o.prob })))
  );
  const expectedReward = cleanOutcomes.map((row) =>
    row.map((list) => list.reduce((acc, o) => acc + o.prob * o.reward, 0))
  );
  const transition = cleanOutcomes.map((row) =>
    row.map((list) => {
      const p = new Array<number>(nStates).fill(0);
      for (const o of list) p[o.next]! += o.prob;
      return p;
    })
  );
  return {
    nStates,
    nActions,
    gamma,
    rewardBound,
    outcomes: cleanOutcomes,
    isTerminal,
    initial: spec.initial ? [...spec.initial] : undefined,
    expectedReward,
    transition,
  };
}

/**
 * The same MDP with another discount factor (validated).
 *
 * @param mdp the MDP
 * @param gamma the new γ ∈ [0, 1]
 * @returns a copy with γ replaced
 * @example
 * ```ts
 * import { makeMdp, withGamma } from "./model.ts";
 * const m = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] });
 * if (withGamma(m, 0.5).gamma !== 0.5) throw new Error();
 * ```
 */
export function withGamma(mdp: FiniteMdp, gamma: number): FiniteMdp {
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma <= 1)) {
    throw new MdpInputError(`gamma must be in [0, 1], got ${gamma}`);
  }
  return { ...mdp, gamma };
}

/**
 * Checks that a vector is a probability distribution of the given length.
 *
 * @param p the vector
 * @param n its required length
 * @param label what it is, for the message (e.g. "π(· | s=3)")
 * @throws MdpInputError naming the index and bad value
 * @example
 * ```ts
 * import { validateDistribution } from "./model.ts";
 * validateDistribution([0.25, 0.75], 2, "p");
 * ```
 */
export function validateDistribution(p: ArrayLike<number>, n: number, label: string): void {
  if (p === null || typeof p !== "object" || p.length !== n) {
    throw new MdpInputError(`${label}: expected ${n} probabilities, got ${p?.length ?? p}`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = p[i]!;
    if (typeof x !== "number" || Number.isNaN(x)) {
      throw new MdpInputError(`${label}: entry ${i} is NaN`);
    }
    if (x < 0 || x > 1 + PROB_SUM_TOLERANCE) {
      throw new MdpInputError(`${label}: entry ${i} = ${x} is not a probability`);
    }
    total += x;
  }
  if (Math.abs(total - 1) > PROB_SUM_TOLERANCE) {
    throw new MdpInputError(`${label}: entries sum to ${total}, not 1`);
  }
}

/** Array test that does not narrow readonly element types to any (unlike Array.isArray). */
function isArray(x: unknown): boolean {
  return Array.isArray(x);
}
