import assert from "node:assert/strict";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import {
  ClipInputError,
  clippedObjective,
  clippedObjectiveAutodiff,
  clippedObjectiveClosedForm,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("14 the surrogate at the clip boundaries ℓ = 1 ± ε equals ℓA on both sides of the kink", () => {
  const eps = 0.2;
  for (const a of [-3, 0, 3]) {
    for (const l of [1 - eps, 1 + eps]) {
      assert.equal(clippedObjective(l, a, eps), l * a);
      assert.equal(clippedObjectiveClosedForm(l, a, eps), l * a);
    }
  }
});

Deno.test("14 with A = 0 the surrogate and its autodiff derivative are 0 for every ratio", async () => {
  await withNoTensorLeak("14 A = 0", () => {
    for (const l of [0, 0.5, 1, 1.7, 3]) {
      assert.equal(clippedObjective(l, 0, 0.3), 0);
      assert.equal(clippedObjectiveAutodiff(l, 0, 0.3), 0);
    }
  });
});

Deno.test("14 at a kink tfjs autodiff returns one of the two one-sided derivatives", async () => {
  // At ℓ = 1 + ε with A > 0 the left derivative is A and the right one 0; at ℓ = 1 − ε with
  // A < 0 they are 0 and A. The derivative does not exist there; tfjs picks a side.
  await withNoTensorLeak("14 kinks", () => {
    const atUpper = clippedObjectiveAutodiff(1.25, 2, 0.25);
    const atLower = clippedObjectiveAutodiff(0.75, -2, 0.25);
    assert.ok([0, 2].includes(atUpper), `at ℓ = 1 + ε got ${atUpper}`);
    assert.ok([0, -2].includes(atLower), `at ℓ = 1 − ε got ${atLower}`);
  });
});

Deno.test("14 inputs outside the domain get a clear error naming the argument", () => {
  assert.throws(
    () => clippedObjective(-0.1, 1, 0.2),
    (e: unknown) =>
      e instanceof ClipInputError && /ratio ℓ must be finite and ≥ 0, got -0.1/.test(e.message),
  );
  assert.throws(() => clippedObjective(1, 1, 0), /clip range ε must be in \(0, 1\), got 0/);
  assert.throws(
    () => clippedObjectiveClosedForm(1, NaN, 0.2),
    /advantage A must be finite, got NaN/,
  );
  assert.throws(() => clippedObjectiveAutodiff(Infinity, 1, 0.2), /ratio ℓ must be finite/);
});
