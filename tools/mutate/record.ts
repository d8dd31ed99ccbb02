/**
 * `deno task mutate:record [<report.json> …]`: merges mutation reports from `out/mutate/`
 * into the committed judgements `tools/mutate/judgements.jsonl` (one judged mutant per line,
 * with the start of the run that judged it) and rebuilds from them the score table
 * `tools/mutate/scores.json`, which the book's index shows per problem. Where several runs
 * judged the same mutant, the latest judgement counts, so a long run may be made of several
 * shorter ones, on any clone: the reports themselves stay in the ignored `out/`, the
 * judgements travel with the repository. Without reports it rebuilds the table from the
 * committed judgements alone (after edits have moved or removed lines).
 *
 * @module
 */
import { runCommand, UsageError } from "../../shared/testing/mod.ts";
import { readCoverage } from "./coverage.ts";
import { generateMutants, type Mutant } from "./operators.ts";
import { claimsCommand } from "./execute.ts";
import { runWithTimeout } from "./process.ts";

/** One mutant as a report lists it (the fields the score needs). */
export interface JudgedMutant {
  /** Project-relative path of the mutated file. */
  file: string;
  /** The original line, trimmed. */
  lineText: string;
  /** The operator. */
  operator: string;
  /** The original expression. */
  original: string;
  /** The mutated expression. */
  mutated: string;
  /** Problem (`04`) or shared module (`shared/mdp`). */
  group: string;
  /** The outcome. */
  status: "killed" | "timeout" | "survived" | "invalid" | "equivalent" | "error";
  /** Whether a claim killed it. */
  byClaims?: boolean;
  /** Whether it lies in an input guard (left out of the claims rate). */
  guard?: boolean;
  /** Whether no claim executes its line (left out of the claims rate). */
  unreached?: boolean;
  /** Which of several identical mutants of its file it is (1 when absent). */
  occurrence?: number;
  /** When the run that judged it started (ISO time): the later judgement of a mutant counts. */
  started?: string;
}

/**
 * The key under which judgements of one mutant are merged: file, line text, operator and
 * change, and for the second and later of identical mutants in one file, which one.
 *
 * @param m the mutant
 * @returns the key
 * @example
 * ```ts
 * import { judgementKey } from "./record.ts";
 * const m = { file: "f.ts", lineText: "a + a", operator: "arithmetic", original: "a + a", mutated: "a - a" };
 * if (judgementKey(m) !== judgementKey({ ...m, occurrence: 1 })) throw new Error();
 * if (judgementKey(m) === judgementKey({ ...m, occurrence: 2 })) throw new Error();
 * ```
 */
export function judgementKey(
  m: Pick<JudgedMutant, "file" | "lineText" | "operator" | "original" | "mutated" | "occurrence">,
): string {
  const base = [m.file, m.lineText, m.operator, m.original, m.mutated];
  return JSON.stringify((m.occurrence ?? 1) > 1 ? [...base, m.occurrence] : base);
}

/** Counts and kill rates of one group. */
export interface GroupScore {
  /** Mutants judged (killed, timed out or survived). */
  judged: number;
  /** Killed by anything, timeouts included. */
  killed: number;
  /** Killed by a claim. */
  byClaims: number;
  /** Survivors. */
  survived: number;
  /** Excluded: equivalent (listed with an argument). */
  equivalent: number;
  /** Excluded: does not type-check. */
  invalid: number;
  /** Judged mutants inside input guards (`if (bad) throw …`). */
  guarded: number;
  /** Judged mutants outside guards on lines no claim executes. */
  unreached: number;
  /** killed / judged. */
  suite: number;
  /** Claim kills / judged mutants, both outside guards and on lines claims execute. */
  claims: number;
}

/**
 * Scores mutants per group, the latest judgement of each mutant counting.
 *
 * @param mutants judged mutants, oldest report first
 * @returns the score of each group and of all together (`"all"`)
 * @example
 * ```ts
 * import { scoreMutants } from "./record.ts";
 * const m = { file: "f.ts", lineText: "a + b", operator: "arithmetic", original: "+", mutated: "-", group: "04" };
 * const s = scoreMutants([
 *   { ...m, status: "survived" },
 *   { ...m, status: "killed", byClaims: true }, // a later run judged it again
 *   { ...m, mutated: "*", status: "killed", byClaims: false },
 *   { ...m, mutated: "/", status: "killed", byClaims: false, guard: true }, // a bad-input test's kill
 * ]);
 * const g = s.get("04")!;
 * if (g.judged !== 3 || g.killed !== 3 || g.byClaims !== 1 || g.claims !== 0.5) throw new Error(JSON.stringify(g));
 * ```
 */
