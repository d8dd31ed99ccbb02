import assert from "node:assert/strict";
import { allocate, sampleByFile } from "./sample.ts";
import { Rng } from "../../shared/random/mod.ts";

const population = [
  ...Array.from({ length: 60 }, (_, i) => ({ file: "a.ts", i })),
  ...Array.from({ length: 30 }, (_, i) => ({ file: "b.ts", i })),
  ...Array.from({ length: 9 }, (_, i) => ({ file: "c.ts", i })),
  { file: "d.ts", i: 0 },
];

Deno.test("sample: the same population, size and seed give the same sample; another seed another one", () => {
  const s1 = sampleByFile(population, 20, 1);
  assert.deepEqual(sampleByFile(population, 20, 1), s1);
  assert.notDeepEqual(sampleByFile(population, 20, 2), s1);
  assert.equal(new Set(s1).size, 20, "no mutant twice");
});

Deno.test("sample: each file's share is proportional to its mutants, within one", () => {
  for (const seed of [1, 7, 123456]) {
    const s = sampleByFile(population, 20, seed);
    const count = (f: string) => s.filter((x) => x.file === f).length;
    assert.equal(count("a.ts"), 12);
    assert.equal(count("b.ts"), 6);
    assert.ok(count("c.ts") + count("d.ts") === 2 && count("c.ts") >= 1, `seed ${seed}`);
    const idx = s.map((x) => population.indexOf(x));
    assert.deepEqual(idx, [...idx].sort((a, b) => a - b), "population order");
  }
});

Deno.test("sample: a sample at least as large as the population is the population", () => {
  assert.deepEqual(sampleByFile(population, 100, 3), population);
  assert.deepEqual(sampleByFile(population, 500, 3), population);
});

Deno.test("sample: allocation never exceeds a file's count and sums to n", () => {
  const rng = new Rng(5);
  for (let n = 0; n <= 12; n++) {
    const q = allocate([1, 1, 10], n, rng);
    assert.equal(q.reduce((a, b) => a + b, 0), Math.min(n, 12));
    q.forEach((x, i) => assert.ok(x <= [1, 1, 10][i]!));
  }
});
