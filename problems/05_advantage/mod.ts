/**
 * Problem 5: the advantage A^π(s, a) = Q^π(s, a) − V^π(s), in float64 and exactly.
 *
 * @module
 */
import type { Fraction } from "mathjs";
import {
  evaluatePolicy,
  evaluatePolicyExact,
  type ExactPolicy,
  type FiniteMdp,
  type Policy,
  validatePolicy,
} from "../../shared/mdp/mod.ts";

/**
 * The advantage table A^π(s, a) = Q^π(s, a) − V^π(s), from exact linear-solve evaluation.
 *
 * @param mdp the MDP
 * @param pi the policy
 * @returns a[s][a]
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { advantage } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * // π always pulls arm 1: V = 2, Q = (1, 2), A = (−1, 0)
 * const a = advantage(m, [[0, 1]]);
 * if (Math.abs(a[0]![0]! + 1) > 1e-12 || Math.abs(a[0]![1]!) > 1e-12) throw new Error();
 * ```
 */
export function advantage(mdp: FiniteMdp, pi: Policy): number[][] {
  const { V, Q } = evaluatePolicy(mdp, pi);
  return Q.map((row, s) => row.map((q) => q - V[s]!));
}

/**
 * The advantage table in exact rational arithmetic.
 *
 * @param mdp a small MDP
 * @param pi the policy (doubles read as rationals, or fractions)
 * @returns a[s][a] as fractions
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { advantageExact } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * if (advantageExact(m, [[0, 1]])[0]![0]!.toFraction() !== "-1") throw new Error();
 * ```
 */
export function advantageExact(mdp: FiniteMdp, pi: Policy | ExactPolicy): Fraction[][] {
  const { V, Q } = evaluatePolicyExact(mdp, pi);
  return Q.map((row, s) => row.map((q) => q.sub(V[s]!)));
}

/**
 * The mean advantage of π's actions when they are drawn from μ: Σ_a μ(a | s) A^π(s, a), per
 * state. Claim 05a: zero when μ = π.
 *
 * @param mdp the MDP
 * @param pi the policy whose advantage is measured
 * @param mu the policy drawing the actions (default π)
 * @returns one number per state
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { meanAdvantage } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * if (Math.abs(meanAdvantage(m, [[0.5, 0.5]])[0]!) > 1e-12) throw new Error();
 * if (Math.abs(meanAdvantage(m, [[0, 1]], [[0.5, 0.5]])[0]! + 0.5) > 1e-12) throw new Error();
 * ```
 */
export function meanAdvantage(mdp: FiniteMdp, pi: Policy, mu: Policy = pi): number[] {
  validatePolicy(mdp, mu, "μ");
  return advantage(mdp, pi).map((row, s) => row.reduce((acc, x, a) => acc + mu[s]![a]! * x, 0));
}