export function scoreMutants(mutants: readonly JudgedMutant[]): Map<string, GroupScore> {
  const latest = new Map<string, JudgedMutant>();
  for (const m of mutants) {
    if (m.status === "error") continue; // not judged: the unmutated tree failed too
    latest.set(judgementKey(m), m);
  }
  const scores = new Map<string, GroupScore>();
  // Claim kills of mutants the claims rate leaves out (guards, lines no claim executes).
  const outsideClaimKills = new Map<string, number>();
  const add = (group: string, m: JudgedMutant) => {
    const s = scores.get(group) ?? {
      judged: 0,
      killed: 0,
      byClaims: 0,
      survived: 0,
      equivalent: 0,
      invalid: 0,
      guarded: 0,
      unreached: 0,
      suite: 0,
      claims: 0,
    };
    const claimKill = m.status !== "survived" && m.byClaims === true;
    if (m.status === "equivalent") s.equivalent++;
    else if (m.status === "invalid") s.invalid++;
    else {
      s.judged++;
      if (m.status === "survived") s.survived++;
      else s.killed++;
      if (claimKill) s.byClaims++;
      if (m.guard) s.guarded++;
      else if (m.unreached) s.unreached++;
      if ((m.guard || m.unreached) && claimKill) {
        outsideClaimKills.set(group, (outsideClaimKills.get(group) ?? 0) + 1);
      }
    }
    const outside = s.judged - s.guarded - s.unreached;
    s.suite = s.judged ? s.killed / s.judged : 0;
    s.claims = outside ? (s.byClaims - (outsideClaimKills.get(group) ?? 0)) / outside : 0;
    scores.set(group, s);
  };
  for (const m of latest.values()) {
    add(m.group, m);
    add("all", m);
  }
  return scores;
}

