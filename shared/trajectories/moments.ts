/**
 * Second moments of the discounted return G = Σ_t γ^t r_t under a policy, by the linear
 * equations for the second moment (Sobel 1982). Writing G = r_0 + γ G' with G' the return
 * from s_1, and using that given s_1 the future is independent of (s_0, a_0, r_0):
 *
 *   M(s) = E[G² | s_0 = s] = Σ_a π(a|s) Σ_{(r, s')} p(r, s' | s, a) (r² + 2γ r V(s') + γ² M(s')),
 *
 * a linear system (I − γ² P^π) M = b on the non-terminal states (M = 0 at terminal ones),
 * with b(s) = Σ_a π(a|s) Σ p(r, s' | s, a) (r² + 2γ r V^π(s')). Then
 * Var(G | s) = M(s) − V^π(s)², and the same one-step formula with (s, a) fixed gives
 * the moments from (s, a).
 *
 * @module
 */
import { lusolve } from "mathjs";
import {
  evaluatePolicy,
  type FiniteMdp,
  ImproperPolicyError,
  liveStates,
  type Policy,
  transitionUnderPolicy,
  validatePolicy,
} from "../mdp/mod.ts";

/** First and second moments of the return from s and from (s, a). */
export interface ReturnMoments {
  /** V^π(s) = E[G | s_0 = s]. */
  V: number[];
  /** Q^π(s, a) = E[G | s_0 = s, a_0 = a]. */
  Q: number[][];
  /** E[G² | s_0 = s]. */
  secondV: number[];
  /** E[G² | s_0 = s, a_0 = a]. */
  secondQ: number[][];
  /** Var(G | s_0 = s) = secondV − V². */
  varianceV: number[];
  /** Var(G | s_0 = s, a_0 = a) = secondQ − Q². */
  varianceQ: number[][];
}

/**
 * The mean and variance of the discounted return from every state and state–action pair.
 *
 * @param mdp the MDP (γ < 1, or γ = 1 with a policy that terminates with probability 1)
 * @param pi the policy
 * @returns V, Q, second moments and variances
 * @throws ImproperPolicyError if I − γ²P^π is singular (γ = 1 and π improper)
 * @example
 * ```ts
 * import { makeMdp } from "../mdp/mod.ts";
 * import { returnMoments } from "./moments.ts";
 * // fair coin for reward 0 or 2 each step, γ = 1/2: Var G = Σ γ^{2t} · 1 = 4/3
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 0.5 }, { next: 0, reward: 2, prob: 0.5 }]]] });
 * const m = returnMoments(mdp, [[1]]);
 * if (Math.abs(m.varianceV[0]! - 4 / 3) > 1e-12) throw new Error(String(m.varianceV[0]));
 * ```
 */
export function returnMoments(mdp: FiniteMdp, pi: Policy): ReturnMoments {
  validatePolicy(mdp, pi);
  const { V, Q } = evaluatePolicy(mdp, pi);
  const g = mdp.gamma;
  // One-step part of the second moment from (s, a): E[r² + 2γ r V(s') | s, a].
  const bQ = mdp.outcomes.map((row) =>
    row.map((list) =>
      list.reduce((acc, o) => acc + o.prob * (o.reward ** 2 + 2 * g * o.reward * V[o.next]!), 0)
    )
  );
  const live = liveStates(mdp);
  const M = new Array<number>(mdp.nStates).fill(0);
  if (live.length > 0) {
    const P = transitionUnderPolicy(mdp, pi);
    // Sobel's equation: (I − γ² P^π) M = b on live states
    const A = live.map((s, i) => live.map((t, j) => (i === j ? 1 : 0) - g * g * P[s]![t]!));
    const b = live.map((s) => [bQ[s]!.reduce((acc, x, a) => acc + pi[s]![a]! * x, 0)]);
    let x: number[][];
    try {
      x = lusolve(A, b) as number[][];
    } catch (e) {
      throw new ImproperPolicyError(
        `second moment: I − γ²P^π is singular (γ = ${g}); the policy does not terminate ` +
          `from some state (${(e as Error).message})`,
      );
    }
    live.forEach((s, i) => (M[s] = x[i]![0]!));
  }
  const secondQ = mdp.outcomes.map((row, s) =>
    mdp.isTerminal[s] ? new Array<number>(mdp.nActions).fill(0) : row.map((_, a) =>
      bQ[s]![a]! +
      g * g * mdp.transition[s]![a]!.reduce((acc, p, t) => acc + p * M[t]!, 0)
    )
  );
  return {
    V,
    Q,
    secondV: M,
    secondQ,
    // Var = E[G²] − (E G)², clipped at 0 against rounding when the return is deterministic
    varianceV: M.map((m, s) => Math.max(0, m - V[s]! ** 2)),
    varianceQ: secondQ.map((row, s) => row.map((m, a) => Math.max(0, m - Q[s]![a]! ** 2))),
  };
}

/**
 * The distribution of s_t under π from s_0 ~ p0: p0 (P^π)^t, with terminal states
 * absorbing (their mass stays where it is).
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param p0 the initial distribution
 * @param t the time step ≥ 0
 * @returns P(s_t = s) for every s
 * @example
 * ```ts
 * import { makeMdp } from "../mdp/mod.ts";
 * import { stateDistributionAt } from "./moments.ts";
 * const flip = makeMdp({ gamma: 0.9, outcomes: [[[{ next: 1, reward: 0, prob: 1 }]], [[{ next: 0, reward: 0, prob: 1 }]]] });
 * if (stateDistributionAt(flip, [[1], [1]], [1, 0], 3).join() !== "0,1") throw new Error();
 * ```
 */
export function stateDistributionAt(
  mdp: FiniteMdp,
  pi: Policy,
  p0: readonly number[],
  t: number,
): number[] {
  const P = transitionUnderPolicy(mdp, pi);
  let d = [...p0];
  for (let step = 0; step < t; step++) {
    const next = new Array<number>(mdp.nStates).fill(0);
    d.forEach((mass, s) => {
      if (mdp.isTerminal[s]) next[s]! += mass;
      else P[s]!.forEach((p, u) => (next[u]! += mass * p));
    });
    d = next;
  }
  return d;
}
