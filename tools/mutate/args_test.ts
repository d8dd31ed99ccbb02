import assert from "node:assert/strict";
import { HELP, parseArgs } from "./args.ts";
import { ArgumentError } from "./targets.ts";

Deno.test("args: defaults, every flag, and --flag=value", () => {
  assert.deepEqual(parseArgs([]), { seed: 1, json: false, jobs: 2, list: false, help: false });
  assert.equal(parseArgs(["--list"]).list, true);
  const a = parseArgs([
    "--only=01..02,shared/mdp",
    "--files",
    "problems/**/mod.ts",
    "--sample",
    "40",
    "--seed",
    "0",
    "--json",
    "--jobs",
    "1",
    "--timeout-ms",
    "5000",
    "--fail-under",
    "90",
  ]);
  assert.deepEqual([...a.only!.problems], [1, 2]);
  assert.deepEqual([...a.only!.shared], ["mdp"]);
  assert.equal(a.files, "problems/**/mod.ts");
  assert.equal(a.sample, 40);
  assert.equal(a.seed, 0);
  assert.equal(a.json, true);
  assert.equal(a.jobs, 1);
  assert.equal(a.timeoutMs, 5000);
  assert.equal(a.failUnder, 90);
  assert.equal(parseArgs(["-h"]).help, true);
});

Deno.test("args: each bad argument is one line naming the argument, the value and what is allowed", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^unknown argument "--bogus"; allowed: --only, .*--json, --list, --help$/],
    [["--only"], /^--only: missing value; allowed: 04, 01\.\.05/],
    [["--only", "--json"], /^--only: missing value/],
    [["--only", "4x"], /^--only: bad value "4x"; allowed: a problem number/],
    [["--only", "05..01"], /^--only: bad range "05\.\.01"; allowed/],
    [
      ["--only", "shared/tf"],
      /^--only: unknown shared module "shared\/tf"; allowed: .*shared\/<mdp\|/,
    ],
    [["--files", ""], /^--files: empty glob; allowed: a glob/],
    [["--sample", "0"], /^--sample: got "0"; allowed: an integer from 1 to 1000000$/],
    [["--sample", "2.5"], /^--sample: got "2\.5"; allowed: an integer/],
    [["--sample", "ten"], /^--sample: got "ten"; allowed: an integer/],
    [["--seed", "-1"], /^--seed: got "-1"; allowed: an integer from 0 to 2147483647$/],
    [["--jobs", "9"], /^--jobs: got "9"; allowed: an integer from 1 to 8$/],
    [["--timeout-ms", "50"], /^--timeout-ms: got "50"; allowed: an integer number of milliseconds/],
    [["--fail-under", "101"], /^--fail-under: got "101"; allowed: a percentage from 0 to 100$/],
    [["--fail-under", ""], /^--fail-under: missing value|^--fail-under: got ""/],
    [["--json=yes"], /^--json: takes no value, got "--json=yes"$/],
    [["--seed", "1", "--seed", "2"], /^--seed: given twice; give it once$/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseArgs(argv),
      (e: unknown) =>
        e instanceof ArgumentError && message.test(e.message) && !e.message.includes("\n"),
      `${argv.join(" ")}`,
    );
  }
});

Deno.test("args: the help names every flag and documents the equivalent-mutant format", () => {
  for (
    const flag of [
      "--only",
      "--files",
      "--sample",
      "--seed",
      "--json",
      "--jobs",
      "--timeout-ms",
      "--fail-under",
    ]
  ) {
    assert.ok(HELP.includes(flag), flag);
  }
  for (
    const field of ['"file"', '"line_text"', '"operator"', '"original"', '"mutated"', '"reason"']
  ) {
    assert.ok(HELP.includes(field), field);
  }
  assert.ok(HELP.includes("equivalent_mutants.json"));
});
