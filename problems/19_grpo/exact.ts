/**
 * Exact facts about a stochastic policy on a Cliff Walk, computed from the model (no
 * sampling): the probabilities that an episode from the start ends in the goal, in the cliff
 * or at the truncation length, the expected length of each kind of episode, and the most
 * probable successful path. These are the targets of Problem 19's checks and what
 * `deno task train` prints for a stochastic policy.
 *
 * @module
 */
import type { CliffWalk, EpisodeOutcome } from "../../shared/cliff/mod.ts";

/** {@link EpisodeOutcome} plus the mean length of successful and of failed episodes. */
export interface ExactOutcome extends EpisodeOutcome {
  /** E[T | the episode ends in the goal] (NaN if that has probability 0). */
  successLength: number;
  /** E[T | it does not] (cliff or truncated; NaN if that has probability 0). */
  failureLength: number;
}

/**
 * Outcome probabilities and lengths of episodes from the start that are cut after `horizon`
 * moves, by dynamic programming over the moves left. With k moves left at a live state s,
 *
 * - g_k(s) = P(goal within k) = Σ_a π(a|s) Σ_{s'} p(s'|s,a) [1 if s' = goal, 0 if s' is
 *   another terminal, g_{k−1}(s') otherwise], g_0 = 0 (first-step decomposition);
 * - c_k(s) = P(cliff within k), the same with the roles of goal and cliff swapped;
 * - L_k(s) = E[min(T, k)] = Σ π Σ p (1 + [s' live] L_{k−1}(s')), L_0 = 0;
 * - M_k(s) = E[T 1{goal within k}] = Σ π Σ p ([s' = goal] + [s' live](g_{k−1}(s') + M_{k−1}(s'))),
 *   since a path through s' reaches the goal at time 1 + (its time from s').
 *
 * @param walk the walk (any variant; terminal states are the goal and the cliff cells)
 * @param table rows π(· | s)
 * @param horizon the truncation length (default the walk's `maxSteps`)
 * @returns the exact outcome from the start
 * @throws RangeError if the horizon is not a positive integer
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions } from "../../shared/cliff/mod.ts";
 * import { exactOutcome } from "./exact.ts";
 * const walk = cliffWalk({ variant: "terminal-only" });
 * const table = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
 * const o = exactOutcome(walk, table, 13);
 * if (o.success !== 1 || o.expectedLength !== 13 || o.successLength !== 13) throw new Error();
 * if (exactOutcome(walk, table, 12).truncated !== 1) throw new Error();
 * ```
 */
export function exactOutcome(
  walk: CliffWalk,
  table: readonly (readonly number[])[],
  horizon: number = walk.maxSteps,
): ExactOutcome {
  if (!Number.isSafeInteger(horizon) || horizon < 1) {
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  }
  const n = walk.nStates;
  // the transitions as flat arrays: w = π(a|s) p(s'|s,a) per (s, s'), and s' = goal / cliff / live
  const moves: { s: number; next: number; w: number }[] = [];
  for (let s = 0; s < n; s++) {
    if (walk.isTerminal[s]) continue;
    for (let a = 0; a < walk.nActions; a++) {
      for (const o of walk.outcomes[s]![a]!) {
        const next = o.next === walk.goal ? -1 : walk.isTerminal[o.next] ? -2 : o.next;
        moves.push({ s, next, w: table[s]![a]! * o.prob });
      }
    }
  }
  let g = new Float64Array(n);
  let c = new Float64Array(n);
  let L = new Float64Array(n);
  let M = new Float64Array(n);
  for (let k = 1; k <= horizon; k++) {
    const g2 = new Float64Array(n);
    const c2 = new Float64Array(n);
    const L2 = new Float64Array(n);
    const M2 = new Float64Array(n);
    for (const { s, next, w } of moves) {
      L2[s]! += w;
      if (next === -1) {
        g2[s]! += w;
        M2[s]! += w;
      } else if (next === -2) {
        c2[s]! += w;
      } else {
        g2[s]! += w * g[next]!;
        c2[s]! += w * c[next]!;
        L2[s]! += w * L[next]!;
        M2[s]! += w * (g[next]! + M[next]!);
      }
    }
    [g, c, L, M] = [g2, c2, L2, M2];
  }
  const s0 = walk.start;
  const success = g[s0]!;
  const fall = c[s0]!;
  const truncated = Math.max(0, 1 - success - fall);
  const expectedLength = L[s0]!;
  const successTime = M[s0]!;
  return {
    success,
    fall,
    truncated,
    expectedLength,
    successLength: conditionalMean(successTime, success),
    failureLength: conditionalMean(expectedLength - successTime, 1 - success),
  };
}

