/**
 * Text rendering of the Cliff Walk: a policy as arrows, a walked path, a value function.
 * Rows are printed top to bottom; `S` marks the start, `G` the goal, `x` a cliff cell.
 *
 * @module
 */
import { ACTION_ARROWS, CliffInputError, type CliffWalk } from "./grid.ts";

/**
 * Draws a policy on the grid: one arrow per cell (the most likely action of a stochastic
 * row, the lowest index on ties). The goal shows `G`, cliff cells `x`; the start shows its
 * arrow (the start is at the bottom-left corner).
 *
 * @param walk the walk
 * @param policy one action per state, or probability rows π(· | s)
 * @returns the grid, one text line per row
 * @throws CliffInputError for a wrong number of states or an invalid action
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions, renderPolicy } from "./mod.ts";
 * const walk = cliffWalk({ rows: 2, cols: 4 });
 * const text = renderPolicy(walk, edgePolicyActions(walk));
 * if (text !== "→ → → ↓\n↑ x x G") throw new Error(text);
 * ```
 */
export function renderPolicy(
  walk: CliffWalk,
  policy: readonly number[] | ArrayLike<ArrayLike<number>>,
): string {
  if (policy.length !== walk.nStates) {
    throw new CliffInputError(`policy has ${policy.length} states, expected ${walk.nStates}`);
  }
  return grid(walk, (s) => {
    if (s === walk.goal) return "G";
    if (walk.cliff.includes(s)) return "x";
    const entry = policy[s]!;
    const a = typeof entry === "number" ? entry : argmax(entry);
    const arrow = ACTION_ARROWS[a];
    if (arrow === undefined) throw new CliffInputError(`action ${a} in state ${s} is not in 0..3`);
    return arrow;
  });
}

/**
 * Draws a walked path: each visited state shows the action taken there, other cells `·`;
 * the cliff `x`, the goal `G`, the start `S` if no action was taken on it.
 *
 * @param walk the walk
 * @param states the visited states s_0 … s_{T−1}
 * @param actions the actions a_0 … a_{T−1} (the last action taken in a state is drawn)
 * @returns the grid as text
 * @throws CliffInputError for mismatched lengths or an invalid state
 * @example
 * ```ts
 * import { cliffWalk, greedyEpisode, edgePolicyActions, renderPath } from "./mod.ts";
 * const walk = cliffWalk({ rows: 2, cols: 4 });
 * const ep = greedyEpisode(walk, edgePolicyActions(walk));
 * if (renderPath(walk, ep.states, ep.actions) !== "→ → → ↓\n↑ x x G") throw new Error();
 * ```
 */
export function renderPath(
  walk: CliffWalk,
  states: readonly number[],
  actions: readonly number[],
): string {
  if (states.length !== actions.length) {
    throw new CliffInputError(`${states.length} states but ${actions.length} actions`);
  }
  const taken = new Map<number, number>();
  states.forEach((s, t) => {
    if (!Number.isInteger(s) || s < 0 || s >= walk.nStates) {
      throw new CliffInputError(`visited state ${s} at step ${t} is not a state`);
    }
    taken.set(s, actions[t]!);
  });
  return grid(walk, (s) => {
    const a = taken.get(s);
    if (a !== undefined) return ACTION_ARROWS[a] ?? "?";
    if (s === walk.goal) return "G";
    if (walk.cliff.includes(s)) return "x";
    if (s === walk.start) return "S";
    return "·";
  });
}

/**
 * Draws a value function on the grid, right-aligned numbers with the given decimals; the
 * goal and (terminal) cliff cells are labelled instead of printing their 0.
 *
 * @param walk the walk
 * @param V one value per state
 * @param digits decimals, an integer in [0, 10] (default 1)
 * @returns the grid as text
 * @throws CliffInputError for a wrong length, a non-finite value or bad digits
 * @example
 * ```ts
 * import { cliffWalk, renderValues } from "./mod.ts";
 * const walk = cliffWalk({ rows: 2, cols: 3 });
 * const text = renderValues(walk, [1, 2, 3, 4, 0, 0], 0);
 * if (text.split("\n")[1]!.trim().split(/\s+/).join(" ") !== "4 cliff goal") throw new Error(text);
 * ```
 */
export function renderValues(walk: CliffWalk, V: ArrayLike<number>, digits = 1): string {
  if (V.length !== walk.nStates) {
    throw new CliffInputError(`V has ${V.length} entries, expected ${walk.nStates}`);
  }
  if (!Number.isInteger(digits) || digits < 0 || digits > 10) {
    throw new CliffInputError(`digits must be an integer in [0, 10], got ${digits}`);
  }
  const cells = Array.from({ length: walk.nStates }, (_, s) => {
    if (s === walk.goal) return "goal";
    if (walk.cliff.includes(s) && walk.isTerminal[s]) return "cliff";
    const v = V[s]!;
    if (!Number.isFinite(v)) throw new CliffInputError(`V(s=${s}) = ${v} is not finite`);
    return v.toFixed(digits);
  });
  const width = Math.max(...cells.map((c) => c.length));
  return grid(walk, (s) => cells[s]!.padStart(width));
}

function grid(walk: CliffWalk, cell: (s: number) => string): string {
  const lines: string[] = [];
  for (let r = 0; r < walk.rows; r++) {
    const parts: string[] = [];
    for (let c = 0; c < walk.cols; c++) parts.push(cell(r * walk.cols + c));
    lines.push(parts.join(" "));
  }
  return lines.join("\n");
}

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}
