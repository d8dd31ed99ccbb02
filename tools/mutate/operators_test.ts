import assert from "node:assert/strict";
import { applyMutant, generateMutants, type Mutant, type Operator } from "./operators.ts";

/** The mutated programs of one operator, as text. */
function mutated(source: string, operator: Operator): string[] {
  return generateMutants("m.ts", source).filter((m) => m.operator === operator).map((m) =>
    applyMutant(source, m)
  );
}

Deno.test("operators: arithmetic swaps + and -, * and /, and compound assignments", () => {
  assert.deepEqual(mutated("x = a + b;", "arithmetic"), ["x = a - b;"]);
  assert.deepEqual(mutated("x = a - b;", "arithmetic"), ["x = a + b;"]);
  assert.deepEqual(mutated("x = a * b;", "arithmetic"), ["x = a / b;"]);
  assert.deepEqual(mutated("x = a / b;", "arithmetic"), ["x = a * b;"]);
  assert.deepEqual(mutated("x += a;", "arithmetic"), ["x -= a;"]);
  assert.deepEqual(mutated("x *= a;", "arithmetic"), ["x /= a;"]);
});

Deno.test("operators: comparison boundaries and flips", () => {
  assert.deepEqual(mutated("if (i < n) f();", "comparison-boundary"), ["if (i <= n) f();"]);
  assert.deepEqual(mutated("if (i < n) f();", "comparison-flip"), ["if (i >= n) f();"]);
  assert.deepEqual(mutated("y = i >= n;", "comparison-boundary"), ["y = i > n;"]);
  assert.deepEqual(mutated("y = i >= n;", "comparison-flip"), ["y = i < n;"]);
  assert.deepEqual(mutated("y = i > n;", "comparison-flip"), ["y = i <= n;"]);
  assert.deepEqual(mutated("y = i === n;", "equality"), ["y = i !== n;"]);
});

Deno.test("operators: Math.max and Math.min swap, as do floor and ceil", () => {
  assert.deepEqual(mutated("y = Math.max(a, b);", "math-max-min"), ["y = Math.min(a, b);"]);
  assert.deepEqual(mutated("y = Math.min(a, b);", "math-max-min"), ["y = Math.max(a, b);"]);
  assert.deepEqual(mutated("y = Math.floor(a);", "math-floor-ceil"), ["y = Math.ceil(a);"]);
  assert.deepEqual(mutated("y = max(a, b);", "math-max-min"), [], "only Math's functions");
});

Deno.test("operators: numeric constants move by one, negative results in parentheses", () => {
  assert.deepEqual(mutated("y = x - 1;", "constant"), ["y = x - 2;", "y = x - 0;"]);
  assert.deepEqual(mutated("y = x-0;", "constant"), ["y = x-1;", "y = x-(-1);"]);
  assert.deepEqual(mutated("y = 0.1;", "constant"), ["y = 1.1;", "y = (-0.9);"]);
  assert.deepEqual(mutated("const o = { 0: a };", "constant"), [], "a property key is no value");
});

Deno.test("operators: booleans flip, conditions are negated, negations removed", () => {
  assert.deepEqual(mutated("ok = true;", "boolean-literal"), ["ok = false;"]);
  assert.deepEqual(mutated("if (a) f();", "negate-condition"), ["if (!(a)) f();"]);
  assert.deepEqual(mutated("while (a < b) f();", "negate-condition"), ["while (!(a < b)) f();"]);
  assert.deepEqual(mutated("y = c ? a : b;", "negate-condition"), ["y = !(c) ? a : b;"]);
  assert.deepEqual(mutated("for (;i < n;) f();", "negate-condition"), ["for (;!(i < n);) f();"]);
  assert.deepEqual(mutated("if (!a) f();", "remove-negation"), ["if (a) f();"]);
  assert.deepEqual(mutated("if (!a) f();", "negate-condition"), [], "remove-negation covers it");
});

Deno.test("operators: && and || swap, parenthesised so the tree keeps its shape", () => {
  assert.deepEqual(mutated("y = a || b && c;", "logical"), [
    "y = (a && b && c);",
    "y = a || (b || c);",
  ]);
  const src = "y = a ?? (b && c);";
  const out = mutated(src, "logical");
  assert.deepEqual(out, ["y = a ?? ((b || c));"]);
});

