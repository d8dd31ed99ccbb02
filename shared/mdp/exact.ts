/**
 * Exact rational evaluation (mathjs Fraction) for small MDPs, where ties between actions
 * must be decided exactly rather than up to a float tolerance.
 *
 * Every probability, reward, γ and policy entry is read as the simplest rational that
 * rounds to the same double (fraction.js's conversion), and the conversion is checked to
 * round-trip. For the small-denominator inputs the suite generates (integer weights
 * normalised, rewards in quarters) this is the intended rational.
 *
 * @module
 */
import { type Fraction, fraction, lusolve } from "mathjs";
import { type FiniteMdp, MdpInputError } from "./model.ts";
import { liveStates, trappedStates } from "./evaluation.ts";
import { type Policy, validatePolicy } from "./policy.ts";

/** A policy given exactly: policy[s][a] = π(a | s) as fractions. */
export type ExactPolicy = readonly (readonly Fraction[])[];

/** Exact V^π and Q^π as fractions. */
export interface ExactPolicyValues {
  /** V^π(s). */
  V: Fraction[];
  /** Q^π(s, a). */
  Q: Fraction[][];
}

/**
 * The rational a double stands for (simplest one rounding to it), checked to round-trip.
 *
 * @param x a finite double
 * @param where what it is, for the message
 * @returns the fraction
 * @throws MdpInputError if x is not finite or does not round-trip
 * @example
 * ```ts
 * import { toFraction } from "./exact.ts";
 * if (toFraction(1 / 3, "p").toFraction() !== "1/3") throw new Error();
 * ```
 */
export function toFraction(x: number, where: string): Fraction {
  if (!Number.isFinite(x)) throw new MdpInputError(`${where} = ${x} has no exact rational value`);
  const f = fraction(x);
  if (f.valueOf() !== x) {
    throw new MdpInputError(`${where} = ${x} does not round-trip through a fraction (${f})`);
  }
  return f;
}

const ZERO = fraction(0);
const ONE = fraction(1);

/**
 * Exact policy evaluation in rational arithmetic: solves (I − γP^π)V = r^π with Fraction
 * entries, then Q^π(s, a) = Σ p (r + γ V^π(s')).
 *
 * @param mdp a small MDP
 * @param pi the policy, as doubles (read as rationals) or as fractions
 * @returns exact V^π and Q^π
 * @throws MdpInputError if the system is singular (γ = 1 and π improper)
 * @example
 * ```ts
 * import { evaluatePolicyExact, makeMdp } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 2 / 3, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (evaluatePolicyExact(mdp, [[1]]).V[0]!.toFraction() !== "3") throw new Error();
 * ```
 */
