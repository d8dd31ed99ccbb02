/**
 * fast-check properties run under the suite's seed, with margins recorded as evidence.
 *
 * @module
 */
import fc from "fast-check";
import { verifySeed } from "./seed.ts";
import { NumericAssertionError } from "./assert_close.ts";

/** Options for {@link checkProperty}. */
export interface PropertyOptions<T> {
  /** The seed for this property (derive it with `seedFor`). */
  seed: number;
  /** What the property quantifies over, for messages and evidence. */
  over: string;
  /** Number of random cases; default 200. */
  numRuns?: number;
  /** Cases always tried first (edge cases, known tricky inputs). */
  examples?: T[];
}

/** What a property check found. */
export interface PropertyEvidence {
  /** What was quantified over. */
  over: string;
  /** Number of cases run. */
  cases: number;
  /** Smallest margin returned by the predicate (Infinity if it returned none). */
  worstMargin: number;
}

/**
 * How many cases a failing property evaluates while shrinking its counterexample, after the
 * first failure. Enough for the integer and array shrinks of the suite's generators to reach
 * small cases, few enough that a failing claim reports in seconds.
 */
export const SHRINK_BUDGET = 200;

/** Thrown when a property fails; the message has the seed, the counterexample and its path. */
export class PropertyFailure extends Error {
  override name = "PropertyFailure";
}

/**
 * Thrown by a check when the mathematics is violated (as opposed to a crash). Checks may
 * also throw NumericAssertionError or node:assert's AssertionError for the same purpose.
 */
export class ClaimViolation extends Error {
  override name = "ClaimViolation";
}

/**
 * Whether an error reports a violated claim (a decided "no"), rather than a crash.
 * Negative controls count as rejected only on such errors, so a control that crashes
 * on a bug is never mistaken for a rejection.
 *
 * @param e anything thrown
 * @returns true for PropertyFailure, ClaimViolation, NumericAssertionError, AssertionError
 * @example
 * ```ts
 * import { ClaimViolation, isViolation } from "./property.ts";
 * if (!isViolation(new ClaimViolation("x")) || isViolation(new TypeError("y"))) throw new Error();
 * ```
 */
export function isViolation(e: unknown): boolean {
  return e instanceof PropertyFailure || e instanceof ClaimViolation ||
    e instanceof NumericAssertionError || (e instanceof Error && e.name === "AssertionError");
}

/**
 * Runs a fast-check property. The predicate either throws, returns nothing (holds), or
 * returns a margin: a number that is ≥ 0 exactly when the case holds (for example
 * `tolerance − |error|`, or the slack in an inequality). A NaN margin is a crash, not a
 * counterexample: it fails a claim and does not reject a negative control.
 *
 * @param opts seed, description, run count, pinned examples
 * @param arb the arbitrary generating cases
 * @param predicate the claim for one case
 * @returns evidence: cases run and the worst margin
 * @throws PropertyFailure with `VERIFY_SEED`, the property seed, counterexample and replay path
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { checkProperty } from "./property.ts";
 * const ev = checkProperty({ seed: 1, over: "x in [0, 10]" }, fc.integer({ min: 0, max: 10 }), (x) => x);
 * if (ev.worstMargin !== 0) throw new Error("0 is the smallest margin");
 * ```
 */
export function checkProperty<T>(
  opts: PropertyOptions<T>,
  arb: fc.Arbitrary<T>,
  predicate: (value: T) => number | void,
): PropertyEvidence {
  let worst = Infinity;
  let cases = 0;
  // Shrinking re-runs the predicate on ever smaller cases, and on an expensive check an
  // unbounded shrink can take minutes: a wrong implementation would look like a hang. After
  // the first failure at most SHRINK_BUDGET more cases are evaluated; later candidates are
  // skipped as holding, so the shrinker stops at the smallest failure found so far. The
  // budget counts evaluations, not time, so the counterexample still depends on the seed alone.
  let failed = false;
  let evaluatedAfterFailure = 0;
  const prop = fc.property(arb, (value) => {
    if (failed && ++evaluatedAfterFailure > SHRINK_BUDGET) return;
    try {
      judge(value);
    } catch (e) {
      failed = true;
      throw e;
    }
  });
  const judge = (value: T) => {
    const margin = predicate(value);
    if (typeof margin === "number") {
      // NaN decides nothing: a check that computes no number has crashed, and a negative
      // control must be rejected by a counterexample, never by a NaN from broken code.
      if (Number.isNaN(margin)) throw new Error("the margin is NaN: the check computed no number");
      if (!(margin >= 0)) {
        throw new ClaimViolation(`margin ${margin} < 0`);
      }
      if (margin < worst) worst = margin;
    }
  };
  const numRuns = opts.numRuns ?? 200;
  const result = fc.check(prop, {
    seed: opts.seed | 0,
    numRuns,
    examples: opts.examples?.map((e) => [e] as [T]),
  });
  cases = result.numRuns;
  if (result.failed) {
    if (!isViolation(result.errorInstance)) {
      // A crash (TypeError, bad input) is a bug in the check, never evidence either way.
      throw new Error(
        `property over ${opts.over} crashed instead of deciding (property seed ${opts.seed | 0}): ${
          String(result.errorInstance)
        }\n${fc.defaultReportMessage(result) ?? ""}`,
      );
    }
    throw new PropertyFailure(
      `property over ${opts.over} failed (VERIFY_SEED=${verifySeed()}, property seed ${
        opts.seed | 0
      }):\n${fc.defaultReportMessage(result) ?? "no report"}`,
    );
  }
  return { over: opts.over, cases, worstMargin: worst };
}
