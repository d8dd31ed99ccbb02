/**
 * The one fact the claims take from where they run: the seed a user chose. On the command
 * line it is the environment variable `VERIFY_SEED` (the default host below reads it); in
 * the book's Web Worker it is the page's seed field, set with {@link setHost}. Nothing else
 * in the claims or the shared library touches the host, so the same `claims.ts` runs under
 * Deno and in a browser.
 *
 * @module
 */

/** Where the claims run: what the user set and what it is called in messages. */
export interface Host {
  /** What the user is told to fix when the seed is malformed (`VERIFY_SEED`, `seed field`). */
  seedName: string;
  /** The seed as the user typed it, or undefined (or "") for the default seed. */
  seedText(): string | undefined;
}

/**
 * The command line's host: `VERIFY_SEED` from the environment. Without env permission, or
 * outside Deno, it reads as unset (the default seed is the documented behaviour then).
 */
export const envHost: Host = {
  seedName: "VERIFY_SEED",
  seedText() {
    if (typeof Deno === "undefined") return undefined;
    try {
      return Deno.env.get("VERIFY_SEED");
    } catch {
      return undefined; // no env permission
    }
  },
};

let current: Host = envHost;

/**
 * Replaces the host for the rest of this process (or worker).
 *
 * @param host the new host
 * @returns the host it replaced, so a caller can put it back
 * @example
 * ```ts
 * import { currentHost, envHost, setHost } from "./host.ts";
 * const before = setHost({ seedName: "seed field", seedText: () => "7" });
 * if (currentHost().seedText() !== "7") throw new Error("the new host answers");
 * setHost(before);
 * if (currentHost() !== envHost) throw new Error("the old host is back");
 * ```
 */
export function setHost(host: Host): Host {
  const previous = current;
  current = host;
  return previous;
}

/**
 * The host in use: {@link envHost} unless {@link setHost} replaced it.
 *
 * @returns the host
 * @example
 * ```ts
 * import { currentHost } from "./host.ts";
 * if (typeof currentHost().seedName !== "string") throw new Error();
 * ```
 */
export function currentHost(): Host {
  return current;
}
