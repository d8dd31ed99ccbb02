import assert from "node:assert/strict";
import { UsageError } from "../shared/testing/mod.ts";
import { checkReportArgs } from "./attention_report.ts";

Deno.test("bench:report: arguments and a BENCH_FULL other than 0 or 1 are refused in one line", () => {
  const cases: [string[], string | undefined, RegExp][] = [
    [
      ["--full"],
      undefined,
      /^unexpected argument "--full"; usage: \[BENCH_FULL=1\] deno task bench:report/,
    ],
    [[], "yes", /^BENCH_FULL must be 0 or 1, got "yes"/],
    [[], "2", /^BENCH_FULL must be 0 or 1, got "2"/],
  ];
  for (const [args, full, pattern] of cases) {
    assert.throws(
      () => checkReportArgs(args, full),
      (e: unknown) =>
        e instanceof UsageError && pattern.test(e.message) && !e.message.includes("\n"),
      `${args.join(" ")} BENCH_FULL=${full}`,
    );
  }
  for (const full of [undefined, "", "0", "1"]) checkReportArgs([], full);
});
