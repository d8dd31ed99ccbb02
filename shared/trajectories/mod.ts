/**
 * Trajectories of small finite MDPs: exact enumeration of prefixes (s_0, a_0, r_0, …, s_H)
 * with their probabilities (optionally with another policy at one step), exact first and
 * second moments of the discounted return (Sobel's equation), the distribution of s_t,
 * and a seeded sampler.
 *
 * @example
 * ```ts
 * import { makeMdp } from "../mdp/mod.ts";
 * import { discountedSum, enumeratePrefixes, returnMoments } from "./mod.ts";
 * // reward 1 w.p. 1/2 each step, γ = 1/2: E[G] = 1
 * const mdp = makeMdp({ gamma: 0.5, initial: [1], outcomes: [[[{ next: 0, reward: 0, prob: 0.5 }, { next: 0, reward: 1, prob: 0.5 }]]] });
 * if (Math.abs(returnMoments(mdp, [[1]]).V[0]! - 1) > 1e-12) throw new Error();
 * const d = enumeratePrefixes(mdp, { horizon: 3, policy: [[1]] });
 * if (Math.abs(d.expectation((p) => discountedSum(p, 0.5)) - 0.875) > 1e-15) throw new Error();
 * ```
 *
 * @module
 */
export * from "./enumerate.ts";
export * from "./moments.ts";
export * from "./sampler.ts";