export function evaluatePolicyExact(mdp: FiniteMdp, pi: Policy | ExactPolicy): ExactPolicyValues {
  const piNumbers = pi.map((row) => row.map((x) => Number(x.valueOf())));
  validatePolicy(mdp, piNumbers);
  // γ = 1 with a state that never terminates: singular even when LU happens to "solve" it
  if (mdp.gamma === 1) {
    const trapped = trappedStates(mdp, piNumbers);
    if (trapped.length > 0) {
      throw new MdpInputError(
        `exact evaluation: I − γP^π is singular (γ = 1): the policy never reaches a terminal ` +
          `state from state ${trapped[0]}`,
      );
    }
  }
  const gamma = toFraction(mdp.gamma, "γ");
  const piF = pi.map((row, s) =>
    row.map((x, a) => typeof x === "number" ? toFraction(x, `π(a=${a} | s=${s})`) : x)
  );
  piF.forEach((row, s) => {
    const total = row.reduce((acc, x) => acc.add(x), ZERO);
    if (!total.equals(ONE)) {
      throw new MdpInputError(
        `π(· | s=${s}): exact probabilities sum to ${total.toFraction()}, not 1`,
      );
    }
  });
  const live = liveStates(mdp);
  const index = new Map(live.map((s, i) => [s, i]));
  const V: Fraction[] = new Array(mdp.nStates).fill(ZERO);
  if (live.length > 0) {
    const A: Fraction[][] = live.map((_, i) => live.map((_, j) => (i === j ? ONE : ZERO)));
    const b: Fraction[][] = live.map(() => [ZERO]);
    live.forEach((s, i) => {
      for (let a = 0; a < mdp.nActions; a++) {
        const w = piF[s]![a]!;
        if (w.equals(ZERO)) continue;
        mdp.outcomes[s]![a]!.forEach((o, k) => {
          const p = toFraction(o.prob, `p(outcome ${k} | s=${s}, a=${a})`);
          const r = toFraction(o.reward, `r(outcome ${k} | s=${s}, a=${a})`);
          const wp = w.mul(p);
          b[i]![0] = b[i]![0]!.add(wp.mul(r));
          const j = index.get(o.next);
          if (j !== undefined) A[i]![j] = A[i]![j]!.sub(gamma.mul(wp));
        });
      }
    });
    let x: Fraction[][];
    try {
      x = lusolve(A, b) as unknown as Fraction[][];
    } catch (e) {
      throw new MdpInputError(
        `exact evaluation: I − γP^π is singular (γ = ${mdp.gamma}): ${(e as Error).message}`,
      );
    }
    live.forEach((s, i) => {
      // mathjs's solver returns plain 0s where the solution is zero; make them fractions
      const v = x[i]![0]! as Fraction | number;
      V[s] = typeof v === "number" ? toFraction(v, `V(s=${s})`) : v;
    });
  }
  return { V, Q: lookaheadExact(mdp, V, gamma) };
}

/**
 * Exact one-step lookahead Q(s, a) = Σ p (r + γ V(s')) in fractions (0 at terminal states).
 *
 * @param mdp the MDP
 * @param V exact values
 * @param gamma γ as a fraction (default: the MDP's)
 * @returns q[s][a]
 * @example
 * ```ts
 * import { fraction } from "mathjs";
 * import { lookaheadExact, makeMdp } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (lookaheadExact(mdp, [fraction(2)])[0]![0]!.toFraction() !== "2") throw new Error();
 * ```
 */
export function lookaheadExact(
  mdp: FiniteMdp,
  V: readonly Fraction[],
  gamma: Fraction = toFraction(mdp.gamma, "γ"),
): Fraction[][] {
  return mdp.outcomes.map((row, s) =>
    mdp.isTerminal[s]
      ? new Array(mdp.nActions).fill(ZERO)
      : row.map((list, a) =>
        list.reduce((acc, o, k) => {
          const p = toFraction(o.prob, `p(outcome ${k} | s=${s}, a=${a})`);
          const r = toFraction(o.reward, `r(outcome ${k} | s=${s}, a=${a})`);
          const next = mdp.isTerminal[o.next] ? ZERO : V[o.next]!;
          return acc.add(p.mul(r.add(gamma.mul(next))));
        }, ZERO)
      )
  );
}

/** Exact optimal values with exact argmax sets. */
export interface ExactOptimalSolution {
  /** V* exactly. */
  V: Fraction[];
  /** Q* exactly. */
  Q: Fraction[][];
  /** argmax_a Q*(s, a) for each state, decided exactly. */
  argmax: number[][];
  /** Policy evaluations done, the last one confirming that no state switches (1 from an optimal start). */
  iterations: number;
}

/** Options for {@link optimalValuesExact}. */
export interface ExactPolicyIterationOptions {
  /**
   * Give up (with an Error) once this many policy evaluations have not reached a stable
   * policy: a positive integer or `Infinity`. Default `Infinity`: the loop always ends, within
   * |A|^(number of live states) evaluations (see {@link optimalValuesExact}).
   */
  maxEvaluations?: number;
}

