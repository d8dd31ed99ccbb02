/**
 * The premise of a learner's claim that it trains with the configuration its README states:
 * compared field by field, so a default changed in code but not in the prose (or the other
 * way round) fails the claim instead of silently measuring another learner.
 *
 * @module
 */
import { ClaimViolation } from "./property.ts";

/**
 * Throws unless `run` and `stated` have the same fields with the same values (compared as
 * JSON, so arrays such as hidden widths compare by content).
 *
 * @param label how the message names the run's side, e.g. "the default" or "the run's"
 * @param run the configuration the claim trains with
 * @param stated the configuration as the README states it, written out by hand
 * @throws ClaimViolation naming the first field that differs, or is missing on one side
 * @example
 * ```ts
 * import { assertAsStated } from "./stated_config.ts";
 * assertAsStated("the default", { budget: 12_000, hidden: [32] }, { budget: 12_000, hidden: [32] });
 * let refused = false;
 * try {
 *   assertAsStated("the default", { budget: 11_999 }, { budget: 12_000 });
 * } catch (e) {
 *   refused = (e as Error).message === "the default budget is 11999, the README states 12000";
 * }
 * if (!refused) throw new Error("a changed default must be refused");
 * ```
 */
export function assertAsStated(label: string, run: object, stated: object): void {
  const runFields = run as Record<string, unknown>;
  const statedFields = stated as Record<string, unknown>;
  for (const field of new Set([...Object.keys(run), ...Object.keys(stated)])) {
    const got = JSON.stringify(runFields[field]);
    const want = JSON.stringify(statedFields[field]);
    if (got !== want) {
      throw new ClaimViolation(`${label} ${field} is ${got}, the README states ${want}`);
    }
  }
}
