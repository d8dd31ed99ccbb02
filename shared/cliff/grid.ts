/**
 * The Cliff Walk as a finite MDP: geometry, the three reward variants, options and their
 * validation. A `rows × cols` grid (default 4 × 12), state = row · cols + col, start in the
 * bottom-left cell, goal in the bottom-right cell, the cells between them on the bottom row
 * are the cliff. Actions: 0 up, 1 right, 2 down, 3 left; a move into the outer wall leaves
 * the agent where it is.
 *
 * @module
 */
import { type FiniteMdp, makeMdp, type MdpSpec, type Outcome } from "../mdp/mod.ts";

/** Action indices, as in Gymnasium's CliffWalking. */
export const UP = 0;
/** Action index of a move to the right. */
export const RIGHT = 1;
/** Action index of a move down. */
export const DOWN = 2;
/** Action index of a move to the left. */
export const LEFT = 3;
/** Number of actions. */
export const N_ACTIONS = 4;
/** One arrow per action, for rendering: ↑ → ↓ ←. */
export const ACTION_ARROWS: readonly string[] = ["↑", "→", "↓", "←"];
/** (Δrow, Δcol) of each action. */
const DELTAS: readonly (readonly [number, number])[] = [[-1, 0], [0, 1], [1, 0], [0, -1]];

/**
 * The three reward schemes.
 * - `"handout"` (default): −1 per move; a move into the cliff gives −100 and ends the
 *   episode; a move into the goal gives +100 and ends it.
 * - `"classic"` (Sutton & Barto, Example 6.6; Gymnasium's CliffWalking): −1 per move; a move
 *   into the cliff gives −100 and puts the agent back on the start without ending the
 *   episode; entering the goal gives −1 and ends it.
 * - `"terminal-only"` (Problem 19): +100 at the goal, −100 in the cliff (both end the
 *   episode), 0 for every other move.
 */
export type CliffVariant = "handout" | "classic" | "terminal-only";

/** What happened on one transition (besides its reward and next state). */
export type CliffEvent = "move" | "wall" | "cliff" | "goal";

/** Options of {@link cliffWalk}; every field is optional. */
export interface CliffOptions {
  /** Reward scheme; default `"handout"`. */
  variant?: CliffVariant;
  /** Grid height, an integer in [2, 1000]; default 4. */
  rows?: number;
  /** Grid width, an integer in [2, 1000]; default 12 (cols − 2 cliff cells). */
  cols?: number;
  /** Reward of an ordinary move (also a bump into the wall); default from the variant. */
  stepReward?: number;
  /** Reward of a move into a cliff cell; default −100. */
  cliffReward?: number;
  /** Reward of the move into the goal; default from the variant (+100, −1, +100). */
  goalReward?: number;
  /**
   * Slippery moves (Gymnasium's `is_slippery`): the intended move or either perpendicular
   * move, 1/3 each. Default false.
   */
  slippery?: boolean;
  /** Discount factor γ ∈ [0, 1] of the MDP; default 1 (the undiscounted walk). */
  gamma?: number;
  /**
   * Maximum episode length of the step environment and of rollouts: after this many moves
   * an unfinished episode is truncated (reported as truncation, never as termination). A
   * positive integer or `Infinity`; default 1000. It does not change the MDP.
   */
  maxSteps?: number;
}

/** The resolved rewards of a walk. */
export interface CliffRewards {
  /** Ordinary move (and wall bump). */
  readonly step: number;
  /** Move into a cliff cell. */
  readonly cliff: number;
  /** Move into the goal. */
  readonly goal: number;
}

/**
 * A Cliff Walk: a {@link FiniteMdp} (so every tool of `shared/mdp` applies to it directly)
 * plus its geometry and resolved options. Sample it with `CliffEnv` or `rollout`.
 */
