/**
 * `deno task train <algorithm> [--seeds N] [--seed S] [--budget N] [--json] [--<field> value …]`:
 * trains a Cliff Walk agent on N seeds (S, S + 1, …; one attempt each) and prints, per seed
 * and in summary, whether the target was reached, the episodes and wall time to it, and the
 * final exact value of the learned policy. With one seed it also draws the policy on the
 * grid (for a stochastic policy: its most probable successful path and its exact outcome)
 * and writes the learning curve to `out/train/<algorithm>.json`. `--json` prints one JSON
 * object per seed instead.
 *
 * Every field of the agent module's `defaultConfig` is a flag (`groupSize` is
 * `--group-size`), checked against the module's `configSpec` where it states a range.
 *
 * Algorithms: policy-iteration (Problem 15), mc (16), td (17), pg (18), grpo and dr-grpo (19).
 *
 * @module
 */
import {
  type CliffWalk,
  cliffWalk,
  type ConfigSpec,
  describeField,
  fieldAccepts,
  type FieldSpec,
  greedyEpisode,
  renderPath,
  renderPolicy,
  renderValues,
  type TrainOptions,
  type TrainReport,
} from "./shared/cliff/mod.ts";
import { verifySeed } from "./shared/testing/mod.ts";

/** A training job: the common signature of every agent module's `train`. */
export type TrainJob = (options: TrainOptions) => Promise<TrainReport>;

/** What an algorithm's module offers: its job and, if it has one, its configuration. */
export interface LoadedAlgorithm {
  /** The job. */
  job: TrainJob;
  /** The default configuration (its fields become flags), if the module exports one. */
  defaultConfig?: Readonly<Record<string, unknown>>;
  /** The stated ranges of its fields, if any. */
  configSpec?: ConfigSpec<Record<string, unknown>>;
  /** Fields fixed by the algorithm's name (no flag), e.g. GRPO's `variant`. */
  fixed?: readonly string[];
}

/** The loose shape of an agent module, for reading its optional exports. */
interface AgentModule {
  train: TrainJob;
  defaultConfig?: unknown;
  configSpec?: unknown;
}

function fromModule(mod: AgentModule, job: TrainJob = mod.train): LoadedAlgorithm {
  const config = mod.defaultConfig;
  return {
    job,
    defaultConfig: config && typeof config === "object"
      ? (config as Record<string, unknown>)
      : undefined,
    configSpec: mod.configSpec && typeof mod.configSpec === "object"
      ? (mod.configSpec as ConfigSpec<Record<string, unknown>>)
      : undefined,
  };
}

async function grpoAlgorithm(variant: "grpo" | "dr-grpo"): Promise<LoadedAlgorithm> {
  const mod = await import("./problems/19_grpo/mod.ts");
  return {
    job: mod.trainJob(variant) as TrainJob,
    defaultConfig: mod.defaultConfig as unknown as Record<string, unknown>,
    configSpec: mod.configSpec as ConfigSpec<Record<string, unknown>>,
    fixed: ["variant"],
  };
}

/** The algorithms, each with its walk (for drawing) and its module (loaded on demand). */
export const ALGORITHMS: Record<
  string,
  { walk: () => CliffWalk; load: () => Promise<LoadedAlgorithm> }
> = {
  "policy-iteration": {
    walk: () => cliffWalk(),
    load: () => Promise.resolve({ job: policyIterationJob }),
  },
  mc: {
    walk: () => cliffWalk(),
    load: async () => fromModule(await import("./problems/16_fitted_mc/mod.ts") as AgentModule),
  },
  td: {
    walk: () => cliffWalk(),
    load: async () => fromModule(await import("./problems/17_fitted_td/mod.ts") as AgentModule),
  },
  pg: {
    walk: () => cliffWalk(),
    load: async () => fromModule(await import("./problems/18_deep_pg/mod.ts") as AgentModule),
  },
  grpo: {
    walk: () => cliffWalk({ variant: "terminal-only" }),
    load: () => grpoAlgorithm("grpo"),
  },
  "dr-grpo": {
    walk: () => cliffWalk({ variant: "terminal-only" }),
    load: () => grpoAlgorithm("dr-grpo"),
  },
};

