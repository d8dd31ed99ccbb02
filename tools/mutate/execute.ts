/**
 * Running one mutant: write it into a worker's scratch copy, run the claims that depend
 * on the file (fail-fast), then, only if every claim held, its unit tests and doc
 * examples; restore the file; classify. Each phase has a time limit derived from the
 * unmutated run of the same command, measured once and shared by the workers.
 *
 * @module
 */
import type { Dependents } from "./graph.ts";
import { applyMutant, type Mutant } from "./operators.ts";
import { readCoverage } from "./coverage.ts";
import { runWithTimeout } from "./process.ts";

/** How a mutant ended. */
export type Status = "killed" | "timeout" | "survived" | "invalid" | "equivalent" | "error";

/** One mutant's outcome, as reported. */
export interface MutantResult extends Omit<Mutant, "edit"> {
  /** The report group: `04` or `shared/mdp`. */
  group: string;
  /** The outcome. */
  status: Status;
  /** Whether a claim killed it (or timed out on it): a registered claim or a claim-named test. */
  byClaims: boolean;
  /** What killed it, what made it equivalent, or why it could not be judged. */
  detail?: string;
  /** Wall time spent on it, in milliseconds. */
  ms: number;
  /**
   * Whether no claim executes its line (from the claims' coverage; absent when unknown). Such
   * a mutant is left out of the claims' rate, like an input guard.
   */
  unreached?: boolean;
}

/** The unmutated run of one command. */
interface Baseline {
  /** Whether it passed. */
  ok: boolean;
  /** Its wall time. */
  ms: number;
  /** Why it failed. */
  detail: string;
  /** Test names of the claims it ran (claims phase only). */
  ran: string[];
}

type Env = Record<string, string>;

/** Settings shared by the workers. */
export interface ExecuteOptions {
  /** The project's doc-block test file (runs every block in one process), if it has one. */
  docRunner?: string;
  /** The deno executable. */
  deno: string;
  /** A fixed time limit per phase; otherwise 3x the baseline plus 2 s. */
  timeoutMs?: number;
  /** Environment for the subprocesses. */
  env: Record<string, string>;
  /** Where the unmutated claims record their line coverage (`deno run --coverage`), if anywhere. */
  coverageDir?: string;
  /**
   * With `coverageDir`: the lines the unmutated claims executed, by project-relative file,
   * filled as each baseline finishes; an error message instead if a coverage could not be read.
   */
  executed?: Map<string, Set<number>> | string;
}

/** The time limit of an unmutated run, which only has to catch a hang. */
const BASELINE_LIMIT_MS = 15 * 60_000;
/** Slack on top of 3x the baseline, for start-up jitter on a machine others share. */
const SLACK_MS = 2_000;

const COMMON = ["--allow-read", "--allow-env", "--no-check", "--node-modules-dir=manual"];

/**
 * The claims-phase command: the claims driver on the given problems, in order.
 *
 * @param problems problem numbers, the mutated file's own problem first
 * @returns deno arguments
 * @example
 * ```ts
 * import { claimsCommand } from "./execute.ts";
 * if (!claimsCommand([4, 1]).join(" ").endsWith("tools/mutate/claims_driver.ts 04 01")) throw new Error();
 * ```
 */
export function claimsCommand(problems: readonly number[]): string[] {
  return [
    "run",
    ...COMMON,
    "tools/mutate/claims_driver.ts",
    ...problems.map((p) => String(p).padStart(2, "0")),
  ];
}

/**
 * The tests-phase command: unit tests and doc blocks, stopping at the first failure. It
 * preloads `skip_tests.ts`, which leaves out the claim tests that the claims phase has
 * already run and the doc blocks of files that cannot see the mutant (see there). Doc
 * blocks run through the project's doc-block test when it has one (one process for all
 * blocks), otherwise through `deno test --doc` on the files themselves.
 *
 * @param testFiles test files that import the mutated file
 * @param docFiles files whose doc blocks import it
 * @param docRunner the project's doc-block test file, if any
 * @returns deno arguments, and the doc files to keep (undefined: keep every block)
 * @example
 * ```ts
 * import { testsCommand } from "./execute.ts";
 * const c = testsCommand(["a_test.ts"], ["a.ts"], "doc_blocks_test.ts");
 * if (c.args.includes("--doc") || c.keepDocs?.join() !== "a.ts") throw new Error();
 * ```
 */
export function testsCommand(
  testFiles: readonly string[],
  docFiles: readonly string[],
  docRunner?: string,
): { args: string[]; keepDocs?: string[] } {
  const head = ["test", ...COMMON, "--fail-fast", "--preload", "tools/mutate/skip_tests.ts"];
  if (docRunner === undefined || docFiles.length === 0) {
    return {
      args: [...head, ...(docFiles.length > 0 ? ["--doc"] : []), ...testFiles, ...docFiles],
    };
  }
  return { args: [...head, ...testFiles, docRunner], keepDocs: [...docFiles] };
}

