/**
 * Episodes and wall time to target for each Cliff Walk agent (Problems 15–19), with the
 * suite's default seed. Before the timed runs, one run per agent prints its episodes and wall
 * time to the target; the benchmarks then time whole training runs (each stops at its target).
 * Run: `deno bench --allow-read --allow-env bench/cliff_agents_bench.ts`.
 *
 * @module
 */
import type { TrainReport } from "../shared/cliff/mod.ts";
import { DEFAULT_SEED } from "../shared/testing/mod.ts";
import { ALGORITHMS } from "../train.ts";

/** One "to target" row: which target, episodes and milliseconds (null: not reached). */
interface TargetRow {
  label: string;
  episodes: number | null;
  ms: number | null;
}

/** Episodes and milliseconds to each of the agent's targets, read from its report. */
function toTarget(r: TrainReport): TargetRow[] {
  const x = r.extra ?? {};
  type First = { episodes?: number; ms?: number } | null | undefined;
  const row = (label: string, first: First): TargetRow => ({
    label,
    episodes: first?.episodes ?? null,
    ms: first?.ms ?? null,
  });
  switch (r.algorithm) {
    case "pg":
      return [
        row(
          "exact V(start) ≥ 83",
          x.episodesToTarget === null
            ? null
            : { episodes: x.episodesToTarget as number, ms: x.msToTarget as number },
        ),
      ];
    case "td":
      return (x.curvesByK as { k: number; firstBelowBound: First }[]).map((c) =>
        row(`RMSE ≤ bound, k = ${c.k}`, c.firstBelowBound)
      );
    case "mc":
      return [row("RMSE ≤ bound", x.firstBelowBound as First)];
    default:
      return [
        row(
          "success ≥ 0.95 / V*(start) = 88",
          r.reachedTarget ? { episodes: r.episodes, ms: r.ms } : null,
        ),
      ];
  }
}

const names = ["policy-iteration", "mc", "td", "pg", "grpo", "dr-grpo"] as const;
const jobs = Object.fromEntries(
  await Promise.all(names.map(async (n) => [n, (await ALGORITHMS[n]!.load()).job])),
);
console.log(`seed ${DEFAULT_SEED}: episodes and wall time to target`);
for (const name of names) {
  const r = await jobs[name]!({ seed: DEFAULT_SEED });
  for (const t of toTarget(r)) {
    if (t.episodes === null) throw new Error(`${name} did not reach "${t.label}": ${r.summary}`);
    console.log(
      `${name.padEnd(17)} ${t.label.padEnd(24)} ${String(t.episodes).padStart(6)} episodes, ${
        ((t.ms ?? 0) / 1000).toFixed(2)
      } s (whole run: ${r.episodes} episodes, ${(r.ms / 1000).toFixed(2)} s)`,
    );
  }
}

for (const name of names) {
  Deno.bench({
    group: "cliff agents: one training run to target (default seed)",
    name,
    n: 3,
    warmup: 0,
    fn: async () => {
      await jobs[name]!({ seed: DEFAULT_SEED });
    },
  });
}
