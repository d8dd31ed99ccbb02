/**
 * Tallies and tables of a mutation run: per problem (and `shared/<module>`), per file,
 * the survivors with their source lines, and one summary line.
 *
 * @module
 */
import type { MutantResult } from "./execute.ts";

/** Counts of outcomes. */
export interface Tally {
  /** Mutants in the run. */
  total: number;
  /** Killed by a failing check (timeouts not included). */
  killed: number;
  /** Killed or timed out in a claim (a subset of killed + timeout). */
  byClaims: number;
  /** Timed out (counted as killed in the rates). */
  timeout: number;
  /** No check failed. */
  survived: number;
  /** Survived but does not type-check (excluded from the rates). */
  invalid: number;
  /** Listed as equivalent (excluded from the rates). */
  equivalent: number;
  /** Not judged: the unmutated tree fails the same checks (excluded from the rates). */
  error: number;
  /** Judged mutants inside input guards (in the suite rate, not in the claims rate). */
  guarded: number;
  /** Of those, killed by a claim (a guard made stricter than a claim's inputs allow). */
  guardedByClaims: number;
  /** Judged mutants outside guards on lines no claim executes (not in the claims rate). */
  unreached: number;
  /** Of those, killed by a claim (possible only if the coverage missed a line). */
  unreachedByClaims: number;
}

/** What the tally reads of one outcome. */
type Judged = Pick<MutantResult, "status" | "byClaims"> & { guard?: boolean; unreached?: boolean };

/**
 * Counts outcomes.
 *
 * @param results mutant outcomes
 * @returns the tally
 * @example
 * ```ts
 * import { tally } from "./report.ts";
 * const t = tally([{ status: "killed", byClaims: true }, { status: "survived", byClaims: false }]);
 * if (t.killed !== 1 || t.byClaims !== 1 || t.survived !== 1) throw new Error();
 * ```
 */
export function tally(results: readonly Judged[]): Tally {
  const t: Tally = {
    total: 0,
    killed: 0,
    byClaims: 0,
    timeout: 0,
    survived: 0,
    invalid: 0,
    equivalent: 0,
    error: 0,
    guarded: 0,
    guardedByClaims: 0,
    unreached: 0,
    unreachedByClaims: 0,
  };
  for (const r of results) {
    t.total++;
    t[r.status]++;
    const claimKill = r.byClaims && (r.status === "killed" || r.status === "timeout");
    if (claimKill) t.byClaims++;
    if (!["killed", "timeout", "survived"].includes(r.status)) continue;
    if (r.guard) {
      t.guarded++;
      if (claimKill) t.guardedByClaims++;
    } else if (r.unreached) {
      t.unreached++;
      if (claimKill) t.unreachedByClaims++;
    }
  }
  return t;
}

/**
 * Kill rates over the judged mutants (killed + timed out + survived). The suite rate counts
 * every judged mutant; the claims rate leaves out input guards (`if (bad) throw …`), whose
 * refusal path no claim takes because a claim's inputs meet its hypotheses, and lines that no
 * claim executes.
 *
 * @param t a tally
 * @returns suite and claims-only rates in [0, 1], NaN when nothing was judged
 * @example
 * ```ts
 * import { rates, tally } from "./report.ts";
 * const r = rates(tally([{ status: "timeout", byClaims: false }, { status: "equivalent", byClaims: false }]));
 * if (r.suite !== 1 || r.claims !== 0 || r.judged !== 1) throw new Error();
 * const g = rates(tally([
 *   { status: "killed", byClaims: true },
 *   { status: "killed", byClaims: false, guard: true }, // a bad-input test's kill
 *   { status: "survived", byClaims: false, unreached: true }, // a line no claim runs
 * ]));
 * if (g.suite !== 2 / 3 || g.claims !== 1 || g.judged !== 3) throw new Error();
 * ```
 */
export function rates(t: Tally): { suite: number; claims: number; judged: number } {
  const judged = t.killed + t.timeout + t.survived;
  return {
    suite: (t.killed + t.timeout) / judged,
    claims: (t.byClaims - t.guardedByClaims - t.unreachedByClaims) /
      (judged - t.guarded - t.unreached),
    judged,
  };
}

function pct(x: number): string {
  return Number.isNaN(x) ? "–" : `${(100 * x).toFixed(1)}%`;
}

