import assert from "node:assert/strict";
import { UsageError } from "../shared/testing/mod.ts";
import { readBookArgs } from "./build.ts";

const ALL = Array.from({ length: 28 }, (_, i) => i + 1);

Deno.test("book: each bad argument is refused in one line naming it and what is allowed", () => {
  const cases: [string[], RegExp][] = [
    [["--only", "99"], /^--only 99: no problem 99; the problems are 01–28$/],
    [["--only", "x"], /^--only "x": expected a problem number/],
    [["--only"], /^--only needs a value; usage: deno task book/],
    [["--draft"], /^unknown flag --draft; usage: deno task book/],
    [["now"], /^unexpected argument "now"; usage: deno task book/],
  ];
  for (const [args, pattern] of cases) {
    assert.throws(
      () => readBookArgs(args, ALL),
      (e: unknown) =>
        e instanceof UsageError && pattern.test(e.message) && !e.message.includes("\n"),
      args.join(" "),
    );
  }
  assert.equal(readBookArgs([], ALL), undefined);
  assert.equal(readBookArgs(["--only=01,07"], ALL), "01,07");
});
