/**
 * Finds the problem folders (`problems/NN_slug/`) and loads their registered claims.
 *
 * @module
 */
import type { Claim } from "./claims.ts";
import { UsageError } from "./usage.ts";

/** One problem folder and its claims. */
export interface ProblemClaims {
  /** The problem number. */
  problem: number;
  /** The folder name, e.g. `01_bellman`. */
  folder: string;
  /** Its claims. */
  claims: Claim[];
}

/**
 * Parses a `--only` filter: `04`, `1..5`, `01..05`, or a comma list such as `01,07`.
 *
 * @param text the filter
 * @param available the problem numbers that exist; every number named must be one of them
 * @returns the set of problem numbers
 * @throws UsageError naming the bad value and what is allowed: a malformed filter, an empty
 *   or reversed range, or a problem that does not exist
 * @example
 * ```ts
 * import { parseOnly } from "./discover.ts";
 * if ([...parseOnly("01..03,07")].join() !== "1,2,3,7") throw new Error();
 * let message = "";
 * try { parseOnly("99", [1, 2, 3]); } catch (e) { message = (e as Error).message; }
 * if (message !== "--only 99: no problem 99; the problems are 01–03") throw new Error(message);
 * ```
 */
export function parseOnly(text: string, available?: readonly number[]): Set<number> {
  const allowed = available ? `the problems are ${describeNumbers(available)}` : "";
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const range = /^(\d{1,2})(?:\.\.(\d{1,2}))?$/.exec(part.trim());
    if (!range) {
      throw new UsageError(
        `--only ${
          JSON.stringify(text)
        }: expected a problem number (04), a range (01..05) or a list (01,07)` +
          (allowed ? `; ${allowed}` : ""),
      );
    }
    const lo = Number(range[1]);
    const hi = range[2] === undefined ? lo : Number(range[2]);
    if (hi < lo) throw new UsageError(`--only ${text}: the range ${part.trim()} is empty`);
    for (let n = lo; n <= hi; n++) {
      if (available && !available.includes(n)) {
        throw new UsageError(
          `--only ${text}: no problem ${String(n).padStart(2, "0")}; ${allowed}`,
        );
      }
      out.add(n);
    }
  }
  return out;
}

/** `[1, 2, 3, 7]` as `01–03, 07`. */
function describeNumbers(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const parts: string[] = [];
  const pad = (n: number) => String(n).padStart(2, "0");
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? pad(sorted[i]!) : `${pad(sorted[i]!)}–${pad(sorted[j]!)}`);
    i = j + 1;
  }
  return parts.join(", ");
}

/**
 * The numbers of the problem folders (`NN_slug/` with a `claims.ts`) under `root`.
 *
 * @param root URL of the `problems/` folder
 * @returns the problem numbers, ascending
 * @example
 * ```ts
 * import { problemNumbers } from "./discover.ts";
 * const ns = await problemNumbers(new URL("../../problems/", import.meta.url));
 * if (ns[0] !== 1 || ns.length !== 28) throw new Error(ns.join());
 * ```
 */
export async function problemNumbers(root: URL): Promise<number[]> {
  return (await problemFolders(root)).map((f) => Number(f.slice(0, 2)));
}

async function problemFolders(root: URL): Promise<string[]> {
  const folders: string[] = [];
  for await (const entry of Deno.readDir(root)) {
    if (!entry.isDirectory || !/^\d\d_[a-z0-9_]+$/.test(entry.name)) continue;
    try {
      await Deno.stat(new URL(`${entry.name}/claims.ts`, root));
    } catch {
      continue; // a folder still being built has no claims yet
    }
    folders.push(entry.name);
  }
  return folders.sort();
}

/**
 * Loads `claims.ts` from every problem folder under `root`, in problem order.
 *
 * @param root URL of the `problems/` folder
 * @param only optional set of problem numbers to keep
 * @returns the problems with their claims
 * @example
 * ```ts ignore
 * const ps = await loadProblemClaims(new URL("../../problems/", import.meta.url));
 * ```
 */
export async function loadProblemClaims(root: URL, only?: Set<number>): Promise<ProblemClaims[]> {
  const out: ProblemClaims[] = [];
  for (const folder of await problemFolders(root)) {
    const problem = Number(folder.slice(0, 2));
    if (only && !only.has(problem)) continue;
    const url = new URL(`${folder}/claims.ts`, root);
    const mod = await import(url.href) as { claims?: Claim[] };
    if (!Array.isArray(mod.claims)) throw new Error(`${folder}/claims.ts does not export claims`);
    out.push({ problem, folder, claims: mod.claims });
  }
  return out;
}
