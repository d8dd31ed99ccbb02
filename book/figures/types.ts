/**
 * The figure interface of the book. A figure module (`book/figures/NN.ts`) turns data that
 * problem NN exports (or that a training or benchmark task wrote under `out/`) into inline
 * SVG at build time. When the data is not there yet, it returns a figure with `missing` set
 * and the page says how to get it, instead of failing the build.
 *
 * @module
 */

/** One picture on a problem page. */
export interface Figure {
  /** Anchor id, unique on the page, e.g. `fig-15-policy`. */
  id: string;
  /** Short title shown above the picture. */
  title: string;
  /** What the reader sees and where the numbers come from. */
  caption: string;
  /** The picture as an inline `<svg>` element, when the data was available. */
  svg?: string;
  /** Why there is no picture yet and how to make one (e.g. "run `deno task train grpo`"). */
  missing?: string;
}

/** What a figure module may read. */
export interface FigureContext {
  /** URL of the repository root, with a trailing slash. */
  root: URL;
  /**
   * Imports `problems/<folder>/<file>` (default `mod.ts`); null when the file does not exist.
   * Errors while importing an existing file propagate.
   */
  importProblem(folder: string, file?: string): Promise<Record<string, unknown> | null>;
  /** Imports a module under `shared/` by relative path, null when it does not exist. */
  importShared(path: string): Promise<Record<string, unknown> | null>;
  /** Parses a JSON file under `out/` (e.g. `train/grpo.json`); null when it does not exist. */
  readOutJson(path: string): Promise<unknown | null>;
}

/** A figure module: the figures of one problem. */
export type FigureMaker = (ctx: FigureContext) => Promise<Figure[]>;
