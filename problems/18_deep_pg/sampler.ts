/**
 * Fast sampling of a batch of episodes from one policy table, written into flat typed
 * arrays (no per-step objects). It draws exactly what `rollout` of `shared/cliff` draws from
 * the same random source: one uniform per action (`sampleAction`'s comparisons), and one
 * more per move only when the move has several outcomes (`sampleTransition`'s).
 *
 * @module
 */
import type { CliffWalk } from "../../shared/cliff/mod.ts";
import type { Rng } from "../../shared/random/mod.ts";

/** A batch of episodes in flat arrays: episode i's step t is at index i · maxSteps + t. */
export class EpisodeBatch {
  /** The most episodes the batch holds. */
  readonly capacity: number;
  /** The truncation length: the most steps of an episode. */
  readonly maxSteps: number;
  /** s_t of every episode. */
  readonly states: Int32Array;
  /** a_t. */
  readonly actions: Int32Array;
  /** r_t. */
  readonly rewards: Float64Array;
  /** T of episode i. */
  readonly lengths: Int32Array;
  /** s_T of episode i (terminal, or where it was cut). */
  readonly finalStates: Int32Array;
  /** 1 if episode i was cut at maxSteps without terminating. */
  readonly truncated: Uint8Array;
  /** Episodes currently held (0 … capacity). */
  size = 0;

  /**
   * @param capacity the most episodes
   * @param maxSteps the most steps per episode
   * @throws RangeError unless both are positive integers
   */
  constructor(capacity: number, maxSteps: number) {
    if (!(Number.isSafeInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`EpisodeBatch: capacity must be a positive integer, got ${capacity}`);
    }
    if (!(Number.isSafeInteger(maxSteps) && maxSteps >= 1)) {
      throw new RangeError(`EpisodeBatch: maxSteps must be a positive integer, got ${maxSteps}`);
    }
    this.capacity = capacity;
    this.maxSteps = maxSteps;
    this.states = new Int32Array(capacity * maxSteps);
    this.actions = new Int32Array(capacity * maxSteps);
    this.rewards = new Float64Array(capacity * maxSteps);
    this.lengths = new Int32Array(capacity);
    this.finalStates = new Int32Array(capacity);
    this.truncated = new Uint8Array(capacity);
  }
}

/** A walk's transition outcomes in flat arrays (no per-outcome objects). */
export interface FlatOutcomes {
  /** Outcomes of (s, a) are at indices first[s·A + a] … first[s·A + a + 1] − 1 (none at a terminal s). */
  readonly first: Int32Array;
  /** p(s' | s, a) of each outcome. */
  readonly prob: Float64Array;
  /** s' of each outcome. */
  readonly next: Int32Array;
  /** r of each outcome. */
  readonly reward: Float64Array;
}

/**
 * Flattens `walk.outcomes` in the order of its lists: state, then action, then outcome.
 *
 * @param walk the walk
 * @returns the outcomes of every live (s, a), indexed by `first`
 * @example
 * ```ts
 * import { cliffWalk } from "../../shared/cliff/mod.ts";
 * import { flatOutcomes } from "./sampler.ts";
 * const walk = cliffWalk({ slippery: true });
 * const f = flatOutcomes(walk);
 * const [lo, hi] = [f.first[36 * 4 + 1]!, f.first[36 * 4 + 2]!]; // (start, right)
 * if (hi - lo !== walk.outcomes[36]![1]!.length || f.next[lo] !== walk.outcomes[36]![1]![0]!.next) throw new Error();
 * ```
 */
export function flatOutcomes(walk: CliffWalk): FlatOutcomes {
  const S = walk.nStates;
  const A = walk.nActions;
  const first = new Int32Array(S * A + 1);
  const prob: number[] = [];
  const next: number[] = [];
  const reward: number[] = [];
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      first[s * A + a] = next.length;
      if (walk.isTerminal[s]) continue;
      for (const o of walk.outcomes[s]![a]!) {
        prob.push(o.prob);
        next.push(o.next);
        reward.push(o.reward);
      }
    }
  }
  first[S * A] = next.length;
  return {
    first,
    prob: Float64Array.from(prob),
    next: Int32Array.from(next),
    reward: Float64Array.from(reward),
  };
}

/** A walk's outcomes in flat arrays, and a policy table's rows, for {@link FlatSampler}. */
export class FlatSampler {
  readonly #walk: CliffWalk;
  /** Outcomes of (s, a) are at indices first[s·A + a] … first[s·A + a + 1] − 1. */
  readonly #first: Int32Array;
  readonly #prob: Float64Array;
  readonly #next: Int32Array;
  readonly #reward: Float64Array;
  readonly #terminal: Uint8Array;
  readonly #pi: Float64Array;
  readonly #total: Float64Array;
  /** Whether the last `load` succeeded: only then does every live row hold a valid table. */
  #loaded = false;

