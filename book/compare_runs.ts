/**
 * Compares a claims run in the browser with the command line's run of the same claims with
 * the same seed (`deno task verify --json`): the book's promise that a reader re-running a
 * check sees what the suite saw.
 *
 * @module
 */
import type { ClaimResult } from "../shared/testing/mod.ts";

/** How closely the two runs must agree. */
export interface RunTolerance {
  /**
   * Largest allowed |Δ| of a worst margin, relative to max(1, |margin|). 0 for exact checks
   * (float64 arithmetic in the same JavaScript engine family gives the same bits); larger only
   * where the backend may differ (tfjs float32 kernels).
   */
  margin: number;
  /** Whether notes and the controls' rejection texts (with their counterexamples) must be equal. */
  sameText: boolean;
}

/** Exact agreement: every number and every text equal. */
export const EXACT: RunTolerance = { margin: 0, sameText: true };

/**
 * The differences between two runs of one problem's claims, as sentences (empty: they agree).
 * Verdicts, control outcomes, claim seeds, case counts and what was quantified over must be
 * equal; worst margins within the tolerance; notes and rejections equal when asked.
 *
 * @param cli the command line's results
 * @param browser the browser's results
 * @param tolerance how closely they must agree
 * @returns one line per difference
 * @example
 * ```ts
 * import { compareRuns, EXACT } from "./compare_runs.ts";
 * const r = {
 *   id: "01a", problem: 1, statement: "s", verdict: "pass", negativeControl: "rejected",
 *   evidence: { over: "MDPs", cases: 10, worstMargin: 0.25 },
 *   control: { variant: "v", rejection: "r" }, ms: 5, seed: 9,
 * } as const;
 * if (compareRuns([r], [{ ...r, ms: 7 }], EXACT).length !== 0) throw new Error("time may differ");
 * const moved = { ...r, evidence: { ...r.evidence, worstMargin: 0.2500001 } };
 * if (compareRuns([r], [moved], EXACT).length !== 1) throw new Error("exact means exact");
 * if (compareRuns([r], [moved], { margin: 1e-6, sameText: true }).length !== 0) throw new Error();
 * ```
 */
export function compareRuns(
  cli: readonly ClaimResult[],
  browser: readonly ClaimResult[],
  tolerance: RunTolerance,
): string[] {
  const out: string[] = [];
  const ids = (rs: readonly ClaimResult[]) => rs.map((r) => r.id).join(",");
  if (ids(cli) !== ids(browser)) {
    return [`claims differ: command line ${ids(cli)}, browser ${ids(browser)}`];
  }
  cli.forEach((a, i) => {
    const b = browser[i]!;
    const differ = (what: string, x: unknown, y: unknown) => {
      if (x !== y) {
        out.push(
          `${a.id} ${what}: command line ${JSON.stringify(x)}, browser ${JSON.stringify(y)}`,
        );
      }
    };
    differ("verdict", a.verdict, b.verdict);
    differ("negative control", a.negativeControl, b.negativeControl);
    differ("seed", a.seed, b.seed);
    differ("control variant", a.control.variant, b.control.variant);
    if (tolerance.sameText) differ("rejection", a.control.rejection, b.control.rejection);
    const ea = a.evidence, eb = b.evidence;
    if ("error" in ea || "error" in eb) {
      if (tolerance.sameText) differ("evidence", JSON.stringify(ea), JSON.stringify(eb));
      else differ("failed", "error" in ea, "error" in eb);
      return;
    }
    differ("cases", ea.cases, eb.cases);
    differ("over", ea.over, eb.over);
    if (tolerance.sameText) differ("note", ea.note, eb.note);
    const ma = ea.worstMargin, mb = eb.worstMargin;
    if (ma === undefined || mb === undefined) {
      differ("worst margin", ma, mb);
    } else if (!(Math.abs(ma - mb) <= tolerance.margin * Math.max(1, Math.abs(ma)))) {
      // NaN never agrees; equal infinities do
      if (ma !== mb) differ("worst margin", ma, mb);
    }
  });
  return out;
}
