/**
 * `deno task mutate`: mutation testing of the suite. See `tools/mutate/README.md` and
 * `deno task mutate --help`.
 *
 * A small runner on the TypeScript compiler API rather than StrykerJS: Stryker's command
 * test runner re-runs one whole test command per mutant and cannot choose the claims and
 * tests that import the mutated file, and making Stryker's own runners load the project
 * would need a package.json in the root, which breaks Deno's node_modules resolution.
 *
 * @module
 */
import { HELP, type MutateArgs, parseArgs } from "./args.ts";
import {
  entryFor,
  EQUIVALENTS_FILE,
  type LocatedEntry,
  matchEquivalents,
  parseEquivalents,
} from "./equivalents.ts";
import { type ExecuteOptions, type MutantResult, Worker } from "./execute.ts";
import { buildGraph, dependentsOf } from "./graph.ts";
import { generateMutants, type Mutant } from "./operators.ts";
import { killAll } from "./process.ts";
import {
  formatSurvivors,
  formatTable,
  groupBy,
  median,
  rates,
  summaryLine,
  tally,
} from "./report.ts";
import { judgementKey } from "./record.ts";
import { sampleByFile, sampleByGroup } from "./sample.ts";
import { Rng } from "../../shared/random/mod.ts";
import { copyTree, listProjectFiles } from "./scratch.ts";
import { ArgumentError, groupOf, selectTargets } from "./targets.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** Set by Ctrl-C or SIGTERM: take no further mutant. */
let interrupted = false;

/** Everything the run needs before the first mutant: snapshot, mutants, dependents. */
async function prepare(args: MutateArgs, snapshot: string) {
  const files = await listProjectFiles(ROOT);
  await copyTree(ROOT, snapshot, files, `${ROOT}/node_modules`);
  const text = new Map<string, string>();
  for (const f of files) {
    if (f.endsWith(".ts") || f.endsWith(".md")) {
      text.set(f, await Deno.readTextFile(`${snapshot}/${f}`));
    }
  }
  const targets = selectTargets(files, args.only, args.files);
  if (targets.length === 0) {
    throw new ArgumentError(
      `--only/--files: the selection holds no mutable file (only ${
        args.files ?? "any"
      } under the chosen problems)`,
    );
  }
  const mutants = targets.flatMap((f) => generateMutants(f, text.get(f)!));
  const entries: LocatedEntry[] = [];
  for (const folder of new Set(targets.map((t) => t.slice(0, t.lastIndexOf("/"))))) {
    const list = `${folder}/${EQUIVALENTS_FILE}`;
    if (!files.includes(list)) continue;
    let data: unknown;
    try {
      data = JSON.parse(await Deno.readTextFile(`${snapshot}/${list}`));
    } catch (e) {
      throw new ArgumentError(`${list}: not valid JSON (${(e as Error).message})`);
    }
    entries.push(...parseEquivalents(list, data));
  }
  const match = matchEquivalents(mutants, entries, new Set(targets));
  const equivalent = new Map<Mutant, LocatedEntry>();
  match.equivalent.forEach((e, i) => equivalent.set(mutants[i]!, e));
  const chosen = args.sample !== undefined
    ? sampleByFile(mutants, args.sample, args.seed)
    : args.perGroup !== undefined
    ? sampleByGroup(mutants, args.perGroup, args.seed, (m) => groupOf(m.file)!, identityOf)
    : args.rerun !== undefined
    ? await openMutantsOf(args.rerun, mutants)
    : mutants;
  const graph = buildGraph(text);
  const deps = dependentsOf(graph, [...new Set(chosen.map((m) => m.file))]);
  return { files, text, targets, mutants, chosen, equivalent, stale: match.stale, deps };
}

/**
 * What names a mutant whatever its line number: file, line text, operator and change (the
 * sample's hash; identical mutants on identical lines share it, so they are drawn together).
 */
function identityOf(m: Pick<Mutant, "file" | "lineText" | "operator" | "original" | "mutated">) {
  return JSON.stringify([m.file, m.lineText, m.operator, m.original, m.mutated]);
}

/**
 * The mutants a report judged survived, killed without a claim, or timed out (a time limit
 * is weaker evidence than a failing check), where they still exist.
 */
