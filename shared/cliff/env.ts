/**
 * The Cliff Walk as a step-by-step environment with seeded sampling, and whole-episode
 * rollouts from a table of action probabilities (one row per state: evaluate a policy
 * network once over all states, then sample many steps from the table).
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import { checkState, type CliffEvent, CliffInputError, type CliffWalk } from "./grid.ts";

/** The result of one step. */
export interface StepResult {
  /** The next state s'. */
  state: number;
  /** The reward r. */
  reward: number;
  /** The episode ended in a terminal state (goal, or cliff when the cliff ends episodes). */
  terminated: boolean;
  /** The episode was cut at the maximum length without terminating. */
  truncated: boolean;
  /** What the move was: an ordinary move, a wall bump, a move into the cliff or into the goal. */
  event: CliffEvent;
}

/**
 * Samples one transition of the walk from state s under action a. A non-slippery walk has
 * one outcome per (s, a) and draws nothing from `rng`; a slippery one draws one uniform.
 *
 * @param walk the walk
 * @param s a non-terminal state
 * @param a an action in 0..3
 * @param rng the random source
 * @returns next state, reward, and the event (termination is `walk.isTerminal[next]`)
 * @throws CliffInputError for a terminal or invalid state, or an invalid action
 * @example
 * ```ts
 * import { cliffWalk, sampleTransition } from "./mod.ts";
 * import { Rng } from "../random/mod.ts";
 * const t = sampleTransition(cliffWalk(), 36, 0, new Rng(1));
 * if (t.next !== 24 || t.reward !== -1 || t.event !== "move") throw new Error();
 * ```
 */
export function sampleTransition(
  walk: CliffWalk,
  s: number,
  a: number,
  rng: Rng,
): { next: number; reward: number; event: CliffEvent } {
  checkState(walk, s, "state");
  if (walk.isTerminal[s]) throw new CliffInputError(`state ${s} is terminal: no move from it`);
  if (!Number.isInteger(a) || a < 0 || a >= walk.nActions) {
    throw new CliffInputError(`action ${a} is not in [0, ${walk.nActions})`);
  }
  const list = walk.outcomes[s]![a]!;
  let i = 0;
  if (list.length > 1) {
    const u = rng.uniform();
    let acc = 0;
    for (i = 0; i < list.length - 1; i++) {
      acc += list[i]!.prob;
      if (u < acc) break;
    }
  }
  const o = list[i]!;
  return { next: o.next, reward: o.reward, event: walk.events[s]![a]![i]! };
}

/**
 * A Gymnasium-style environment: `reset()` puts the agent on the start, `step(a)` moves it
 * and reports termination and truncation separately.
 *
 * @example
 * ```ts
 * import { CliffEnv, cliffWalk } from "./mod.ts";
 * import { Rng } from "../random/mod.ts";
 * const env = new CliffEnv(cliffWalk({ maxSteps: 2 }), new Rng(7));
 * env.reset();
 * const first = env.step(3); // into the left wall: stays on the start
 * const second = env.step(3);
 * if (first.state !== 36 || first.truncated || !second.truncated || second.terminated) {
 *   throw new Error();
 * }
 * ```
 */
export class CliffEnv {
  /** The walk. */
  readonly walk: CliffWalk;
  #rng: Rng;
  #state = -1;
  #t = 0;
  #done = true;

  /**
   * @param walk the walk (its `maxSteps` is the truncation length)
   * @param rng the random source (used only by slippery walks)
   */
  constructor(walk: CliffWalk, rng: Rng) {
    this.walk = walk;
    this.#rng = rng;
  }

  /** The current state (−1 before the first reset). */
  get state(): number {
    return this.#state;
  }

  /** Moves taken since the last reset. */
  get t(): number {
    return this.#t;
  }

  /**
   * Starts an episode.
   *
   * @param start the start state (default the walk's start); must not be terminal
   * @returns the first state
   */
  reset(start: number = this.walk.start): number {
    checkState(this.walk, start, "start state");
    if (this.walk.isTerminal[start]) {
      throw new CliffInputError(`start state ${start} is terminal`);
    }
    this.#state = start;
    this.#t = 0;
    this.#done = false;
    return start;
  }

