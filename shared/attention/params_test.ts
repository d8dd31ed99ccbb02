import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { seedFor } from "../testing/mod.ts";
import { countParameters, glorotUniform, initEncoder, initLayer, isMatrix } from "./params.ts";
import {
  add,
  columns,
  fromRows,
  hconcat,
  matMul,
  matrix,
  permuteRows,
  rowBlock,
  ShapeError,
  toRows,
  vconcat,
} from "./matrix.ts";
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

Deno.test("attention initEncoder's learned positional table covers 64 positions unless maxLength is given (the same draws as an explicit 64)", () => {
  const shape = { vocab: 3, d: 4, heads: 2, depth: 1, positional: "learned" } as const;
  const table = (maxLength?: number) => {
    const p = initEncoder(rng("learned table"), { ...shape, maxLength }).positional;
    assert.equal(p.kind, "learned");
    return p.kind === "learned" ? p.table : matrix(0, 0);
  };
  const byDefault = table();
  assert.deepEqual([byDefault.rows, byDefault.cols], [64, 4]);
  assert.deepEqual(Array.from(byDefault.data), Array.from(table(64).data));
  // an explicit length is honoured on both sides of the default
  assert.deepEqual([table(7).rows, table(65).rows], [7, 65]);
});

Deno.test("attention initEncoder draws token embeddings N(0, 1): sample mean near 0 and sample variance near 1", () => {
  // 40·50 = 2000 draws: the sample variance of N(0, 1) has standard deviation √(2/2000) ≈ 0.032,
  // so [0.8, 1.2] is a ≥ 6σ band (a false alarm below 1e-6 for any seed, the sample variance
  // being close to normal at this n); a standard deviation of 2 would give variance ≈ 4
  const e = initEncoder(rng("embedding scale"), { vocab: 40, d: 50, heads: 2, depth: 0 }).embedding;
  assert.deepEqual([e.rows, e.cols], [40, 50]);
  const n = e.data.length;
  const mean = e.data.reduce((s, x) => s + x, 0) / n;
  const variance = e.data.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  assert.ok(Math.abs(mean) < 0.15, `mean ${mean}`);
  assert.ok(variance > 0.8 && variance < 1.2, `variance ${variance}`);
});

