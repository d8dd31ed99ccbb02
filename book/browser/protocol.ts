/**
 * The messages between a problem page's panel and the Web Worker that runs the problem's
 * claims: the page asks for one run, the worker answers claim by claim as results arrive.
 *
 * @module
 */
import type { ClaimResult } from "../../shared/testing/mod.ts";

/** The page asks the worker to run the claims of one bundled `claims.ts` with a seed. */
export interface RunRequest {
  /** URL of the problem's bundled `claims.ts` (it exports `claims`). */
  claimsUrl: string;
  /** The seed field as the reader typed it ("" for the default seed). */
  seed: string;
  /** Whether the claims start tfjs when they load (found when the book was built). */
  tfjs: boolean;
}

/** What the worker reports, in order: `loaded`, then `start`/`result` per claim, then `done`. */
export type RunEvent =
  | { kind: "loaded"; ids: string[]; seed: number; loadMs: number }
  | { kind: "start"; id: string }
  | { kind: "result"; result: ClaimResult }
  | { kind: "done"; ms: number }
  | { kind: "error"; message: string };
