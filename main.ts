/**
 * The main job: `deno task verify` runs every registered claim of every problem and its
 * negative control, and prints a table (or JSON with `--json`).
 *
 * Usage: `deno task verify [--json] [--only 04 | --only 01..05 | --only 01,07]`
 *
 * The exit code is 1 if any claim fails or any negative control is accepted, and 2 for a bad
 * argument or a bad `VERIFY_SEED` (one line naming it and what is allowed; no claim runs).
 *
 * @module
 */
import {
  type ClaimResult,
  parseArgs,
  runClaim,
  runCommand,
  UsageError,
  verifySeed,
} from "./shared/testing/mod.ts";
import { loadProblemClaims, parseOnly, problemNumbers } from "./shared/testing/discover.ts";
import { formatTable } from "./shared/testing/report.ts";

const USAGE = "usage: deno task verify [--json] [--only 04|01..05|01,07]";
const PROBLEMS = new URL("./problems/", import.meta.url);

/**
 * Runs the claims the command line asks for and prints them.
 *
 * @param args the command-line arguments
 * @returns the exit code: 0 if every claim passes and every control is rejected, else 1
 * @throws UsageError for a bad argument or a bad `VERIFY_SEED`, before any claim runs
 */
export async function verify(args: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(args, { json: "switch", only: "value" }, USAGE);
  if (positional.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}; ${USAGE}`);
  }
  const seed = verifySeed();
  const json = flags.has("json");
  const onlyText = flags.get("only");
  const only = typeof onlyText === "string"
    ? parseOnly(onlyText, await problemNumbers(PROBLEMS))
    : undefined;
  const problems = await loadProblemClaims(PROBLEMS, only);
  const results: ClaimResult[] = [];
  const start = performance.now();
  for (const p of problems) {
    for (const claim of p.claims) {
      const r = await runClaim(claim);
      results.push(r);
      if (!json) {
        console.error(
          `${r.verdict === "pass" && r.negativeControl === "rejected" ? "✓" : "✗"} ${r.id} ${
            r.ms.toFixed(0)
          } ms`,
        );
      }
    }
  }
  const totalMs = performance.now() - start;
  if (json) {
    console.log(JSON.stringify(results, null, 2));
  } else {
    console.log(formatTable(results));
    const failed = results.filter((r) => r.verdict !== "pass").length;
    const accepted = results.filter((r) => r.negativeControl !== "rejected").length;
    console.log(
      `\n${results.length} claims from ${problems.length} problems: ${
        results.length - failed
      } pass, ${failed} fail; ` +
        `negative controls: ${results.length - accepted} rejected, ${accepted} accepted; ` +
        `VERIFY_SEED=${seed}; ${(totalMs / 1000).toFixed(1)} s`,
    );
  }
  const bad = results.some((r) => r.verdict !== "pass" || r.negativeControl !== "rejected");
  return bad ? 1 : 0;
}

if (import.meta.main) await runCommand("verify", () => verify(Deno.args));
