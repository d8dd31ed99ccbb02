/**
 * A seeded trajectory sampler: draws s_0 ~ p0, a_t ~ π_t(· | s_t), (r_t, s_{t+1}) ~
 * p(·, · | s_t, a_t) with the suite's {@link Rng}, stopping at the horizon or at a
 * terminal state (as enumeration does).
 *
 * @module
 */
import type { FiniteMdp, Policy } from "../mdp/mod.ts";
import { MdpInputError, validateDistribution, validatePolicy } from "../mdp/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { Prefix } from "./enumerate.ts";

/** Options for {@link sampleTrajectory}. */
export interface SampleOptions {
  /** Stop after H steps (at s_H), or earlier at a terminal state. */
  horizon: number;
  /** The policy π. */
  policy: Policy;
  /** p0; default the MDP's `initial`. */
  initial?: readonly number[];
  /** The policy for each time step; takes precedence over `policy`. */
  policyAt?: (t: number) => Policy;
}

/**
 * One sampled trajectory prefix. Inputs are validated once by the caller's first call;
 * for speed, sample many with {@link sampleTrajectories}.
 *
 * @param mdp the MDP
 * @param rng the seeded random source
 * @param opts horizon, policy, p0
 * @returns the prefix (same shape as an enumerated one)
 * @throws MdpInputError for a bad horizon, policy or p0
 * @example
 * ```ts
 * import { makeMdp } from "../mdp/mod.ts";
 * import { Rng } from "../random/mod.ts";
 * import { sampleTrajectory } from "./sampler.ts";
 * const mdp = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]], initial: [1] });
 * const p = sampleTrajectory(mdp, new Rng(1), { horizon: 3, policy: [[1]] });
 * if (p.rewards.join() !== "1,1,1") throw new Error();
 * ```
 */
export function sampleTrajectory(mdp: FiniteMdp, rng: Rng, opts: SampleOptions): Prefix {
  return sampleTrajectories(mdp, rng, opts, 1)[0]!;
}

/**
 * N independent sampled prefixes from one seeded stream.
 *
 * @param mdp the MDP
 * @param rng the seeded random source
 * @param opts horizon, policy, p0
 * @param n how many
 * @returns the prefixes
 * @throws MdpInputError for bad inputs
 * @example
 * ```ts
 * import { makeMdp } from "../mdp/mod.ts";
 * import { Rng } from "../random/mod.ts";
 * import { sampleTrajectories } from "./sampler.ts";
 * const mdp = makeMdp({ gamma: 1, terminal: [1], outcomes: [[[{ next: 1, reward: 1, prob: 1 }]], []], initial: [1, 0] });
 * const ps = sampleTrajectories(mdp, new Rng(2), { horizon: 5, policy: [[1], [1]] }, 3);
 * if (ps.some((p) => !p.terminated || p.rewards.length !== 1)) throw new Error("stops at the terminal state");
 * ```
 */
export function sampleTrajectories(
  mdp: FiniteMdp,
  rng: Rng,
  opts: SampleOptions,
  n: number,
): Prefix[] {
  const { horizon } = opts;
  if (!Number.isInteger(horizon) || horizon < 0) {
    throw new MdpInputError(`horizon must be an integer ≥ 0, got ${horizon}`);
  }
  if (!Number.isInteger(n) || n < 0) throw new MdpInputError(`n must be an integer ≥ 0, got ${n}`);
  const p0 = opts.initial ?? mdp.initial;
  if (p0 === undefined) {
    throw new MdpInputError("no initial distribution p0: the MDP has none and none was given");
  }
  validateDistribution(p0, mdp.nStates, "initial p0");
  const policies = Array.from({ length: horizon }, (_, t) => opts.policyAt?.(t) ?? opts.policy);
  validatePolicy(mdp, opts.policy);
  policies.forEach((pi, t) => {
    if (pi !== opts.policy) validatePolicy(mdp, pi, `π at step ${t}`);
  });
  const outcomeProbs = mdp.outcomes.map((row) => row.map((list) => list.map((o) => o.prob)));
  const out: Prefix[] = [];
  for (let i = 0; i < n; i++) {
    let s = rng.categorical(p0);
    const states = [s];
    const actions: number[] = [];
    const rewards: number[] = [];
    let terminated = mdp.isTerminal[s]!;
    for (let t = 0; t < horizon && !terminated; t++) {
      const a = rng.categorical(policies[t]![s]!);
      const o = mdp.outcomes[s]![a]![rng.categorical(outcomeProbs[s]![a]!)]!;
      actions.push(a);
      rewards.push(o.reward);
      s = o.next;
      states.push(s);
      terminated = mdp.isTerminal[s]!;
    }
    out.push({ states, actions, rewards, terminated });
  }
  return out;
}
