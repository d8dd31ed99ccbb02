/**
 * fast-check arbitraries for small terminal-reward MDPs whose trajectories can be
 * enumerated exactly: acyclic (a live state only moves to later live states or to a
 * terminal state), so every trajectory ends within as many steps as there are live states
 * and every policy is proper.
 *
 * @module
 */
import fc from "fast-check";
import { type FiniteMdp, makeMdp, type Outcome } from "../../shared/mdp/mod.ts";

/** Options for {@link arbTerminalRewardMdp}. */
export interface TerminalRewardMdpArbOptions {
  /** Most live (non-terminal) states, default 3 (the horizon is at most this). */
  maxLive?: number;
  /** Most actions, default 3. */
  maxActions?: number;
  /** Most terminal states, default 3. */
  maxTerminals?: number;
  /** Terminal rewards are multiples of 1/4 in [−R, R]; default R = 4. */
  rewardBound?: number;
  /**
   * Terminal rewards 0 or 1 only (wrong or right, as for a verifier), so that trajectories of
   * different lengths often share a reward; default false.
   */
  binaryRewards?: boolean;
}

/**
 * Random acyclic terminal-reward MDPs: live states 0..L−1, terminal states L..L+K−1; each
 * (s, a) moves to one or two distinct successors among the later live states and the
 * terminal states (integer weights 1–4); a move into a terminal state pays a reward
 * (a multiple of 1/4 in [−R, R], depending on s, a and the terminal), every other move
 * pays 0; γ = 1; p_0 has integer weights on the live states (state 0 always included).
 *
 * @param options sizes and reward bound
 * @returns the arbitrary
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbTerminalRewardMdp, horizon } from "./mod.ts";
 * const [m] = fc.sample(arbTerminalRewardMdp({ maxLive: 2 }), { seed: 1, numRuns: 1 });
 * if (!(horizon(m!) <= 2)) throw new Error();
 * ```
 */
export function arbTerminalRewardMdp(
  options: TerminalRewardMdpArbOptions = {},
): fc.Arbitrary<FiniteMdp> {
  const { maxLive = 3, maxActions = 3, maxTerminals = 3, rewardBound = 4 } = options;
  const reward = options.binaryRewards
    ? fc.integer({ min: 0, max: 1 })
    : fc.integer({ min: -4 * rewardBound, max: 4 * rewardBound }).map((k) => k / 4);
  return fc.record({
    live: fc.integer({ min: 1, max: maxLive }),
    terminals: fc.integer({ min: 1, max: maxTerminals }),
    actions: fc.integer({ min: 1, max: maxActions }),
  }).chain(({ live, terminals, actions }) => {
    const n = live + terminals;
    const outcomeList = (s: number): fc.Arbitrary<Outcome[]> => {
      // successors: later live states s+1..L−1 and the terminal states L..n−1
      const choices = Array.from({ length: n - s - 1 }, (_, i) => s + 1 + i);
      return fc.uniqueArray(fc.constantFrom(...choices), { minLength: 1, maxLength: 2 }).chain(
        (nexts) =>
          fc.tuple(
            ...nexts.map((next) =>
              fc.tuple(fc.integer({ min: 1, max: 4 }), next >= live ? reward : fc.constant(0))
            ),
          ).map((wr) => {
            const total = wr.reduce((acc, [w]) => acc + w, 0);
            return nexts.map((next, i) => ({
              next,
              prob: wr[i]![0] / total,
              reward: wr[i]![1],
            }));
          }),
      );
    };
    const rows = Array.from(
      { length: live },
      (_, s) => fc.array(outcomeList(s), { minLength: actions, maxLength: actions }),
    );
    const p0 = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: live, maxLength: live });
    return fc.tuple(fc.tuple(...rows), p0).map(([outs, w]) => {
      w[0] = Math.max(1, w[0]!);
      const total = w.reduce((a, b) => a + b, 0);
      return makeMdp({
        gamma: 1,
        outcomes: [...outs, ...Array.from({ length: terminals }, () => [])],
        terminal: Array.from({ length: terminals }, (_, i) => live + i),
        initial: [...w.map((x) => x / total), ...new Array<number>(terminals).fill(0)],
        nActions: actions,
      });
    });
  });
}

/**
 * Random logits θ[s][a] ∈ {−2, −1.75, …, 2} for every state and action.
 *
 * @param nStates |S|
 * @param nActions |A|
 * @returns the arbitrary
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbLogits } from "./mod.ts";
 * const [th] = fc.sample(arbLogits(2, 3), { seed: 1, numRuns: 1 });
 * if (th!.length !== 2 || th![0]!.length !== 3) throw new Error();
 * ```
 */
export function arbLogits(nStates: number, nActions: number): fc.Arbitrary<number[][]> {
  const logit = fc.integer({ min: -8, max: 8 }).map((k) => k / 4);
  return fc.array(fc.array(logit, { minLength: nActions, maxLength: nActions }), {
    minLength: nStates,
    maxLength: nStates,
  });
}
