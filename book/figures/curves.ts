/**
 * Line charts of training curves from `out/train/<algorithm>.json` (the `TrainReport` the
 * `deno task train` jobs write), with a note in place of the picture while the file does
 * not exist.
 *
 * @module
 */
import { Plot, plotToSvg } from "./plot.ts";
import { findSeries, type Series, thin } from "./series.ts";
import type { Figure, FigureContext } from "./types.ts";

/** A training report as far as the figures read it. */
export interface TrainJson {
  /** The algorithm's name. */
  algorithm?: string;
  /** Episodes sampled. */
  episodes?: number;
  /** Wall time in milliseconds. */
  ms?: number;
  /** What `curve[i].value` is. */
  curveLabel?: string;
  /** The final greedy policy, if any. */
  greedyActions?: number[];
  /** One-line outcome. */
  summary?: string;
  /** The learning curve and further series. */
  curve?: unknown;
  /** Further plot data. */
  extra?: unknown;
}

/**
 * Reads `out/train/<algorithm>.json`.
 *
 * @param ctx the figure context
 * @param algorithm e.g. `grpo`
 * @returns the report, or null when the job has not been run
 * @example
 * ```ts ignore
 * const report = await readTrain(ctx, "grpo");
 * ```
 */
export async function readTrain(ctx: FigureContext, algorithm: string): Promise<TrainJson | null> {
  const json = await ctx.readOutJson(`train/${algorithm}.json`);
  return json && typeof json === "object" ? json as TrainJson : null;
}

/**
 * The note shown while a training job's output is missing.
 *
 * @param algorithms the jobs whose output is missing
 * @returns a sentence naming the commands to run
 * @example
 * ```ts
 * import { runToDraw } from "./curves.ts";
 * if (!runToDraw(["grpo"]).includes("`deno task train grpo`")) throw new Error();
 * ```
 */
export function runToDraw(algorithms: string[]): string {
  return `No training output yet: run ${
    algorithms.map((a) => `\`deno task train ${a}\``).join(" and ")
  } (it writes out/train/${
    algorithms.length === 1 ? algorithms[0] : "<algorithm>"
  }.json), then \`deno task book\`, to draw this.`;
}

/** A legend label from a series' name: `extra.curvesByK.k=3` becomes `k = 3`. */
function seriesLabel(name: string): string {
  const parts = name.replace(/^extra\./, "").split(".");
  const last = parts.at(-1) ?? name;
  return /=/.test(last) ? last.replace("=", " = ") : parts.join(" ");
}

/** One labelled series for a multi-line chart. */
export interface LabelledSeries {
  /** Legend label. */
  label: string;
  /** The series. */
  series: Series;
}

/**
 * A multi-line chart of several series.
 *
 * @param lines the series with their legend labels
 * @param axes axis labels and an optional log y scale
 * @returns the SVG (a `<figure>` with a legend when there are several lines)
 * @example
 * ```ts
 * import { lineChart } from "./curves.ts";
 * const svg = lineChart([{ label: "a", series: { name: "a", xKey: "x", yKey: "y", points: [{ x: 0, y: 1 }, { x: 1, y: 2 }] } }], { x: "x", y: "y" });
 * if (!svg.includes("<path")) throw new Error();
 * ```
 */
export function lineChart(
  lines: LabelledSeries[],
  axes: { x: string; y: string; logY?: boolean; logX?: boolean },
): string {
  const data = lines.flatMap((l) => thin(l.series.points).map((p) => ({ ...p, label: l.label })));
  return plotToSvg({
    width: 720,
    height: 320,
    marginLeft: 60,
    marginBottom: 42,
    x: {
      label: axes.x,
      labelAnchor: "center",
      labelOffset: 34,
      ...(axes.logX ? { type: "log" } : {}),
    },
    y: { label: axes.y, grid: true, ...(axes.logY ? { type: "log" } : {}) },
    // categories in the order given (k = 1, 3, 10; GRPO before Dr. GRPO), not sorted as text
    color: {
      type: "categorical",
      domain: lines.map((l) => l.label),
      legend: lines.length > 1,
      scheme: "Tableau10",
    },
    marks: [
      Plot.line(data, { x: "x", y: "y", z: "label", stroke: "label", strokeWidth: 1.8 }),
      // dots too while they stay legible: they show the points a gap leaves isolated
      ...(data.length <= 150 * lines.length
        ? [Plot.dot(data, { x: "x", y: "y", fill: "label", r: 2 })]
        : []),
    ],
  });
}

/**
 * A figure of the learning curve(s) of one or more training reports, or the note saying
 * which job to run.
 *
 * @param ctx the figure context
 * @param spec the figure's id, title, caption, algorithms and a series filter
 * @returns the figure
 * @example
 * ```ts ignore
 * const fig = await curvesFigure(ctx, { id: "fig", title: "t", caption: "c", algorithms: ["pg"] });
 * ```
 */
export async function curvesFigure(
  ctx: FigureContext,
  spec: {
    id: string;
    title: string;
    caption: string;
    algorithms: string[];
    /** Which series to draw (default: the main `curve`). */
    pick?: (s: Series) => boolean;
    /** Which series to draw when `pick` finds none. */
    fallback?: (s: Series) => boolean;
    yLabel?: string;
    logY?: boolean;
  },
): Promise<Figure> {
  const reports = await Promise.all(spec.algorithms.map((a) => readTrain(ctx, a)));
  if (reports.every((r) => r === null)) {
    return {
      id: spec.id,
      title: spec.title,
      caption: spec.caption,
      missing: runToDraw(spec.algorithms),
    };
  }
  const pick = spec.pick ?? ((s: Series) => s.name === "curve");
  const lines: LabelledSeries[] = [];
  let yLabel = spec.yLabel;
  let xKey = "";
  reports.forEach((r, i) => {
    if (!r) return;
    const all = findSeries({ curve: r.curve, extra: r.extra }, "");
    const picked = all.filter(pick);
    const chosen = picked.length > 0 || !spec.fallback ? picked : all.filter(spec.fallback);
    for (const s of chosen) {
      const label = spec.algorithms.length > 1
        ? `${spec.algorithms[i]}${s.name === "curve" ? "" : ` ${seriesLabel(s.name)}`}`
        : s.name === "curve"
        ? (r.curveLabel ?? "curve")
        : seriesLabel(s.name);
      lines.push({ label, series: s });
      xKey ||= s.xKey;
      if (s.name === "curve") yLabel ??= r.curveLabel;
    }
  });
  const missingAlgos = spec.algorithms.filter((_, i) => reports[i] === null);
  if (lines.every((l) => l.series.points.every((p) => Number.isNaN(p.y)))) {
    return {
      id: spec.id,
      title: spec.title,
      caption: spec.caption,
      missing: "The training output has no series of this kind yet.",
    };
  }
  const summaries = reports.filter((r): r is TrainJson => r !== null)
    .map((r) => r.summary).filter((s): s is string => !!s);
  return {
    id: spec.id,
    title: spec.title,
    caption: `${spec.caption}${summaries.length ? ` Outcome: ${summaries.join(" · ")}` : ""}${
      missingAlgos.length ? ` (${runToDraw(missingAlgos)})` : ""
    }`,
    svg: lineChart(lines, {
      x: xKey === "index" ? "index" : xKey,
      y: yLabel ?? "value",
      logY: spec.logY,
    }),
  };
}
