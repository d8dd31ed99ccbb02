/**
 * Command-line arguments of `deno task mutate` and its help text.
 *
 * @module
 */
import { OPERATORS } from "./operators.ts";
import { ArgumentError, type OnlyFilter, parseOnly } from "./targets.ts";

/** The parsed arguments. */
export interface MutateArgs {
  /** `--only`: problems and shared modules to mutate (all when absent). */
  only?: OnlyFilter;
  /** `--files`: a glob over project-relative paths (all targets when absent). */
  files?: string;
  /** `--sample`: how many mutants to run, spread over the files (all when absent). */
  sample?: number;
  /** `--per-group`: how many mutants to run from each problem and shared module. */
  perGroup?: number;
  /** `--rerun`: a report whose survivors and non-claim kills are run again. */
  rerun?: string;
  /** `--seed`: seed of the sample. */
  seed: number;
  /** `--json`: print the JSON report on stdout (the human report goes to stderr). */
  json: boolean;
  /** `--jobs`: parallel workers, each with its own scratch copy of the tree. */
  jobs: number;
  /** `--timeout-ms`: fixed time limit per test phase of a mutant (default: from the baseline). */
  timeoutMs?: number;
  /** `--fail-under`: exit 1 when the suite's kill rate (percent) is below this. */
  failUnder?: number;
  /** `--list`: print the selected mutants (and stale equivalents) without running them. */
  list: boolean;
  /** `--help`. */
  help: boolean;
}

const VALUE_FLAGS = [
  "--only",
  "--files",
  "--sample",
  "--per-group",
  "--rerun",
  "--seed",
  "--jobs",
  "--timeout-ms",
  "--fail-under",
];
const BOOLEAN_FLAGS = ["--json", "--list", "--help", "-h"];

/** Usage and the format of the equivalent-mutant lists. */
export const HELP = `deno task mutate: mutation testing of the suite.

Mutates the implementation (every .ts file of problems/ that is not *_test.ts, claims.ts or
arbitraries.ts, and the math modules of shared/: mdp, trajectories, stats, softmax,
gradients, attention, cliff, qnet, mlp, random) one change at a time, in scratch copies of
the working tree under /tmp, and runs the claims that depend on the changed file, then its
unit tests and doc examples.

Usage: deno task mutate [--only 01..05|04|01,07|shared|shared/mdp] [--files <glob>]
                        [--sample N | --per-group N | --rerun <report.json>] [--seed S]
                        [--json] [--jobs 2] [--timeout-ms T] [--fail-under P] [--list]

  --only        problems (01, 01..05, 01,07) and shared modules (shared, shared/mdp)
  --files       glob over project-relative paths, e.g. 'problems/04_*/mod.ts' (** crosses folders)
  --sample N    run N mutants spread over the selected files (stratified by file)
  --per-group N run N mutants of each problem and shared module (all of a smaller one),
                the N whose seeded hash is smallest: editing a line leaves the rest chosen
  --rerun R     run again the mutants that report R judged survived, timed out or killed
                without a claim, where they still exist (after fixing checks, to see them die)
  --seed S      seed of the sample (integer, default 1)
  --json        print the JSON report on stdout; the tables go to stderr
  --jobs J      parallel workers (1..8, default 2)
  --timeout-ms  time limit per test phase of a mutant; default 3x the unmutated time + 2 s
  --fail-under  exit 1 if fewer than P percent of the non-equivalent mutants are killed
  --list        print the selected mutants and stale equivalent entries; run nothing

Operators: ${OPERATORS.join(", ")}.

Outcomes: killed (by a claim, or only by a unit test or doc example), timed out (counted as
killed, listed apart), survived, invalid (survived but fails deno check: excluded), equivalent
(listed in equivalent_mutants.json: excluded), error (the unmutated tree fails the same tests:
not judged). The report goes to out/mutate/<timestamp>.json.

Equivalent mutants: a file equivalent_mutants.json in the folder of the mutated file, an array of
  { "file": "problems/04_x/mod.ts", "line_text": "<the original line, trimmed>",
    "operator": "<operator>", "original": "<expression>", "mutated": "<expression>",
    "reason": "<one line: why no result can change>" }
matched on file, line_text, operator, original and mutated (no line numbers, so entries survive
unrelated edits); where a file has identical mutants on identical lines, "occurrence": k (1-based,
in source order) names one of them. Copy the fields from a survivor in the JSON report. Entries
that match no mutant are reported as stale.

Exit codes: 0 done, 1 kill rate below --fail-under, 2 bad arguments or a malformed list.`;

