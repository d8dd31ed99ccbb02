/**
 * Observable Plot rendered on the server: Plot builds its SVG through a DOM `document`,
 * which linkedom provides in Deno, so a figure is a plain string of SVG at build time and
 * the page needs no script to show it.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

export { Plot };

// linkedom's types describe a browser window; only its document is used
const serverDocument =
  (parseHTML("<!doctype html><html><head></head><body></body></html>") as unknown as {
    document: unknown;
  }).document;

/** The options of `Plot.plot`. */
export type PlotOptions = Plot.PlotOptions;

/**
 * Renders a plot to an SVG (or, with a legend, a `<figure>`) string.
 *
 * @param options Plot options (marks, scales, size); the document is supplied here
 * @returns the element's outer HTML
 * @example
 * ```ts
 * import { Plot, plotToSvg } from "./plot.ts";
 * const svg = plotToSvg({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * if (!svg.startsWith("<svg") || !svg.includes("<circle")) throw new Error(svg.slice(0, 80));
 * ```
 */
export function plotToSvg(options: PlotOptions): string {
  const el = Plot.plot({
    style: { fontSize: "12px", background: "transparent" },
    ...options,
    document: serverDocument as PlotOptions["document"],
  });
  return (el as unknown as { outerHTML: string }).outerHTML;
}