/** Runs every problem's claims once with coverage in the project itself: executed lines. */
async function claimsCoverageOfTree(root: URL): Promise<Map<string, Set<number>>> {
  const dir = await Deno.makeTempDir({ prefix: "mutate-record-coverage-" });
  try {
    const problems = [...Deno.readDirSync(new URL("problems/", root))]
      .map((e) => /^(\d\d)_/.exec(e.name)?.[1]).filter((p): p is string => p !== undefined)
      .sort();
    const args = [...claimsCommand(problems.map(Number))];
    args.splice(1, 0, `--coverage=${dir}`);
    const cwd = decodeURIComponent(root.pathname).replace(/\/$/, "");
    const r = await runWithTimeout(Deno.execPath(), args, { cwd, timeoutMs: 30 * 60_000, env: {} });
    if (r.code !== 0 || r.timedOut) {
      throw new UsageError(
        `the unmutated claims do not all hold, so their coverage means nothing: ${
          r.output.split("\n").find((l) => l.startsWith("killed ")) ?? `exit code ${r.code}`
        }`,
      );
    }
    const executed = await readCoverage(Deno.execPath(), dir, [cwd]);
    if (typeof executed === "string") throw new UsageError(executed);
    return executed;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Whether a claim executes the mutant's line (found by its text: line numbers move). */
async function onExecutedLine(
  m: JudgedMutant,
  executed: Map<string, Set<number>>,
  root: URL,
): Promise<boolean> {
  const hit = executed.get(m.file);
  if (!hit) return false;
  const text = await Deno.readTextFile(new URL(m.file, root));
  return text.split("\n").some((l, i) => l.trim() === m.lineText && hit.has(i + 1));
}

interface Report {
  started: string;
  args: unknown;
  planned: number;
  interrupted?: boolean;
  mutants: JudgedMutant[];
}

/** One run a table was built from, as `scores.json` lists it. */
interface RunEntry {
  started: string;
  args: unknown;
  planned: number;
  judged: number;
  interrupted: boolean;
}

/** The fields of a judgement that are kept: what identifies the mutant, and its outcome. */
const KEPT_FIELDS = [
  "started",
  "group",
  "file",
  "lineText",
  "operator",
  "original",
  "mutated",
  "occurrence",
  "status",
  "byClaims",
] as const;

/**
 * Writes judgements one per line, in a stable order (by key), so that a new run changes
 * only the lines of the mutants it judged. Guard and coverage flags are left out: they are
 * properties of the tree, measured again on each recording.
 *
 * @param mutants the judgements, at most one per key
 * @returns the text of `judgements.jsonl`
 * @example
 * ```ts
 * import { formatJudgements, parseJudgements } from "./record.ts";
 * const m = { started: "t1", group: "04", file: "f.ts", lineText: "a + b", operator: "arithmetic", original: "+", mutated: "-", status: "killed" as const, byClaims: true, guard: true };
 * const back = parseJudgements(formatJudgements([m]), "judgements.jsonl");
 * if (back.length !== 1 || back[0]!.guard !== undefined || back[0]!.byClaims !== true) throw new Error();
 * ```
 */
export function formatJudgements(mutants: readonly JudgedMutant[]): string {
  const lines = mutants.map((m) => {
    const kept: Record<string, unknown> = {};
    for (const f of KEPT_FIELDS) if (m[f] !== undefined) kept[f] = m[f];
    return { key: judgementKey(m), line: JSON.stringify(kept) };
  });
  lines.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return lines.map((l) => l.line + "\n").join("");
}

const STATUSES = new Set(["killed", "timeout", "survived", "invalid", "equivalent", "error"]);

/**
 * Reads `judgements.jsonl`: one judged mutant per line (blank lines ignored).
 *
 * @param text the file's text
 * @param name the file's name, for messages
 * @returns the judgements
 * @throws UsageError naming the line that is not a judgement
 * @example
 * ```ts
 * import { parseJudgements } from "./record.ts";
 * let message = "";
 * try { parseJudgements('{"file": "f.ts"}\n', "j.jsonl"); } catch (e) { message = (e as Error).message; }
 * if (!message.startsWith("j.jsonl line 1:")) throw new Error(message);
 * ```
 */
export function parseJudgements(text: string, name: string): JudgedMutant[] {
  const out: JudgedMutant[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let m: JudgedMutant;
    try {
      m = JSON.parse(line);
    } catch {
      throw new UsageError(`${name} line ${i + 1}: not JSON`);
    }
    const text = ["started", "group", "file", "lineText", "operator", "original", "mutated"]
      .find((f) => typeof (m as unknown as Record<string, unknown>)[f] !== "string");
    if (text !== undefined || !STATUSES.has(m.status)) {
      throw new UsageError(
        `${name} line ${i + 1}: ${
          text === undefined ? `unknown status ${JSON.stringify(m.status)}` : `no string "${text}"`
        }`,
      );
    }
    out.push(m);
  });
  return out;
}

/**
 * The latest judgement of each mutant: by the start of the run that judged it, and between
 * judgements of one run, the one given last.
 *
 * @param mutants judgements from any runs, in any order
 * @returns one judgement per key
 * @example
 * ```ts
 * import { latestJudgements } from "./record.ts";
 * const m = { group: "04", file: "f.ts", lineText: "a + b", operator: "arithmetic", original: "+", mutated: "-" };
 * const latest = latestJudgements([
 *   { ...m, started: "2026-02-01", status: "killed" as const },
 *   { ...m, started: "2026-01-01", status: "survived" as const }, // an older run, read later
 * ]);
 * if (latest.length !== 1 || latest[0]!.status !== "killed") throw new Error();
 * ```
 */
export function latestJudgements(mutants: readonly JudgedMutant[]): JudgedMutant[] {
  const latest = new Map<string, JudgedMutant>();
  for (const m of mutants) {
    const key = judgementKey(m);
    const seen = latest.get(key);
    if (seen === undefined || (seen.started ?? "") <= (m.started ?? "")) latest.set(key, m);
  }
  return [...latest.values()];
}

async function readReport(path: string): Promise<Report> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    throw new UsageError(`report ${JSON.stringify(path)} cannot be read`);
  }
  let r: Report;
  try {
    r = JSON.parse(text) as Report;
  } catch {
    throw new UsageError(`report ${JSON.stringify(path)} is not JSON`);
  }
  if (!Array.isArray(r.mutants) || typeof r.started !== "string") {
    throw new UsageError(`report ${JSON.stringify(path)} is not a report of deno task mutate`);
  }
  return r;
}