/** E[X | A] = E[X 1_A] / P(A), undefined (NaN) when P(A) = 0. */
function conditionalMean(total: number, probability: number): number {
  return probability === 0 ? NaN : total / probability;
}

/** The most probable successful path of a stochastic policy. */
export interface ProbablePath {
  /** s_0 … s_{T−1}. */
  states: number[];
  /** a_0 … a_{T−1}. */
  actions: number[];
  /** Its probability Π_t π(a_t | s_t) (the walk is deterministic). */
  probability: number;
}

/**
 * The single episode from the start that ends in the goal within `horizon` moves and has
 * the highest probability under the policy (Viterbi over the moves: best[k][s] is the
 * largest probability of a k-move path from the start to s through live states). On a
 * non-slippery walk a path's probability is the product of its action probabilities. Ties
 * go to the first found: the shortest among equally probable paths, and where two moves
 * reach a state with the same probability, the one from the lower-numbered state (then the
 * lower-numbered action), so the path is a function of the policy alone.
 *
 * @param walk a non-slippery walk
 * @param table rows π(· | s)
 * @param horizon the longest path considered (default the walk's `maxSteps`)
 * @returns the path, or null if no path reaches the goal with positive probability
 * @throws RangeError for a slippery walk
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions } from "../../shared/cliff/mod.ts";
 * import { mostProbablePath } from "./exact.ts";
 * const walk = cliffWalk({ variant: "terminal-only" });
 * const table = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 0.7 : 0.1)));
 * const p = mostProbablePath(walk, table, 100)!;
 * if (p.states.length !== 13 || Math.abs(p.probability - 0.7 ** 13) > 1e-15) throw new Error();
 * ```
 */
export function mostProbablePath(
  walk: CliffWalk,
  table: readonly (readonly number[])[],
  horizon: number = walk.maxSteps,
): ProbablePath | null {
  if (walk.slippery) throw new RangeError("mostProbablePath needs a non-slippery walk");
  const n = walk.nStates;
  // best[k][s], and the (state, action) it came from, for k = 0 … horizon
  const best: Float64Array[] = [new Float64Array(n)];
  // back-pointers are read only along the winning path, where each was written
  const from: Int32Array[] = [new Int32Array(n)];
  best[0]![walk.start] = 1;
  let winner: { k: number; p: number } | null = null;
  for (let k = 1; k <= horizon; k++) {
    const prev = best[k - 1]!;
    const cur = new Float64Array(n);
    const back = new Int32Array(n);
    for (let s = 0; s < n; s++) {
      if (walk.isTerminal[s]) continue;
      for (let a = 0; a < walk.nActions; a++) {
        const p = prev[s]! * table[s]![a]!;
        const next = walk.outcomes[s]![a]![0]!.next;
        if (p > cur[next]!) {
          cur[next] = p;
          back[next] = s * walk.nActions + a;
        }
      }
    }
    best.push(cur);
    from.push(back);
    if (cur[walk.goal]! > (winner?.p ?? 0)) winner = { k, p: cur[walk.goal]! };
  }
  if (winner === null) return null;
  const states: number[] = [];
  const actions: number[] = [];
  let s = walk.goal;
  for (let k = winner.k; k > 0; k--) {
    const code = from[k]![s]!;
    const prevState = Math.floor(code / walk.nActions);
    states.unshift(prevState);
    actions.unshift(code % walk.nActions);
    s = prevState;
  }
  return { states, actions, probability: winner.p };
}
