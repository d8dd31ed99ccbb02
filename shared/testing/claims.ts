/**
 * The claim registry. Every sub-claim of the handout is one {@link Claim}: an id such as
 * `04d`, a one-line statement, a check that throws if the claim fails and otherwise
 * returns {@link Evidence}, and a negative control: the same check on a deliberately
 * false variant, which must throw (be rejected). The verify command and the test suite
 * run the same claims.
 *
 * @module
 */
import { seedFor, verifySeed } from "./seed.ts";
import { isViolation } from "./property.ts";
import { UsageError } from "./usage.ts";

/** What a check quantified over and what it found. */
export interface Evidence {
  /** What was quantified over, e.g. "random MDPs, 1–8 states, γ ∈ [0.01, 0.999]". */
  over: string;
  /** How many cases were checked. */
  cases: number;
  /** The worst margin found (≥ 0 means the claim held with room to spare). */
  worstMargin?: number;
  /** Anything else worth reporting: an explicit example, a fitted number. */
  note?: string;
}

/** What a claim's check receives. */
export interface ClaimContext {
  /** This claim's seed: derived from `VERIFY_SEED` and the claim id. */
  seed: number;
  /** A seed for one purpose inside the claim, derived from this claim's seed. */
  seedFor(label: string): number;
}

/** One registered claim with its negative control. */
export interface Claim {
  /** Two-digit problem number plus a letter, e.g. `04d`. */
  id: string;
  /** The claim in one line. */
  statement: string;
  /** Verifies the claim; throws if it fails. */
  check(ctx: ClaimContext): Evidence | Promise<Evidence>;
  /** The deliberately false variant and its check, which must be rejected. */
  negativeControl: {
    /** What is false about the variant. */
    variant: string;
    /**
     * The same check on the false variant. It is rejected when it throws a violation
     * (see `isViolation`: PropertyFailure, ClaimViolation, NumericAssertionError,
     * AssertionError); returning normally or crashing with any other error counts as
     * accepted.
     */
    check(ctx: ClaimContext): unknown;
  };
}

/** Outcome of running one claim and its negative control. */
export interface ClaimResult {
  /** Claim id, e.g. `04d`. */
  id: string;
  /** Problem number, e.g. 4. */
  problem: number;
  /** The one-line statement. */
  statement: string;
  /** Whether the check passed. */
  verdict: "pass" | "fail";
  /** Whether the false variant was rejected (as it must be) or accepted. */
  negativeControl: "rejected" | "accepted";
  /** Evidence, or the failure message. */
  evidence: Evidence | { error: string };
  /** The negative control's variant and how it was rejected. */
  control: { variant: string; rejection: string };
  /** Wall time of claim plus control, in milliseconds. */
  ms: number;
  /** The claim's derived seed. */
  seed: number;
}

/**
 * The context for one claim.
 *
 * @param id the claim id
 * @returns its seeds
 * @example
 * ```ts
 * import { claimContext } from "./claims.ts";
 * const ctx = claimContext("01a");
 * if (ctx.seedFor("x") === ctx.seedFor("y")) throw new Error("purposes get distinct seeds");
 * ```
 */
export function claimContext(id: string): ClaimContext {
  const seed = seedFor(id, verifySeed());
  return { seed, seedFor: (label) => seedFor(label, seed) };
}

/**
 * Runs a claim and its negative control, never throwing: failures become verdicts.
 *
 * @param claim the claim
 * @returns the result row
 * @example
 * ```ts
 * import { runClaim } from "./claims.ts";
 * import { ClaimViolation } from "./property.ts";
 * const r = await runClaim({
 *   id: "00a", statement: "1 + 1 = 2",
 *   check: () => { if (1 + 1 !== 2) throw new Error("no"); return { over: "one case", cases: 1 }; },
 *   negativeControl: { variant: "1 + 1 = 3", check: () => { if (1 + 1 !== 3) throw new ClaimViolation("1 + 1 is 2"); } },
 * });
 * if (r.verdict !== "pass" || r.negativeControl !== "rejected") throw new Error("expected pass/rejected");
 * ```
 */