  /**
   * Takes action a.
   *
   * @param a the action in 0..3
   * @returns next state, reward, termination, truncation, event
   * @throws CliffInputError if the episode is over (call reset) or the action is invalid
   */
  step(a: number): StepResult {
    if (this.#done) throw new CliffInputError("step() after the episode ended: call reset()");
    const { next, reward, event } = sampleTransition(this.walk, this.#state, a, this.#rng);
    this.#state = next;
    this.#t++;
    const terminated = this.walk.isTerminal[next]!;
    const truncated = !terminated && this.#t >= this.walk.maxSteps;
    this.#done = terminated || truncated;
    return { state: next, reward, terminated, truncated, event };
  }
}

/** How an episode ended. */
export type EpisodeEnd = "goal" | "cliff" | "truncated";

/** One sampled episode s_0, a_0, r_0, s_1, …, s_T. */
export interface Episode {
  /** s_0 … s_{T−1}: the states where actions were taken. */
  states: number[];
  /** a_0 … a_{T−1}. */
  actions: number[];
  /** r_0 … r_{T−1}. */
  rewards: number[];
  /** s_T. */
  finalState: number;
  /** T, the number of moves. */
  length: number;
  /** The undiscounted return r_0 + … + r_{T−1}. */
  return: number;
  /** Ended in a terminal state. */
  terminated: boolean;
  /** Cut at the maximum length (then `terminated` is false and the return is partial). */
  truncated: boolean;
  /** "goal", "cliff" (a cliff that ends the episode) or "truncated". */
  end: EpisodeEnd;
  /** Moves into the cliff (in the classic walk each one resets the agent to the start). */
  falls: number;
}

/** Options of {@link rollout}. */
export interface RolloutOptions {
  /** The first state (default the walk's start); exploring starts pass any non-terminal state. */
  start?: number;
  /** Force the first action (exploring starts); later actions follow the table. */
  firstAction?: number;
  /** Truncation length; default the walk's `maxSteps`. */
  maxSteps?: number;
}

/**
 * Samples an action from one row of probabilities. Float32 rows (e.g. a softmax read from
 * tfjs) sum to 1 only within about 1e-6, so the row is normalised by its sum, which must be
 * within 1e-3 of 1.
 *
 * @param probs non-negative weights
 * @param rng the random source (one uniform per call)
 * @returns an index i with probability probs[i] / Σ probs
 * @throws CliffInputError for a negative or NaN weight or a sum far from 1
 * @example
 * ```ts
 * import { sampleAction } from "./mod.ts";
 * import { Rng } from "../random/mod.ts";
 * if (sampleAction(new Float32Array([0, 0, 1, 0]), new Rng(1)) !== 2) throw new Error();
 * ```
 */
export function sampleAction(probs: ArrayLike<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (!(p >= 0)) throw new CliffInputError(`action probability ${p} at index ${i} is not ≥ 0`);
    total += p;
  }
  if (!(Math.abs(total - 1) <= 1e-3)) {
    throw new CliffInputError(`action probabilities sum to ${total}, not 1`);
  }
  const u = rng.uniform() * total;
  let acc = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (p === 0) continue;
    last = i;
    acc += p;
    if (u < acc) return i;
  }
  return last;
}

/**
 * Samples one episode with actions drawn from a probability table: `policy[s]` is the row
 * π(· | s) (a `number[]` or a `Float32Array` view; terminal rows are never read). No
 * network is called per step: evaluate the network once over all states, then roll out.
 *
 * @param walk the walk
 * @param policy rows π(· | s) for every state
 * @param rng the random source
 * @param options start state, forced first action, truncation length
 * @returns the episode (termination and truncation reported separately)
 * @throws CliffInputError for a terminal or invalid start, a bad row, a bad length
 * @example
 * ```ts
 * import { cliffWalk, edgePathActions, rollout } from "./mod.ts";
 * import { Rng } from "../random/mod.ts";
 * const walk = cliffWalk();
 * const onPath = edgePathActions(walk);
 * // the deterministic policy "right" everywhere falls at once from the start
 * const right = Array.from({ length: 48 }, () => [0, 1, 0, 0]);
 * const ep = rollout(walk, right, new Rng(1));
 * if (ep.end !== "cliff" || ep.return !== -100 || ep.length !== 1 || onPath.length !== 13) {
 *   throw new Error();
 * }
 * ```
 */
