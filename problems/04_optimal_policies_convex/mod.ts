/**
 * Problem 4: characterisations of optimal policies. Tools for the checks: exhaustive
 * search over deterministic policies, action values by a linear solve on state–action
 * pairs (independent of the state-value solve), policies spread over argmax sets, and
 * exact (rational) optimality tests.
 *
 * @module
 */
import { type Fraction, fraction } from "mathjs";
import {
  deterministicPolicy,
  evaluateActionValues,
  evaluatePolicy,
  evaluatePolicyExact,
  type ExactPolicy,
  type FiniteMdp,
  MdpInputError,
  type Policy,
} from "../../shared/mdp/mod.ts";

/**
 * Every deterministic policy, as one action per state (|A|^|S| of them).
 *
 * @param mdp the MDP
 * @param limit refuse to enumerate more than this many (default 4096)
 * @returns the list of action choices
 * @throws MdpInputError if |A|^|S| exceeds the limit
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { allDeterministicPolicies } from "./mod.ts";
 * const o = [{ next: 0, reward: 0, prob: 1 }];
 * const m = makeMdp({ gamma: 0.5, outcomes: [[o, o], [o, o]] });
 * if (allDeterministicPolicies(m).length !== 4) throw new Error();
 * ```
 */
export function allDeterministicPolicies(mdp: FiniteMdp, limit?: number): number[][] {
  const count = mdp.nActions ** mdp.nStates;
  // the default limit is part of the refusal: it bounds the work, not the mathematics
  if (count > (limit ?? 4096)) {
    throw new MdpInputError(
      `${mdp.nActions}^${mdp.nStates} = ${count} deterministic policies exceed the limit ${
        limit ?? 4096
      }`,
    );
  }
  const out: number[][] = [];
  for (let code = 0; code < count; code++) {
    const actions: number[] = [];
    let c = code;
    for (let s = 0; s < mdp.nStates; s++) {
      actions.push(c % mdp.nActions);
      c = Math.floor(c / mdp.nActions);
    }
    out.push(actions);
  }
  return out;
}

/**
 * V*(s) = max over all deterministic policies of V^π(s), by exhaustive search with
 * float64 linear-solve evaluation. (By Lemma C of the proof this maximum is the supremum
 * over all policies.)
 *
 * @param mdp a small MDP
 * @returns V* per state
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { optimalValuesByEnumeration } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * if (optimalValuesByEnumeration(m)[0] !== 2) throw new Error();
 * ```
 */
export function optimalValuesByEnumeration(mdp: FiniteMdp): number[] {
  const best = new Array<number>(mdp.nStates).fill(-Infinity);
  for (const actions of allDeterministicPolicies(mdp)) {
    const { V } = evaluatePolicy(mdp, deterministicPolicy(mdp, actions));
    V.forEach((v, s) => (best[s] = Math.max(best[s]!, v)));
  }
  return best;
}

/**
 * Q^π by solving its own Bellman equation on state–action pairs,
 * Q(s, a) = r(s, a) + γ Σ_{s'} P(s' | s, a) Σ_{a'} π(a' | s') Q(s', a'),
 * a system of size |S||A| that never forms V^π (an independent route to Q^π; it is
 * `evaluateActionValues` of shared/mdp).
 *
 * @param mdp the MDP
 * @param pi the policy
 * @returns q[s][a]
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { actionValuesBySolve } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * const q = actionValuesBySolve(m, [[0, 1]]);
 * if (Math.abs(q[0]![0]! - 1) > 1e-12 || Math.abs(q[0]![1]! - 2) > 1e-12) throw new Error();
 * ```
 */
export function actionValuesBySolve(mdp: FiniteMdp, pi: Policy): number[][] {
  return evaluateActionValues(mdp, pi);
}

/**
 * Q*(s, a) = max over all deterministic policies of Q^π(s, a), entry by entry, with Q^π from
 * the state–action solve ({@link actionValuesBySolve}). By Problem 3 an optimal deterministic
 * policy attains every entry at once, so this is Q*; it never forms V* and never maximises a
 * lookahead, which makes it an independent route for 04b.
 *
 * @param mdp a small MDP
 * @returns Q* as q[s][a]
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { optimalActionValuesByEnumeration } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * const q = optimalActionValuesByEnumeration(m);
 * if (Math.abs(q[0]![0]! - 1) > 1e-12 || Math.abs(q[0]![1]! - 2) > 1e-12) throw new Error();
 * ```
 */
export function optimalActionValuesByEnumeration(mdp: FiniteMdp): number[][] {
  const best = Array.from(
    { length: mdp.nStates },
    () => new Array<number>(mdp.nActions).fill(-Infinity),
  );
  for (const actions of allDeterministicPolicies(mdp)) {
    const q = actionValuesBySolve(mdp, deterministicPolicy(mdp, actions));
    q.forEach((row, s) => row.forEach((x, a) => (best[s]![a] = Math.max(best[s]![a]!, x))));
  }
  return best;
}

/**
 * The exact mixture θπ + (1 − θ)ν of two exact policies, state by state.
 *
 * @param pi first policy
 * @param nu second policy
 * @param theta the weight θ ∈ [0, 1] as a fraction
 * @returns the mixture
 * @throws MdpInputError if θ is outside [0, 1]
 * @example
 * ```ts
 * import { fraction } from "mathjs";
 * import { mixPolicies } from "./mod.ts";
 * const mu = mixPolicies([[fraction(1), fraction(0)]], [[fraction(0), fraction(1)]], fraction(1, 4));
 * if (mu[0]![0]!.toFraction() !== "1/4") throw new Error();
 * ```
 */
export function mixPolicies(pi: ExactPolicy, nu: ExactPolicy, theta: Fraction): Fraction[][] {
  if (theta.compare(0) < 0 || theta.compare(1) > 0) {
    throw new MdpInputError(`θ = ${theta.toFraction()} is not in [0, 1]`);
  }
  const rest = fraction(1).sub(theta);
  return pi.map((row, s) => row.map((x, a) => theta.mul(x).add(rest.mul(nu[s]![a]!))));
}

/**
 * Exact optimality test: V^π equals the given exact V* at every state.
 *
 * @param mdp a small MDP
 * @param pi the policy (doubles read as rationals, or fractions)
 * @param vStar exact optimal values
 * @returns the first state where V^π ≠ V*, or -1 if none (π optimal)
 * @example
 * ```ts
 * import { makeMdp, optimalValuesExact } from "../../shared/mdp/mod.ts";
 * import { firstSuboptimalState } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * const { V } = optimalValuesExact(m);
 * if (firstSuboptimalState(m, [[0, 1]], V) !== -1 || firstSuboptimalState(m, [[1, 0]], V) !== 0) throw new Error();
 * ```
 */
export function firstSuboptimalState(
  mdp: FiniteMdp,
  pi: Policy | ExactPolicy,
  vStar: readonly Fraction[],
): number {
  const { V } = evaluatePolicyExact(mdp, pi);
  return V.findIndex((v, s) => !v.equals(vStar[s]!));
}
