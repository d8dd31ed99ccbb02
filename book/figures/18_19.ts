/**
 * Figures of Problems 18 and 19: learning curves and episode lengths of the deep policy
 * gradient (18) and of GRPO against Dr. GRPO (19), and the greedy policy each learned.
 *
 * Data: `out/train/pg.json`, `out/train/grpo.json`, `out/train/dr-grpo.json`, written by
 * `deno task train pg|grpo|dr-grpo` (the book runs a missing job itself, once, and keeps its output).
 *
 * @module
 */
import { cliffGridSvg, type GridWalk } from "./cliff_grid.ts";
import { curvesFigure, readTrain } from "./curves.ts";
import { pickFunction } from "./mod.ts";
import type { Series } from "./series.ts";
import type { Figure, FigureContext } from "./types.ts";

const isLength = (s: Series) => /length/i.test(`${s.name} ${s.yKey}`);
const isMain = (s: Series) => s.name === "curve";

/** The greedy policies the reports carry, drawn on the grid. */
async function policyFigures(
  ctx: FigureContext,
  problem: number,
  algorithms: string[],
  options: Record<string, unknown>,
): Promise<Figure[]> {
  const makeWalk = pickFunction(await ctx.importShared("cliff/mod.ts"), ["cliffWalk"]);
  const walkFrom = pickFunction(await ctx.importShared("cliff/mod.ts"), ["greedyEpisode"]);
  if (!makeWalk) return [];
  const out: Figure[] = [];
  for (const algorithm of algorithms) {
    const report = await readTrain(ctx, algorithm);
    const actions = report?.greedyActions;
    if (!actions) continue;
    const walk = makeWalk.fn(options) as GridWalk & { nStates: number };
    if (actions.length !== walk.nStates) continue;
    const path = walkFrom ? (walkFrom.fn(walk, actions) as { states: number[] }).states : [];
    out.push({
      id: `fig-${problem}-policy-${algorithm}`,
      title: `The greedy policy ${algorithm} learned`,
      caption: `Arrows: the most likely action in each cell after training; red outline: the ` +
        `greedy walk from the start (${path.length} moves).`,
      svg: cliffGridSvg(walk, null, actions, path),
    });
  }
  return out;
}

/**
 * The figures of Problem 18.
 *
 * @param ctx what figures may read
 * @returns the learning curve, episode lengths and learned policy, or notes
 * @example
 * ```ts ignore
 * const figs = await figures18(ctx);
 * ```
 */
export async function figures18(ctx: FigureContext): Promise<Figure[]> {
  const curve = await curvesFigure(ctx, {
    id: "fig-18-curve",
    title: "Policy gradient with a value baseline: learning curve",
    caption: "The return of the greedy policy from the start, and the mean return of each " +
      "sampled batch, over the episodes of training (undiscounted Cliff Walk).",
    algorithms: ["pg"],
    pick: (s) => isMain(s) || /return/i.test(s.name),
    yLabel: "return",
  });
  const lengths = await curvesFigure(ctx, {
    id: "fig-18-lengths",
    title: "Episode lengths",
    caption: "How long episodes last as the policy learns.",
    algorithms: ["pg"],
    pick: isLength,
    yLabel: "episode length",
  });
  return [curve, ...(lengths.svg ? [lengths] : []), ...await policyFigures(ctx, 18, ["pg"], {})];
}

/**
 * The figures of Problem 19.
 *
 * @param ctx what figures may read
 * @returns GRPO against Dr. GRPO: learning curves, episode lengths, learned policies, or notes
 * @example
 * ```ts ignore
 * const figs = await figures19(ctx);
 * ```
 */
export async function figures19(ctx: FigureContext): Promise<Figure[]> {
  const algorithms = ["grpo", "dr-grpo"];
  const curve = await curvesFigure(ctx, {
    id: "fig-19-curves",
    title: "GRPO against Dr. GRPO: learning curves",
    caption: "Terminal rewards only (±100). The exact probability that the sampled policy " +
      "reaches the goal, over the episodes of training, for both methods.",
    algorithms,
    pick: isMain,
  });
  const lengths = await curvesFigure(ctx, {
    id: "fig-19-lengths",
    title: "GRPO against Dr. GRPO: episode lengths",
    caption: "Average length of successful and failed episodes under each method: dividing by " +
      "the trajectory length (GRPO) favours long failures and short successes, the length bias " +
      "Dr. GRPO removes.",
    algorithms,
    pick: isLength,
    yLabel: "mean episode length in the group",
  });
  return [
    curve,
    lengths,
    ...await policyFigures(ctx, 19, algorithms, { variant: "terminal-only" }),
  ];
}
