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

/** Options of {@link figureContext}. */
export interface FigureContextOptions {
  /**
   * When `out/train/<algorithm>.json` is missing, run that training job (with the suite's
   * seed and default budget, as `deno task train <algorithm>` would) and write the file, so
   * a fresh clone's book has its learning curves. All six jobs together take seconds.
   */
  trainMissing?: boolean;
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
}

/**
 * A figure context reading from the repository at `root`.
 *
 * @param root URL of the repository root (with a trailing slash)
 * @param options whether to train missing learning curves
 * @returns the context
 * @example
 * ```ts
 * import { figureContext } from "./context.ts";
 * const ctx = figureContext(new URL("../../", import.meta.url));
 * if ((await ctx.readOutJson("no/such/file.json")) !== null) throw new Error();
 * if ((await ctx.importProblem("00_nothing")) !== null) throw new Error();
 * ```
 */
export function figureContext(root: URL, options: FigureContextOptions = {}): FigureContext {
  const importIf = async (url: URL) =>
    (await exists(url)) ? (await import(url.href)) as Record<string, unknown> : null;
  const readOut = async (path: string) => {
    try {
      return JSON.parse(await Deno.readTextFile(new URL(`out/${path}`, root)));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  };
  return {
    root,
    importProblem: (folder, file = "mod.ts") =>
      importIf(new URL(`problems/${folder}/${file}`, root)),
    importShared: (path) => importIf(new URL(`shared/${path}`, root)),
    readOutJson: async (path) => {
      const found = await readOut(path);
      const training = /^train\/([a-z-]+)\.json$/.exec(path);
      if (found !== null || !options.trainMissing || !training) return found;
      const { ALGORITHMS, runTrain } = await import(new URL("train.ts", root).href);
      if (!(training[1]! in ALGORITHMS)) return null;
      options.log?.(`no out/${path} yet: training ${training[1]} for the figures`);
      await runTrain([training[1]!], {
        log: () => {},
        writeJson: async (file: string, data: unknown) => {
          const url = new URL(file, root);
          await Deno.mkdir(new URL(".", url), { recursive: true });
          await Deno.writeTextFile(url, JSON.stringify(data, null, 1) + "\n");
        },
      });
      return await readOut(path);
    },
  };
}