async function main(args: readonly string[]): Promise<number> {
  const root = new URL("../../", import.meta.url);
  const judgementsUrl = new URL("./judgements.jsonl", import.meta.url);
  const scoresUrl = new URL("./scores.json", import.meta.url);
  const committed = parseJudgements(
    await Deno.readTextFile(judgementsUrl).catch(() => ""),
    "tools/mutate/judgements.jsonl",
  );
  const runs = new Map<string, RunEntry>();
  const previous = await Deno.readTextFile(scoresUrl).catch(() => undefined);
  if (previous !== undefined) {
    for (const r of (JSON.parse(previous).runs ?? []) as RunEntry[]) runs.set(r.started, r);
  }
  const reports: Report[] = [];
  for (const path of args) reports.push(await readReport(path));
  for (const r of reports) {
    runs.set(r.started, {
      started: r.started,
      args: r.args,
      planned: r.planned,
      judged: r.mutants.length,
      interrupted: r.interrupted ?? false,
    });
  }
  const merged = latestJudgements([
    ...committed,
    ...reports.flatMap((r) => r.mutants.map((m) => ({ ...m, started: r.started }))),
  ]).filter((m) => m.status !== "error"); // not judged: the unmutated tree failed too
  // A mutant whose line is no longer in its file (edited or moved since) judges code that
  // is gone: it is left out, so the table describes the tree as it is.
  const lines = new Map<string, Set<string>>();
  const current = async (m: JudgedMutant) => {
    if (!lines.has(m.file)) {
      const text = await Deno.readTextFile(new URL(m.file, root)).catch(() => "");
      lines.set(m.file, new Set(text.split("\n").map((l) => l.trim())));
    }
    return lines.get(m.file)!.has(m.lineText);
  };
  const kept: JudgedMutant[] = [];
  for (const m of merged) if (await current(m)) kept.push(m);
  // Which lines the claims execute is a property of the tree as it is, not of the run that
  // judged a mutant: it is measured again here, once, for every mutant kept.
  console.error("mutate:record: running every claim once with coverage …");
  const executed = await claimsCoverageOfTree(root);
  for (const m of kept) m.unreached = !(await onExecutedLine(m, executed, root));
  // Likewise whether a mutant lies in an input guard: the rule may have changed since.
  const now = new Map<string, Mutant>();
  for (const file of new Set(kept.map((m) => m.file))) {
    const text = await Deno.readTextFile(new URL(file, root));
    for (const g of generateMutants(file, text)) now.set(judgementKey(g), g);
  }
  for (const m of kept) m.guard = now.get(judgementKey(m))?.guard ?? m.guard;
  const scores = scoreMutants(kept);
  // Only the runs that still judge a mutant of the tree are listed.
  const used = new Set(kept.map((m) => m.started));
  const table = {
    recorded: new Date().toISOString(),
    runs: [...runs.values()].filter((r) => used.has(r.started))
      .sort((a, b) => a.started.localeCompare(b.started)),
    groups: Object.fromEntries([...scores].sort(([a], [b]) => a.localeCompare(b))),
  };
  await Deno.writeTextFile(judgementsUrl, formatJudgements(kept));
  await Deno.writeTextFile(scoresUrl, JSON.stringify(table, null, 2) + "\n");
  const total = scores.get("all");
  console.log(
    `mutate:record: ${reports.length} new report(s), ${committed.length} committed judgements, ${
      total?.judged ?? 0
    } judged mutants in the table (${
      merged.length - kept.length
    } left out: their line has changed since); kill rate ${
      ((total?.suite ?? 0) * 100).toFixed(1)
    }% (suite), ${
      ((total?.claims ?? 0) * 100).toFixed(1)
    }% (claims); written ${scoresUrl.pathname}`,
  );
  return 0;
}

if (import.meta.main) await runCommand("mutate:record", () => main(Deno.args));