export function rollout(
  walk: CliffWalk,
  policy: ArrayLike<ArrayLike<number>>,
  rng: Rng,
  options: RolloutOptions = {},
): Episode {
  if (policy.length !== walk.nStates) {
    throw new CliffInputError(`policy table has ${policy.length} rows, expected ${walk.nStates}`);
  }
  const maxSteps = options.maxSteps ?? walk.maxSteps;
  if (!(maxSteps === Infinity || (Number.isSafeInteger(maxSteps) && maxSteps >= 1))) {
    throw new CliffInputError(`maxSteps must be a positive integer or Infinity, got ${maxSteps}`);
  }
  let s = options.start ?? walk.start;
  checkState(walk, s, "start state");
  if (walk.isTerminal[s]) throw new CliffInputError(`start state ${s} is terminal`);
  const states: number[] = [];
  const actions: number[] = [];
  const rewards: number[] = [];
  let ret = 0;
  let falls = 0;
  let terminated = false;
  let end: EpisodeEnd = "truncated";
  while (states.length < maxSteps) {
    const a = states.length === 0 && options.firstAction !== undefined
      ? options.firstAction
      : sampleAction(policyRow(policy, s, walk.nActions), rng);
    const t = sampleTransition(walk, s, a, rng);
    states.push(s);
    actions.push(a);
    rewards.push(t.reward);
    ret += t.reward;
    if (t.event === "cliff") falls++;
    s = t.next;
    if (walk.isTerminal[s]) {
      terminated = true;
      end = t.event === "cliff" ? "cliff" : "goal";
      break;
    }
  }
  return {
    states,
    actions,
    rewards,
    finalState: s,
    length: states.length,
    return: ret,
    terminated,
    truncated: !terminated,
    end,
    falls,
  };
}

/**
 * Follows a deterministic policy (one action per state) from the start of a non-slippery
 * walk: the greedy path of a policy.
 *
 * @param walk a non-slippery walk
 * @param actions actions[s] for every state
 * @param options start state and truncation length (default the walk's `maxSteps`)
 * @returns the episode
 * @throws CliffInputError for a slippery walk, a wrong length or an invalid action
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions, greedyEpisode } from "./mod.ts";
 * const walk = cliffWalk();
 * const ep = greedyEpisode(walk, edgePolicyActions(walk));
 * if (ep.return !== 88 || ep.length !== 13 || ep.end !== "goal") throw new Error();
 * ```
 */
export function greedyEpisode(
  walk: CliffWalk,
  actions: readonly number[],
  options: Omit<RolloutOptions, "firstAction"> = {},
): Episode {
  if (walk.slippery) {
    throw new CliffInputError("greedyEpisode: a slippery walk is random; use rollout with an Rng");
  }
  if (actions.length !== walk.nStates) {
    throw new CliffInputError(`expected ${walk.nStates} actions, got ${actions.length}`);
  }
  const table = actions.map((a, s) => {
    if (!Number.isInteger(a) || a < 0 || a >= walk.nActions) {
      throw new CliffInputError(`action ${a} in state ${s} is not in [0, ${walk.nActions})`);
    }
    const row = [0, 0, 0, 0];
    row[a] = 1;
    return row;
  });
  // a one-hot row yields its action for every uniform draw, and a non-slippery walk draws
  // nothing for transitions: the generator's seed cannot matter
  return rollout(walk, table, new Rng(0), options);
}

/**
 * Splits a flat row-major table [nStates × nActions] (e.g. `await probs.data()` of a tfjs
 * softmax over all states) into per-state row views, without copying.
 *
 * @param flat the flat table
 * @param nActions row length
 * @returns one view per state
 * @throws CliffInputError if the length is not a multiple of nActions
 * @example
 * ```ts
 * import { tableRows } from "./mod.ts";
 * const rows = tableRows(new Float32Array([1, 0, 0.5, 0.5]), 2);
 * if (rows.length !== 2 || rows[1]![0] !== 0.5) throw new Error();
 * ```
 */
export function tableRows(
  flat: Float32Array | Float64Array | readonly number[],
  nActions: number,
): ArrayLike<number>[] {
  if (!Number.isInteger(nActions) || nActions < 1 || flat.length % nActions !== 0) {
    throw new CliffInputError(
      `table of length ${flat.length} does not split into rows of ${nActions}`,
    );
  }
  const out: ArrayLike<number>[] = [];
  for (let i = 0; i < flat.length; i += nActions) {
    out.push(
      Array.isArray(flat)
        ? flat.slice(i, i + nActions)
        : (flat as Float32Array).subarray(i, i + nActions),
    );
  }
  return out;
}

function policyRow(
  policy: ArrayLike<ArrayLike<number>>,
  s: number,
  nActions: number,
): ArrayLike<number> {
  const row = policy[s];
  if (!row || row.length !== nActions) {
    throw new CliffInputError(`policy row for state ${s} must have ${nActions} entries`);
  }
  return row;
}
