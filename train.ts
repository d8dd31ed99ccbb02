/**
 * `deno task train <algorithm> [--seed N] [--budget N]`: trains one Cliff Walk agent, prints
 * progress lines while it runs, draws the final greedy policy and its walked path on the
 * grid, and writes the learning curve as JSON to `out/train/<algorithm>.json`.
 *
 * Algorithms: policy-iteration (Problem 15), mc (16), td (17), pg (18), grpo and dr-grpo (19).
 *
 * @module
 */
import {
  type CliffWalk,
  cliffWalk,
  greedyEpisode,
  renderPath,
  renderPolicy,
  renderValues,
  rollout,
  type TrainOptions,
  type TrainReport,
} from "./shared/cliff/mod.ts";
import { Rng } from "./shared/random/mod.ts";
import { verifySeed } from "./shared/testing/mod.ts";

/** A training job: the common signature of every agent module's `train`. */
export type TrainJob = (options: TrainOptions) => Promise<TrainReport>;

/** The algorithms, each with its walk (for drawing) and its job (loaded on demand). */
export const ALGORITHMS: Record<string, { walk: () => CliffWalk; load: () => Promise<TrainJob> }> =
  {
    "policy-iteration": {
      walk: () => cliffWalk(),
      load: () => Promise.resolve(policyIterationJob),
    },
    mc: {
      walk: () => cliffWalk(),
      load: async () => (await import("./problems/16_fitted_mc/mod.ts")).train,
    },
    td: {
      walk: () => cliffWalk(),
      load: async () => (await import("./problems/17_fitted_td/mod.ts")).train,
    },
    pg: {
      walk: () => cliffWalk(),
      load: async () => (await import("./problems/18_deep_pg/mod.ts")).train,
    },
    grpo: {
      walk: () => cliffWalk({ variant: "terminal-only" }),
      load: async () => (await import("./problems/19_grpo/mod.ts")).trainJob("grpo"),
    },
    "dr-grpo": {
      walk: () => cliffWalk({ variant: "terminal-only" }),
      load: async () => (await import("./problems/19_grpo/mod.ts")).trainJob("dr-grpo"),
    },
  };

/** Parsed command line. */
export interface TrainArgs {
  /** The algorithm's name. */
  algorithm: string;
  /** The seed (default: `VERIFY_SEED` or the suite's default seed). */
  seed: number;
  /** The budget, if given. */
  budget?: number;
}

/** Thrown for a bad command line; the message says what is wrong and how to call. */
export class UsageError extends Error {
  override name = "UsageError";
}

const USAGE = `usage: deno task train <algorithm> [--seed N] [--budget N]
algorithms: ${Object.keys(ALGORITHMS).join(", ")}
(policy-iteration is exact: it uses neither the seed nor a budget; for the others the budget
is in episodes)`;

/**
 * Parses `<algorithm> [--seed N] [--budget N]` (also `--seed=N`).
 *
 * @param args the command-line arguments
 * @returns the parsed arguments
 * @throws UsageError for an unknown algorithm or flag, or a value that is not an integer
 * @example
 * ```ts
 * import { parseTrainArgs } from "./train.ts";
 * const a = parseTrainArgs(["pg", "--seed", "7", "--budget=100"]);
 * if (a.algorithm !== "pg" || a.seed !== 7 || a.budget !== 100) throw new Error();
 * ```
 */
export function parseTrainArgs(args: readonly string[]): TrainArgs {
  const rest = [...args];
  const algorithm = rest.shift();
  if (algorithm === undefined || algorithm === "--help" || algorithm === "-h") {
    throw new UsageError(USAGE);
  }
  if (!(algorithm in ALGORITHMS)) {
    throw new UsageError(`unknown algorithm "${algorithm}"\n${USAGE}`);
  }
  const out: TrainArgs = { algorithm, seed: verifySeed() };
  while (rest.length > 0) {
    const flag = rest.shift()!;
    const [name, inline] = flag.split("=", 2) as [string, string | undefined];
    if (name !== "--seed" && name !== "--budget") {
      throw new UsageError(`unknown flag "${flag}"\n${USAGE}`);
    }
    const text = inline ?? rest.shift();
    const value = Number(text);
    if (text === undefined || !Number.isSafeInteger(value) || (name === "--budget" && value < 0)) {
      throw new UsageError(
        `${name} needs an integer${name === "--budget" ? " ≥ 0" : ""}, got ${text}`,
      );
    }
    if (name === "--seed") out.seed = value;
    else out.budget = value;
  }
  return out;
}