/** Parsed command line. */
export interface TrainArgs {
  /** The algorithm's name. */
  algorithm: string;
  /** The first seed (default: `VERIFY_SEED` or the suite's default seed). */
  seed: number;
  /** Number of seeds: seed, seed + 1, …, seed + seeds − 1. */
  seeds: number;
  /** The budget, if given. */
  budget?: number;
  /** Print one JSON object per seed instead of text. */
  json: boolean;
  /** Overrides of the algorithm's configuration. */
  config: Record<string, unknown>;
}

/** Thrown for a bad command line; the message is one line saying what is wrong. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Thrown for `--help` (or no arguments); the message is the usage text. */
export class HelpRequest extends Error {
  override name = "HelpRequest";
}

const COMMON_FLAGS = ["--seed", "--seeds", "--budget", "--json", "--help"];

/**
 * The usage text: the common flags and, if the algorithm is known, its configuration flags.
 *
 * @param loaded the algorithm's module, if one was named
 * @returns the text
 * @example
 * ```ts
 * import { usage } from "./train.ts";
 * if (!usage().includes("--seeds N")) throw new Error();
 * ```
 */
export function usage(loaded?: LoadedAlgorithm): string {
  const lines = [
    "usage: deno task train <algorithm> [--seeds N] [--seed S] [--budget N] [--json] [--<field> value …]",
    `algorithms: ${Object.keys(ALGORITHMS).join(", ")}`,
    "  --seeds N   train N seeds S, S + 1, … (one attempt each; default 1)",
    "  --seed S    the first seed, an integer in [0, 2^32) (default VERIFY_SEED or the suite's seed)",
    "  --budget N  the budget in the algorithm's unit (episodes), an integer ≥ 0",
    "  --json      print one JSON object per seed",
  ];
  for (const flag of configFlags(loaded)) {
    lines.push(
      `  ${flag.flag} (${describeField(flag.kind, flag.spec)}; default ${String(flag.default)})${
        flag.spec?.doc ? `: ${flag.spec.doc}` : ""
      }`,
    );
  }
  return lines.join("\n");
}

interface ConfigFlag {
  flag: string;
  field: string;
  kind: string;
  default: unknown;
  spec?: FieldSpec;
}

