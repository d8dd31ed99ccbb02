/**
 * A fresh verify run for the book: every problem's registered claims and their negative
 * controls, run in this process with the suite's own `runClaim`, one problem at a time so
 * that a folder still under construction (a claims file that does not load yet) shows as
 * such instead of stopping the book.
 *
 * @module
 */
import { type ClaimResult, loadProblemClaims, runClaim } from "../shared/testing/mod.ts";

/** What the verify run found for one problem. */
export interface ProblemRun {
  /** Problem number. */
  number: number;
  /** `verified`: every claim passed and every control was rejected; `failing`: not so;
   * `no-claims`: no `claims.ts` (or it registers none); `load-error`: it does not load;
   * `skipped`: left out of this run by `--only`. */
  state: "verified" | "failing" | "no-claims" | "load-error" | "skipped";
  /** One result per claim, in registration order. */
  results: ClaimResult[];
  /** The load error, for `load-error`. */
  error?: string;
  /** Wall time of this problem's claims, in milliseconds. */
  ms: number;
}

/**
 * Whether a claim result counts as verified: the claim passed and its false variant was
 * rejected.
 *
 * @param r a claim result
 * @returns true when both hold
 * @example
 * ```ts
 * import { isVerified } from "./verify_run.ts";
 * if (isVerified({ verdict: "pass", negativeControl: "accepted" } as never)) throw new Error();
 * ```
 */
export function isVerified(r: Pick<ClaimResult, "verdict" | "negativeControl">): boolean {
  return r.verdict === "pass" && r.negativeControl === "rejected";
}

/**
 * Runs the claims of one problem folder.
 *
 * @param problemsRoot URL of `problems/` (with a trailing slash)
 * @param number the problem number
 * @param log called with one progress line per claim
 * @returns the problem's run
 * @example
 * ```ts ignore
 * const run = await runProblem(new URL("../problems/", import.meta.url), 1, console.error);
 * ```
 */
export async function runProblem(
  problemsRoot: URL,
  number: number,
  log: (line: string) => void = () => {},
): Promise<ProblemRun> {
  const start = performance.now();
  let loaded;
  try {
    loaded = await loadProblemClaims(problemsRoot, new Set([number]));
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    log(`✗ ${String(number).padStart(2, "0")} claims do not load: ${error.split("\n")[0]}`);
    return { number, state: "load-error", results: [], error, ms: performance.now() - start };
  }
  const claims = loaded.flatMap((p) => p.claims);
  const results: ClaimResult[] = [];
  for (const claim of claims) {
    const r = await runClaim(claim);
    log(`${isVerified(r) ? "✓" : "✗"} ${r.id} ${r.ms.toFixed(0)} ms`);
    results.push(r);
  }
  const state = results.length === 0
    ? "no-claims"
    : results.every(isVerified)
    ? "verified"
    : "failing";
  return { number, state, results, ms: performance.now() - start };
}
