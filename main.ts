/**
 * The main job: `deno task verify` runs every registered claim of every problem and its
 * negative control, and prints a table (or JSON with `--json`).
 *
 * Usage: `deno task verify [--json] [--only 04 | --only 01..05 | --only 01,07]`
 *
 * The exit code is 1 if any claim fails or any negative control is accepted.
 *
 * @module
 */
import { type ClaimResult, runClaim, verifySeed } from "./shared/testing/mod.ts";
import { loadProblemClaims, parseOnly } from "./shared/testing/discover.ts";
import { formatTable } from "./shared/testing/report.ts";

if (import.meta.main) {
  const args = [...Deno.args];
  const json = args.includes("--json");
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? parseOnly(args[onlyAt + 1] ?? "") : undefined;
  const unknown = args.filter((a, i) =>
    a !== "--json" && a !== "--only" && !(onlyAt >= 0 && i === onlyAt + 1)
  );
  if (unknown.length > 0) {
    console.error(
      `unknown arguments: ${
        unknown.join(" ")
      }\nusage: deno task verify [--json] [--only 04|01..05|01,07]`,
    );
    Deno.exit(2);
  }
  const problems = await loadProblemClaims(new URL("./problems/", import.meta.url), only);
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
        `VERIFY_SEED=${verifySeed()}; ${(totalMs / 1000).toFixed(1)} s`,
    );
  }
  const bad = results.some((r) => r.verdict !== "pass" || r.negativeControl !== "rejected");
  Deno.exit(bad ? 1 : 0);
}
