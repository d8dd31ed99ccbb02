/**
 * Preloaded by the tests phase of a mutant (`deno test --preload`): registers as ignored
 * the tests that need not run for this mutant (`--filter` cannot exclude names: its
 * patterns have no lookaround).
 *
 * - `MUTATE_SKIP_TESTS`: a JSON array of exact test names, the registered claim tests
 *   that the claims phase has just run on the same mutant.
 * - `MUTATE_DOC_FILES`: a JSON array of project-relative files; a doc-block test, named
 *   `./<file>#<first>-<last>` by the project's doc-block runner, runs only for these
 *   files (the others' blocks cannot import the mutated file).
 *
 * @module
 */

const skip = new Set<string>(JSON.parse(Deno.env.get("MUTATE_SKIP_TESTS") ?? "[]"));
const docs = Deno.env.get("MUTATE_DOC_FILES");
const keepDocs = docs === undefined ? undefined : new Set<string>(JSON.parse(docs));
const register = Deno.test;

/** Whether a test is a doc block of a file that cannot see the mutant. */
function isForeignDocBlock(name: string): boolean {
  const block = /^\.\/(.+)#\d+-\d+$/.exec(name);
  return keepDocs !== undefined && block !== null && !keepDocs.has(block[1]!);
}

/**
 * Deno.test, except that a test whose name is in the skip list is registered as ignored.
 *
 * @param args the arguments of any Deno.test overload
 */
function testUnlessSkipped(...args: unknown[]): void {
  const first = args[0] as string | { name?: string } | undefined;
  const name = typeof first === "string" ? first : first?.name;
  if (name !== undefined && (skip.has(name) || isForeignDocBlock(name))) {
    const fn = args.find((a) => typeof a === "function") as Deno.TestDefinition["fn"];
    register({ name, fn, ignore: true });
    return;
  }
  (register as (...a: unknown[]) => void)(...args);
}

if (skip.size > 0 || keepDocs !== undefined) (Deno as { test: unknown }).test = testUnlessSkipped;
