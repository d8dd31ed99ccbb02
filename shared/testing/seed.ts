/**
 * The suite's single source of randomness: the seed the host gives (the environment
 * variable `VERIFY_SEED` on the command line, the seed field in the book; see `host.ts`),
 * or a fixed default. Every sampler and every fast-check property
 * derives its own seed from it (by label), so a claim sees the same numbers whether
 * it runs alone (`--only`) or with the whole suite.
 *
 * @module
 */

import { currentHost } from "./host.ts";
import { UsageError } from "./usage.ts";

/** The default seed, used when `VERIFY_SEED` is unset. */
export const DEFAULT_SEED = 20261123;

/**
 * The suite's seed: the host's seed (`VERIFY_SEED` on the command line) if set (an integer
 * from 0 to 2³² − 1), else {@link DEFAULT_SEED}.
 *
 * @returns the seed as a 32-bit unsigned integer
 * @throws UsageError if the seed is set but is not an integer in that range (a larger
 *   one would silently wrap around to another seed), naming what the user set
 * @example
 * ```ts
 * import { verifySeed } from "./seed.ts";
 * const s = verifySeed();
 * if (!Number.isInteger(s) || s < 0) throw new Error("bad seed");
 * ```
 */
export function verifySeed(): number {
  const host = currentHost();
  const raw = host.seedText();
  if (raw === undefined || raw === "") return DEFAULT_SEED; // set but empty reads as unset
  return parseSeed(host.seedName, raw);
}

/**
 * A seed derived from the suite's seed and a label (FNV-1a over both), so that
 * independent checks draw independent streams that do not shift when other checks
 * are added or removed.
 *
 * @param label a stable name, such as a claim id plus a purpose (`"04d/mixtures"`)
 * @param base the base seed; defaults to {@link verifySeed}
 * @returns a 32-bit unsigned integer seed
 * @example
 * ```ts
 * import { seedFor } from "./seed.ts";
 * if (seedFor("a", 1) === seedFor("b", 1)) throw new Error("labels must separate streams");
 * if (seedFor("a", 1) !== seedFor("a", 1)) throw new Error("must be deterministic");
 * ```
 */
export function seedFor(label: string, base: number = verifySeed()): number {
  let h = 0x811c9dc5;
  const text = `${base}:${label}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The largest seed: seeds are 32-bit unsigned integers. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * Reads a seed given by a user (an environment variable or a flag).
 *
 * @param name what the user set, for the message (`VERIFY_SEED`, `--seed`)
 * @param raw the text given
 * @returns the seed
 * @throws UsageError naming `name`, the value and the allowed range, if `raw` is not a
 *   decimal integer from 0 to {@link MAX_SEED}
 * @example
 * ```ts
 * import { parseSeed } from "./seed.ts";
 * if (parseSeed("--seed", "42") !== 42) throw new Error();
 * let message = "";
 * try { parseSeed("VERIFY_SEED", "-3"); } catch (e) { message = (e as Error).message; }
 * if (message !== 'VERIFY_SEED must be an integer from 0 to 4294967295, got "-3"') throw new Error(message);
 * ```
 */
export function parseSeed(name: string, raw: string): number {
  const text = raw.trim();
  const seed = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed) || seed > MAX_SEED) {
    throw new UsageError(
      `${name} must be an integer from 0 to ${MAX_SEED}, got ${JSON.stringify(raw)}`,
    );
  }
  return seed;
}