/**
 * A text table of tallies by key (problem, module or file).
 *
 * @param title the first column's heading
 * @param groups results grouped by key
 * @returns the table
 * @example
 * ```ts
 * import { formatTable } from "./report.ts";
 * const t = formatTable("group", new Map([["04", [{ status: "killed" as const, byClaims: true }]]]));
 * if (!t.includes("100.0%")) throw new Error();
 * ```
 */
export function formatTable(
  title: string,
  groups: ReadonlyMap<string, readonly Judged[]>,
): string {
  const head = [
    title,
    "mutants",
    "killed",
    "by claims",
    "timeout",
    "survived",
    "invalid",
    "equiv",
    "error",
    "guards",
    "unrun",
    "suite",
    "claims",
  ];
  const rows = [...groups.entries()].map(([key, rs]) => {
    const t = tally(rs);
    const r = rates(t);
    return [
      key,
      t.total,
      t.killed,
      t.byClaims,
      t.timeout,
      t.survived,
      t.invalid,
      t.equivalent,
      t.error,
      t.guarded,
      t.unreached,
      pct(r.suite),
      pct(r.claims),
    ]
      .map(String);
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}

/**
 * Groups results by a key, keys sorted.
 *
 * @param results the outcomes
 * @param keyOf the key of one outcome
 * @returns results by key
 * @example
 * ```ts
 * import { groupBy } from "./report.ts";
 * const g = groupBy([{ k: "b" }, { k: "a" }, { k: "b" }], (x) => x.k);
 * if ([...g.keys()].join() !== "a,b" || g.get("b")?.length !== 2) throw new Error();
 * ```
 */
export function groupBy<T>(results: readonly T[], keyOf: (r: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of results) {
    const k = keyOf(r);
    if (!map.has(k)) map.set(k, []);
    map.get(k)!.push(r);
  }
  return new Map([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The survivors, one per line as `file:line  original -> mutated  (operator)` followed by
 * the source line.
 *
 * @param results the outcomes
 * @returns the listing (empty when nothing survived)
 * @example
 * ```ts
 * import { formatSurvivors } from "./report.ts";
 * const s = formatSurvivors([{ status: "survived", file: "a.ts", line: 3, original: "x + 1",
 *   mutated: "x - 1", operator: "arithmetic", lineText: "return x + 1;" }]);
 * if (!s.startsWith("a.ts:3  x + 1 -> x - 1  (arithmetic)")) throw new Error();
 * ```
 */
export function formatSurvivors(
  results: readonly Pick<
    MutantResult,
    "status" | "file" | "line" | "original" | "mutated" | "operator" | "lineText"
  >[],
): string {
  return results.filter((r) => r.status === "survived").map((r) =>
    `${r.file}:${r.line}  ${r.original} -> ${r.mutated}  (${r.operator})\n    ${r.lineText}`
  ).join("\n");
}

/**
 * The closing summary line.
 *
 * @param t the overall tally
 * @param seconds wall time of the run
 * @param medianMs median time per judged mutant
 * @returns one line
 * @example
 * ```ts
 * import { summaryLine, tally } from "./report.ts";
 * const line = summaryLine(tally([{ status: "killed", byClaims: true }]), 2, 1500);
 * if (!line.includes("kill rate 100.0% (suite) of 1, 100.0% (claims) of 1")) throw new Error(line);
 * ```
 */
export function summaryLine(t: Tally, seconds: number, medianMs: number): string {
  const r = rates(t);
  const run = t.total - t.equivalent;
  return `mutate: ${t.total} mutants: ${t.killed} killed, ${t.timeout} timed out, ` +
    `${t.survived} survived, ${t.invalid} invalid, ${t.equivalent} equivalent, ${t.error} not judged; ` +
    `kill rate ${pct(r.suite)} (suite) of ${r.judged}, ${pct(r.claims)} (claims) of ${
      r.judged - t.guarded
    } outside input guards; ` +
    `${(run / Math.max(seconds, 1e-9)).toFixed(2)} mutants/s, median ${
      (medianMs / 1000).toFixed(1)
    } s per mutant`;
}

/**
 * The median of a list of numbers (NaN when empty).
 *
 * @param xs the numbers
 * @returns their median
 * @example
 * ```ts
 * import { median } from "./report.ts";
 * if (median([3, 1, 2]) !== 2 || median([1, 2, 3, 4]) !== 2.5) throw new Error();
 * ```
 */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
