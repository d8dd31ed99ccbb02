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
import { seedFor, verifySeed } from "../../shared/testing/mod.ts";
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

if (import.meta.main) {
  const args = [...Deno.args];
  let seeds = 40;
  let start: PgConfig["start"] = "start";
  const overrides: Record<string, number> = {};
  const numeric = Object.keys(defaultConfig).filter((k) =>
    typeof defaultConfig[k as keyof PgConfig] === "number"
  );
  while (args.length > 0) {
    const flag = args.shift()!;
    const value = args.shift();
    const field = flag.slice(2);
    if (flag === "--seeds" && value !== undefined && /^[1-9][0-9]*$/.test(value)) {
      seeds = Number(value);
    } else if (flag === "--start" && (value === "start" || value === "live")) start = value;
    else if (numeric.includes(field) && value !== undefined && Number.isFinite(Number(value))) {
      overrides[field] = Number(value);
    } else {
      console.error(
        `sweep: bad argument ${flag} ${value ?? ""} (use --seeds N, --start start|live, ` +
          `--<numeric field of PgConfig> x)`,
      );
      Deno.exit(2);
    }
  }
  const r = await reliabilitySweep({ seeds, config: { ...overrides, start } });
  const rel = r.reliability;
  console.log(
    `p0 = ${start}: ${rel.successes}/${rel.runs} seeds reached V(start) ≥ ` +
      `${88 - defaultConfig.targetGap} within ${defaultConfig.budget} episodes; Clopper–Pearson ` +
      `lower bound ${rel.lowerBound.toFixed(3)} at 1e-6; episodes to target median ` +
      `${r.episodesToTarget.median}, worst ${r.episodesToTarget.worst}; ${
        (r.ms / 1000).toFixed(1)
      } s`,
  );
  for (const run of r.runs.filter((x) => !x.reached)) {
    console.log(
      `  seed ${run.seed}: V(start) = ${run.final.value.toFixed(2)}, P(goal) = ` +
        `${run.final.success.toFixed(3)}, P(fall) = ${run.final.fall.toFixed(3)}`,
    );
  }
}
