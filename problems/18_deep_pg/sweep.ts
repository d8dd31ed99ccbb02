/**
 * The reliability sweep of Problem 18: N seeds, one attempt each, as one batched program;
 * the fraction that reaches the target, its Clopper–Pearson lower bound at 1e-6, and the
 * episodes to target. Every reliability number in the README comes from here:
 *
 *   deno run --allow-read --allow-env problems/18_deep_pg/sweep.ts [--seeds N] [--start start|live]
 *     [--<numeric field of PgConfig> x …]
 *
 * @module
 */
import { type Reliability, reliability } from "../../shared/stats/mod.ts";
import { runCommand, seedFor, UsageError, verifySeed } from "../../shared/testing/mod.ts";
import { defaultConfig, type PgConfig } from "./config.ts";
import { type SeedRun, trainSeeds } from "./train_seeds.ts";

/** Options of {@link reliabilitySweep}. */
export interface SweepOptions {
  /** Number of seeds N. */
  seeds: number;
  /** The base seed the N seeds derive from (default `VERIFY_SEED` or the suite's default). */
  baseSeed?: number;
  /** Hyperparameters overriding the defaults. */
  config?: Partial<PgConfig>;
}

/** What a sweep found. */
export interface SweepResult {
  /** One run per seed. */
  runs: SeedRun[];
  /** Successes, rate and the lower bound at 1e-6. */
  reliability: Reliability;
  /** Lower median and largest episodes to target over the successful runs (null: none). */
  episodesToTarget: { median: number | null; worst: number | null };
  /** Wall time, ms. */
  ms: number;
}

/**
 * Trains N seeds (one attempt each) and summarises their reliability.
 *
 * @param options number of seeds, base seed, hyperparameters
 * @returns the runs and the summary
 * @example
 * ```ts
 * import { reliabilitySweep } from "./sweep.ts";
 * const r = await reliabilitySweep({ seeds: 2, config: { budget: 16 } });
 * if (r.runs.length !== 2 || r.reliability.runs !== 2) throw new Error();
 * ```
 */
export async function reliabilitySweep(options: SweepOptions): Promise<SweepResult> {
  const base = options.baseSeed ?? verifySeed();
  const seeds = Array.from({ length: options.seeds }, (_, i) => seedFor(`18 sweep ${i}`, base));
  const t0 = performance.now();
  const runs = await trainSeeds(seeds, { ...defaultConfig, ...options.config });
  return {
    runs,
    reliability: reliability(runs.map((r) => r.reached), 1e-6),
    episodesToTarget: episodesToTargetSummary(runs),
    ms: performance.now() - t0,
  };
}

/**
 * The median and the largest episodes to target over the runs that reached it. With n such
 * runs the median is the lower one, the ⌈n/2⌉-th smallest (an episode count some run took,
 * never an average of two); both are null when no run reached the target.
 *
 * @param runs the runs (those with `episodesToTarget` null are left out)
 * @returns the median and the worst
 * @example
 * ```ts
 * import { episodesToTargetSummary } from "./sweep.ts";
 * const s = episodesToTargetSummary([32, null, 16, 64, 48].map((e) => ({ episodesToTarget: e })));
 * if (s.median !== 32 || s.worst !== 64) throw new Error();
 * ```
 */
export function episodesToTargetSummary(
  runs: readonly { readonly episodesToTarget: number | null }[],
): { median: number | null; worst: number | null } {
  const hits = runs.flatMap((r) => (r.episodesToTarget === null ? [] : [r.episodesToTarget]))
    .sort((a, b) => a - b);
  return {
    median: hits.length > 0 ? hits[Math.floor((hits.length - 1) / 2)]! : null,
    worst: hits.length > 0 ? hits[hits.length - 1]! : null,
  };
}

/** The sweep's command line: seeds, start distribution and overrides of numeric fields. */
export interface SweepArgs {
  /** How many seeds (one attempt each). */
  seeds: number;
  /** The start distribution p0. */
  start: PgConfig["start"];
  /** Numeric fields of {@link PgConfig} given on the command line. */
  overrides: Record<string, number>;
}

/**
 * Parses `[--seeds N] [--start start|live] [--<numeric field of PgConfig> x …]`.
 *
 * @param args the command-line arguments
 * @returns the seeds (default 40), the start (default `start`) and the overrides
 * @throws UsageError naming the first argument that is not one of these
 * @example
 * ```ts
 * import { parseSweepArgs } from "./sweep.ts";
 * const a = parseSweepArgs(["--seeds", "8", "--entropy", "0"]);
 * if (a.seeds !== 8 || a.start !== "start" || a.overrides.entropy !== 0) throw new Error();
 * ```
 */
export function parseSweepArgs(args: readonly string[]): SweepArgs {
  const out: SweepArgs = { seeds: 40, start: "start", overrides: {} };
  const numeric = Object.keys(defaultConfig).filter((k) =>
    typeof defaultConfig[k as keyof PgConfig] === "number"
  );
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1];
    const field = flag.startsWith("--") ? flag.slice(2) : "";
    if (flag === "--seeds" && value !== undefined && /^[1-9][0-9]*$/.test(value)) {
      out.seeds = Number(value);
    } else if (flag === "--start" && (value === "start" || value === "live")) out.start = value;
    else if (numeric.includes(field) && value !== undefined && Number.isFinite(Number(value))) {
      out.overrides[field] = Number(value);
    } else {
      throw new UsageError(
        `bad argument ${flag} ${value ?? ""} (use --seeds N, --start start|live, ` +
          `--<numeric field of PgConfig> x)`,
      );
    }
  }
  return out;
}

/**
 * The command `deno run … sweep.ts [--seeds N] [--start start|live] [--<field> x]`: runs the
 * sweep and prints one summary line, then one line per seed that missed the target.
 *
 * @param args the command-line arguments
 * @param print where each line goes (default the console)
 * @returns the exit code, 0
 * @throws UsageError for an argument {@link parseSweepArgs} refuses (one line, exit 2)
 */
export async function sweepCommand(
  args: readonly string[],
  print: (line: string) => void = console.log,
): Promise<number> {
  const { seeds, start, overrides } = parseSweepArgs(args);
  const config = { ...defaultConfig, ...overrides, start };
  const r = await reliabilitySweep({ seeds, config });
  const rel = r.reliability;
  print(
    `p0 = ${start}: ${rel.successes}/${rel.runs} seeds reached V(start) ≥ ` +
      `${88 - config.targetGap} within ${config.budget} episodes; Clopper–Pearson ` +
      `lower bound ${rel.lowerBound.toFixed(3)} at 1e-6; episodes to target median ` +
      `${r.episodesToTarget.median}, worst ${r.episodesToTarget.worst}; ${
        (r.ms / 1000).toFixed(1)
      } s`,
  );
  for (const run of r.runs.filter((x) => !x.reached)) {
    print(
      `  seed ${run.seed}: V(start) = ${run.final.value.toFixed(2)}, P(goal) = ` +
        `${run.final.success.toFixed(3)}, P(fall) = ${run.final.fall.toFixed(3)}`,
    );
  }
  return 0;
}

if (import.meta.main) await runCommand("sweep", () => sweepCommand(Deno.args));
