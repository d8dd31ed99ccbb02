/**
 * A user's mistake on the command line (a bad flag, a bad value, a bad `VERIFY_SEED`): one
 * line that names the argument, the bad value and what is allowed, and exit code 2, never a
 * stack trace. Every command of the suite runs its main part through {@link runCommand}.
 *
 * @module
 */

/** A bad argument or environment variable; its message is the whole one-line explanation. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Where a command's error line goes and how it exits (injected so tests need no process). */
export interface CommandExit {
  /** Prints the error line. */
  error(line: string): void;
  /** Ends the process with this code. */
  exit(code: number): never;
}

const PROCESS: CommandExit = {
  error: (line) => console.error(line),
  exit: (code) => Deno.exit(code),
};

/**
 * Runs a command's main part: a {@link UsageError} becomes `<command>: <message>` on stderr
 * and exit code 2; any other error is a defect of the suite and propagates with its stack.
 *
 * @param command the command's name, e.g. `verify`
 * @param main the command; resolves to its exit code
 * @param io where the error line goes and how to exit (default: this process)
 * @returns never: it exits with main's code
 * @example
 * ```ts
 * import { runCommand, UsageError } from "./usage.ts";
 * const lines: string[] = [];
 * let code = -1;
 * const io = { error: (l: string) => lines.push(l), exit: (c: number): never => { code = c; throw "exit"; } };
 * await runCommand("verify", () => { throw new UsageError("--only 99: no such problem"); }, io).catch(() => {});
 * if (code !== 2 || lines[0] !== "verify: --only 99: no such problem") throw new Error(lines.join());
 * ```
 */
export async function runCommand(
  command: string,
  main: () => number | Promise<number>,
  io: CommandExit = PROCESS,
): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.error(`${command}: ${e.message}`);
    return io.exit(2);
  }
  return io.exit(code);
}

/** A parsed command line: flags with their values, and the positional arguments. */
export interface ParsedArgs {
  /** Each flag given, by name without dashes: its value, or `true` for a switch. */
  flags: Map<string, string | true>;
  /** The arguments that are not flags, in order. */
  positional: string[];
}

/**
 * Parses `--name value`, `--name=value` and switches against a declared set of flags.
 *
 * @param args the command-line arguments
 * @param spec each accepted flag by name (without dashes): `"value"` if it takes one,
 *   `"switch"` if not
 * @param usage what is allowed, appended to every error, e.g. `usage: deno task verify [--json]`
 * @returns the flags given and the positional arguments
 * @throws UsageError for an unknown flag, a missing value, a value given to a switch, or a
 *   flag given twice
 * @example
 * ```ts
 * import { parseArgs } from "./usage.ts";
 * const p = parseArgs(["--only=04", "--json", "x"], { only: "value", json: "switch" }, "usage: …");
 * if (p.flags.get("only") !== "04" || p.flags.get("json") !== true || p.positional[0] !== "x") throw new Error();
 * let message = "";
 * try { parseArgs(["--only"], { only: "value" }, "usage: …"); } catch (e) { message = (e as Error).message; }
 * if (!message.startsWith("--only needs a value")) throw new Error(message);
 * ```
 */
export function parseArgs(
  args: readonly string[],
  spec: Record<string, "value" | "switch">,
  usage: string,
): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(arg.startsWith("--") ? 2 : 1, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown flag ${arg}; ${usage}`);
    if (flags.has(name)) throw new UsageError(`--${name} is given twice; ${usage}`);
    if (kind === "switch") {
      if (eq >= 0) {
        throw new UsageError(`--${name} takes no value, got ${JSON.stringify(arg)}; ${usage}`);
      }
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[i + 1];
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
      throw new UsageError(`--${name} needs a value; ${usage}`);
    }
    if (eq < 0) i++;
    flags.set(name, value);
  }
  return { flags, positional };
}