  /**
   * @param walk the walk to sample on
   */
  constructor(walk: CliffWalk) {
    this.#walk = walk;
    const S = walk.nStates;
    const A = walk.nActions;
    const flat = flatOutcomes(walk);
    this.#first = flat.first;
    this.#prob = flat.prob;
    this.#next = flat.next;
    this.#reward = flat.reward;
    this.#terminal = Uint8Array.from(walk.isTerminal, (t) => (t ? 1 : 0));
    this.#pi = new Float64Array(S * A);
    this.#total = new Float64Array(S);
  }

  /**
   * Loads a policy table given flat, row-major: π(a | s) at `offset + s · A + a`.
   *
   * @param flat the probabilities (e.g. the K tables of a stacked network in one array)
   * @param offset where this table's row 0 begins
   * @throws RangeError for a negative or NaN probability, or a live row that does not sum
   *   to 1 within 1e-3 (as `sampleAction`); the sampler then holds no table until the next
   *   successful `load`
   */
  load(flat: ArrayLike<number>, offset = 0): void {
    const S = this.#walk.nStates;
    const A = this.#walk.nActions;
    // a refused table may already have overwritten some rows: no sampling from that mixture
    this.#loaded = false;
    for (let s = 0; s < S; s++) {
      let total = 0;
      for (let a = 0; a < A; a++) {
        const p = flat[offset + s * A + a]!;
        if (!(p >= 0)) throw new RangeError(`π(${a} | ${s}) = ${p} is not ≥ 0`);
        this.#pi[s * A + a] = p;
        total += p;
      }
      if (!this.#terminal[s] && !(Math.abs(total - 1) <= 1e-3)) {
        throw new RangeError(`row ${s} of the policy sums to ${total}, not 1`);
      }
      this.#total[s] = total;
    }
    this.#loaded = true;
  }

  /**
   * Samples one episode from `start` with the loaded table into slot `batch.size` of the
   * batch (and increments `batch.size`), cut after `batch.maxSteps` moves.
   *
   * @param rng the random source
   * @param start a live state
   * @param batch where the episode goes
   * @returns its length T
   * @throws RangeError if no table is loaded (none yet, or the last `load` was refused), the
   *   batch is full or the start is terminal
   * @example
   * ```ts
   * import { cliffWalk, rollout } from "../../shared/cliff/mod.ts";
   * import { Rng } from "../../shared/random/mod.ts";
   * import { EpisodeBatch, FlatSampler } from "./sampler.ts";
   * const walk = cliffWalk({ slippery: true, maxSteps: 30 });
   * const table = Array.from({ length: 48 }, () => [0.4, 0.3, 0.1, 0.2]);
   * const sampler = new FlatSampler(walk);
   * sampler.load(table.flat());
   * const batch = new EpisodeBatch(1, 30);
   * const T = sampler.sample(new Rng(3), walk.start, batch);
   * const ep = rollout(walk, table, new Rng(3)); // the same draws, so the same episode
   * if (T !== ep.length || batch.actions.slice(0, T).join() !== ep.actions.join()) throw new Error();
   * ```
   */
  sample(rng: Rng, start: number, batch: EpisodeBatch): number {
    // an all-zero row would otherwise silently give action 0, where sampleAction refuses it
    if (!this.#loaded) throw new RangeError("FlatSampler: no policy table is loaded");
    if (batch.size >= batch.capacity) throw new RangeError("EpisodeBatch is full");
    if (this.#terminal[start] !== 0) throw new RangeError(`start state ${start} is not live`);
    const A = this.#walk.nActions;
    const pi = this.#pi;
    const base = batch.size * batch.maxSteps;
    let s = start;
    let t = 0;
    let terminated = false;
    while (t < batch.maxSteps) {
      // sampleAction: u = U · Σ_a π(a | s); the first action with π > 0 whose running sum
      // exceeds u, else the last action with π > 0
      const u = rng.uniform() * this.#total[s]!;
      let acc = 0;
      let a = 0;
      for (let b = 0; b < A; b++) {
        const p = pi[s * A + b]!;
        if (p === 0) continue;
        a = b;
        acc += p;
        if (u < acc) break;
      }
      // sampleTransition: one more uniform only when (s, a) has several outcomes
      const lo = this.#first[s * A + a]!;
      const hi = this.#first[s * A + a + 1]!;
      let o = lo;
      if (hi - lo > 1) {
        const v = rng.uniform();
        let c = 0;
        for (o = lo; o < hi - 1; o++) {
          c += this.#prob[o]!;
          if (v < c) break;
        }
      }
      batch.states[base + t] = s;
      batch.actions[base + t] = a;
      batch.rewards[base + t] = this.#reward[o]!;
      t++;
      s = this.#next[o]!;
      if (this.#terminal[s]) {
        terminated = true;
        break;
      }
    }
    batch.lengths[batch.size] = t;
    batch.finalStates[batch.size] = s;
    batch.truncated[batch.size] = terminated ? 0 : 1;
    batch.size++;
    return t;
  }
}
