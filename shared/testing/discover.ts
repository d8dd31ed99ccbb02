/**
 * Finds the problem folders (`problems/NN_slug/`) and loads their registered claims.
 *
 * @module
 */
import type { Claim } from "./claims.ts";

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
 * @returns the set of problem numbers
 * @throws Error on anything else
 * @example
 * ```ts
 * import { parseOnly } from "./discover.ts";
 * if ([...parseOnly("01..03,07")].join() !== "1,2,3,7") throw new Error();
 * ```
 */
export function parseOnly(text: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const range = /^(\d{1,2})(?:\.\.(\d{1,2}))?$/.exec(part.trim());
    if (!range) {
      throw new Error(
        `--only: expected a problem number, a range like 01..05 or a list, got ${
          JSON.stringify(text)
        }`,
      );
    }
    const lo = Number(range[1]);
    const hi = range[2] === undefined ? lo : Number(range[2]);
    for (let n = lo; n <= hi; n++) out.add(n);
  }
  return out;
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
  const folders: string[] = [];
  for await (const entry of Deno.readDir(root)) {
    if (entry.isDirectory && /^\d\d_[a-z0-9_]+$/.test(entry.name)) folders.push(entry.name);
  }
  folders.sort();
  const out: ProblemClaims[] = [];
  for (const folder of folders) {
    const problem = Number(folder.slice(0, 2));
    if (only && !only.has(problem)) continue;
    const url = new URL(`${folder}/claims.ts`, root);
    try {
      await Deno.stat(url);
    } catch {
      continue; // a folder still being built has no claims yet
    }
    const mod = await import(url.href) as { claims?: Claim[] };
    if (!Array.isArray(mod.claims)) throw new Error(`${folder}/claims.ts does not export claims`);
    out.push({ problem, folder, claims: mod.claims });
  }
  return out;
}
