/**
 * Which lines the claims run. The unmutated claims of each problem are run once anyway (the
 * baselines that set the time limits); run with `--coverage`, they also record which lines
 * of the implementation they execute. A mutant on a line no claim executes cannot be seen by
 * any claim: its oracle is a unit test (training commands' plumbing, rendering, retries),
 * and the claims' kill rate leaves it out, as it leaves out input guards.
 *
 * @module
 */
import { runWithTimeout } from "./process.ts";

/**
 * The executed lines of each file in an lcov report, by project-relative path: a line with a
 * positive count, or with a branch taken.
 *
 * @param lcov the text of `deno coverage --lcov`
 * @param roots absolute directories the scripts ran from (the scratch copies); a file under
 *   none of them is left out
 * @returns for each file, the line numbers (1-based) executed at least once
 * @example
 * ```ts
 * import { executedLines } from "./coverage.ts";
 * const lcov = "SF:/tmp/w0/shared/a.ts\nDA:1,1\nDA:2,0\nDA:4,0\nBRDA:4,0,0,0\nBRDA:4,0,1,2\n" +
 *   "end_of_record\nSF:/tmp/w1/shared/a.ts\nDA:2,3\nDA:5,0\nBRDA:5,1,0,-\nend_of_record\n";
 * const hit = executedLines(lcov, ["/tmp/w0", "/tmp/w1"]).get("shared/a.ts")!;
 * if ([...hit].sort().join() !== "1,2,4") throw new Error();
 * ```
 */
export function executedLines(lcov: string, roots: readonly string[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of lcov.split("\n")) {
    if (line.startsWith("SF:")) {
      const path = line.slice(3).trim();
      const root = roots.find((r) => path.startsWith(`${r}/`));
      current = undefined;
      if (root !== undefined) {
        const file = path.slice(root.length + 1);
        current = out.get(file) ?? new Set();
        out.set(file, current);
      }
    } else if (line.startsWith("DA:") && current) {
      const [n, count] = line.slice(3).split(",").map(Number);
      if (Number.isInteger(n) && count! > 0) current.add(n!);
    } else if (line.startsWith("BRDA:") && current) {
      // A line's DA count is that of the innermost range on it, so `if (c) x = 1;` with the
      // branch never taken reads 0 although c ran; a branch of the line that was taken
      // (count > 0, "-" when never reached) shows that the line ran.
      const [n, , , taken] = line.slice(5).split(",").map(Number);
      if (Number.isInteger(n) && taken! > 0) current.add(n!);
    } else if (line.startsWith("end_of_record")) {
      current = undefined;
    }
  }
  return out;
}

/**
 * Reads the coverage the claims' baselines recorded.
 *
 * @param deno the deno executable
 * @param dir the directory given to `--coverage`
 * @param roots the scratch copies the claims ran in
 * @returns executed lines by file, or an error message if the coverage cannot be read
 */
export async function readCoverage(
  deno: string,
  dir: string,
  roots: readonly string[],
): Promise<Map<string, Set<number>> | string> {
  try {
    const entries = [...Deno.readDirSync(dir)];
    if (entries.length === 0) return new Map();
  } catch {
    return new Map(); // no claim ran: no line is executed by a claim
  }
  const r = await runWithTimeout(deno, ["coverage", "--lcov", dir], {
    cwd: roots[0]!,
    timeoutMs: 5 * 60_000,
    env: { NO_COLOR: "1" },
  });
  if (r.code !== 0 || r.timedOut) {
    return `deno coverage failed: ${r.output.split("\n").find((l) => l.trim() !== "") ?? ""}`;
  }
  return executedLines(r.output, roots);
}
