/**
 * Figures of Problem 15: the Cliff Walk solved by policy iteration, drawn as a value heat
 * map with the optimal policy's arrows and its walk from the start; and V^π(start) of each
 * policy the iteration evaluated.
 *
 * Data: `policyIteration(walk, gamma)` of `problems/15_policy_iteration/mod.ts` and
 * `cliffWalk`, `greedyEpisode` of `shared/cliff/mod.ts`, computed at build time (exact).
 *
 * @module
 */
import { pickFunction } from "./mod.ts";
import { cliffGridSvg, type GridWalk } from "./cliff_grid.ts";
import { Plot, plotToSvg } from "./plot.ts";
import type { Figure, FigureContext } from "./types.ts";

interface PiResult {
  policy: number[];
  V: number[];
  iterations: number;
  valueHistory?: number[][];
}

/**
 * The figures of Problem 15.
 *
 * @param ctx what figures may read
 * @returns the policy/value grid and the improvement curve, or notes saying what is missing
 * @example
 * ```ts ignore
 * const figs = await figures(ctx);
 * ```
 */
export async function figures(ctx: FigureContext): Promise<Figure[]> {
  const id = "fig-15-walk";
  const title = "The Cliff Walk solved by policy iteration";
  const pi = pickFunction(await ctx.importProblem("15_policy_iteration"), ["policyIteration"]);
  const cliff = await ctx.importShared("cliff/mod.ts");
  const makeWalk = pickFunction(cliff, ["cliffWalk"]);
  const walkFrom = pickFunction(cliff, ["greedyEpisode"]);
  if (!pi || !makeWalk) {
    return [{
      id,
      title,
      caption: "",
      missing:
        "Needs policyIteration from problems/15_policy_iteration/mod.ts and cliffWalk from shared/cliff.",
    }];
  }
  const walk = makeWalk.fn() as GridWalk;
  const result = pi.fn(walk, 1) as PiResult;
  const path = walkFrom ? (walkFrom.fn(walk, result.policy) as { states: number[] }).states : [];
  const out: Figure[] = [{
    id,
    title,
    caption:
      `The handout's 4 × 12 walk with γ = 1 (−1 per move, −100 for the cliff, +100 for the goal). ` +
      `Colour: V*(s) from exact policy evaluation; arrow: the stable policy after ${result.iterations} ` +
      `evaluations; red outline: its walk from the start (${path.length} moves, along the cliff edge); ` +
      `V*(start) = ${result.V[walk.start]!.toFixed(0)}.`,
    svg: cliffGridSvg(walk, result.V, result.policy, path),
  }];
  if (result.valueHistory && result.valueHistory.length > 1) {
    const points = result.valueHistory.map((V, i) => ({
      iteration: i + 1,
      value: V[walk.start]!,
      mean: V.reduce((a, b) => a + b, 0) / V.length,
    }));
    out.push({
      id: "fig-15-improvement",
      title: "Each improvement step raises the values",
      caption: "V^π(start) (line) and the mean of V^π over all states (dashed) for each policy " +
        "evaluated: policy improvement never lowers a value.",
      svg: plotToSvg({
        width: 560,
        height: 260,
        x: {
          label: "policy evaluated",
          labelAnchor: "center",
          labelOffset: 34,
          tickFormat: "d",
          ticks: points.length,
        },
        marginBottom: 42,
        y: { label: "value", grid: true },
        marks: [
          Plot.line(points, { x: "iteration", y: "value", stroke: "#0b57d0", marker: "circle" }),
          Plot.line(points, { x: "iteration", y: "mean", stroke: "#888", strokeDasharray: "4 3" }),
          Plot.text(points.slice(-1), {
            x: "iteration",
            y: "value",
            text: (p: { value: number }) => `start ${p.value.toFixed(0)}`,
            dx: -6,
            dy: -10,
            textAnchor: "end",
          }),
        ],
      }),
    });
  }
  return out;
}
