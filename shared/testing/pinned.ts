/**
 * Pinned values for negative controls. A control is rejected when its check throws a
 * violation; if its false variant were computed wrongly, the control could still be rejected,
 * for a reason nobody stated. So a control first computes its variant on a case worked out by
 * hand and stops with an error (a crash, which never counts as a rejection) if the value
 * differs: then a rejection means the belief is false, not that the variant is broken.
 *
 * @module
 */
import { closeMargin } from "./assert_close.ts";

/** Numbers, or arrays of them nested to any depth. */
export type PinnedValue = number | readonly PinnedValue[];

/**
 * Throws a plain Error unless `got` has the shape of `expected` and every entry is within
 * `abs` of it.
 *
 * @param what what was computed, for the message
 * @param got the variant's value on the pinned case
 * @param expected the value worked out by hand
 * @param abs the allowed absolute difference (0: exact)
 * @throws Error naming the value and the expected one
 * @example
 * ```ts
 * import { pinVariant } from "./pinned.ts";
 * pinVariant("one half", 0.1 + 0.4, 0.5);
 * let message = "";
 * try { pinVariant("a row", [1, 2], [1, 3]); } catch (e) { message = (e as Error).message; }
 * if (!message.includes("a row is [1,2] on its pinned case, not [1,3]")) throw new Error(message);
 * ```
 */
export function pinVariant(
  what: string,
  got: PinnedValue,
  expected: PinnedValue,
  abs = 0,
): void {
  if (!agrees(got, expected, abs)) {
    throw new Error(
      `${what} is ${JSON.stringify(got)} on its pinned case, not ${JSON.stringify(expected)}` +
        (abs > 0 ? ` (within ${abs})` : ""),
    );
  }
}

function agrees(got: PinnedValue, expected: PinnedValue, abs: number): boolean {
  if (typeof expected === "number") {
    return typeof got === "number" && closeMargin(got, expected, { abs, rel: 0 }) >= 0;
  }
  return Array.isArray(got) && got.length === expected.length &&
    expected.every((e, i) => agrees((got as readonly PinnedValue[])[i]!, e, abs));
}
