/**
 * Figures of Problems 18 and 19.
 *
 * @module
 */
import type { Figure, FigureContext } from "./types.ts";

/** @param _ctx ctx @returns figs */
export function figures18(_ctx: FigureContext): Promise<Figure[]> {
  return Promise.resolve([]);
}
/** @param _ctx ctx @returns figs */
export function figures19(_ctx: FigureContext): Promise<Figure[]> {
  return Promise.resolve([]);
}
