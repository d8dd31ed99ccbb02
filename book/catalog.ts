/**
 * The book's table of contents: the 28 problems as the root README lists them, merged
 * with the folders that exist on disk (a folder may land before or after the README
 * mentions it).
 *
 * @module
 */

/** One problem of the book. */
export interface CatalogEntry {
  /** Problem number, 1–28. */
  number: number;
  /** Folder name, e.g. `01_bellman`. */
  folder: string;
  /** The topic from the root README's table (or the folder name). */
  topic: string;
}

/**
 * Reads the problems table of the root README: rows `| 1 | [01_bellman](problems/01_bellman/) | topic | ... |`.
 *
 * @param readme the root README's text
 * @returns the problems it lists, by number
 * @example
 * ```ts
 * import { parseCatalog } from "./catalog.ts";
 * const rows = parseCatalog("| 2 | [02_q](problems/02_q/) | contractions | planned |\n| x |");
 * if (rows.length !== 1 || rows[0]!.folder !== "02_q" || rows[0]!.topic !== "contractions") {
 *   throw new Error(JSON.stringify(rows));
 * }
 * ```
 */
export function parseCatalog(readme: string): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  const row = /^\|\s*(\d{1,2})\s*\|\s*\[(\d\d_[a-z0-9_]+)\]\([^)]*\)\s*\|\s*([^|]*?)\s*\|/;
  for (const line of readme.split("\n")) {
    const m = row.exec(line);
    if (m) out.push({ number: Number(m[1]), folder: m[2]!, topic: m[3]! });
  }
  return out.sort((a, b) => a.number - b.number);
}

/**
 * Merges the README's list with the folders present: a folder on disk wins over the README's
 * name for its number; numbers only the README knows stay (as not yet built).
 *
 * @param listed the README's entries
 * @param folders folder names found under `problems/`
 * @returns one entry per problem number, sorted
 * @example
 * ```ts
 * import { mergeCatalog } from "./catalog.ts";
 * const all = mergeCatalog([{ number: 1, folder: "01_a", topic: "A" }], ["01_a", "03_c"]);
 * if (all.map((e) => e.folder).join() !== "01_a,03_c") throw new Error();
 * ```
 */
export function mergeCatalog(listed: CatalogEntry[], folders: string[]): CatalogEntry[] {
  const byNumber = new Map<number, CatalogEntry>();
  for (const e of listed) byNumber.set(e.number, e);
  for (const folder of folders) {
    if (!/^\d\d_[a-z0-9_]+$/.test(folder)) continue;
    const number = Number(folder.slice(0, 2));
    const known = byNumber.get(number);
    byNumber.set(number, { number, folder, topic: known?.topic ?? folder.slice(3) });
  }
  return [...byNumber.values()].sort((a, b) => a.number - b.number);
}