/**
 * The first failing test in `deno test` output (its FAILURES section, colours off).
 *
 * @param output the combined output
 * @returns the failing test's name, or undefined
 * @example
 * ```ts
 * import { failingTest } from "./execute.ts";
 * const out = "ok\n\n FAILURES \n\n04c V* ... claim holds => ./shared/testing/claims.ts:156:15\n";
 * if (failingTest(out) !== "04c V* ... claim holds") throw new Error();
 * ```
 */
export function failingTest(output: string): string | undefined {
  const at = output.lastIndexOf(" FAILURES ");
  if (at < 0) return undefined;
  const line = output.slice(at).split("\n").find((l) => l.includes(" => "));
  return line?.slice(0, line.indexOf(" => ")).trim();
}

/**
 * Whether a test name belongs to a claim: it starts with a claim id (`04b `).
 *
 * @param name the test name
 * @returns true for claim tests
 * @example
 * ```ts
 * import { isClaimTest } from "./execute.ts";
 * if (!isClaimTest("04b Q by solve") || isClaimTest("04 enumeration refuses")) throw new Error();
 * ```
 */
export function isClaimTest(name: string): boolean {
  return /^\d\d[a-z] /.test(name);
}

/** Several unmutated runs as one: all must pass, and their times add up. */
function sum(units: readonly Baseline[]): Baseline {
  const broken = units.find((u) => !u.ok);
  return {
    ok: broken === undefined,
    ms: units.reduce((a, u) => a + u.ms, 0),
    detail: broken?.detail ?? "",
    ran: units.flatMap((u) => u.ran),
  };
}

/** The order in which a mutant's claims run: its own problem first (most likely to kill). */
function claimOrder(m: Mutant, deps: Dependents): number[] {
  const own = /^problems\/(\d\d)_/.exec(m.file);
  const first = own ? Number(own[1]) : -1;
  return [...deps.claimProblems].sort((a, b) => Number(b === first) - Number(a === first) || a - b);
}

/** A worker: one scratch copy, one mutant at a time. */
export class Worker {
  /**
   * @param dir the scratch copy
   * @param options shared settings
   * @param baselines unmutated runs by command, shared between workers
   */
  constructor(
    readonly dir: string,
    readonly options: ExecuteOptions,
    readonly baselines: Map<string, Promise<Baseline>>,
  ) {}

  /**
   * Runs one mutant and restores the file.
   *
   * @param m the mutant
   * @param group its report group
   * @param source the file's unmutated text
   * @param deps what depends on the file
   * @returns the outcome
   */
  async run(m: Mutant, group: string, source: string, deps: Dependents): Promise<MutantResult> {
    const start = performance.now();
    const { edit: _, ...rest } = m;
    const result = (status: Status, byClaims: boolean, detail?: string): MutantResult => ({
      ...rest,
      group,
      status,
      byClaims,
      detail,
      ms: performance.now() - start,
    });
    // Baselines first, while the scratch copy is unmutated. They are measured per unit (one
    // problem's claims, one test file, one set of doc blocks) and shared by all mutants and
    // workers; a phase's limit comes from the sum over its units.
    const phases: { claims: boolean; args: string[]; env: Env; baseline: Baseline }[] = [];
    const order = claimOrder(m, deps);
    const claimUnits: Baseline[] = [];
    for (const p of order) claimUnits.push(await this.claimsUnit(p));
    const skip = claimUnits.flatMap((u) => u.ran);
    if (order.length > 0) {
      phases.push({ claims: true, args: claimsCommand(order), env: {}, baseline: sum(claimUnits) });
    }
    if (deps.testFiles.length + deps.docFiles.length > 0) {
      const { args, keepDocs } = testsCommand(
        deps.testFiles,
        deps.docFiles,
        this.options.docRunner,
      );
      const env: Env = { MUTATE_SKIP_TESTS: JSON.stringify(skip) };
      if (keepDocs) env.MUTATE_DOC_FILES = JSON.stringify(keepDocs);
      const units: Baseline[] = [];
      for (const f of deps.testFiles) units.push(await this.testUnit(f));
      if (deps.docFiles.length > 0) units.push(await this.docsUnit(deps.docFiles));
      phases.push({ claims: false, args, env, baseline: sum(units) });
    }
    if (phases.length === 0) {
      return result("survived", false, "no claim, test or doc block imports it");
    }
    const broken = phases.find((p) => !p.baseline.ok);
    if (broken) {
      return result("error", false, `the unmutated tree fails: ${broken.baseline.detail}`);
    }

    const path = `${this.dir}/${m.file}`;
    await Deno.writeTextFile(path, applyMutant(source, m));
    try {
      for (const p of phases) {
        const limit = this.options.timeoutMs ?? 3 * p.baseline.ms + SLACK_MS;
        const r = await this.exec(p.args, limit, p.env);
        if (r.timedOut) {
          return result(
            "timeout",
            p.claims,
            `${p.claims ? "claims" : "tests"} exceeded ${Math.round(limit)} ms`,
          );
        }
        if (r.code !== 0) {
          if (p.claims) {
            const line = r.output.split("\n").find((l) => l.startsWith("killed ")) ??
              `claims driver exited with code ${r.code}`;
            return result("killed", true, line.replace(/^killed /, "claim "));
          }
          const name = failingTest(r.output);
          if (name === undefined) {
            return result("killed", false, `deno test exited with code ${r.code}`);
          }
          return result(
            "killed",
            isClaimTest(name),
            `${isClaimTest(name) ? "claim test" : "test"} ${name}`,
          );
        }
      }
      // Nothing failed: a mutant that does not type-check is invalid, not a survivor.
      const typeError = await this.typeError(m.file, source);
      if (typeError !== undefined) return result("invalid", false, typeError);
      return result("survived", false);
    } finally {
      await Deno.writeTextFile(path, source);
    }
  }