Deno.test("operators: a term of a sum is dropped, the unary minus removed", () => {
  assert.deepEqual(mutated("y = a + b * c;", "drop-term"), ["y = a;", "y = b * c;"]);
  assert.deepEqual(mutated("y = a - b;", "drop-term"), ["y = a;"]);
  assert.deepEqual(mutated("y = -a;", "unary-minus"), ["y = a;"]);
});

Deno.test("operators: comments, strings, imports, types, throws and console calls are untouched", () => {
  const src = [
    'import { a } from "./a.ts";',
    'export { b } from "./b.ts";',
    "/** 1 + 2 in JSDoc; @example `x < 1` */",
    "// 3 * 4 in a comment",
    'const s = "5 + 6";',
    "const t = `${n + 1} items`;",
    'const u = "x" + n;',
    "type T = 1 | 2;",
    "interface I { k: 3 }",
    "let v: Array<7> = [];",
    "if (bad) throw new Error(`got ${n - 1}, need ${n + 1}`);",
    'console.log("n", n + 1);',
  ].join("\n");
  const ms = generateMutants("m.ts", src);
  // Only the if's condition is code that decides anything.
  assert.deepEqual(ms.map((m) => [m.operator, m.original, m.mutated]), [
    ["negate-condition", "bad", "!(bad)"],
  ]);
});

Deno.test("operators: every mutant records line, column, trimmed line text and a parseable edit", () => {
  const src = "export function f(a: number): number {\n  return a * 2 + 1;\n}\n";
  const ms: Mutant[] = generateMutants("p/m.ts", src);
  assert.ok(ms.length > 0);
  for (const m of ms) {
    assert.equal(m.file, "p/m.ts");
    assert.equal(m.line, 2);
    assert.equal(m.lineText, "return a * 2 + 1;");
    assert.equal(src.split("\n")[m.line - 1]!.trim(), m.lineText);
    assert.ok(m.column >= 3 && m.column <= 20, `column ${m.column}`);
  }
  const times = ms.find((m) => m.operator === "arithmetic" && m.original === "a * 2");
  assert.equal(times?.mutated, "a / 2");
  assert.equal(times?.column, 12);
});

Deno.test("operators: only a throwing if's condition and a ConfigSpec table are guards", () => {
  const guards = (src: string) =>
    generateMutants("g.ts", src).map((m) => `${m.original}->${m.mutated}:${m.guard}`);
  // `if (bad) throw`, bare or as a one-statement block: every change of the condition.
  for (const src of ['if (n < 0) throw new Error("n");', 'if (n < 0) { throw new Error("n"); }']) {
    const ms = generateMutants("g.ts", src);
    assert.ok(ms.length >= 3 && ms.every((m) => m.guard), guards(src).join());
  }
  // Work beside the throw, an else branch, or a then-branch that computes: not guards.
  for (
    const src of [
      'if (n < 0) { k = n + 1; throw new Error("n"); }',
      'if (n < 0) throw new Error("n"); else k = 2;',
      "if (n < 0) k = n + 1;",
      "const k = n < 0 ? 1 : 2;",
    ]
  ) {
    assert.ok(generateMutants("g.ts", src).every((m) => !m.guard), guards(src).join());
  }
  // A callback in the guard's condition is its own function: a loop bound there is no guard.
  const inner = generateMutants(
    "g.ts",
    'if (xs.some((x) => { for (let i = 0; i < 2; i++) f(i); return x < 0; })) throw new Error("x");',
  );
  assert.ok(inner.some((m) => !m.guard && m.original === "i < 2"), "loop inside a callback");
  // A ConfigSpec table states accepted ranges only: every change in it is a guard's. The same
  // literal under another type, or a function in the table, is not.
  const spec = generateMutants(
    "g.ts",
    "const s: ConfigSpec<C> = { n: { integer: true, min: 1 } };",
  );
  assert.ok(spec.length >= 3 && spec.every((m) => m.guard), spec.map((m) => m.mutated).join());
  const other = generateMutants("g.ts", "const s: Spec<C> = { n: { integer: true, min: 1 } };");
  assert.ok(other.length >= 3 && other.every((m) => !m.guard), "another type is no guard");
  const fn = generateMutants("g.ts", "const s: ConfigSpec<C> = { f: (x: number) => x + 1 };");
  assert.ok(fn.length >= 1 && fn.every((m) => !m.guard), "a function in the table");
});