export async function runClaim(claim: Claim): Promise<ClaimResult> {
  const ctx = claimContext(claim.id);
  const start = performance.now();
  let verdict: ClaimResult["verdict"] = "pass";
  let evidence: ClaimResult["evidence"];
  try {
    evidence = await claim.check(ctx);
  } catch (e) {
    verdict = "fail";
    evidence = { error: errorText(e) };
  }
  const control = await runControl(claim);
  const negativeControl: ClaimResult["negativeControl"] = control.rejected
    ? "rejected"
    : "accepted";
  const rejection = control.message;
  return {
    id: claim.id,
    problem: Number.parseInt(claim.id.slice(0, 2), 10),
    statement: claim.statement,
    verdict,
    negativeControl,
    evidence,
    control: { variant: claim.negativeControl.variant, rejection },
    ms: performance.now() - start,
    seed: ctx.seed,
  };
}

/**
 * Registers one Deno test per claim, named by id and statement, with two steps: the
 * claim holds, and its negative control is rejected.
 *
 * @param claims the problem's claims
 * @example
 * ```ts ignore
 * import { registerClaimTests } from "./claims.ts";
 * import { claims } from "../../problems/01_bellman/claims.ts";
 * registerClaimTests(claims);
 * ```
 */
export function registerClaimTests(claims: readonly Claim[]): void {
  try {
    verifySeed();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // one failing test with the one-line reason, instead of every claim failing alike
    Deno.test(`VERIFY_SEED is usable`, () => {
      e.stack = `${e.name}: ${e.message}`;
      throw e;
    });
    return;
  }
  for (const claim of claims) {
    Deno.test(`${claim.id} ${claim.statement}`, async (t) => {
      const ctx = claimContext(claim.id);
      await t.step("claim holds", async () => {
        await claim.check(ctx);
      });
      await t.step(`negative control rejected: ${claim.negativeControl.variant}`, async () => {
        const control = await runControl(claim);
        if (!control.rejected) {
          throw new Error(
            `${claim.id}: the false variant (${claim.negativeControl.variant}) was not rejected: ${control.message}`,
          );
        }
      });
    });
  }
}

/**
 * Checks that a problem's claims are well formed: ids `NNx` with the problem's number,
 * unique, non-empty statements.
 *
 * @param problem the problem number
 * @param claims its claims
 * @returns the claims, unchanged
 * @throws Error naming the offending id
 * @example
 * ```ts
 * import { defineClaims } from "./claims.ts";
 * const cs = defineClaims(7, []);
 * if (cs.length !== 0) throw new Error("unchanged");
 * ```
 */
export function defineClaims(problem: number, claims: Claim[]): Claim[] {
  const prefix = String(problem).padStart(2, "0");
  const seen = new Set<string>();
  for (const c of claims) {
    if (!/^\d\d[a-z]$/.test(c.id) || !c.id.startsWith(prefix)) {
      throw new Error(`claim id ${JSON.stringify(c.id)} must be ${prefix} followed by a letter`);
    }
    if (seen.has(c.id)) throw new Error(`claim id ${c.id} is registered twice`);
    if (c.statement.trim() === "") throw new Error(`claim ${c.id} has an empty statement`);
    seen.add(c.id);
  }
  return claims;
}

/** Runs a claim's negative control; only a violation counts as a rejection. */
async function runControl(claim: Claim): Promise<{ rejected: boolean; message: string }> {
  try {
    await claim.negativeControl.check(claimContext(`${claim.id}/control`));
  } catch (e) {
    if (isViolation(e)) return { rejected: true, message: errorText(e) };
    return { rejected: false, message: `the control crashed instead of deciding: ${errorText(e)}` };
  }
  return { rejected: false, message: "the false variant passed the check" };
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
