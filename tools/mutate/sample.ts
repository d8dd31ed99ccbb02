/**
 * Deterministic sampling of mutants, stratified by file: each file gets a share of the
 * sample proportional to its number of mutants (largest remainders, ties broken by the
 * seed), and its share is drawn uniformly without replacement.
 *
 * @module
 */
import { Rng } from "../../shared/random/mod.ts";

/**
 * How many of `n` sampled mutants each file gets: proportional to its count, rounded by
 * largest remainder with seeded tie-breaks, never more than the file has.
 *
 * @param counts mutants per file, in a fixed order
 * @param n the sample size
 * @param rng the seeded source for tie-breaks
 * @returns the quota per file, summing to min(n, total)
 * @example
 * ```ts
 * import { allocate } from "./sample.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * if (allocate([30, 10], 4, new Rng(1)).join() !== "3,1") throw new Error();
 * ```
 */
export function allocate(counts: readonly number[], n: number, rng: Rng): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (n >= total) return [...counts];
  const exact = counts.map((c) => (n * c) / total);
  const quota = exact.map(Math.floor);
  let left = n - quota.reduce((a, b) => a + b, 0);
  // Seeded keys break ties among equal remainders without favouring early files.
  const order = exact.map((x, i) => ({ i, rem: x - quota[i]!, key: rng.uniform() }))
    .filter((o) => quota[o.i]! < counts[o.i]!)
    .sort((a, b) => b.rem - a.rem || a.key - b.key);
  for (const o of order) {
    if (left === 0) break;
    quota[o.i]! += 1;
    left -= 1;
  }
  return quota;
}

/**
 * A stratified sample of `n` items, the same for the same items, `n` and seed.
 *
 * @param items the population, grouped by file in a fixed order
 * @param n the sample size (all items when n is at least their number)
 * @param seed the seed
 * @returns the sampled items, in population order
 * @example
 * ```ts
 * import { sampleByFile } from "./sample.ts";
 * const items = [..."aaaaaabbbb"].map((file, i) => ({ file, i }));
 * const s = sampleByFile(items, 5, 7);
 * if (s.length !== 5 || s.filter((x) => x.file === "a").length !== 3) throw new Error();
 * if (JSON.stringify(s) !== JSON.stringify(sampleByFile(items, 5, 7))) throw new Error();
 * ```
 */
export function sampleByFile<T extends { file: string }>(
  items: readonly T[],
  n: number,
  seed: number,
): T[] {
  if (n >= items.length) return [...items];
  const files: string[] = [];
  const indices = new Map<string, number[]>();
  items.forEach((item, i) => {
    if (!indices.has(item.file)) {
      indices.set(item.file, []);
      files.push(item.file);
    }
    indices.get(item.file)!.push(i);
  });
  const rng = new Rng(seed);
  const quota = allocate(files.map((f) => indices.get(f)!.length), n, rng);
  const chosen: number[] = [];
  files.forEach((f, k) => {
    const pool = [...indices.get(f)!];
    // Partial Fisher–Yates: the first quota[k] entries become a uniform draw.
    for (let j = 0; j < quota[k]!; j++) {
      const r = j + rng.int(pool.length - j);
      [pool[j], pool[r]] = [pool[r]!, pool[j]!];
      chosen.push(pool[j]!);
    }
  });
  return chosen.sort((a, b) => a - b).map((i) => items[i]!);
}

/**
 * A seeded 32-bit hash of a string (FNV-1a over UTF-16 code units, the seed mixed in first).
 *
 * @param seed the seed
 * @param text the string
 * @returns an unsigned 32-bit integer
 * @example
 * ```ts
 * import { seededHash } from "./sample.ts";
 * if (seededHash(1, "a") === seededHash(2, "a") || seededHash(1, "a") !== seededHash(1, "a")) throw new Error();
 * ```
 */
export function seededHash(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  // A final avalanche so that near-identical strings land far apart.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The same number of items from every group (all of a smaller group): in each group, the
 * `perGroup` items whose seeded hash of their identity is smallest. A bottom-k sample is
 * uniform without replacement, and it is stable: an item's selection depends only on its
 * own identity, its group's members and the seed, so editing one line of a file changes
 * only the mutants of that line, not the rest of the sample.
 *
 * @param items the population
 * @param perGroup how many to take from each group
 * @param seed the seed
 * @param groupOf the group of an item (a problem or shared module)
 * @param identityOf a string that names an item whatever its position in the file
 * @returns the chosen items, in population order
 * @example
 * ```ts
 * import { sampleByGroup } from "./sample.ts";
 * const items = [..."aaaaaabbc"].map((g, i) => ({ g, i }));
 * const s = sampleByGroup(items, 2, 7, (x) => x.g, (x) => String(x.i));
 * if (s.filter((x) => x.g === "a").length !== 2 || s.filter((x) => x.g === "c").length !== 1) throw new Error();
 * // Dropping items that were not chosen leaves the sample as it was.
 * const rest = items.filter((x) => x.g !== "a" || s.includes(x));
 * if (JSON.stringify(sampleByGroup(rest, 2, 7, (x) => x.g, (x) => String(x.i))) !== JSON.stringify(s)) throw new Error();
 * ```
 */
export function sampleByGroup<T>(
  items: readonly T[],
  perGroup: number,
  seed: number,
  groupOf: (item: T) => string,
  identityOf: (item: T) => string,
): T[] {
  const byGroup = new Map<string, { i: number; key: number }[]>();
  items.forEach((item, i) => {
    const g = groupOf(item);
    if (!byGroup.has(g)) byGroup.set(g, []);
    byGroup.get(g)!.push({ i, key: seededHash(seed, identityOf(item)) });
  });
  const chosen: number[] = [];
  for (const members of byGroup.values()) {
    members.sort((a, b) => a.key - b.key || a.i - b.i);
    chosen.push(...members.slice(0, perGroup).map((m) => m.i));
  }
  return chosen.sort((a, b) => a - b).map((i) => items[i]!);
}
