/**
 * Fast sampling of whole episodes from a policy table on a non-slippery Cliff Walk: the
 * table's cumulative rows and the walk's next states are laid out once in flat arrays, so a
 * move is one uniform draw and a short scan. It draws exactly what `rollout` of
 * `shared/cliff` draws from the same random source (same uniforms, same comparisons), only
 * without its per-step validation and bookkeeping.
 *
 * @module
 */
import type { CliffWalk, EpisodeEnd } from "../../shared/cliff/mod.ts";
import type { Rng } from "../../shared/random/mod.ts";

/** One sampled episode: what the GRPO update reads. */
export interface SampledEpisode {
  /** s_0 … s_{T−1}. */
  states: number[];
  /** a_0 … a_{T−1}. */
  actions: number[];
  /** T. */
  length: number;
  /** How it ended. */
  end: EpisodeEnd;
}

/** Samples episodes from one policy table at a time on one walk. */
export class EpisodeSampler {
  readonly #walk: CliffWalk;
  readonly #next: Int32Array;
  readonly #cum: Float64Array;
  readonly #total: Float64Array;

  /**
   * @param walk a non-slippery walk (every move has one outcome)
   * @throws RangeError for a slippery walk
   */
  constructor(walk: CliffWalk) {
    if (walk.slippery) throw new RangeError("EpisodeSampler needs a non-slippery walk");
    this.#walk = walk;
    const A = walk.nActions;
    this.#next = new Int32Array(walk.nStates * A).fill(-1);
    for (let s = 0; s < walk.nStates; s++) {
      if (walk.isTerminal[s]) continue;
      for (let a = 0; a < A; a++) this.#next[s * A + a] = walk.outcomes[s]![a]![0]!.next;
    }
    this.#cum = new Float64Array(walk.nStates * A);
    this.#total = new Float64Array(walk.nStates);
  }

  /**
   * Loads a policy: rows π(· | s), non-negative (terminal rows are not read).
   *
   * @param table rows π(· | s)
   * @throws RangeError for a negative or NaN probability, or a row that does not sum to 1
   *   within 1e-3 (as `sampleAction` of `shared/cliff`)
   */
  load(table: readonly (readonly number[])[]): void {
    const A = this.#walk.nActions;
    for (let s = 0; s < this.#walk.nStates; s++) {
      if (this.#walk.isTerminal[s]) continue;
      let acc = 0;
      for (let a = 0; a < A; a++) {
        const p = table[s]![a]!;
        if (!(p >= 0)) throw new RangeError(`π(${a} | ${s}) = ${p} is not ≥ 0`);
        acc += p;
        this.#cum[s * A + a] = acc;
      }
      if (!(Math.abs(acc - 1) <= 1e-3)) throw new RangeError(`row ${s} sums to ${acc}, not 1`);
      this.#total[s] = acc;
    }
  }

  /**
   * One episode from the start, cut after `maxSteps` moves.
   *
   * @param rng the random source (one uniform per move)
   * @param maxSteps the truncation length
   * @returns the episode
   * @example
   * ```ts
   * import { cliffWalk, rollout } from "../../shared/cliff/mod.ts";
   * import { Rng } from "../../shared/random/mod.ts";
   * import { EpisodeSampler } from "./group_sampler.ts";
   * const walk = cliffWalk({ variant: "terminal-only", maxSteps: 50 });
   * const table = Array.from({ length: 48 }, () => [0.4, 0.3, 0.1, 0.2]);
   * const sampler = new EpisodeSampler(walk);
   * sampler.load(table);
   * const a = sampler.episode(new Rng(3), 50);
   * const b = rollout(walk, table, new Rng(3));
   * if (a.actions.join() !== b.actions.join() || a.end !== b.end) throw new Error();
   * ```
   */
  episode(rng: Rng, maxSteps: number): SampledEpisode {
    const walk = this.#walk;
    const A = walk.nActions;
    const states: number[] = [];
    const actions: number[] = [];
    let s = walk.start;
    let end: EpisodeEnd = "truncated";
    while (states.length < maxSteps) {
      // as sampleAction: u = U·Σp; the first action whose running sum exceeds u. An action
      // with π(b | s) = 0 is never drawn: its running sum equals the one before it, which u
      // already reached (or 0 for b = 0)
      const u = rng.uniform() * this.#total[s]!;
      let a: number | undefined;
      for (let b = 0; b < A; b++) {
        if (u < this.#cum[s * A + b]!) {
          a = b;
          break;
        }
      }
      // the last running sum is the total itself, and fl(U · total) < total for every U < 1
      if (a === undefined) throw new Error(`state ${s}: the draw ${u} is past the row's total`);
      states.push(s);
      actions.push(a);
      s = this.#next[s * A + a]!;
      if (walk.isTerminal[s]) {
        end = s === walk.goal ? "goal" : "cliff";
        break;
      }
    }
    return { states, actions, length: states.length, end };
  }
}
