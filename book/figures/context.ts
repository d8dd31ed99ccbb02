/**
 * The figure context of a build: dynamic imports from the repository (so a problem module
 * that does not exist yet is simply absent) and JSON written by tasks under `out/`.
 *
 * @module
 */
import type { FigureContext } from "./types.ts";

async function exists(url: URL): Promise<boolean> {
  try {
    await Deno.stat(url);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * A figure context reading from the repository at `root`.
 *
 * @param root URL of the repository root (with a trailing slash)
 * @returns the context
 * @example
 * ```ts
 * import { figureContext } from "./context.ts";
 * const ctx = figureContext(new URL("../../", import.meta.url));
 * if ((await ctx.readOutJson("no/such/file.json")) !== null) throw new Error();
 * if ((await ctx.importProblem("00_nothing")) !== null) throw new Error();
 * ```
 */
export function figureContext(root: URL): FigureContext {
  const importIf = async (url: URL) =>
    (await exists(url)) ? (await import(url.href)) as Record<string, unknown> : null;
  return {
    root,
    importProblem: (folder, file = "mod.ts") =>
      importIf(new URL(`problems/${folder}/${file}`, root)),
    importShared: (path) => importIf(new URL(`shared/${path}`, root)),
    readOutJson: async (path) => {
      try {
        return JSON.parse(await Deno.readTextFile(new URL(`out/${path}`, root)));
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) return null;
        throw e;
      }
    },
  };
}
