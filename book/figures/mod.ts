/**
 * The book's figures: which problems have pictures, and a safe way to make them.
 *
 * @module
 */
import type { Figure, FigureContext, FigureMaker } from "./types.ts";

export type { Figure, FigureContext, FigureMaker } from "./types.ts";

/** Figure modules by problem number, loaded only when that page is built. */
const MAKERS: Record<number, () => Promise<FigureMaker>> = {
  10: async () => (await import("./10.ts")).figures,
  15: async () => (await import("./15.ts")).figures,
  16: async () => (await import("./16_17.ts")).figures16,
  17: async () => (await import("./16_17.ts")).figures17,
  18: async () => (await import("./18_19.ts")).figures18,
  19: async () => (await import("./18_19.ts")).figures19,
  23: async () => (await import("./23.ts")).figures,
  27: async () => (await import("./27.ts")).figures,
};

/**
 * The problems that have figures.
 *
 * @returns their numbers, ascending
 * @example
 * ```ts
 * import { problemsWithFigures } from "./mod.ts";
 * if (!problemsWithFigures().includes(15)) throw new Error();
 * ```
 */
export function problemsWithFigures(): number[] {
  return Object.keys(MAKERS).map(Number).sort((a, b) => a - b);
}

/**
 * Makes the figures of one problem. A figure whose data is missing comes back with
 * `missing` set; an error while drawing comes back the same way, with the error's message,
 * so a half-built problem never stops the book.
 *
 * @param problem the problem number
 * @param ctx what the figure modules may read
 * @returns the figures (empty for a problem without pictures)
 * @example
 * ```ts ignore
 * const figs = await figuresFor(15, ctx);
 * ```
 */
export async function figuresFor(problem: number, ctx: FigureContext): Promise<Figure[]> {
  const load = MAKERS[problem];
  if (!load) return [];
  try {
    return await (await load())(ctx);
  } catch (e) {
    return [{
      id: `fig-${problem}`,
      title: "Figure",
      caption: "",
      missing: `could not be drawn: ${e instanceof Error ? e.message : String(e)}`,
    }];
  }
}

/**
 * Picks the first function among `names` that a module exports.
 *
 * @param mod the module namespace (or null)
 * @param names candidate export names, in order of preference
 * @returns the function and its name, or null
 * @example
 * ```ts
 * import { pickFunction } from "./mod.ts";
 * const f = pickFunction({ a: 1, b: () => 2 }, ["a", "b"]);
 * if (f?.name !== "b" || f.fn() !== 2) throw new Error();
 * ```
 */
export function pickFunction(
  mod: Record<string, unknown> | null,
  names: readonly string[],
): { name: string; fn: (...args: unknown[]) => unknown } | null {
  if (!mod) return null;
  for (const name of names) {
    const fn = mod[name];
    if (typeof fn === "function") return { name, fn: fn as (...args: unknown[]) => unknown };
  }
  return null;
}
