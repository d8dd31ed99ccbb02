/**
 * Runs a subprocess with a time limit. The child is started in its own process group
 * (detached) so that a timeout kills it and everything it started at once.
 *
 * @module
 */

/** What a finished (or killed) subprocess left. */
export interface RunOutcome {
  /** Exit code (137 after a kill). */
  code: number;
  /** Whether the time limit killed it. */
  timedOut: boolean;
  /** Standard output and error, interleaved by stream (stdout first). */
  output: string;
  /** Wall time in milliseconds. */
  ms: number;
}

const running = new Set<number>();
/** Set by {@link killAll}: no new process starts after an interruption. */
let closed = false;

/**
 * Runs `cmd args` in `cwd`, killing its process group after `timeoutMs`.
 *
 * @param cmd the executable
 * @param args its arguments
 * @param options working directory, time limit and extra environment variables
 * @returns exit code, whether it timed out, its output and wall time
 * @example
 * ```ts ignore
 * import { runWithTimeout } from "./process.ts";
 * const r = await runWithTimeout("sleep", ["5"], { cwd: "/tmp", timeoutMs: 100 });
 * if (!r.timedOut) throw new Error();
 * ```
 */
export async function runWithTimeout(
  cmd: string,
  args: string[],
  options: { cwd: string; timeoutMs: number; env?: Record<string, string> },
): Promise<RunOutcome> {
  const start = performance.now();
  if (closed) return { code: 130, timedOut: false, output: "interrupted", ms: 0 };
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  running.add(child.pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, options.timeoutMs);
  try {
    const out = await child.output();
    const decoder = new TextDecoder();
    return {
      code: out.code,
      timedOut,
      output: decoder.decode(out.stdout) + decoder.decode(out.stderr),
      ms: performance.now() - start,
    };
  } finally {
    clearTimeout(timer);
    running.delete(child.pid);
  }
}

/**
 * Kills every process group started by {@link runWithTimeout} that still runs, and refuses
 * to start new ones (on Ctrl-C).
 *
 * @returns how many groups were signalled
 * @example
 * ```ts ignore
 * import { killAll } from "./process.ts";
 * killAll(); // from here on, runWithTimeout returns at once with code 130
 * ```
 */
export function killAll(): number {
  closed = true;
  const pids = [...running];
  pids.forEach(killGroup);
  return pids.length;
}

function killGroup(pid: number): void {
  try {
    Deno.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}
