/**
 * Runs the claims of some problems, stopping at the first one that fails or whose
 * negative control is accepted: the claims phase of a mutant. It runs inside a scratch
 * copy of the tree, so it loads that copy's (mutated) code.
 *
 * Usage: `deno run --allow-read --allow-env tools/mutate/claims_driver.ts 04 01 02`
 * (problems in the order to run them). Prints `killed <id>: <why>` and exits 1 on the
 * first failure; exits 0 when every claim holds and every control is rejected, after
 * printing `ran <id> <statement>` for each: the names under which `registerClaimTests`
 * registers the same claims, so the tests phase can leave them out.
 *
 * @module
 */
import { type Claim, loadProblemClaims, runClaim } from "../../shared/testing/mod.ts";

/**
 * The first claim that fails or whose negative control is accepted, running in order.
 *
 * @param claims the claims, in the order to run them
 * @returns the id and reason of the first failure, or undefined if all hold
 * @example
 * ```ts
 * import { firstFailure } from "./claims_driver.ts";
 * import { ClaimViolation } from "../../shared/testing/mod.ts";
 * const reject = () => { throw new ClaimViolation("no"); };
 * const ok = { over: "one case", cases: 1 };
 * const f = await firstFailure([
 *   { id: "00a", statement: "s", check: () => ok, negativeControl: { variant: "v", check: reject } },
 *   { id: "00b", statement: "s", check: () => ok, negativeControl: { variant: "v", check: () => 0 } },
 * ]);
 * if (f?.id !== "00b") throw new Error();
 * ```
 */
export async function firstFailure(
  claims: readonly Claim[],
): Promise<{ id: string; why: string } | undefined> {
  for (const claim of claims) {
    const r = await runClaim(claim);
    if (r.verdict !== "pass") {
      const error = "error" in r.evidence ? r.evidence.error : "";
      return { id: r.id, why: `claim fails: ${firstLine(error)}` };
    }
    if (r.negativeControl !== "rejected") {
      return { id: r.id, why: `negative control accepted: ${firstLine(r.control.rejection)}` };
    }
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.slice(0, 200);
}

if (import.meta.main) {
  const order = Deno.args.map(Number);
  let failure: { id: string; why: string } | undefined;
  let claims: Claim[] = [];
  try {
    const problems = await loadProblemClaims(
      new URL("../../problems/", import.meta.url),
      new Set(order),
    );
    problems.sort((a, b) => order.indexOf(a.problem) - order.indexOf(b.problem));
    claims = problems.flatMap((p) => p.claims);
    failure = await firstFailure(claims);
  } catch (e) {
    // A claim module that throws while loading is a failure of the claims too.
    failure = {
      id: "load",
      why: firstLine(e instanceof Error ? `${e.name}: ${e.message}` : String(e)),
    };
  }
  if (failure) {
    console.log(`killed ${failure.id}: ${failure.why}`);
    Deno.exit(1);
  }
  for (const c of claims) console.log(`ran ${c.id} ${c.statement}`);
  console.log("all claims hold");
}
