/**
 * Figures of Problems 16 and 17: the error of the fitted Q-network against the exact Q^π as
 * samples accumulate, for fitted Monte Carlo (16) and for fitted k-step TD with each k (17).
 *
 * Data: `out/train/mc.json` and `out/train/td.json`, written by `deno task train mc` and
 * `deno task train td` (the book runs a missing job itself, once, and keeps its output).
 *
 * @module
 */
import { curvesFigure } from "./curves.ts";
import type { Figure, FigureContext } from "./types.ts";

/**
 * The figure of Problem 16.
 *
 * @param ctx what figures may read
 * @returns the error curve, or the note saying which job to run
 * @example
 * ```ts ignore
 * const figs = await figures16(ctx);
 * ```
 */
export async function figures16(ctx: FigureContext): Promise<Figure[]> {
  return [
    await curvesFigure(ctx, {
      id: "fig-16-error",
      title: "Fitted Monte Carlo: error against samples",
      caption: "Root-mean-square error of Q_φ against the exact Q^π over every non-terminal " +
        "state–action pair, as the regression sees more Monte Carlo returns.",
      algorithms: ["mc"],
      // RMSE against samples (extra.curveSamples) when the report has it, else the main curve
      pick: (s) => s.xKey === "samples" && /rmse|error/i.test(s.yKey),
      fallback: (s) => s.name === "curve",
      yLabel: "RMSE against Q^π",
    }),
  ];
}

/**
 * The figure of Problem 17.
 *
 * @param ctx what figures may read
 * @returns the error curves for each k, or the note saying which job to run
 * @example
 * ```ts ignore
 * const figs = await figures17(ctx);
 * ```
 */
export async function figures17(ctx: FigureContext): Promise<Figure[]> {
  return [
    await curvesFigure(ctx, {
      id: "fig-17-error",
      title: "Fitted k-step TD: error against samples for each k",
      caption: "Root-mean-square error of Q_φ against the exact Q^π for each k: small k " +
        "bootstraps sooner (more bias early, less variance), large k is closer to Monte Carlo.",
      algorithms: ["td"],
      // one curve per k (extra.curvesByK[i].curve), else the main curve
      pick: (s) => /k=\d+/.test(s.name) && /rmse|error/i.test(s.yKey),
      fallback: (s) => s.name === "curve",
      yLabel: "RMSE against Q^π",
    }),
  ];
}
