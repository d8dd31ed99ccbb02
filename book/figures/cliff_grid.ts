/**
 * The Cliff Walk as a picture: a heat map of a value function, the policy's arrows in every
 * cell, the cliff and the goal marked, and the walked path outlined.
 *
 * @module
 */
import { Plot, plotToSvg } from "./plot.ts";

/** What the grid picture needs to know about a walk. */
export interface GridWalk {
  /** Grid height. */
  rows: number;
  /** Grid width. */
  cols: number;
  /** The start state. */
  start: number;
  /** The goal state. */
  goal: number;
  /** The cliff states. */
  cliff: readonly number[];
}

const ARROWS = ["↑", "→", "↓", "←"];

/**
 * Draws values and a policy on the grid (row 0 at the top, as in the text rendering).
 *
 * @param walk the geometry
 * @param values V(s) per state (terminal states are drawn as cliff or goal, not coloured);
 *   null for a policy without values
 * @param actions one action per state (0 up, 1 right, 2 down, 3 left)
 * @param path states visited by the greedy walk from the start, outlined
 * @returns the SVG (a `<figure>` with the colour legend)
 * @example
 * ```ts
 * import { cliffGridSvg } from "./cliff_grid.ts";
 * const walk = { rows: 2, cols: 3, start: 3, goal: 5, cliff: [4] };
 * const svg = cliffGridSvg(walk, [1, 2, 3, 0, 0, 0], [1, 1, 2, 0, 0, 0], [3, 0, 1, 2]);
 * if (!svg.includes("→") || !svg.includes("cliff")) throw new Error();
 * ```
 */
export function cliffGridSvg(
  walk: GridWalk,
  values: ArrayLike<number> | null,
  actions: ArrayLike<number>,
  path: readonly number[] = [],
): string {
  const cells = Array.from({ length: walk.rows * walk.cols }, (_, s) => {
    const kind = s === walk.goal ? "goal" : walk.cliff.includes(s) ? "cliff" : "free";
    return {
      s,
      row: Math.floor(s / walk.cols),
      col: s % walk.cols,
      kind,
      v: values ? values[s]! : 0,
      label: kind === "goal" ? "G" : kind === "cliff" ? "cliff" : `${ARROWS[actions[s]!] ?? "?"}`,
      value: kind === "free" && values ? values[s]!.toFixed(0) : "",
    };
  });
  const free = cells.filter((c) => c.kind === "free");
  const onPath = new Set(path);
  const size = 54;
  return plotToSvg({
    width: walk.cols * size + 40,
    height: walk.rows * size + 40,
    marginLeft: 20,
    marginRight: 20,
    marginTop: 10,
    marginBottom: 30,
    padding: 0.04,
    x: { domain: [...Array(walk.cols).keys()], axis: null },
    y: { domain: [...Array(walk.rows).keys()], axis: null },
    // a quantized scale: its legend is drawn with rectangles (a continuous ramp needs a canvas)
    color: { type: "quantize", n: 9, scheme: "YlGnBu", legend: values !== null, label: "V(s)" },
    marks: [
      Plot.cell(free, { x: "col", y: "row", fill: values ? "v" : "#e3ebf6", inset: 0.5 }),
      Plot.cell(cells.filter((c) => c.kind === "cliff"), {
        x: "col",
        y: "row",
        fill: "#5b4636",
        inset: 0.5,
      }),
      Plot.cell(cells.filter((c) => c.kind === "goal"), {
        x: "col",
        y: "row",
        fill: "#e3b505",
        inset: 0.5,
      }),
      Plot.cell(cells.filter((c) => onPath.has(c.s)), {
        x: "col",
        y: "row",
        stroke: "#d1242f",
        strokeWidth: 2.5,
        fill: "none",
        inset: 2,
      }),
      Plot.text(cells, {
        x: "col",
        y: "row",
        text: "label",
        dy: -7,
        fontSize: (c: { kind: string }) => (c.kind === "free" ? 20 : 11),
        fill: (c: { kind: string; v: number }) => (c.kind === "cliff" ? "white" : "#111"),
        stroke: (c: { kind: string }) => (c.kind === "free" ? "white" : "none"),
        strokeWidth: 3,
      }),
      Plot.text(free, {
        x: "col",
        y: "row",
        text: "value",
        dy: 13,
        fontSize: 10,
        fill: "#111",
        stroke: "white",
        strokeWidth: 2.5,
      }),
      Plot.text([{ col: walk.start % walk.cols, row: Math.floor(walk.start / walk.cols) }], {
        x: "col",
        y: "row",
        text: () => "start",
        dy: 31,
        fontSize: 10,
      }),
    ],
  });
}
