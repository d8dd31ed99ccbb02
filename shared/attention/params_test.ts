import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { seedFor } from "../testing/mod.ts";
import { glorotUniform, initLayer, isMatrix } from "./params.ts";
import { fromRows, matrix, permuteRows, ShapeError } from "./matrix.ts";
import { variedRowsMatrix } from "./arbitraries.ts";

const rng = (label: string) => new Rng(seedFor(`attention params/${label}`));

Deno.test("attention Glorot uniform draws fill ±√(6/(fan_in + fan_out)) and never leave it", () => {
  for (const [fanIn, fanOut] of [[10, 14], [3, 5], [64, 16]] as const) {
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    const r = rng(`glorot ${fanIn}x${fanOut}`);
    let largest = 0;
    let draws = 0;
    while (draws < 2000) {
      const w = glorotUniform(r, fanIn, fanOut);
      assert.equal(w.data.length, fanIn * fanOut);
      for (const x of w.data) {
        assert.ok(Math.abs(x) <= bound, `|${x}| > bound ${bound}`);
        largest = Math.max(largest, Math.abs(x));
      }
      draws += w.data.length;
    }
    // each draw lands in the top 1% of [0, bound] in |w| with probability 0.01: all of ≥ 2000
    // missing it has probability ≤ 0.99^2000 < 2e-9. A bound from 5 instead of 6 is 0.913·bound.
    assert.ok(largest > 0.99 * bound, `${fanIn}x${fanOut}: largest |w| ${largest}, bound ${bound}`);
  }
});

Deno.test("attention initLayer needs a whole number of heads H ≥ 1 dividing d: refused just below 1 and between 0 and 1", () => {
  const ok = initLayer(rng("heads"), { d: 6, heads: 1 });
  assert.equal(ok.mha.dHead, 6);
  assert.equal(initLayer(rng("heads"), { d: 6, heads: 3 }).mha.dHead, 2);
  // 6 % 0.5 === 0, so only the H ≥ 1 half of the guard refuses 0.5; 0 and −1 fail both halves
  for (const heads of [0.5, 0.999, 0, -1, 4]) {
    assert.throws(() => initLayer(rng("heads"), { d: 6, heads }), /heads H = .* must divide d = 6/);
  }
});

Deno.test("attention varied rows: the default mean range is 3 (the same draws as an explicit 3)", () => {
  const byDefault = variedRowsMatrix(rng("varied default"), 20, 5);
  const explicit = variedRowsMatrix(rng("varied default"), 20, 5, 3);
  assert.deepEqual(Array.from(byDefault.data), Array.from(explicit.data));
  assert.notDeepEqual(
    Array.from(variedRowsMatrix(rng("varied default"), 20, 5, 2).data),
    Array.from(explicit.data),
  );
});

Deno.test("attention isMatrix needs both Float64Array data and numeric rows: look-alikes and null are not matrices", () => {
  assert.equal(isMatrix(matrix(2, 3)), true);
  // rows is a number but data is a plain array, or missing: not a Matrix
  assert.equal(isMatrix({ rows: 1, cols: 2, data: [1, 2] }), false);
  assert.equal(isMatrix({ rows: 2, cols: 2 }), false);
  // data is a Float64Array but rows is not a number
  assert.equal(isMatrix({ rows: "1", cols: 1, data: new Float64Array(1) }), false);
  for (const x of [null, undefined, 3, "m"]) assert.equal(isMatrix(x), false, String(x));
});

Deno.test("attention permuteRows refuses an index outside 0..rows − 1: −1 and rows, not only fractions", () => {
  const m = fromRows([[1, 2], [3, 4]]);
  assert.deepEqual(Array.from(permuteRows(m, [1, 0]).data), [3, 4, 1, 2]);
  for (const src of [-1, 2, 0.5]) {
    assert.throws(() => permuteRows(m, [0, src]), ShapeError, `index ${src}`);
  }
});
