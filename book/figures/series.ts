/**
 * Reading curves out of the JSON that training and benchmark tasks write, without fixing
 * its exact shape: any array of points with numeric fields (or of plain numbers) becomes a
 * series, named by where it was found.
 *
 * @module
 */

/** One curve. */
export interface Series {
  /** Where it was found, e.g. `curve` or `extra.byK.3`. */
  name: string;
  /** The x field used (e.g. `episode`, `samples`, or `index`). */
  xKey: string;
  /** The y field used (e.g. `rmse`, `value`). */
  yKey: string;
  /** The points, in order. */
  points: { x: number; y: number }[];
}

const X_KEYS = ["samples", "episode", "episodes", "step", "steps", "iteration", "update", "L"];
const Y_KEYS = [
  "rmse",
  "error",
  "value",
  "return",
  "meanReturn",
  "successRate",
  "length",
  "meanLength",
  "ms",
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Finds the series inside a JSON value, up to three levels deep.
 *
 * @param value parsed JSON
 * @param name the name of `value` itself
 * @returns every series found
 * @example
 * ```ts
 * import { findSeries } from "./series.ts";
 * const s = findSeries({
 *   curve: [{ episode: 0, value: null }, { episode: 1, value: 2 }],
 *   extra: { k: { "3": [5, 6] }, byK: [{ k: 1, curve: [{ samples: 9, rmse: 1 }] }] },
 * }, "");
 * const names = s.map((x) => `${x.name}:${x.xKey}/${x.yKey}:${x.points.length}`).join();
 * if (names !== "curve:episode/value:2,extra.k.3:index/value:2,extra.byK.k=1:samples/rmse:1") {
 *   throw new Error(names);
 * }
 * ```
 */
export function findSeries(value: unknown, name: string, depth = 0): Series[] {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === "number" && Number.isFinite(v))) {
      return [{
        name,
        xKey: "index",
        yKey: "value",
        points: (value as number[]).map((y, x) => ({ x, y })),
      }];
    }
    if (value.length > 0 && value.every(isRecord)) {
      const first = value[0] as Record<string, unknown>;
      // records that each carry a curve (e.g. one per k): one series per record, named by
      // its label field
      const nested = Object.keys(first).find((k) => Array.isArray(first[k]));
      if (nested && depth < 3) {
        const labelKey = ["k", "name", "label", "algorithm"].find((k) => k in first);
        return value.flatMap((rec, i) =>
          findSeries(
            (rec as Record<string, unknown>)[nested],
            `${name}.${
              labelKey ? `${labelKey}=${String((rec as Record<string, unknown>)[labelKey])}` : i
            }`,
            depth + 1,
          )
        );
      }
      // fields that are numbers somewhere (a first point may be null: NaN in the job)
      const numeric = [
        ...new Set(value.flatMap((p) => Object.keys(p as Record<string, unknown>))),
      ].filter((k) => value.some((p) => typeof (p as Record<string, unknown>)[k] === "number"));
      const xKey = X_KEYS.find((k) => numeric.includes(k));
      const yKey = Y_KEYS.find((k) => numeric.includes(k) && k !== xKey) ??
        numeric.find((k) => k !== xKey);
      if (!yKey) return [];
      return [{
        name,
        xKey: xKey ?? "index",
        yKey,
        // JSON writes NaN (e.g. "no successful episode in this group") as null: it stays a
        // NaN point, which breaks the drawn line (a gap), instead of becoming 0
        points: value.map((p, i) => {
          const x = xKey ? (p as Record<string, unknown>)[xKey] : i;
          const y = (p as Record<string, unknown>)[yKey];
          return { x, y: y === null ? NaN : y };
        }).filter((p): p is { x: number; y: number } =>
          typeof p.x === "number" && Number.isFinite(p.x) && typeof p.y === "number" &&
          !(p.y === Infinity || p.y === -Infinity)
        ),
      }];
    }
    return [];
  }
  if (isRecord(value) && depth < 3) {
    return Object.entries(value).flatMap(([k, v]) =>
      findSeries(v, name === "" ? k : `${name}.${k}`, depth + 1)
    );
  }
  return [];
}

/**
 * Thins a long series to at most `max` points (every n-th, keeping the last) so an SVG stays
 * small.
 *
 * @param points the points
 * @param max the most points to keep
 * @returns the thinned points
 * @example
 * ```ts
 * import { thin } from "./series.ts";
 * const t = thin(Array.from({ length: 1000 }, (_, x) => ({ x, y: x })), 100);
 * if (t.length > 101 || t.at(-1)!.x !== 999) throw new Error();
 * ```
 */
export function thin<T>(points: T[], max = 400): T[] {
  if (points.length <= max) return points;
  const step = Math.ceil(points.length / max);
  const out = points.filter((_, i) => i % step === 0);
  if (out.at(-1) !== points.at(-1)) out.push(points.at(-1)!);
  return out;
}
