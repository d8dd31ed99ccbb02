import assert from "node:assert/strict";
import { ConstantUniform } from "./constant_uniform.ts";

Deno.test("ConstantUniform draws its value every time, 0 and 1 − 2^-53 included, and refuses what no uniform can be", () => {
  for (const u of [0, 0.5, 1 - 2 ** -53]) {
    const rng = new ConstantUniform(u);
    assert.deepEqual([rng.uniform(), rng.uniform()], [u, u]);
  }
  for (const u of [1, -(2 ** -1074), NaN]) {
    assert.throws(() => new ConstantUniform(u), /ConstantUniform: u = .* is not in \[0, 1\)/);
  }
});
