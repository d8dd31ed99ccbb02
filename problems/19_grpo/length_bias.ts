/**
 * GRPO's length bias, measured: GRPO and Dr. GRPO trained at the same episode budget with
 * no early stop, from the same K initial networks, and each final policy described exactly
 * (success, fall and truncation probabilities, mean length of successful and of failed
 * episodes, from `exactOutcome`). The table gives the mean over seeds with a 95% percentile
 * bootstrap interval, and the paired difference GRPO − Dr. GRPO (same seed, same initial
 * network). Run it with `deno run --allow-read --allow-env problems/19_grpo/length_bias.ts
 * [K] [budget]`; `lengthBiasTable` returns the same data for a figure.
 *
 * @module
 */
import { Rng } from "../../shared/random/mod.ts";
import { runCommand, seedFor, UsageError, verifySeed } from "../../shared/testing/mod.ts";
import { defaultConfig, type GrpoVariant } from "./config.ts";
import type { ExactOutcome } from "./exact.ts";
import { trainGrpoRuns } from "./trainer.ts";

/** The measured quantities of a final policy. */
export const LENGTH_BIAS_QUANTITIES = [
  "success",
  "fall",
  "truncated",
  "successLength",
  "failureLength",
] as const;

/** One of {@link LENGTH_BIAS_QUANTITIES}. */
export type LengthBiasQuantity = (typeof LENGTH_BIAS_QUANTITIES)[number];

/** A mean over seeds with its 95% percentile bootstrap interval. */
export interface Estimate {
  /** Mean over the seeds where the quantity is defined. */
  mean: number;
  /** Lower end of the 95% interval. */
  lo: number;
  /** Upper end. */
  hi: number;
  /** Seeds where it is defined (a conditional length needs its event to have probability > 0). */
  n: number;
}

/** The table: per estimator and per quantity, and the paired difference. */
export interface LengthBiasTable {
  /** The seeds (one run of each estimator per seed, same initial network). */
  seeds: number[];
  /** The equal episode budget of every run. */
  budget: number;
  /** Resamples of the bootstrap. */
  resamples: number;
  /** Per estimator, per quantity. */
  rows: Record<GrpoVariant, Record<LengthBiasQuantity, Estimate>>;
  /** GRPO − Dr. GRPO, paired by seed. */
  difference: Record<LengthBiasQuantity, Estimate>;
  /** Every run's exact final outcome, for plotting. */
  runs: Record<GrpoVariant, ExactOutcome[]>;
}

/**
 * Trains GRPO and Dr. GRPO on the same seeds at the same budget without stopping at the
 * target (one batched program) and tabulates the exact outcomes of the final policies.
 *
 * @param options `seeds` (default 20 seeds derived from VERIFY_SEED), `budget` (default 3,200
 *   episodes), `resamples` of the bootstrap (default 10,000)
 * @returns the table
 * @example
 * ```ts
 * import { lengthBiasTable } from "./length_bias.ts";
 * const t = await lengthBiasTable({ seeds: [1, 2], budget: 128, resamples: 200 });
 * const s = t.rows.grpo.success;
 * if (t.runs["dr-grpo"].length !== 2 || !(s.lo <= s.mean && s.mean <= s.hi)) throw new Error();
 * ```
 */
export async function lengthBiasTable(
  options: { seeds?: readonly number[]; budget?: number; resamples?: number } = {},
): Promise<LengthBiasTable> {
  const seeds = [
    ...(options.seeds ?? Array.from(
      { length: 20 },
      (_, i) => seedFor(`19 length bias run ${i}`, verifySeed()),
    )),
  ];
  const budget = options.budget ?? 3_200;
  const resamples = options.resamples ?? 10_000;
  const variants: GrpoVariant[] = ["grpo", "dr-grpo"];
  const results = await trainGrpoRuns(
    variants.flatMap((variant) =>
      seeds.map((seed) => ({
        seed,
        config: { ...defaultConfig, variant, budget, stopAtTarget: false },
      }))
    ),
  );
  const runs = {
    grpo: results.slice(0, seeds.length).map((r) => r.outcome),
    "dr-grpo": results.slice(seeds.length).map((r) => r.outcome),
  };
  const rng = new Rng(seedFor("19 length bias bootstrap", verifySeed()));
  const rows = Object.fromEntries(variants.map((v) => [
    v,
    Object.fromEntries(
      LENGTH_BIAS_QUANTITIES.map((q) => [
        q,
        bootstrap(runs[v].map((o) => o[q]), rng, resamples),
      ]),
    ),
  ])) as LengthBiasTable["rows"];
  const difference = Object.fromEntries(
    LENGTH_BIAS_QUANTITIES.map((q) => [
      q,
      bootstrap(seeds.map((_, i) => runs.grpo[i]![q] - runs["dr-grpo"][i]![q]), rng, resamples),
    ]),
  ) as LengthBiasTable["difference"];
  return { seeds, budget, resamples, rows, difference, runs };
}

