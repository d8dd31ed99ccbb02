/**
 * Where each claim lives in a problem's sources: the line of its registration in
 * `claims.ts` (whose check the registered test runs), the tests in `mod_test.ts` whose
 * names carry its id, and the exported definitions of `mod.ts` its check uses.
 *
 * Found by reading the source text, so it works for any problem folder that follows the
 * pattern, without running anything.
 *
 * @module
 */
import { type ExportedName, exportedNames } from "./highlight.ts";

/** A test found in a test file. */
export interface TestLocation {
  /** The test's name as written (template parts kept verbatim). */
  name: string;
  /** 1-based line of `Deno.test(`. */
  line: number;
}

/** The sources of one claim. */
export interface ClaimSources {
  /** 1-based line in `claims.ts` where the claim's `id` is given, if found. */
  claimLine?: number;
  /** Tests in `mod_test.ts` whose names mention the claim id. */
  tests: TestLocation[];
  /** 1-based line of `registerClaimTests(` in `mod_test.ts`, which registers the claim's test. */
  registeredAt?: number;
  /** Exported names of `mod.ts` that the claim's registration uses. */
  uses: ExportedName[];
}

/**
 * Lists the `Deno.test` calls of a test file with their names.
 *
 * @param source the test file's text
 * @returns the tests in source order
 * @example
 * ```ts
 * import { findTests } from "./source_index.ts";
 * const t = findTests('x\nDeno.test("01a holds", () => {});\nDeno.test({ name: `01b ok` }, f);');
 * if (t.map((x) => `${x.line}:${x.name}`).join() !== "2:01a holds,3:01b ok") throw new Error();
 * ```
 */
export function findTests(source: string): TestLocation[] {
  const out: TestLocation[] = [];
  const call = /Deno\.test\(\s*(?:\{\s*name:\s*)?(["'`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const m of source.matchAll(call)) {
    const line = source.slice(0, m.index).split("\n").length;
    out.push({ name: m[2]!, line });
  }
  return out;
}

/**
 * Finds the 1-based line of each claim's `id: "NNx"` in a claims file.
 *
 * @param source the `claims.ts` text
 * @returns claim id to line
 * @example
 * ```ts
 * import { findClaimLines } from "./source_index.ts";
 * const m = findClaimLines('[\n  {\n    id: "04a",\n  },\n  { id: \'04b\' }]');
 * if (m.get("04a") !== 3 || m.get("04b") !== 5) throw new Error();
 * ```
 */
export function findClaimLines(source: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = source.split("\n");
  lines.forEach((text, i) => {
    for (const m of text.matchAll(/\bid:\s*["'`](\d\d[a-z])["'`]/g)) {
      if (!out.has(m[1]!)) out.set(m[1]!, i + 1);
    }
  });
  return out;
}

/**
 * Locates every claim's sources in a problem folder's texts.
 *
 * @param ids the claim ids, in registration order
 * @param files the texts of `claims.ts`, `mod_test.ts` and `mod.ts` (missing ones empty)
 * @returns per claim id: its registration line, its tests and the definitions it uses
 * @example
 * ```ts
 * import { claimSources } from "./source_index.ts";
 * const s = claimSources(["07a", "07b"], {
 *   claims: 'import { f, g } from "./mod.ts";\n{ id: "07a", check: () => f(1) },\n{ id: "07b", check: () => g() }',
 *   test: 'Deno.test("07b g is fine", () => {});',
 *   mod: "export function f() {}\nexport function g() {}",
 * });
 * if (s.get("07a")!.uses.map((u) => u.name).join() !== "f") throw new Error();
 * if (s.get("07b")!.tests[0]!.line !== 1 || s.get("07a")!.claimLine !== 2) throw new Error();
 * ```
 */
export function claimSources(
  ids: readonly string[],
  files: { claims: string; test: string; mod: string },
): Map<string, ClaimSources> {
  const claimLines = findClaimLines(files.claims);
  const tests = findTests(files.test);
  const exported = exportedNames(files.mod);
  const claimTextLines = files.claims.split("\n");
  const registerIndex = files.test.search(/\bregisterClaimTests\(/);
  const registeredAt = registerIndex < 0
    ? undefined
    : files.test.slice(0, registerIndex).split("\n").length;
  // each claim's registration runs from its id line to the next claim's id line
  const starts = ids.map((id) => claimLines.get(id)).filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b);
  // helpers defined above the first claim (arbitraries, shared checks) count for every claim
  const preamble = claimTextLines.slice(0, (starts[0] ?? 1) - 1).join("\n");
  const out = new Map<string, ClaimSources>();
  for (const id of ids) {
    const start = claimLines.get(id);
    let block = "";
    if (start !== undefined) {
      const next = starts.find((s) => s > start) ?? claimTextLines.length + 1;
      block = claimTextLines.slice(start - 1, next - 1).join("\n");
    }
    const idPattern = new RegExp(`(^|[^0-9a-z])${id}([^a-z0-9]|$)`);
    const uses = exported.filter((e) => {
      const word = new RegExp(`\\b${e.name.replace(/\$/g, "\\$")}\\b`);
      if (word.test(block)) return true;
      // used through a helper of the preamble that the block calls
      return helpersUsing(preamble, e.name).some((h) => new RegExp(`\\b${h}\\b`).test(block));
    });
    out.set(id, {
      claimLine: start,
      tests: tests.filter((t) => idPattern.test(t.name)),
      registeredAt,
      uses,
    });
  }
  return out;
}

/** Names of top-level `const`/`function` helpers in `preamble` whose text mentions `name`. */
function helpersUsing(preamble: string, name: string): string[] {
  const out: string[] = [];
  const parts = preamble.split(/\n(?=(?:export\s+)?(?:const|function|let)\s)/);
  for (const part of parts) {
    const m = /^(?:export\s+)?(?:const|function|let)\s+([A-Za-z_$][\w$]*)/.exec(part);
    if (m && m[1] !== name && new RegExp(`\\b${name}\\b`).test(part)) out.push(m[1]!);
  }
  return out;
}
