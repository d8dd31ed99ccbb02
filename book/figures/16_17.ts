/**
 * Figures of Problems 16 and 17.
 *
 * @module
 */
import type { Figure, FigureContext } from "./types.ts";

/** @param _ctx ctx @returns figs */
export function figures16(_ctx: FigureContext): Promise<Figure[]> {
  return Promise.resolve([]);
}
/** @param _ctx ctx @returns figs */
export function figures17(_ctx: FigureContext): Promise<Figure[]> {
  return Promise.resolve([]);
}