/**
 * V*, Q* and the exact argmax sets, by policy iteration in rational arithmetic. At the end
 * the Bellman optimality equation V(s) = max_a Q(s, a) holds exactly, which characterises V*.
 *
 * It needs no iteration cap: each state switches only to an action whose exact Q^π is
 * strictly larger, so by the policy improvement theorem V^π rises (weakly everywhere,
 * strictly at a switched state) and no deterministic policy is met twice; hence at most
 * |A|^(number of live states) evaluations. At γ = 1 the same holds for proper policies, and a
 * switch to an improper one is refused by the evaluation.
 *
 * @param mdp a small MDP
 * @param start initial deterministic policy (default action 0 everywhere; a float solution's actions make this fast)
 * @param options an optional cap on the number of policy evaluations
 * @returns exact V*, Q*, argmax sets and the number of policy evaluations
 * @throws MdpInputError if `maxEvaluations` is not a positive integer or `Infinity`, or if a
 *   policy met on the way cannot be evaluated (γ = 1 and the policy is improper)
 * @throws Error if `maxEvaluations` evaluations pass without a stable policy
 * @example
 * ```ts
 * import { makeMdp, optimalValuesExact } from "./mod.ts";
 * // two actions with the same outcome: an exact tie
 * const o = [{ next: 0, reward: 1, prob: 1 }];
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[o, o]] });
 * if (optimalValuesExact(mdp).argmax[0]!.join() !== "0,1") throw new Error();
 * ```
 */
export function optimalValuesExact(
  mdp: FiniteMdp,
  start?: readonly number[],
  options: ExactPolicyIterationOptions = {},
): ExactOptimalSolution {
  const maxEvaluations = options.maxEvaluations ?? Infinity;
  if (!(Number.isInteger(maxEvaluations) && maxEvaluations >= 1) && maxEvaluations !== Infinity) {
    throw new MdpInputError(
      `maxEvaluations must be a positive integer or Infinity, got ${maxEvaluations}`,
    );
  }
  let actions = start ? [...start] : new Array<number>(mdp.nStates).fill(0);
  // ends by the policy improvement theorem (see above), not by a count
  for (let iterations = 1;; iterations++) {
    const pi = actions.map((a) =>
      Array.from({ length: mdp.nActions }, (_, b) => (a === b ? 1 : 0))
    );
    const { V, Q } = evaluatePolicyExact(mdp, pi);
    let changed = false;
    actions = actions.map((a, s) => {
      let best = a;
      Q[s]!.forEach((q, b) => {
        if (q.compare(Q[s]![best]!) > 0) best = b;
      });
      if (best !== a) changed = true;
      return best;
    });
    if (!changed) {
      const argmax = Q.map((row, s) => {
        const max = row[actions[s]!]!;
        return row.flatMap((q, b) => (q.equals(max) ? [b] : []));
      });
      return { V, Q, argmax, iterations };
    }
    if (iterations >= maxEvaluations) {
      throw new Error(
        `exact policy iteration did not stabilise in ${maxEvaluations} policy evaluations`,
      );
    }
  }
}

/**
 * A policy spread over given action sets: in state s, action a gets weight w[s][a] if a is
 * in sets[s] and 0 otherwise, normalised exactly (as fractions).
 *
 * @param sets allowed actions per state (non-empty)
 * @param weights positive integer weights per state and action
 * @returns the exact policy
 * @throws MdpInputError if a set is empty or a weight is not a positive integer
 * @example
 * ```ts
 * import { policyOnSets } from "./mod.ts";
 * const pi = policyOnSets([[0, 2]], [[1, 5, 3]]);
 * if (pi[0]!.map((f) => f.toFraction()).join() !== "1/4,0,3/4") throw new Error();
 * ```
 */
export function policyOnSets(
  sets: readonly (readonly number[])[],
  weights: readonly (readonly number[])[],
): Fraction[][] {
  return sets.map((set, s) => {
    const w = weights[s]!;
    if (set.length === 0) throw new MdpInputError(`state ${s}: the allowed action set is empty`);
    let total = 0;
    for (const a of set) {
      const x = w[a]!;
      if (!Number.isInteger(x) || x <= 0) {
        throw new MdpInputError(`state ${s}, action ${a}: weight ${x} is not a positive integer`);
      }
      total += x;
    }
    return w.map((x, a) => (set.includes(a) ? fraction(x, total) : fraction(0)));
  });
}
