/**
 * Figure of Problem 23: the spreads of the two KL estimators, D̂(1) (mean of log p/q) and
 * D̂(2) (mean of the non-negative ratio form), on fixed pairs of distributions from q close
 * to p to q far from p.
 *
 * Data: `estimatorSpreadTable(n)` of `problems/23_kl_estimators/mod.ts` (exact standard
 * deviations, finite sums).
 *
 * @module
 */
import { pickFunction } from "./mod.ts";
import { Plot, plotToSvg } from "./plot.ts";
import type { Figure, FigureContext } from "./types.ts";

interface Spread {
  label: string;
  kl: number;
  n: number;
  sd1: number;
  sd2: number;
}

/**
 * The figure of Problem 23.
 *
 * @param ctx what figures may read
 * @returns the spread chart, or a note saying what is missing
 * @example
 * ```ts ignore
 * const figs = await figures(ctx);
 * ```
 */
export async function figures(ctx: FigureContext): Promise<Figure[]> {
  const id = "fig-23-spreads";
  const title = "How far each estimator scatters around KL(p‖q)";
  const table = pickFunction(await ctx.importProblem("23_kl_estimators"), [
    "estimatorSpreadTable",
  ]);
  if (!table) {
    return [{
      id,
      title,
      caption: "",
      missing: "Needs estimatorSpreadTable from problems/23_kl_estimators/mod.ts.",
    }];
  }
  const rows = table.fn(1) as Spread[];
  const points = rows.flatMap((r) => [
    { pair: r.label, what: "sd of D̂(1)", value: r.sd1 },
    { pair: r.label, what: "sd of D̂(2)", value: r.sd2 },
    { pair: r.label, what: "KL(p‖q)", value: r.kl },
  ]).filter((p) => p.value > 0);
  return [{
    id,
    title,
    caption: "p uniform on 4 outcomes, one sample (N = 1; both spreads shrink as 1/√N). Both " +
      "estimators are unbiased, so they share the mean KL(p‖q) (black tick); the dots are their " +
      "exact standard deviations. Log scale: when q is close to p, D̂(2) scatters far less than " +
      "D̂(1), relative to the KL it estimates.",
    svg: plotToSvg({
      width: 720,
      height: 340,
      marginLeft: 60,
      marginBottom: 40,
      x: { domain: rows.map((r) => r.label), label: null, padding: 0.3 },
      y: {
        type: "log",
        label: "value (log scale)",
        grid: true,
        // half a decade of room above and below the extreme points
        domain: [
          Math.min(...points.map((p) => p.value)) / 3,
          Math.max(...points.map((p) => p.value)) * 3,
        ],
      },
      color: {
        domain: ["sd of D̂(1)", "sd of D̂(2)", "KL(p‖q)"],
        range: ["#d1242f", "#0b57d0", "#111"],
        legend: true,
      },
      marks: [
        Plot.ruleX(rows.map((r) => r.label), { stroke: "#eee" }),
        Plot.dot(points.filter((p) => p.what === "sd of D̂(1)"), {
          x: "pair",
          y: "value",
          fill: "what",
          r: 6,
          dx: -7,
        }),
        Plot.dot(points.filter((p) => p.what === "sd of D̂(2)"), {
          x: "pair",
          y: "value",
          fill: "what",
          r: 6,
          dx: 7,
        }),
        Plot.tickY(points.filter((p) => p.what === "KL(p‖q)"), {
          x: "pair",
          y: "value",
          stroke: "what",
          strokeWidth: 2.5,
        }),
      ],
    }),
  }];
}
