import assert from "node:assert/strict";
import { fraction } from "mathjs";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims, pinnedCase } from "./claims.ts";
import {
  conditionalMean,
  conditionalMedian,
  jointFromWeights,
  JointInputError,
  mse,
  squaredDistance,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("07 pinned law X ∈ {0, 0, 3}: f* = 1 has MSE 2, the median 0 has MSE 3", () => {
  const { joint } = pinnedCase;
  const star = conditionalMean(joint);
  const median = conditionalMedian(joint);
  assert.equal(star[0]!.toFraction(), "1");
  assert.equal(median[0]!.toFraction(), "0");
  assert.equal(mse(joint, star).toFraction(), "2");
  assert.equal(mse(joint, median).toFraction(), "3");
  // the gap is exactly E[(median − f*)²] = 1
  assert.equal(squaredDistance(joint, median, star).toFraction(), "1");
});

Deno.test("07 the median is the lower one: X ∈ {0, 1} uniformly gives 0, X ∈ {0, 1, 1} gives 1", () => {
  const even = jointFromWeights([fraction(0), fraction(1)], [[1], [1]]);
  assert.equal(conditionalMedian(even)[0]!.toFraction(), "0");
  const skewed = jointFromWeights([fraction(0), fraction(1)], [[1], [2]]);
  assert.equal(conditionalMedian(skewed)[0]!.toFraction(), "1");
});

Deno.test("07 values of f where P(Y = y) = 0 do not change the MSE", () => {
  const { joint } = pinnedCase;
  const star = conditionalMean(joint);
  assert.ok(mse(joint, [star[0]!, fraction(100)]).equals(mse(joint, star)));
});

Deno.test("07 the exact MSE matches a float64 evaluation of the same sum", () => {
  const joint = jointFromWeights([fraction(-1), fraction(1, 2), fraction(2)], [[1, 3], [2, 0], [
    4,
    1,
  ]]);
  const f = [fraction(1, 3), fraction(-1, 4)];
  let float = 0;
  for (const a of joint.atoms) {
    float += a.p.valueOf() as number *
      ((a.x.valueOf() as number) - (f[a.y]!.valueOf() as number)) ** 2;
  }
  assert.ok(Math.abs((mse(joint, f).valueOf() as number) - float) < 1e-14);
});

Deno.test("07 bad input gets a clear error", () => {
  assert.throws(
    () => jointFromWeights([fraction(0)], [[1, -1]]),
    /weight for X value 0, Y = 1 is -1/,
  );
  assert.throws(() => jointFromWeights([fraction(0)], [[0, 0]]), /all weights are zero/);
  assert.throws(() => jointFromWeights([], []), /one weight row per X value: 0 values, 0 rows/);
  assert.throws(
    () => jointFromWeights([fraction(0), fraction(1)], [[1]]),
    /one weight row per X value: 2 values, 1 rows/,
  );
  // one X value is a law (a constant), not an error
  assert.equal(jointFromWeights([fraction(3)], [[1, 2]]).atoms.length, 2);
  assert.throws(
    () => jointFromWeights([fraction(0), fraction(1)], [[1, 1], [1]]),
    /weight row 1 has 1 entries, expected 2/,
  );
  assert.throws(
    () => mse(pinnedCase.joint, [fraction(0)]),
    (e: unknown) => e instanceof JointInputError && /one per value of Y \(2\)/.test(e.message),
  );
});
