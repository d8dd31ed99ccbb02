/**
 * Which files are mutated, how they are grouped in reports, and the `--only` and
 * `--files` filters that narrow the selection.
 *
 * @module
 */

/** The math modules of `shared/` whose code the claims run (not testing, tf, book, bench). */
export const MATH_MODULES: readonly string[] = [
  "mdp",
  "trajectories",
  "stats",
  "softmax",
  "gradients",
  "attention",
  "cliff",
  "qnet",
  "mlp",
  "random",
];

/** A bad command-line value: the message is one line naming the argument, value and what is allowed. */
export class ArgumentError extends Error {
  override name = "ArgumentError";
}

/** A parsed `--only` filter: problem numbers and shared modules. */
export interface OnlyFilter {
  /** Problem numbers, e.g. 1 to 5. */
  problems: Set<number>;
  /** Shared modules by name (`mdp`), or every math module when `shared` was given. */
  shared: Set<string>;
}

/**
 * Whether a project file is mutated: a `.ts` file of a problem folder or of a shared math
 * module that is not a test (`*_test.ts`), a benchmark (`*_bench.ts`), a claim registry or
 * one of its helpers (`claims.ts`, `claims_*.ts`: independent oracles and comparisons are
 * part of the checks) or a generator of test inputs (`arbitraries.ts`: it shapes the inputs
 * of the checks, it is not code the checks verify).
 *
 * @param path project-relative path with `/` separators
 * @returns true for implementation files
 * @example
 * ```ts
 * import { isMutationTarget } from "./targets.ts";
 * if (!isMutationTarget("shared/mdp/bellman.ts") || isMutationTarget("problems/04_x/claims.ts")) {
 *   throw new Error();
 * }
 * ```
 */
export function isMutationTarget(path: string): boolean {
  if (!path.endsWith(".ts")) return false;
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (/_test\.ts$|_bench\.ts$|^claims(_.+)?\.ts$/.test(name) || name === "arbitraries.ts") {
    return false;
  }
  return groupOf(path) !== undefined;
}

/**
 * The report group of a file: the two-digit problem number (`04`) or `shared/<module>`.
 *
 * @param path project-relative path
 * @returns the group, or undefined for files outside problems and the math modules
 * @example
 * ```ts
 * import { groupOf } from "./targets.ts";
 * if (groupOf("problems/04_convex/mod.ts") !== "04" || groupOf("shared/tf/mod.ts") !== undefined) {
 *   throw new Error();
 * }
 * ```
 */
export function groupOf(path: string): string | undefined {
  const problem = /^problems\/(\d\d)_[^/]+\/.+/.exec(path);
  if (problem) return problem[1];
  const shared = /^shared\/([^/]+)\/.+/.exec(path);
  if (shared && MATH_MODULES.includes(shared[1]!)) return `shared/${shared[1]}`;
  return undefined;
}

/**
 * Parses `--only`: problem numbers (`04`), ranges (`01..05`), `shared` (every math module)
 * or `shared/<module>`, joined by commas.
 *
 * @param text the value
 * @returns the filter
 * @throws ArgumentError naming the bad part
 * @example
 * ```ts
 * import { parseOnly } from "./targets.ts";
 * const f = parseOnly("01..03,07,shared/mdp");
 * if ([...f.problems].join() !== "1,2,3,7" || !f.shared.has("mdp")) throw new Error();
 * ```
 */
export function parseOnly(text: string): OnlyFilter {
  const allowed = `allowed: a problem number 01..28, a range like 01..05, shared, ` +
    `shared/<${MATH_MODULES.join("|")}>, or a comma list of these`;
  const out: OnlyFilter = { problems: new Set(), shared: new Set() };
  for (const part of text.split(",").map((p) => p.trim())) {
    const range = /^(\d{1,2})(?:\.\.(\d{1,2}))?$/.exec(part);
    const shared = /^shared(?:\/([a-z_]+))?$/.exec(part);
    if (range) {
      const lo = Number(range[1]);
      const hi = range[2] === undefined ? lo : Number(range[2]);
      if (lo < 1 || hi > 99 || hi < lo) {
        throw new ArgumentError(`--only: bad range ${JSON.stringify(part)}; ${allowed}`);
      }
      for (let n = lo; n <= hi; n++) out.problems.add(n);
    } else if (shared) {
      const module = shared[1];
      if (module === undefined) MATH_MODULES.forEach((m) => out.shared.add(m));
      else if (MATH_MODULES.includes(module)) out.shared.add(module);
      else {throw new ArgumentError(
          `--only: unknown shared module ${JSON.stringify(part)}; ${allowed}`,
        );}
    } else {
      throw new ArgumentError(`--only: bad value ${JSON.stringify(part)}; ${allowed}`);
    }
  }
  return out;
}

/**
 * A glob as a regular expression over project-relative paths: `**` crosses folders, `*`
 * and `?` stay within one path segment.
 *
 * @param glob e.g. `problems/0*_x/*.ts` or `shared/**\/bands.ts`
 * @returns an anchored regular expression
 * @example
 * ```ts
 * import { globToRegExp } from "./targets.ts";
 * const re = globToRegExp("problems/**\/mod.ts");
 * if (!re.test("problems/04_x/mod.ts") || re.test("shared/mdp/mod.ts")) throw new Error();
 * ```
 */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      // `**/` matches zero or more whole folders; a trailing `**` matches the rest.
      if (glob[i + 2] === "/") {
        re += "(?:[^/]+/)*";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * The mutation targets among the project's files, narrowed by `--only` and `--files`.
 *
 * @param paths project-relative paths of all files
 * @param only the `--only` filter, if given
 * @param files the `--files` glob, if given
 * @returns the selected targets, sorted
 * @example
 * ```ts
 * import { parseOnly, selectTargets } from "./targets.ts";
 * const all = ["problems/04_x/mod.ts", "problems/05_y/mod.ts", "shared/mdp/model.ts"];
 * if (selectTargets(all, parseOnly("04,shared")).join() !== "problems/04_x/mod.ts,shared/mdp/model.ts") {
 *   throw new Error();
 * }
 * ```
 */
export function selectTargets(
  paths: readonly string[],
  only?: OnlyFilter,
  files?: string,
): string[] {
  const glob = files === undefined ? undefined : globToRegExp(files);
  return paths.filter((p) => {
    if (!isMutationTarget(p)) return false;
    if (glob && !glob.test(p)) return false;
    if (!only) return true;
    const group = groupOf(p)!;
    return group.startsWith("shared/")
      ? only.shared.has(group.slice("shared/".length))
      : only.problems.has(Number(group));
  }).sort();
}