Deno.test("attention countParameters of an encoder is N·d + L·d + depth·(12d² + 4d) by hand, and empty containers count 0", () => {
  // per layer: two LayerNorms (gain + bias, 2d each), W_Q, W_K, W_V [d, d] and W_O [d, d] (4d²),
  // FFN [d, 4d] and [4d, d] (8d²); head counts and widths are numbers, not parameters
  const [N, d, L, depth] = [5, 6, 7, 3];
  const learned = initEncoder(rng("count"), {
    vocab: N,
    d,
    heads: 2,
    depth,
    positional: "learned",
    maxLength: L,
  });
  assert.equal(countParameters(learned), N * d + L * d + depth * (12 * d * d + 4 * d));
  const plain = initEncoder(rng("count"), { vocab: N, d, heads: 3, depth });
  assert.equal(countParameters(plain), N * d + depth * (12 * d * d + 4 * d));
  assert.equal(countParameters([]), 0);
  assert.equal(countParameters({}), 0);
  assert.equal(countParameters([[], { a: [] }]), 0);
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

Deno.test("attention rowBlock and columns take any block inside the matrix and refuse one that starts before it, has a negative size or ends past it", () => {
  const m = fromRows([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  // blocks that fit, up to the last row or column and the empty block at the end
  assert.deepEqual(toRows(rowBlock(m, 0, 3)), toRows(m));
  assert.deepEqual(toRows(rowBlock(m, 2, 1)), [[7, 8, 9]]);
  assert.equal(rowBlock(m, 3, 0).rows, 0);
  assert.deepEqual(toRows(columns(m, 1, 2)), [[2, 3], [5, 6], [8, 9]]);
  assert.equal(columns(m, 3, 0).cols, 0);
  // each bound refused on its own: a start of −1 or −2 with a size that would end inside,
  // a negative size from a start inside, and one row or column too many. (−2, 1) would
  // otherwise read row 1 through a negative slice, so the guard's message must be the error.
  const bad: [number, number][] = [[-1, 1], [-2, 1], [1, -1], [2, 2], [0, 4]];
  for (const [start, size] of bad) {
    const span = `\\[${start}, ${start + size}\\) of 3`;
    assert.throws(
      () => rowBlock(m, start, size),
      (e: unknown) =>
        e instanceof ShapeError && new RegExp(`^rowBlock: ${span} rows$`).test(e.message),
      `rowBlock(${start}, ${size})`,
    );
    assert.throws(
      () => columns(m, start, size),
      (e: unknown) =>
        e instanceof ShapeError && new RegExp(`^columns: ${span} columns$`).test(e.message),
      `columns(${start}, ${size})`,
    );
  }
});

Deno.test("attention matrix shapes: a dimension is a whole number ≥ 0 filled exactly, and concatenations, sums and products refuse shapes that do not fit", () => {
  const shapeError = (re: RegExp) => (e: unknown) => e instanceof ShapeError && re.test(e.message);
  // matrix: 0 rows is a shape, −1 rows or 1.5 columns is not; the data must fill it exactly
  assert.equal(matrix(0, 3).data.length, 0);
  assert.equal(matrix(2, 2, new Float64Array(4)).data.length, 4);
  assert.throws(() => matrix(-1, 2), shapeError(/shape \[-1, 2\] must be non-negative/));
  assert.throws(() => matrix(2, -1), shapeError(/shape \[2, -1\] must be non-negative/));
  assert.throws(() => matrix(2, 1.5), shapeError(/shape \[2, 1\.5\]/));
  assert.throws(() => matrix(2, 2, new Float64Array(3)), shapeError(/3 entries do not fill/));
  assert.throws(() => matrix(2, 2, new Float64Array(5)), shapeError(/5 entries do not fill/));
  // concatenation needs a common row (hconcat) or column (vconcat) count, and some matrix
  const col = fromRows([[1], [2]]);
  assert.deepEqual(toRows(hconcat([col, fromRows([[3, 4], [5, 6]])])), [[1, 3, 4], [2, 5, 6]]);
  assert.deepEqual(toRows(vconcat([fromRows([[1, 2]]), fromRows([[3, 4], [5, 6]])])), [
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  assert.throws(
    () => hconcat([col, fromRows([[1], [2], [3]])]),
    shapeError(/hconcat: 3 rows vs 2/),
  );
  assert.throws(
    () => vconcat([fromRows([[1, 2]]), fromRows([[1, 2, 3]])]),
    shapeError(/3 columns vs 2/),
  );
  assert.throws(() => hconcat([]), shapeError(/hconcat: no matrices/));
  assert.throws(() => vconcat([]), shapeError(/vconcat: no matrices/));
  // A + B: equal shapes, or a one-row B broadcast over the rows; nothing else
  const a = fromRows([[1, 2], [3, 4]]);
  assert.deepEqual(toRows(add(a, fromRows([[10, 20]]))), [[11, 22], [13, 24]]);
  assert.deepEqual(toRows(add(fromRows([[1, 2]]), fromRows([[10, 20]]))), [[11, 22]]);
  assert.throws(() => add(a, fromRows([[1, 2, 3]])), shapeError(/add: \[2, 2\] \+ \[1, 3\]/));
  assert.throws(
    () => add(a, fromRows([[1, 2], [3, 4], [5, 6]])),
    shapeError(/\[2, 2\] \+ \[3, 2\]/),
  );
  // A·B needs A's columns to be B's rows
  assert.deepEqual(toRows(matMul(fromRows([[1, 2]]), col)), [[5]]);
  assert.throws(
    () => matMul(fromRows([[1, 2]]), fromRows([[1], [2], [3]])),
    shapeError(/matMul: \[1, 2\] x \[3, 1\]/),
  );
});
