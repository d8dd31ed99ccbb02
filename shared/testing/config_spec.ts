/**
 * A test helper for the agents' configuration specs: what `deno task train --help` states
 * for each field, and whether the checks enforce it at every bound.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type ConfigSpec, describeField, fieldAccepts } from "../cliff/train_types.ts";

/**
 * Asserts the stated range of every field of `defaults` that has a spec, and that the checks
 * enforce each bound: the bound accepted unless exclusive, just past it refused, and just
 * inside it refused where an integer is asked for.
 *
 * @param defaults the default configuration (its values give each field's type)
 * @param spec the configuration's spec
 * @param stated the expected description of each field with a spec
 * @throws AssertionError naming the field that differs
 * @example
 * ```ts
 * import { assertConfigSpec } from "./config_spec.ts";
 * assertConfigSpec({ n: 3 }, { n: { integer: true, min: 1 } }, { n: "an integer ≥ 1" });
 * ```
 */
export function assertConfigSpec<C extends object>(
  defaults: C,
  spec: ConfigSpec<C>,
  stated: Record<string, string>,
): void {
  const described: Record<string, string> = {};
  for (const [field, value] of Object.entries(defaults)) {
    const s = spec[field as keyof C];
    if (s) described[field] = describeField(typeof value, s);
  }
  assert.deepEqual(described, stated);
  for (const [field, s] of Object.entries(spec) as [string, ConfigSpec<C>[keyof C]][]) {
    const accepts = (x: number) => fieldAccepts("number", s, x);
    if (s?.min !== undefined) {
      assert.equal(accepts(s.min), !s.minExclusive, `${field} = ${s.min}`);
      assert.equal(accepts(s.min - 1e-9), false, `${field} just below ${s.min}`);
      assert.equal(accepts(s.min + 1e-9), !s.integer, `${field} just above ${s.min}`);
    }
    if (s?.max !== undefined) {
      assert.equal(accepts(s.max), !s.maxExclusive, `${field} = ${s.max}`);
      assert.equal(accepts(s.max + 1e-9), false, `${field} just above ${s.max}`);
    }
  }
}