/** Where the output goes (injected so the command can be tested without writing files). */
export interface TrainIo {
  /** Prints a line. */
  log(line: string): void;
  /** Writes a JSON file (path relative to the repository root). */
  writeJson(path: string, data: unknown): Promise<void>;
}

/**
 * Runs the command: trains, prints progress and the drawn policy and path, writes the JSON.
 *
 * @param args the command-line arguments
 * @param io output sinks
 * @returns the report
 * @throws UsageError for a bad command line
 * @example
 * ```ts
 * import { runTrain } from "./train.ts";
 * const lines: string[] = [];
 * const r = await runTrain(["policy-iteration"], { log: (l) => lines.push(l), writeJson: async () => {} });
 * if (r.greedyActions?.[36] !== 0 || !lines.some((l) => l.includes("return 88"))) throw new Error();
 * ```
 */
export async function runTrain(args: readonly string[], io: TrainIo): Promise<TrainReport> {
  const parsed = parseTrainArgs(args);
  const entry = ALGORITHMS[parsed.algorithm]!;
  const job = await entry.load();
  io.log(
    `training ${parsed.algorithm}, seed ${parsed.seed}` +
      (parsed.budget !== undefined ? `, budget ${parsed.budget}` : ""),
  );
  const report = await job({
    seed: parsed.seed,
    budget: parsed.budget,
    onProgress: (l) => io.log(`  ${l}`),
  });
  io.log(`${report.summary}`);
  io.log(`${report.episodes} episodes, ${(report.ms / 1000).toFixed(2)} s`);
  const walk = entry.walk();
  if (report.greedyActions) {
    io.log("greedy policy:");
    io.log(renderPolicy(walk, report.greedyActions));
    const path = greedyEpisode(walk, report.greedyActions, { maxSteps: 200 });
    io.log(
      `walked path from the start: ${path.end}, return ${path.return} in ${path.length} moves`,
    );
    io.log(renderPath(walk, path.states, path.actions));
    const table = report.extra?.policy;
    if (path.end !== "goal" && Array.isArray(table)) {
      // a stochastic policy can succeed while its argmax loops: show one sampled episode too
      const sampled = rollout(walk, table as number[][], new Rng(parsed.seed));
      io.log(
        `one sampled episode: ${sampled.end}, return ${sampled.return} in ${sampled.length} moves`,
      );
      io.log(renderPath(walk, sampled.states, sampled.actions));
    }
  }
  const values = report.extra?.V;
  if (Array.isArray(values)) {
    io.log("values:");
    io.log(renderValues(walk, values as number[], 0));
  }
  const file = `out/train/${parsed.algorithm}.json`;
  await io.writeJson(file, { ...report, seed: parsed.seed, budget: parsed.budget ?? null });
  io.log(`learning curve written to ${file}`);
  return report;
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
  return {
    algorithm: "policy-iteration",
    episodes: 0,
    ms,
    curve: result.valueHistory.map((V, k) => ({ episode: k + 1, value: V[walk.start]! })),
    curveLabel: "V(start) of the k-th policy (x: policy evaluations)",
    greedyActions: result.policy,
    reachedTarget: result.V[walk.start] === 88,
    summary: `policy iteration: stable after ${result.iterations} evaluations, V*(start) = ${
      result.V[walk.start]
    }`,
    extra: { V: result.V },
  };
}

if (import.meta.main) {
  try {
    await runTrain(Deno.args, {
      log: (line) => console.log(line),
      writeJson: async (path, data) => {
        await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
        await Deno.writeTextFile(path, JSON.stringify(data, null, 1) + "\n");
      },
    });
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      Deno.exit(2);
    }
    throw e;
  }
}
