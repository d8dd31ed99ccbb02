/**
 * How the book writes times, margins and evidence: shared by the pages built on the server
 * and the panel that fills in results in the browser, so both read the same.
 *
 * @module
 */
import type { Evidence } from "../../shared/testing/mod.ts";

/**
 * A duration for a reader: milliseconds below 10 s, seconds above.
 *
 * @param ms milliseconds
 * @returns e.g. `830 ms`, `12.3 s`
 * @example
 * ```ts
 * import { formatMs } from "./format.ts";
 * if (formatMs(830.4) !== "830 ms" || formatMs(12_345) !== "12.3 s") throw new Error();
 * ```
 */
export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

/**
 * A margin with three significant digits, in exponent form when very small or large.
 *
 * @param x the margin
 * @returns its text
 * @example
 * ```ts
 * import { formatMargin } from "./format.ts";
 * if (formatMargin(0.012345) !== "0.0123" || formatMargin(1e-9) !== "1.00e-9") throw new Error();
 * ```
 */
export function formatMargin(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(3) : x.toExponential(2);
}

/**
 * The evidence of a claim as one line of plain text.
 *
 * @param e the evidence
 * @returns cases, worst margin, note and what was quantified over, separated by `; `
 * @example
 * ```ts
 * import { evidenceText } from "./format.ts";
 * const t = evidenceText({ over: "random MDPs", cases: 1, worstMargin: 0.5 });
 * if (t !== "1 case; worst margin 0.500; over random MDPs") throw new Error(t);
 * ```
 */
export function evidenceText(e: Evidence): string {
  return [
    `${e.cases} case${e.cases === 1 ? "" : "s"}`,
    e.worstMargin !== undefined ? `worst margin ${formatMargin(e.worstMargin)}` : "",
    e.note ?? "",
    `over ${e.over}`,
  ].filter((x) => x !== "").join("; ");
}