/** One flag per field of the default configuration (numbers, integers, booleans, choices). */
function configFlags(loaded: LoadedAlgorithm | undefined): ConfigFlag[] {
  if (!loaded?.defaultConfig) return [];
  return Object.entries(loaded.defaultConfig)
    .filter(([field, value]) =>
      !(loaded.fixed ?? []).includes(field) && field !== "budget" &&
      ["number", "boolean", "string"].includes(typeof value)
    )
    .map(([field, value]) => ({
      flag: `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      field,
      kind: typeof value,
      default: value,
      spec: loaded.configSpec?.[field],
    }));
}

/**
 * Parses the command line against the algorithm's configuration (also `--flag=value`).
 *
 * @param args the command-line arguments
 * @param loaded the named algorithm's module (its configuration gives the extra flags)
 * @returns the parsed arguments
 * @throws UsageError with one line naming the flag, the bad value and what is allowed
 * @throws HelpRequest for `--help`
 * @example
 * ```ts
 * import { parseTrainArgs } from "./train.ts";
 * const a = parseTrainArgs(["pg", "--seed", "7", "--budget=100", "--seeds", "3"]);
 * if (a.algorithm !== "pg" || a.seed !== 7 || a.budget !== 100 || a.seeds !== 3) throw new Error();
 * ```
 */
export function parseTrainArgs(args: readonly string[], loaded?: LoadedAlgorithm): TrainArgs {
  const rest = [...args];
  const algorithm = rest.shift();
  if (algorithm === undefined || algorithm === "--help" || algorithm === "-h") {
    throw new HelpRequest(usage());
  }
  if (!(algorithm in ALGORITHMS)) {
    throw new UsageError(
      `unknown algorithm "${algorithm}"; allowed: ${Object.keys(ALGORITHMS).join(", ")}`,
    );
  }
  const flags = configFlags(loaded);
  const out: TrainArgs = { algorithm, seed: verifySeed(), seeds: 1, json: false, config: {} };
  while (rest.length > 0) {
    const token = rest.shift()!;
    const eq = token.indexOf("=");
    const name = eq < 0 ? token : token.slice(0, eq);
    if (name === "--help" || name === "-h") throw new HelpRequest(usage(loaded));
    if (name === "--json") {
      out.json = true;
      continue;
    }
    const configFlag = flags.find((f) => f.flag === name);
    if (!COMMON_FLAGS.includes(name) && !configFlag) {
      const known = [...COMMON_FLAGS, ...flags.map((f) => f.flag)].join(", ");
      throw new UsageError(`unknown flag "${name}" for ${algorithm}; allowed: ${known}`);
    }
    const text = eq < 0 ? rest.shift() : token.slice(eq + 1);
    if (text === undefined || (eq < 0 && text.startsWith("--"))) {
      throw new UsageError(`${name} needs a value`);
    }
    if (configFlag) {
      out.config[configFlag.field] = parseField(configFlag, text);
    } else if (name === "--seed") {
      out.seed = parseInteger(name, text, 0, 2 ** 32 - 1, "an integer in [0, 2^32)");
    } else if (name === "--seeds") {
      out.seeds = parseInteger(name, text, 1, 1000, "an integer in [1, 1000]");
    } else {
      out.budget = parseInteger(name, text, 0, Number.MAX_SAFE_INTEGER, "an integer ≥ 0");
    }
  }
  return out;
}

function parseInteger(flag: string, text: string, lo: number, hi: number, allowed: string) {
  const value = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(value) || value < lo || value > hi) {
    throw new UsageError(`${flag}: got "${text}"; allowed: ${allowed}`);
  }
  return value;
}

function parseField(flag: ConfigFlag, text: string): unknown {
  let value: unknown = text;
  if (flag.kind === "number") value = text.trim() === "" ? NaN : Number(text);
  if (flag.kind === "boolean") {
    value = text === "true" ? true : text === "false" ? false : undefined;
  }
  if (!fieldAccepts(flag.kind, flag.spec, value)) {
    throw new UsageError(
      `${flag.flag}: got "${text}"; allowed: ${describeField(flag.kind, flag.spec)}`,
    );
  }
  return value;
}

/** Where the output goes (injected so the command can be tested without writing files). */
export interface TrainIo {
  /** Prints a line. */
  log(line: string): void;
  /** Writes a JSON file (path relative to the repository root). */
  writeJson(path: string, data: unknown): Promise<void>;
}

/** One seed's line of `--json` output. */
export interface SeedSummary {
  /** The seed. */
  seed: number;
  /** Whether the target was reached within the budget. */
  reached: boolean;
  /** Episodes sampled by the run (it stops at the target, if the agent stops there). */
  episodes: number;
  /** Episodes when the target was first reached (null: not reached). */
  episodesToTarget: number | null;
  /** Wall time of the run, ms. */
  ms: number;
  /** Wall time when the target was first reached, ms (null: not reached). */
  msToTarget: number | null;
  /** The final exact value of the learned policy (null if the agent reports none). */
  value: number | null;
  /** What `value` is. */
  valueLabel: string | null;
}

/**
 * Runs the command: trains every seed, prints per-seed lines and a summary (or JSON lines),
 * and with one seed also the drawn policy and paths, and writes the reports as JSON.
 *
 * @param args the command-line arguments
 * @param io output sinks
 * @returns the per-seed summaries
 * @throws UsageError for a bad command line
 * @example
 * ```ts
 * import { runTrain } from "./train.ts";
 * const lines: string[] = [];
 * const r = await runTrain(["policy-iteration"], { log: (l) => lines.push(l), writeJson: async () => {} });
 * if (r[0]?.value !== 88 || !lines.some((l) => l.includes("return 88"))) throw new Error();
 * ```
 */
export async function runTrain(args: readonly string[], io: TrainIo): Promise<SeedSummary[]> {
  const first = args[0];
  const named = first !== undefined && first in ALGORITHMS ? ALGORITHMS[first]! : undefined;
  const loaded = named ? await named.load() : undefined;
  const parsed = parseTrainArgs(args, loaded);
  const entry = ALGORITHMS[parsed.algorithm]!;
  const seeds = Array.from({ length: parsed.seeds }, (_, i) => (parsed.seed + i) >>> 0);
  const summaries: SeedSummary[] = [];
  const reports: (TrainReport & { seed: number })[] = [];
  for (const seed of seeds) {
    if (!parsed.json) io.log(`training ${parsed.algorithm}, seed ${seed}`);
    const report = await loaded!.job({
      seed,
      budget: parsed.budget,
      config: parsed.config,
      onProgress: parsed.json || parsed.seeds > 1 ? undefined : (l) => io.log(`  ${l}`),
    });
    const summary = summarise(seed, report);
    summaries.push(summary);
    reports.push({ ...report, seed });
    if (parsed.json) io.log(JSON.stringify(summary));
    else io.log(`  ${seedLine(summary)}`);
  }
  if (!parsed.json) {
    if (parsed.seeds === 1) await drawPolicy(entry.walk(), reports[0]!, io);
    for (const line of summaryLines(summaries)) io.log(line);
  }
  const file = `out/train/${parsed.algorithm}.json`;
  await io.writeJson(file, parsed.seeds === 1 ? reports[0] : reports);
  if (!parsed.json) io.log(`reports written to ${file}`);
  return summaries;
}

function summarise(seed: number, r: TrainReport): SeedSummary {
  const reached = r.reachedTarget ?? false;
  return {
    seed,
    reached,
    episodes: r.episodes,
    episodesToTarget: r.episodesToTarget ?? (reached ? r.episodes : null),
    ms: r.ms,
    msToTarget: r.msToTarget ?? (reached ? r.ms : null),
    value: r.value ?? null,
    valueLabel: r.valueLabel ?? null,
  };
}

function seedLine(s: SeedSummary): string {
  const target = s.reached
    ? `target reached after ${s.episodesToTarget} episodes (${
      ((s.msToTarget ?? 0) / 1000).toFixed(2)
    } s)`
    : `target not reached in ${s.episodes} episodes (${(s.ms / 1000).toFixed(2)} s)`;
  const value = s.value === null ? "" : `; final value ${s.value.toFixed(4)} (${s.valueLabel})`;
  return `seed ${s.seed}: ${target}${value}`;
}

/**
 * The summary of several seeds: how many reached the target, and mean ± standard deviation
 * (sample, n − 1) and median of episodes and seconds to target and of the final value.
 *
 * @param s the per-seed summaries
 * @returns printable lines
 * @example
 * ```ts
 * import { summaryLines } from "./train.ts";
 * const base = { episodes: 10, ms: 1000, msToTarget: 1000, valueLabel: "v" };
 * const lines = summaryLines([
 *   { ...base, seed: 1, reached: true, episodesToTarget: 10, value: 1 },
 *   { ...base, seed: 2, reached: true, episodesToTarget: 30, value: 3 },
 * ]);
 * if (!lines[0]!.includes("2 of 2") || !lines[1]!.includes("20 ± 14.1, median 20")) throw new Error(lines.join("\n"));
 * ```
 */
export function summaryLines(s: readonly SeedSummary[]): string[] {
  const reached = s.filter((x) => x.reached);
  const lines = [`summary: ${reached.length} of ${s.length} seeds reached the target`];
  if (reached.length > 0) {
    lines.push(`  episodes to target: ${stat(reached.map((x) => x.episodesToTarget!))}`);
    lines.push(
      `  seconds to target: ${stat(reached.map((x) => x.msToTarget! / 1000), 2)}`,
    );
  }
  const values = s.filter((x) => x.value !== null).map((x) => x.value!);
  if (values.length > 0) {
    lines.push(`  final value (${s[0]!.valueLabel}): ${stat(values, 4)}`);
  }
  return lines;
}

function stat(xs: readonly number[], digits = 0): string {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const f = (x: number) => x.toFixed(digits === 0 ? (Number.isInteger(x) ? 0 : 1) : digits);
  return `${f(mean)} ± ${f(sd)}, median ${f(median)}`;
}

/** Draws the final policy: for a stochastic one its exact outcome and most probable path. */
async function drawPolicy(walk: CliffWalk, report: TrainReport, io: TrainIo): Promise<void> {
  io.log(report.summary);
  if (report.policy) {
    const { exactOutcome, mostProbablePath } = await import("./problems/19_grpo/exact.ts");
    const horizon = Number(report.config?.maxSteps ?? walk.maxSteps);
    const o = report.outcome ?? exactOutcome(walk, report.policy, horizon);
    io.log(
      `the learned policy is stochastic; from the start, exactly: goal with probability ` +
        `${o.success.toFixed(4)}, cliff ${o.fall.toFixed(4)}, cut at ${horizon} moves ` +
        `${o.truncated.toFixed(4)}; expected length ${o.expectedLength.toFixed(1)} moves`,
    );
    const path = mostProbablePath(walk, report.policy, horizon);
    if (path) {
      io.log(
        `its most probable successful path (${path.states.length} moves, probability ${
          path.probability.toExponential(3)
        }):`,
      );
      io.log(renderPath(walk, path.states, path.actions));
    }
  }
  if (report.greedyActions) {
    const note = report.policy
      ? " (the argmax of each row: not the learned stochastic policy, which samples)"
      : "";
    io.log(`greedy policy${note}:`);
    io.log(renderPolicy(walk, report.greedyActions));
    const path = greedyEpisode(walk, report.greedyActions, { maxSteps: 200 });
    io.log(
      `greedy walk from the start${note ? " (argmax actions only)" : ""}: ${path.end}, ` +
        `return ${path.return} in ${path.length} moves`,
    );
    io.log(renderPath(walk, path.states, path.actions));
  }
  const values = report.extra?.V;
  if (Array.isArray(values)) {
    io.log("values:");
    io.log(renderValues(walk, values as number[], 0));
  }
}

/** Problem 15 as a training job: exact, so no episodes; the curve is V(start) per evaluation. */
async function policyIterationJob(options: TrainOptions): Promise<TrainReport> {
  const { policyIteration } = await import("./problems/15_policy_iteration/mod.ts");
  const walk = cliffWalk();
  const t0 = performance.now();
  const result = policyIteration(walk, 1, {
    onPolicy: (_, k) => options.onProgress?.(`policy-iteration: evaluating policy ${k}`),
  });
  const ms = performance.now() - t0;
  const value = result.V[walk.start]!;
  return {
    algorithm: "policy-iteration",
    episodes: 0,
    ms,
    curve: result.valueHistory.map((V, k) => ({ episode: k + 1, value: V[walk.start]! })),
    curveLabel: "V(start) of the k-th policy (x: policy evaluations)",
    greedyActions: result.policy,
    reachedTarget: value === 88,
    episodesToTarget: value === 88 ? 0 : null,
    msToTarget: value === 88 ? ms : null,
    value,
    valueLabel: "exact V(start)",
    summary:
      `policy iteration: stable after ${result.iterations} evaluations, V*(start) = ${value}`,
    extra: { V: result.V },
  };
}

/**
 * The command as a function: runs it and returns the exit code, 0 on success and 2 for a
 * user's mistake (a bad flag or value, an unknown algorithm, a configuration the module
 * refuses), which is reported in one line on `error`, with no stack trace.
 *
 * @param args the command-line arguments
 * @param io output sinks, plus `error` for the one-line message
 * @returns the exit code
 * @example
 * ```ts
 * import { main } from "./train.ts";
 * const errors: string[] = [];
 * const io = { log: () => {}, error: (l: string) => errors.push(l), writeJson: async () => {} };
 * if (await main(["sarsa"], io) !== 2 || !errors[0]!.startsWith('unknown algorithm "sarsa"')) throw new Error();
 * ```
 */
export async function main(
  args: readonly string[],
  io: TrainIo & { error(line: string): void },
): Promise<number> {
  try {
    await runTrain(args, io);
    return 0;
  } catch (e) {
    if (e instanceof HelpRequest) {
      io.log(e.message);
      return args.length === 0 ? 2 : 0; // no arguments at all is a mistake; --help is not
    }
    // a bad command line, or a configuration the module itself refused (RangeError naming
    // the field): the user's mistake, so one line and no stack trace
    if (e instanceof UsageError || e instanceof RangeError) {
      io.error(e.message);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) {
  const code = await main(Deno.args, {
    log: (line) => console.log(line),
    error: (line) => console.error(line),
    writeJson: async (path, data) => {
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(path, JSON.stringify(data, null, 1) + "\n");
    },
  });
  if (code !== 0) Deno.exit(code);
}