/**
 * The mean of the defined (non-NaN) values and its 95% percentile bootstrap interval:
 * resample the values with replacement, take the 2.5% and 97.5% quantiles of the means.
 *
 * @param values one value per seed (NaN where undefined)
 * @param rng the random source
 * @param resamples number of bootstrap resamples (an integer ≥ 1)
 * @returns the estimate
 * @throws RangeError if resamples is not an integer ≥ 1 (no resample, no interval)
 * @example
 * ```ts
 * import { bootstrap } from "./length_bias.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * const e = bootstrap([1, 2, 3, NaN], new Rng(1), 1000);
 * if (e.mean !== 2 || e.n !== 3 || !(e.lo >= 1 && e.hi <= 3)) throw new Error();
 * ```
 */
export function bootstrap(values: readonly number[], rng: Rng, resamples: number): Estimate {
  if (!Number.isSafeInteger(resamples) || resamples < 1) {
    throw new RangeError(`bootstrap needs an integer number of resamples ≥ 1, got ${resamples}`);
  }
  const xs = values.filter((x) => !Number.isNaN(x));
  const n = xs.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const means: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += xs[rng.int(n)]!;
    means.push(total / n);
  }
  means.sort((a, b) => a - b);
  // the q-quantile is the sorted means' entry at (0-based) index ⌊qR⌋; for q < 1 and R ≥ 1,
  // ⌊qR⌋ ≤ qR < R is an index of the list
  const at = (q: number) => means[Math.floor(q * resamples)]!;
  return { mean, lo: at(0.025), hi: at(0.975), n };
}

/**
 * The table as text, one line per quantity: GRPO, Dr. GRPO and the paired difference.
 *
 * @param t the table
 * @returns printable lines
 * @example
 * ```ts
 * import { formatLengthBias, lengthBiasTable } from "./length_bias.ts";
 * const t = await lengthBiasTable({ seeds: [3], budget: 64, resamples: 10 });
 * if (!formatLengthBias(t).some((l) => l.startsWith("failureLength"))) throw new Error();
 * ```
 */
export function formatLengthBias(t: LengthBiasTable): string[] {
  const f = (e: Estimate) =>
    `${e.mean.toFixed(3)} [${e.lo.toFixed(3)}, ${e.hi.toFixed(3)}]${
      e.n < t.seeds.length ? ` (n=${e.n})` : ""
    }`;
  return [
    `${t.seeds.length} seeds, ${t.budget} episodes each, no early stop; mean [95% percentile ` +
    `bootstrap, ${t.resamples} resamples]; exact outcome of each final policy`,
    `quantity | GRPO | Dr. GRPO | GRPO − Dr. GRPO (paired)`,
    ...LENGTH_BIAS_QUANTITIES.map((q) =>
      `${q} | ${f(t.rows.grpo[q])} | ${f(t.rows["dr-grpo"][q])} | ${f(t.difference[q])}`
    ),
  ];
}

/**
 * The command line's arguments `[K] [budget]`: K seeds (an integer ≥ 1, default 20) and the
 * episode budget of each run (an integer ≥ 0, default 3 200).
 *
 * @param args the arguments after the script's name
 * @returns K and the budget, or null if either is out of its range
 * @example
 * ```ts
 * import { lengthBiasArgs } from "./length_bias.ts";
 * if (lengthBiasArgs([])?.k !== 20 || lengthBiasArgs(["3", "-1"]) !== null) throw new Error();
 * ```
 */
export function lengthBiasArgs(args: readonly string[]): { k: number; budget: number } | null {
  const k = Number(args[0] ?? 20);
  const budget = Number(args[1] ?? 3_200);
  if (!Number.isSafeInteger(k) || k < 1 || !Number.isSafeInteger(budget) || budget < 0) {
    return null;
  }
  return { k, budget };
}

/**
 * The command `deno run … length_bias.ts [K] [budget]`: trains K seeds of each variant and
 * prints the table.
 *
 * @param args the arguments after the script's name
 * @param print where each line of the table goes (default the console)
 * @returns the exit code, 0
 * @throws UsageError for arguments out of range (the command prints it in one line, exit 2)
 * @example
 * ```ts
 * import { lengthBiasCommand } from "./length_bias.ts";
 * const lines: string[] = [];
 * if (await lengthBiasCommand(["1", "0"], (l) => lines.push(l)) !== 0 || lines.length !== 7) {
 *   throw new Error(lines.join("\n"));
 * }
 * ```
 */
export async function lengthBiasCommand(
  args: readonly string[],
  print: (line: string) => void = console.log,
): Promise<number> {
  const parsed = lengthBiasArgs(args);
  if (parsed === null) {
    throw new UsageError(`usage: length_bias.ts [K ≥ 1] [budget ≥ 0]; got ${args.join(" ")}`);
  }
  const { k, budget } = parsed;
  const seeds = Array.from(
    { length: k },
    (_, i) => seedFor(`19 length bias run ${i}`, verifySeed()),
  );
  for (const line of formatLengthBias(await lengthBiasTable({ seeds, budget }))) print(line);
  return 0;
}

// runCommand exits with the job's code (2 with one line for bad arguments)
if (import.meta.main) await runCommand("length_bias", () => lengthBiasCommand(Deno.args));
