/**
 * Plain-text table of claim results for the terminal.
 *
 * @module
 */
import type { ClaimResult } from "./claims.ts";

/**
 * A one-line summary of a result's evidence.
 *
 * @param r a claim result
 * @returns e.g. "300 cases; worst margin 1.2e-3; over …"
 * @example
 * ```ts
 * import { evidenceText } from "./report.ts";
 * const t = evidenceText({ evidence: { over: "x", cases: 3, worstMargin: 0.5 } } as never);
 * if (!t.startsWith("3 cases")) throw new Error(t);
 * ```
 */
export function evidenceText(r: Pick<ClaimResult, "evidence">): string {
  const e = r.evidence;
  if ("error" in e) return `FAILED: ${e.error.split("\n").slice(0, 6).join(" | ")}`;
  const parts = [`${e.cases} cases`];
  if (e.worstMargin !== undefined && Number.isFinite(e.worstMargin)) {
    parts.push(`worst margin ${e.worstMargin.toExponential(2)}`);
  }
  if (e.note) parts.push(e.note);
  parts.push(`over ${e.over}`);
  return parts.join("; ");
}

/**
 * Formats results as an aligned table: id, verdict, control, ms, statement, evidence.
 *
 * @param results claim results
 * @returns the table text
 * @example
 * ```ts
 * import { formatTable } from "./report.ts";
 * if (!formatTable([]).startsWith("id")) throw new Error();
 * ```
 */
export function formatTable(results: readonly ClaimResult[]): string {
  const rows = [["id", "verdict", "control", "ms", "statement / evidence"]];
  for (const r of results) {
    rows.push([r.id, r.verdict, r.negativeControl, r.ms.toFixed(0), r.statement]);
    rows.push(["", "", "", "", `  ${evidenceText(r)}`]);
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join("  ")
  )
    .join("\n");
}