export interface CliffWalk extends FiniteMdp {
  /** The reward scheme. */
  readonly variant: CliffVariant;
  /** Grid height. */
  readonly rows: number;
  /** Grid width. */
  readonly cols: number;
  /** The start state, (rows − 1) · cols (36 in the 4 × 12 walk). */
  readonly start: number;
  /** The goal state, rows · cols − 1 (47 in the 4 × 12 walk). */
  readonly goal: number;
  /** The cliff states, start + 1 … goal − 1 (37–46 in the 4 × 12 walk). */
  readonly cliff: readonly number[];
  /** The resolved rewards. */
  readonly rewards: CliffRewards;
  /** Whether a move into the cliff ends the episode (handout, terminal-only) or resets to start (classic). */
  readonly cliffEnds: boolean;
  /** Slippery moves. */
  readonly slippery: boolean;
  /** Maximum episode length of sampled episodes (`Infinity`: none). */
  readonly maxSteps: number;
  /** events[s][a][i]: what outcome i of (s, a) is (parallel to `outcomes`; empty at terminal states). */
  readonly events: readonly (readonly (readonly CliffEvent[])[])[];
}

/** Thrown for invalid Cliff Walk options or arguments; the message names the field and value. */
export class CliffInputError extends Error {
  override name = "CliffInputError";
}

const VARIANTS: readonly CliffVariant[] = ["handout", "classic", "terminal-only"];
const OPTION_KEYS = new Set([
  "variant",
  "rows",
  "cols",
  "stepReward",
  "cliffReward",
  "goalReward",
  "slippery",
  "gamma",
  "maxSteps",
]);
const DEFAULT_REWARDS: Record<CliffVariant, CliffRewards> = {
  handout: { step: -1, cliff: -100, goal: 100 },
  classic: { step: -1, cliff: -100, goal: -1 },
  "terminal-only": { step: 0, cliff: -100, goal: 100 },
};

/**
 * Builds a Cliff Walk: validates the options and returns the walk as a finite MDP of the
 * core's model (built by `makeMdp`) with its geometry. Terminal states: the goal, and in the
 * handout and terminal-only variants also the cliff cells. In the classic variant the cliff
 * cells are ordinary (unreachable) states whose outcomes are Gymnasium's, outcome for
 * outcome and in Gymnasium's order. The initial distribution is the start state.
 *
 * @param options variant, grid size, rewards, slipperiness, γ, maximum episode length
 * @returns the walk
 * @throws CliffInputError naming the bad option and its value (unknown keys included)
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions } from "./mod.ts";
 * import { optimalValues } from "../mdp/mod.ts";
 * const walk = cliffWalk();
 * if (walk.nStates !== 48 || walk.start !== 36 || walk.goal !== 47) throw new Error();
 * // right from the start falls into the cliff: −100, episode over
 * const [o] = walk.outcomes[36]![1]!;
 * if (o!.next !== 37 || o!.reward !== -100 || !walk.isTerminal[37]) throw new Error();
 * // the walk is a FiniteMdp: exact tools apply (γ = 1 needs a proper starting policy)
 * if (optimalValues(walk, edgePolicyActions(walk)).V[36] !== 88) throw new Error();
 * ```
 */
export function cliffWalk(options: CliffOptions = {}): CliffWalk {
  const spec = cliffSpec(options);
  const mdp = makeMdp(spec.mdp);
  return { ...mdp, ...spec.walk };
}

/** The validated pieces of a walk before `makeMdp`: the MDP specification and the geometry. */
export interface CliffSpec {
  /** The specification handed to `makeMdp` (its `outcomes` are sparse lists). */
  readonly mdp: MdpSpec;
  /** Everything of {@link CliffWalk} that is not part of {@link FiniteMdp}. */
  readonly walk: Omit<CliffWalk, keyof FiniteMdp>;
}

/**
 * The validated specification of a walk without building the dense transition tensor of
 * `makeMdp` (which needs |S|² · |A| numbers): use it for large grids, where only the sparse
 * outcome lists are needed.
 *
 * @param options as for {@link cliffWalk}
 * @returns the MDP specification and the geometry
 * @throws CliffInputError naming the bad option
 * @example
 * ```ts
 * import { cliffSpec } from "./mod.ts";
 * const { mdp, walk } = cliffSpec({ rows: 50, cols: 50 });
 * if (mdp.outcomes.length !== 2500 || walk.goal !== 2499) throw new Error();
 * ```
 */
