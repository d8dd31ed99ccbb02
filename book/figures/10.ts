/**
 * Figure of Problem 10: the exact variances of the four targets for Q^π(s_t, a_t) side by
 * side (equal means, ordered variances), on the Cliff Walk under the uniform random policy.
 *
 * Data: `tdTargetVariances(mdp, pi, d)` of `problems/10_td_variance/mod.ts` (exact, from
 * linear solves) and `cliffWalk` of `shared/cliff/mod.ts`.
 *
 * @module
 */
import { pickFunction } from "./mod.ts";
import { Plot, plotToSvg } from "./plot.ts";
import type { Figure, FigureContext } from "./types.ts";

interface Moments {
  mean: number;
  variance: number;
}

const TARGETS = [
  ["td1", "TD(1)", "r + γV(s′)"],
  ["td15", "TD(1.5)", "r + γQ(s′, a′)"],
  ["td2", "TD(2)", "r + γr′ + γ²V(s″)"],
  ["tdInf", "TD(∞)", "Σₖ γᵏ rₜ₊ₖ"],
] as const;

/**
 * The figure of Problem 10.
 *
 * @param ctx what figures may read
 * @returns the bar chart of the four variances, or a note saying what is missing
 * @example
 * ```ts ignore
 * const figs = await figures(ctx);
 * ```
 */
export async function figures(ctx: FigureContext): Promise<Figure[]> {
  const id = "fig-10-variances";
  const title = "Four unbiased targets, four variances";
  const tv = pickFunction(await ctx.importProblem("10_td_variance"), ["tdTargetVariances"]);
  const makeWalk = pickFunction(await ctx.importShared("cliff/mod.ts"), ["cliffWalk"]);
  if (!tv || !makeWalk) {
    return [{
      id,
      title,
      caption: "",
      missing:
        "Needs tdTargetVariances from problems/10_td_variance/mod.ts and cliffWalk from shared/cliff.",
    }];
  }
  const gamma = 0.9;
  // slippery moves (the intended move or either perpendicular one): with deterministic moves
  // TD(1.5) and TD(2) would have equal variances, since a_{t+1} would fix r_{t+1} and s_{t+2}
  const walk = makeWalk.fn({ slippery: true }) as {
    nStates: number;
    nActions: number;
    start: number;
  };
  const mdp = { ...walk, gamma };
  const pi = Array.from(
    { length: walk.nStates },
    () => Array(walk.nActions).fill(1 / walk.nActions),
  );
  const d = Array.from({ length: walk.nStates }, (_, s) => (s === walk.start ? 1 : 0));
  const r = tv.fn(mdp, pi, d) as Record<string, Moments>;
  const rows = TARGETS.map(([key, name, formula]) => ({
    name,
    formula,
    variance: r[key]!.variance,
    mean: r[key]!.mean,
  }));
  const means = rows.map((x) => x.mean);
  const spread = Math.max(...means) - Math.min(...means);
  return [{
    id,
    title,
    caption:
      `Var of each target for Q^π(s_t, a_t) with s_t the start of the slippery Cliff Walk (each move goes the intended way or to either side, ` +
      `1/3 each), π uniform over the four moves, γ = ${gamma}; exact values, no sampling. All four have the same mean ` +
      `${means[0]!.toFixed(3)} (largest difference ${
        spread.toExponential(1)
      }); the variance grows ` +
      `with every random quantity a target leaves unaveraged.`,
    svg: plotToSvg({
      width: 680,
      height: 300,
      marginLeft: 60,
      marginBottom: 44,
      x: {
        domain: rows.map((x) => x.name),
        label: null,
        padding: 0.35,
        tickFormat: (name: string) => `${name}\n${rows.find((x) => x.name === name)!.formula}`,
      },
      y: { label: "Var(target)", grid: true },
      marks: [
        Plot.barY(rows, { x: "name", y: "variance", fill: "#0b57d0", fillOpacity: 0.8 }),
        Plot.text(rows, {
          x: "name",
          y: "variance",
          text: (x: { variance: number }) => x.variance.toFixed(1),
          dy: -8,
          fontSize: 12,
        }),
        Plot.ruleY([0]),
      ],
    }),
  }];
}
