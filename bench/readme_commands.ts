/**
 * `deno task bench:readme`: times the README's two commands as a user meets them, so the
 * figures the README quotes can be reproduced.
 *
 * - **warm**: `deno task test` and `deno task verify` in this checkout, with its caches, run
 *   `--runs` times each (default 3); prints every run, the median and the CPU time.
 * - **cold** (`--cold`): a fresh clone of this checkout's committed `HEAD` into a temporary
 *   folder, with an empty Deno cache and an empty npm cache, running the README's exact
 *   commands (`npx -y deno@<version> task test`, then `… task verify`): Deno is fetched from
 *   the npm registry and every dependency downloaded, as on a fresh machine with only Node.js.
 *
 * Writes `out/bench/readme_commands.json`. A command that fails is reported with its exit
 * code and the timing still printed; the task then exits 1.
 *
 * Usage: `deno task bench:readme [--runs N] [--cold]`
 *
 * @module
 */
import { parseArgs, runCommand, UsageError } from "../shared/testing/mod.ts";

const ROOT = new URL("../", import.meta.url);
const USAGE = "usage: deno task bench:readme [--runs N] [--cold]";

/** One timed run of a command. */
export interface CommandTiming {
  /** The command as typed. */
  command: string;
  /** `warm` (this checkout, caches kept) or `cold` (fresh clone, empty caches). */
  mode: "warm" | "cold";
  /** Wall time, seconds. */
  seconds: number;
  /** User plus system CPU time of the command and its children, seconds (from /usr/bin/time). */
  cpuSeconds: number | null;
  /** The exit code. */
  code: number;
}

/** What the command line asks for. */
export interface ReadmeBenchArgs {
  /** Warm runs per command. */
  runs: number;
  /** Whether to time a cold first run too. */
  cold: boolean;
}

/**
 * Reads the command line.
 *
 * @param args the command-line arguments
 * @returns the runs per command and whether to time a cold run
 * @throws UsageError naming a bad flag or value and what is allowed
 * @example
 * ```ts
 * import { readReadmeBenchArgs } from "./readme_commands.ts";
 * const a = readReadmeBenchArgs(["--runs", "5", "--cold"]);
 * if (a.runs !== 5 || !a.cold) throw new Error();
 * let message = "";
 * try { readReadmeBenchArgs(["--runs", "0"]); } catch (e) { message = (e as Error).message; }
 * if (!message.startsWith('--runs must be an integer from 1 to 20, got "0"')) throw new Error(message);
 * ```
 */
export function readReadmeBenchArgs(args: readonly string[]): ReadmeBenchArgs {
  const { flags, positional } = parseArgs(args, { runs: "value", cold: "switch" }, USAGE);
  if (positional.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}; ${USAGE}`);
  }
  const text = flags.get("runs");
  const runs = typeof text === "string" ? Number(text) : 3;
  if (
    !Number.isInteger(runs) || runs < 1 || runs > 20 ||
    (typeof text === "string" && !/^\d+$/.test(text))
  ) {
    throw new UsageError(
      `--runs must be an integer from 1 to 20, got ${JSON.stringify(text)}; ${USAGE}`,
    );
  }
  return { runs, cold: flags.has("cold") };
}

/**
 * The median of a non-empty list.
 *
 * @param xs the values
 * @returns the middle value (the mean of the two middle ones for an even count)
 * @example
 * ```ts
 * import { median } from "./readme_commands.ts";
 * if (median([3, 1, 2]) !== 2 || median([4, 1, 3, 2]) !== 2.5) throw new Error();
 * ```
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `argv` in `cwd` under /usr/bin/time (when present) with extra environment. */
async function timed(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ seconds: number; cpuSeconds: number | null; code: number }> {
  const hasTime = await Deno.stat("/usr/bin/time").then(() => true, () => false);
  const full = hasTime ? ["/usr/bin/time", "-f", "CPU %U %S", ...argv] : argv;
  const t0 = performance.now();
  const out = await new Deno.Command(full[0]!, {
    args: full.slice(1),
    cwd,
    env: { ...env, NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const err = new TextDecoder().decode(out.stderr);
  const cpu = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(err);
  return {
    seconds,
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : null,
    code: out.code,
  };
}

async function denoVersion(): Promise<string> {
  const ci = await Deno.readTextFile(new URL(".ci/run", ROOT));
  const m = /DENO_VERSION=([\d.]+)/.exec(ci);
  if (!m) throw new Error(".ci/run does not pin DENO_VERSION");
  return m[1]!;
}

async function main(args: readonly string[]): Promise<number> {
  const { runs, cold } = readReadmeBenchArgs(args);
  const results: CommandTiming[] = [];
  const root = ROOT.pathname;
  for (const task of ["test", "verify"]) {
    for (let i = 0; i < runs; i++) {
      const r = await timed([Deno.execPath(), "task", task], root, {});
      results.push({ command: `deno task ${task}`, mode: "warm", ...r });
      console.log(
        `warm  deno task ${task}  run ${i + 1}: ${r.seconds.toFixed(1)} s wall, ${
          r.cpuSeconds?.toFixed(1) ?? "?"
        } s CPU, exit ${r.code}`,
      );
    }
  }
  if (cold) {
    const version = await denoVersion();
    const dir = await Deno.makeTempDir({ prefix: "readme-cold-" });
    const clone = await new Deno.Command("git", { args: ["clone", "-q", root, `${dir}/repo`] })
      .output();
    if (clone.code !== 0) {
      throw new Error(`git clone failed: ${new TextDecoder().decode(clone.stderr)}`);
    }
    const env = { DENO_DIR: `${dir}/deno`, npm_config_cache: `${dir}/npm` };
    for (const task of ["test", "verify"]) {
      const argv = ["npx", "-y", `deno@${version}`, "task", task];
      const r = await timed(argv, `${dir}/repo`, env);
      results.push({ command: argv.join(" "), mode: "cold", ...r });
      console.log(
        `cold  ${argv.join(" ")}: ${r.seconds.toFixed(1)} s wall, ${
          r.cpuSeconds?.toFixed(1) ?? "?"
        } s CPU, exit ${r.code}`,
      );
    }
    await Deno.remove(dir, { recursive: true });
  }
  console.log("\ncommand                         mode  median wall  median CPU  runs");
  for (const mode of ["warm", "cold"] as const) {
    for (const command of new Set(results.filter((r) => r.mode === mode).map((r) => r.command))) {
      const rs = results.filter((r) => r.mode === mode && r.command === command);
      const cpus = rs.flatMap((r) => r.cpuSeconds === null ? [] : [r.cpuSeconds]);
      console.log(
        `${command.padEnd(32)}${mode}  ${
          median(rs.map((r) => r.seconds)).toFixed(1).padStart(9)
        } s` +
          `  ${
            cpus.length ? median(cpus).toFixed(1).padStart(8) + " s" : "         ?"
          }  ${rs.length}`,
      );
    }
  }
  await Deno.mkdir(new URL("out/bench/", ROOT), { recursive: true });
  await Deno.writeTextFile(
    new URL("out/bench/readme_commands.json", ROOT),
    JSON.stringify(
      { generated: new Date().toISOString(), cores: navigator.hardwareConcurrency, results },
      null,
      2,
    ) + "\n",
  );
  return results.every((r) => r.code === 0) ? 0 : 1;
}

if (import.meta.main) await runCommand("bench:readme", () => main(Deno.args));
