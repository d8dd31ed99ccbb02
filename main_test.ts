import assert from "node:assert/strict";
import { UsageError } from "./shared/testing/mod.ts";
import { parseSeed } from "./shared/testing/seed.ts";
import { verify } from "./main.ts";

/** Asserts that `verify(args)` refuses with a UsageError whose one line matches `pattern`. */
async function refuses(args: string[], pattern: RegExp): Promise<void> {
  await assert.rejects(() => verify(args), (e: unknown) => {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes("\n"), `one line, got ${JSON.stringify(e.message)}`);
    return true;
  });
}

Deno.test("verify: an unknown problem number is an error naming the problems that exist", async () => {
  await refuses(["--only", "99"], /^--only 99: no problem 99; the problems are 01–28$/);
  await refuses(["--only", "01..30"], /no problem 29; the problems are 01–28/);
});

Deno.test("verify: a malformed --only names the value and the accepted forms", async () => {
  await refuses(["--only", "abc"], /^--only "abc": expected a problem number \(04\), a range/);
  await refuses(["--only", "05..03"], /the range 05\.\.03 is empty/);
  await refuses(["--only=1,,2"], /expected a problem number/);
});

Deno.test("verify: --only without a value, unknown flags and stray arguments are refused", async () => {
  await refuses(["--only"], /^--only needs a value; usage: deno task verify/);
  await refuses(["--only", "--json"], /^--only needs a value/);
  await refuses(["--bogus"], /^unknown flag --bogus; usage/);
  await refuses(["04"], /^unexpected argument "04"; usage/);
  await refuses(["--json=yes"], /^--json takes no value/);
  await refuses(["--json", "--json"], /^--json is given twice/);
});

Deno.test("VERIFY_SEED: text, negatives, fractions and seeds above 2^32 - 1 are refused in one line", () => {
  for (const raw of ["abc", "-3", "1.5", "4294967296", "1e3", " ", "0x10"]) {
    assert.throws(
      () => parseSeed("VERIFY_SEED", raw),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message ===
          `VERIFY_SEED must be an integer from 0 to 4294967295, got ${JSON.stringify(raw)}`,
      raw,
    );
  }
  assert.equal(parseSeed("VERIFY_SEED", "0"), 0);
  assert.equal(parseSeed("VERIFY_SEED", "4294967295"), 4294967295);
});