export function cliffSpec(options: CliffOptions = {}): CliffSpec {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new CliffInputError(`cliffWalk options must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new CliffInputError(
        `cliffWalk: unknown option "${key}" (known: ${[...OPTION_KEYS].join(", ")})`,
      );
    }
  }
  const variant = options.variant ?? "handout";
  if (!VARIANTS.includes(variant)) {
    throw new CliffInputError(
      `cliffWalk: variant must be one of ${VARIANTS.join(", ")}, got ${JSON.stringify(variant)}`,
    );
  }
  const rows = checkSize("rows", options.rows ?? 4);
  const cols = checkSize("cols", options.cols ?? 12);
  const base = DEFAULT_REWARDS[variant];
  const rewards: CliffRewards = {
    step: checkReward("stepReward", options.stepReward ?? base.step),
    cliff: checkReward("cliffReward", options.cliffReward ?? base.cliff),
    goal: checkReward("goalReward", options.goalReward ?? base.goal),
  };
  const slippery = options.slippery ?? false;
  if (typeof slippery !== "boolean") {
    throw new CliffInputError(`cliffWalk: slippery must be a boolean, got ${String(slippery)}`);
  }
  const gamma = options.gamma ?? 1;
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma <= 1)) {
    throw new CliffInputError(`cliffWalk: gamma must be in [0, 1], got ${String(gamma)}`);
  }
  const maxSteps = options.maxSteps ?? 1000;
  if (
    typeof maxSteps !== "number" ||
    !(maxSteps === Infinity || (Number.isSafeInteger(maxSteps) && maxSteps >= 1))
  ) {
    throw new CliffInputError(
      `cliffWalk: maxSteps must be a positive integer or Infinity, got ${String(maxSteps)}`,
    );
  }
  const cliffEnds = variant !== "classic";
  const nStates = rows * cols;
  const start = (rows - 1) * cols;
  const goal = nStates - 1;
  const cliff: number[] = [];
  for (let s = start + 1; s < goal; s++) cliff.push(s);
  const isCliff = (s: number) => s > start && s < goal;

  const terminal = cliffEnds ? [...cliff, goal] : [goal];
  const terminalSet = new Set(terminal);
  const outcomes: Outcome[][][] = [];
  const events: CliffEvent[][][] = [];
  for (let s = 0; s < nStates; s++) {
    if (terminalSet.has(s)) {
      outcomes.push([]);
      events.push([]);
      continue;
    }
    const row = Math.floor(s / cols);
    const col = s % cols;
    const sOut: Outcome[][] = [];
    const sEv: CliffEvent[][] = [];
    for (let a = 0; a < N_ACTIONS; a++) {
      // Gymnasium's order: [(a − 1) mod 4, a, (a + 1) mod 4], each 1/3, listed separately
      const moves = slippery ? [(a + 3) % 4, a, (a + 1) % 4] : [a];
      const list: Outcome[] = [];
      const ev: CliffEvent[] = [];
      for (const m of moves) {
        const [dr, dc] = DELTAS[m]!;
        const r2 = Math.min(rows - 1, Math.max(0, row + dr));
        const c2 = Math.min(cols - 1, Math.max(0, col + dc));
        const next = r2 * cols + c2;
        const prob = 1 / moves.length;
        if (isCliff(next)) {
          list.push({ next: cliffEnds ? next : start, reward: rewards.cliff, prob });
          ev.push("cliff");
        } else if (next === goal) {
          list.push({ next, reward: rewards.goal, prob });
          ev.push("goal");
        } else {
          list.push({ next, reward: rewards.step, prob });
          ev.push(next === s ? "wall" : "move");
        }
      }
      sOut.push(list);
      sEv.push(ev);
    }
    outcomes.push(sOut);
    events.push(sEv);
  }
  const initial = new Array<number>(nStates).fill(0);
  initial[start] = 1;
  return {
    mdp: { outcomes, gamma, terminal, initial, nActions: N_ACTIONS },
    walk: {
      variant,
      rows,
      cols,
      start,
      goal,
      cliff,
      rewards,
      cliffEnds,
      slippery,
      maxSteps,
      events,
    },
  };
}

/**
 * The (row, col) of a state.
 *
 * @param walk the walk (only its width matters)
 * @param s the state
 * @returns its cell
 * @throws CliffInputError if s is not a state of the walk
 * @example
 * ```ts
 * import { cellOf, cliffWalk } from "./mod.ts";
 * const { row, col } = cellOf(cliffWalk(), 36);
 * if (row !== 3 || col !== 0) throw new Error();
 * ```
 */
export function cellOf(
  walk: Pick<CliffWalk, "rows" | "cols">,
  s: number,
): { row: number; col: number } {
  checkState(walk, s, "state");
  return { row: Math.floor(s / walk.cols), col: s % walk.cols };
}

/**
 * The state of a cell: row · cols + col.
 *
 * @param walk the walk
 * @param row the row, 0 at the top
 * @param col the column, 0 at the left
 * @returns the state
 * @throws CliffInputError for a cell outside the grid
 * @example
 * ```ts
 * import { cliffWalk, stateOf } from "./mod.ts";
 * if (stateOf(cliffWalk(), 3, 11) !== 47) throw new Error();
 * ```
 */
export function stateOf(walk: Pick<CliffWalk, "rows" | "cols">, row: number, col: number): number {
  if (!Number.isInteger(row) || row < 0 || row >= walk.rows) {
    throw new CliffInputError(`row ${row} is not in [0, ${walk.rows})`);
  }
  if (!Number.isInteger(col) || col < 0 || col >= walk.cols) {
    throw new CliffInputError(`col ${col} is not in [0, ${walk.cols})`);
  }
  return row * walk.cols + col;
}

/**
 * The edge path: up, then right (cols − 1) times, then down: the shortest path that never
 * enters the cliff (13 moves in the 4 × 12 walk; return 12 · (−1) + 100 = 88 in the
 * handout's walk).
 *
 * @param walk the walk
 * @returns the action sequence from the start
 * @example
 * ```ts
 * import { cliffWalk, edgePathActions } from "./mod.ts";
 * if (edgePathActions(cliffWalk()).length !== 13) throw new Error();
 * ```
 */
export function edgePathActions(walk: Pick<CliffWalk, "cols">): number[] {
  return [UP, ...new Array<number>(walk.cols - 1).fill(RIGHT), DOWN];
}

/**
 * The edge policy, one action per state: up on the bottom row, down in the last column,
 * right everywhere else. From the start it walks the edge path; from every state of a
 * non-slippery walk it reaches the goal (in at most rows + cols − 1 moves) without entering
 * the cliff, so it is proper: a valid starting point for policy iteration with γ = 1.
 *
 * @param walk the walk
 * @returns actions[s] for every state (terminal states included; their entry is unused)
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions } from "./mod.ts";
 * const pi = edgePolicyActions(cliffWalk());
 * if (pi[36] !== 0 || pi[24] !== 1 || pi[35] !== 2) throw new Error();
 * ```
 */
export function edgePolicyActions(walk: Pick<CliffWalk, "rows" | "cols">): number[] {
  const out: number[] = [];
  for (let s = 0; s < walk.rows * walk.cols; s++) {
    const row = Math.floor(s / walk.cols);
    const col = s % walk.cols;
    out.push(row === walk.rows - 1 ? UP : col === walk.cols - 1 ? DOWN : RIGHT);
  }
  return out;
}

/**
 * Checks that s is a state of the walk.
 *
 * @param walk the walk
 * @param s the candidate
 * @param label what s is, for the message
 * @throws CliffInputError naming the label and value
 * @example
 * ```ts
 * import { checkState, cliffWalk } from "./mod.ts";
 * checkState(cliffWalk(), 47, "goal");
 * ```
 */
export function checkState(
  walk: Pick<CliffWalk, "rows" | "cols">,
  s: number,
  label: string,
): void {
  if (!Number.isInteger(s) || s < 0 || s >= walk.rows * walk.cols) {
    throw new CliffInputError(`${label} ${s} is not a state in [0, ${walk.rows * walk.cols})`);
  }
}

function checkSize(name: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 2 || n > 1000) {
    throw new CliffInputError(
      `cliffWalk: ${name} must be an integer in [2, 1000], got ${String(n)}`,
    );
  }
  return n;
}

function checkReward(name: string, r: unknown): number {
  if (typeof r !== "number" || !Number.isFinite(r)) {
    throw new CliffInputError(`cliffWalk: ${name} must be a finite number, got ${String(r)}`);
  }
  return r;
}