  private exec(args: string[], timeoutMs: number, env: Env = {}) {
    return runWithTimeout(this.options.deno, args, {
      cwd: this.dir,
      timeoutMs,
      env: { ...this.options.env, ...env },
    });
  }

  /** The unmutated claims of one problem. */
  private claimsUnit(problem: number): Promise<Baseline> {
    const args = claimsCommand([problem]);
    const dir = this.options.coverageDir;
    if (dir === undefined) return this.baseline(args, {});
    // Only the unmutated runs record coverage: which lines the claims execute. It is read at
    // once, while the scratch copy is unmutated: Deno's coverage report maps V8's offsets
    // through the emit it caches per file, which a later mutant of the file replaces.
    const own = `${dir}/${String(problem).padStart(2, "0")}`;
    args.splice(1, 0, `--coverage=${own}`);
    return this.baseline(args, {}, async () => {
      const lines = await readCoverage(this.options.deno, own, [this.dir]);
      const executed = this.options.executed;
      if (typeof lines === "string" || typeof executed === "string") {
        if (typeof lines === "string") this.options.executed = lines;
        return;
      }
      const into = executed ?? (this.options.executed = new Map());
      for (const [file, hit] of lines) {
        const set = into.get(file) ?? new Set();
        for (const n of hit) set.add(n);
        into.set(file, set);
      }
    });
  }

  /** One unmutated test file, without the claim tests of its own problem. */
  private async testUnit(file: string): Promise<Baseline> {
    const own = /^problems\/(\d\d)_/.exec(file);
    const ran = own ? (await this.claimsUnit(Number(own[1]))).ran : [];
    const args = testsCommand([file], [], this.options.docRunner).args;
    return this.baseline(args, { MUTATE_SKIP_TESTS: JSON.stringify(ran) });
  }

  /** The unmutated doc blocks of some files. */
  private docsUnit(files: readonly string[]): Promise<Baseline> {
    const { args, keepDocs } = testsCommand([], files, this.options.docRunner);
    return this.baseline(args, keepDocs ? { MUTATE_DOC_FILES: JSON.stringify(keepDocs) } : {});
  }

  /** An unmutated run, once per command and environment; `after` runs before it resolves. */
  private baseline(args: string[], env: Env, after?: () => Promise<void>): Promise<Baseline> {
    const key = JSON.stringify([args, env]);
    let b = this.baselines.get(key);
    if (!b) {
      b = this.exec(args, BASELINE_LIMIT_MS, env).then(async (r) => {
        await after?.();
        return r;
      }).then((r) => ({
        ok: r.code === 0 && !r.timedOut,
        ms: r.ms,
        ran: r.output.split("\n").filter((l) => l.startsWith("ran ")).map((l) => l.slice(4)),
        detail: r.timedOut
          ? `timed out after ${BASELINE_LIMIT_MS} ms`
          : (failingTest(r.output) ?? r.output.split("\n").find((l) => l.startsWith("killed ")) ??
            `exit code ${r.code}`),
      }));
      this.baselines.set(key, b);
    }
    return b;
  }

  /**
   * The first type error of the mutated file (which is in place), provided the unmutated
   * file type-checks; the unmutated check runs once per file, with the file restored.
   */
  private async typeError(file: string, source: string): Promise<string | undefined> {
    const args = ["check", "--quiet", "--node-modules-dir=manual", file];
    const r = await this.exec(args, BASELINE_LIMIT_MS);
    if (r.code === 0) return undefined;
    const key = args.join(" ");
    let clean = this.baselines.get(key);
    if (!clean) {
      await Deno.writeTextFile(`${this.dir}/${file}`, source);
      clean = this.exec(args, BASELINE_LIMIT_MS).then((c) => ({
        ok: c.code === 0,
        ms: c.ms,
        detail: "",
        ran: [],
      }));
      this.baselines.set(key, clean);
    }
    if (!(await clean).ok) return undefined; // the file does not type-check even unmutated
    const line = r.output.split("\n").find((l) => /TS\d+/.test(l)) ?? `deno check exited ${r.code}`;
    return `does not type-check: ${line.trim()}`;
  }
}