async function openMutantsOf(path: string, mutants: readonly Mutant[]): Promise<Mutant[]> {
  let report: { mutants?: { status?: string; byClaims?: boolean }[] };
  try {
    report = JSON.parse(await Deno.readTextFile(path));
  } catch {
    throw new ArgumentError(`--rerun: ${JSON.stringify(path)} is not a readable JSON report`);
  }
  if (!Array.isArray(report.mutants)) {
    throw new ArgumentError(`--rerun: ${JSON.stringify(path)} is not a report of deno task mutate`);
  }
  const open = new Set(
    report.mutants.filter((m) =>
      m.status === "survived" || m.status === "timeout" || (m.status === "killed" && !m.byClaims)
    ).map((m) => judgementKey(m as Mutant)),
  );
  return mutants.filter((m) => open.has(judgementKey(m)));
}

async function main(): Promise<number> {
  let args: MutateArgs;
  try {
    args = parseArgs(Deno.args);
  } catch (e) {
    if (e instanceof ArgumentError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const dirs = Array.from({ length: args.jobs }, (_, w) => `/tmp/mutate-${Deno.pid}-${w}`);
  const cleanup = async () => {
    for (const d of [...dirs, `${dirs[0]!}-coverage`]) {
      await Deno.remove(d, { recursive: true }).catch(() => {});
    }
  };
  // Ctrl-C (or SIGTERM) stops the run: mutants in flight are dropped, and the report
  // covers the ones that finished.
  const onSignal = () => {
    if (interrupted) Deno.exit(130);
    interrupted = true;
    console.error("mutate: interrupted; reporting the mutants that finished");
    killAll();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const code = await run(args, dirs);
    return interrupted ? 130 : code;
  } catch (e) {
    if (e instanceof ArgumentError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    await cleanup();
  }
}

async function run(args: MutateArgs, dirs: string[]): Promise<number> {
  const started = new Date();
  const t0 = performance.now();
  const log = (s: string) => args.json ? console.error(s) : console.log(s);
  const p = await prepare(args, dirs[0]!);
  for (const e of p.stale) {
    console.error(
      `warning: stale equivalent entry ${e.source}: ${e.file} ${JSON.stringify(e.line_text)} ` +
        `${e.operator} ${JSON.stringify(e.original)} -> ${
          JSON.stringify(e.mutated)
        } matches no mutant`,
    );
  }
  console.error(
    `mutate: ${p.mutants.length} mutants in ${p.targets.length} files; running ${p.chosen.length}` +
      `${
        args.sample !== undefined
          ? ` (sample, seed ${args.seed})`
          : args.perGroup !== undefined
          ? ` (${args.perGroup} per group, seed ${args.seed})`
          : args.rerun !== undefined
          ? ` (open in ${args.rerun})`
          : ""
      } on ${dirs.length} workers` +
      `${Deno.env.get("VERIFY_SEED") ? `, VERIFY_SEED=${Deno.env.get("VERIFY_SEED")}` : ""}`,
  );
  if (args.list) {
    for (const m of p.chosen) {
      const eq = p.equivalent.get(m);
      console.log(
        `${m.file}:${m.line}  ${m.original} -> ${m.mutated}  (${m.operator})` +
          `${eq ? `  equivalent: ${eq.reason}` : ""}\n    ${m.lineText}`,
      );
    }
    return 0;
  }
  for (const d of dirs.slice(1)) await copyTree(dirs[0]!, d, p.files, `${ROOT}/node_modules`);

  const env: Record<string, string> = { NO_COLOR: "1" };
  // The project's doc-block test runs every block in one process; without it, --doc.
  const docRunner = p.files.includes("doc_blocks_test.ts") ? "doc_blocks_test.ts" : undefined;
  const coverageDir = `${dirs[0]!}-coverage`;
  const options: ExecuteOptions = {
    deno: Deno.execPath(),
    timeoutMs: args.timeoutMs,
    env,
    docRunner,
    coverageDir,
  };
  const baselines = new Map();
  const workers = dirs.map((d) => new Worker(d, options, baselines));
  const slots: (MutantResult | undefined)[] = new Array(p.chosen.length);
  // A seeded order spreads the work over files, so an interrupted run is still a fair sample.
  const order = shuffled(p.chosen.length, args.seed);
  let next = 0;
  let done = 0;
  const width = String(p.chosen.length).length;
  await Promise.all(workers.map(async (worker) => {
    while (next < order.length && !interrupted) {
      const i = order[next++]!;
      const m = p.chosen[i]!;
      const group = groupOf(m.file)!;
      const eq = p.equivalent.get(m);
      let r: MutantResult;
      if (eq) {
        const { edit: _, ...rest } = m;
        r = { ...rest, group, status: "equivalent", byClaims: false, detail: eq.reason, ms: 0 };
      } else {
        r = await worker.run(m, group, p.text.get(m.file)!, p.deps.get(m.file)!);
      }
      if (interrupted) break; // its processes were killed: the outcome means nothing
      slots[i] = r;
      done++;
      console.error(
        `[${String(done).padStart(width)}/${p.chosen.length}] ${r.status.padEnd(10)} ` +
          `${r.file}:${r.line} ${r.operator} ${(r.ms / 1000).toFixed(1)} s` +
          `${r.detail && r.status !== "equivalent" ? `  ${r.detail.slice(0, 100)}` : ""}`,
      );
    }
  }));

  const results = slots.filter((r): r is MutantResult => r !== undefined);
  const coverage = options.executed ?? new Map<string, Set<number>>();
  if (typeof coverage === "string") {
    console.error(`warning: ${coverage}; the claims rate counts every line`);
  } else {
    for (const r of results) {
      if (r.status === "killed" || r.status === "timeout" || r.status === "survived") {
        r.unreached = !coverage.get(r.file)?.has(r.line);
      }
    }
  }
  if (interrupted) log(`\ninterrupted: ${results.length} of ${p.chosen.length} mutants finished`);
  const seconds = (performance.now() - t0) / 1000;
  const judgedMs = results.filter((r) => r.status !== "equivalent").map((r) => r.ms);
  const overall = tally(results);
  log("\nBy problem and shared module:");
  log(formatTable("group", groupBy(results, (r) => r.group)));
  log("\nBy file:");
  log(formatTable("file", groupBy(results, (r) => r.file)));
  const survivors = formatSurvivors(results);
  log(`\nSurvivors (${overall.survived}):${survivors === "" ? " none" : `\n${survivors}`}`);
  const errors = results.filter((r) => r.status === "error");
  if (errors.length > 0) {
    log(
      `\nNot judged (${errors.length}): ${
        [...new Set(errors.map((r) => `${r.file}: ${r.detail}`))].join("; ")
      }`,
    );
  }
  const summary = summaryLine(overall, seconds, median(judgedMs));
  log(`\n${summary}`);

  const report = {
    started: started.toISOString(),
    seconds,
    args: {
      ...args,
      only: args.only && { problems: [...args.only.problems], shared: [...args.only.shared] },
    },
    verifySeed: Deno.env.get("VERIFY_SEED") ?? null,
    files: p.targets.length,
    planned: p.chosen.length,
    interrupted,
    generated: p.mutants.length,
    summary,
    overall: { ...overall, ...rates(overall) },
    groups: Object.fromEntries(
      [...groupBy(results, (r) => r.group)].map((
        [k, rs],
      ) => [k, { ...tally(rs), ...rates(tally(rs)) }]),
    ),
    stale: p.stale,
    // Each survivor carries the entry that would list it as equivalent, reason to be written.
    mutants: results.map((r) =>
      r.status === "survived"
        ? { ...r, equivalentEntry: entryFor(r, "<why no result can change>") }
        : r
    ),
  };
  const json = JSON.stringify(report, null, 2);
  await Deno.mkdir(`${ROOT}/out/mutate`, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  const path = `${ROOT}/out/mutate/${stamp}.json`;
  await Deno.writeTextFile(path, json);
  console.error(`report: out/mutate/${stamp}.json`);
  if (args.json) console.log(json);

  const suiteRate = rates(overall).suite;
  if (args.failUnder !== undefined && !(100 * suiteRate >= args.failUnder)) {
    console.error(
      `mutate: kill rate ${(100 * suiteRate).toFixed(1)}% is below --fail-under ${args.failUnder}%`,
    );
    return 1;
  }
  return 0;
}

/** 0..n-1 in a seeded random order. */
function shuffled(n: number, seed: number): number[] {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

if (import.meta.main) Deno.exit(await main());
