import assert from "node:assert/strict";
import { entryFor, matchEquivalents, parseEquivalents } from "./equivalents.ts";
import { generateMutants } from "./operators.ts";
import { ArgumentError } from "./targets.ts";

const SOURCE = "export function f(x: number): number {\n  return x * 1 + 0;\n}\n";
const FILE = "shared/mdp/m.ts";
const LIST = "shared/mdp/equivalent_mutants.json";

Deno.test("equivalents: an entry matches its mutant by line text, operator and expressions, not by line number", () => {
  const ms = generateMutants(FILE, SOURCE);
  const times = ms.findIndex((m) => m.operator === "arithmetic" && m.original === "x * 1");
  const entries = parseEquivalents(LIST, [
    entryFor(ms[times]!, "x / 1 = x * 1 for every number x"),
  ]);
  const r = matchEquivalents(ms, entries, new Set([FILE]));
  assert.deepEqual([...r.equivalent.keys()], [times]);
  assert.equal(r.stale.length, 0);
  // The same line two lines further down still matches: no line numbers in the key.
  const moved = generateMutants(FILE, `// a\n// b\n${SOURCE}`);
  assert.equal(matchEquivalents(moved, entries, new Set([FILE])).equivalent.size, 1);
  // A different mutant of the same line does not.
  const other = ms.filter((m) => m.operator === "constant");
  assert.equal(matchEquivalents(other, entries, new Set([FILE])).equivalent.size, 0);
});

Deno.test("equivalents: an entry that matches no mutant is stale; entries of unexamined files are ignored", () => {
  const ms = generateMutants(FILE, SOURCE.replace("x * 1", "x * 3"));
  const entry = { ...entryFor(generateMutants(FILE, SOURCE)[0]!, "r") };
  const entries = parseEquivalents(LIST, [entry]);
  assert.equal(matchEquivalents(ms, entries, new Set([FILE])).stale.length, 1);
  assert.equal(matchEquivalents(ms, entries, new Set(["shared/mdp/other.ts"])).stale.length, 0);
});

Deno.test("equivalents: malformed lists are rejected with one line naming the entry", () => {
  const good = entryFor(generateMutants(FILE, SOURCE)[0]!, "a reason");
  const cases: [unknown, RegExp][] = [
    [{}, /equivalent_mutants\.json: expected a JSON array/],
    [[1], /#0: expected an object/],
    [[{ ...good, reason: "" }], /#0: "reason" must be a non-empty string/],
    [[good, { ...good, line_text: undefined }], /#1: "line_text" must be a non-empty string/],
    [
      [{ ...good, file: "problems/04_x/mod.ts" }],
      /#0: file "problems\/04_x\/mod\.ts" is not in shared\/mdp\//,
    ],
    [[{ ...good, file: "shared/mdp/sub/m.ts" }], /is not in shared\/mdp\//],
    [[{ ...good, operator: "swap" }], /#0: operator "swap"; allowed: arithmetic/],
    [[{ ...good, reason: "two\nlines" }], /#0: "reason" must be one line/],
  ];
  for (const [data, message] of cases) {
    assert.throws(
      () => parseEquivalents(LIST, data),
      (e: unknown) =>
        e instanceof ArgumentError && message.test(e.message) && !e.message.includes("\n"),
      JSON.stringify(data),
    );
  }
});

Deno.test("equivalents: identical mutants on identical lines are told apart by their occurrence", () => {
  const source = "export function f(x: number) {\n  x = x * 2;\n  x = x * 2;\n  return x;\n}\n";
  const ms = generateMutants(FILE, source).filter((m) => m.original === "x * 2");
  assert.deepEqual(ms.map((m) => [m.occurrence, m.occurrences]), [[1, 2], [2, 2]]);
  // The entry written for the second one names it, and matches only it.
  const second = entryFor(ms[1]!, "r");
  assert.equal(second.occurrence, 2);
  const r = matchEquivalents(ms, parseEquivalents(LIST, [second]), new Set([FILE]));
  assert.deepEqual([...r.equivalent.keys()], [1]);
  // An entry without an occurrence matches every one of them.
  const { occurrence: _, ...any } = second;
  const all = matchEquivalents(ms, parseEquivalents(LIST, [any]), new Set([FILE]));
  assert.deepEqual([...all.equivalent.keys()], [0, 1]);
  // An occurrence that does not exist is stale; a malformed one is refused.
  const third = parseEquivalents(LIST, [{ ...second, occurrence: 3 }]);
  assert.equal(matchEquivalents(ms, third, new Set([FILE])).stale.length, 1);
  assert.throws(
    () => parseEquivalents(LIST, [{ ...second, occurrence: 0 }]),
    /#0: "occurrence" must be a positive integer/,
  );
  // A mutant without duplicates gets an entry without an occurrence.
  assert.equal(entryFor(generateMutants(FILE, SOURCE)[0]!, "r").occurrence, undefined);
});