/**
 * Parses the arguments of `deno task mutate`.
 *
 * @param argv the arguments (without the program)
 * @returns the parsed arguments
 * @throws ArgumentError with a one-line message naming the argument, value and what is allowed
 * @example
 * ```ts
 * import { parseArgs } from "./args.ts";
 * const a = parseArgs(["--only", "04", "--sample", "40", "--seed", "1"]);
 * if (a.sample !== 40 || a.jobs !== 2 || !a.only?.problems.has(4)) throw new Error();
 * ```
 */
export function parseArgs(argv: readonly string[]): MutateArgs {
  const out: MutateArgs = { seed: 1, json: false, jobs: 2, list: false, help: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const flag = eq >= 0 ? raw.slice(0, eq) : raw;
    if (BOOLEAN_FLAGS.includes(flag)) {
      if (eq >= 0) throw new ArgumentError(`${flag}: takes no value, got ${JSON.stringify(raw)}`);
      if (flag === "--json") out.json = true;
      else if (flag === "--list") out.list = true;
      else out.help = true;
      continue;
    }
    if (!VALUE_FLAGS.includes(flag)) {
      throw new ArgumentError(
        `unknown argument ${JSON.stringify(raw)}; allowed: ${
          [...VALUE_FLAGS, "--json", "--list", "--help"].join(", ")
        }`,
      );
    }
    if (seen.has(flag)) throw new ArgumentError(`${flag}: given twice; give it once`);
    seen.add(flag);
    const value = eq >= 0 ? raw.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) {
      throw new ArgumentError(`${flag}: missing value; ${describe(flag)}`);
    }
    switch (flag) {
      case "--only":
        out.only = parseOnly(value);
        break;
      case "--files":
        if (value.trim() === "") throw new ArgumentError(`--files: empty glob; ${describe(flag)}`);
        out.files = value;
        break;
      case "--sample":
        out.sample = integer(flag, value, 1, 1_000_000);
        break;
      case "--per-group":
        out.perGroup = integer(flag, value, 1, 1_000_000);
        break;
      case "--rerun":
        if (value.trim() === "") throw new ArgumentError(`--rerun: empty path; ${describe(flag)}`);
        out.rerun = value;
        break;
      case "--seed":
        out.seed = integer(flag, value, 0, 2 ** 31 - 1);
        break;
      case "--jobs":
        out.jobs = integer(flag, value, 1, 8);
        break;
      case "--timeout-ms":
        out.timeoutMs = integer(flag, value, 100, 3_600_000);
        break;
      case "--fail-under": {
        const p = Number(value);
        if (value.trim() === "" || !Number.isFinite(p) || p < 0 || p > 100) {
          throw new ArgumentError(`--fail-under: got ${JSON.stringify(value)}; ${describe(flag)}`);
        }
        out.failUnder = p;
        break;
      }
    }
  }
  const ways = [out.sample, out.perGroup, out.rerun].filter((x) => x !== undefined).length;
  if (ways > 1) {
    throw new ArgumentError("--sample, --per-group and --rerun each choose the mutants; give one");
  }
  return out;
}

function integer(flag: string, value: string, lo: number, hi: number): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < lo || n > hi) {
    throw new ArgumentError(`${flag}: got ${JSON.stringify(value)}; ${describe(flag)}`);
  }
  return n;
}

function describe(flag: string): string {
  switch (flag) {
    case "--only":
      return "allowed: 04, 01..05, 01,07, shared, shared/<module>";
    case "--files":
      return "allowed: a glob over project-relative paths, e.g. 'problems/04_*/mod.ts'";
    case "--sample":
    case "--per-group":
      return "allowed: an integer from 1 to 1000000";
    case "--rerun":
      return "allowed: the path of a report in out/mutate/";
    case "--seed":
      return "allowed: an integer from 0 to 2147483647";
    case "--jobs":
      return "allowed: an integer from 1 to 8";
    case "--timeout-ms":
      return "allowed: an integer number of milliseconds from 100 to 3600000";
    default:
      return "allowed: a percentage from 0 to 100";
  }
}
