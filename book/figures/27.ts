/**
 * Figures of Problem 27: where the part of an attention layer's cost that is quadratic in the
 * sequence length L overtakes the part linear in L, first by the FLOP count of the proof, then
 * in measured time.
 *
 * Data: `forwardCount(L, d, H)` and `crossoverLength(d, H, convention)` of
 * `problems/27_transformer_flops/mod.ts` (exact counts), and, when the attention benchmark's
 * report has been run, `out/bench/attention.json`: rows with L, d, a time (and a backend),
 * to which the model time ≈ a·L²d + b·Ld² is fitted (or its own fit is used).
 *
 * @module
 */
import { pickFunction } from "./mod.ts";
import { Plot, plotToSvg } from "./plot.ts";
import type { Figure, FigureContext } from "./types.ts";

const WIDTHS = [64, 256, 512];
const headsFor = (d: number) => Math.max(1, d / 64);

interface Count {
  quadratic: number;
  linear: number;
  flops: number;
}

/** One measured configuration. */
export interface Measurement {
  /** Sequence length. */
  L: number;
  /** Model width. */
  d: number;
  /** Seconds per forward pass. */
  seconds: number;
  /** Which implementation was timed. */
  backend: string;
}

const TIME_FIELDS: [string, number][] = [
  ["seconds", 1],
  ["s", 1],
  ["ms", 1e-3],
  ["meanMs", 1e-3],
  ["msPerIter", 1e-3],
  ["timeMs", 1e-3],
  ["avgMs", 1e-3],
  ["us", 1e-6],
  ["ns", 1e-9],
];

/**
 * Finds measurements (L, d, time, backend) anywhere in a benchmark report.
 *
 * @param json the parsed report
 * @returns the rows found
 * @example
 * ```ts
 * import { readMeasurements } from "./27.ts";
 * const rows = readMeasurements({ timings: [{ implementation: "wasm", d: 64, length: 64, ms: 2 }] });
 * if (rows[0]!.seconds !== 0.002 || rows[0]!.backend !== "wasm") throw new Error();
 * ```
 */
export function readMeasurements(json: unknown): Measurement[] {
  const out: Measurement[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 4 || typeof v !== "object" || v === null) return;
    if (Array.isArray(v)) {
      for (const item of v) visit(item, depth + 1);
      return;
    }
    const r = v as Record<string, unknown>;
    const L = Number(r.L ?? r.length ?? r.seqLen);
    const d = Number(r.d ?? r.dModel ?? r.width);
    const field = TIME_FIELDS.find(([k]) => typeof r[k] === "number");
    if (Number.isFinite(L) && Number.isFinite(d) && field) {
      out.push({
        L,
        d,
        seconds: (r[field[0]] as number) * field[1],
        backend: String(r.backend ?? r.implementation ?? r.name ?? "measured"),
      });
      return;
    }
    for (const child of Object.values(r)) visit(child, depth + 1);
  };
  visit(json, 0);
  return out;
}

/**
 * Least-squares fit of time ≈ a·L²d + b·Ld² in relative error (each point weighted by 1/t²,
 * so short and long runs count alike).
 *
 * @param rows measurements
 * @returns a and b
 * @example
 * ```ts
 * import { fitTime } from "./27.ts";
 * const rows = [[64, 64], [128, 64], [64, 256], [512, 256]].map(([L, d]) => ({
 *   L: L!, d: d!, backend: "x", seconds: 2e-9 * L! * L! * d! + 5e-9 * L! * d! * d!,
 * }));
 * const { a, b } = fitTime(rows);
 * if (Math.abs(a / 2e-9 - 1) > 1e-9 || Math.abs(b / 5e-9 - 1) > 1e-9) throw new Error();
 * ```
 */
export function fitTime(rows: Measurement[]): { a: number; b: number } {
  // normal equations of min Σ ((a·u + b·v − t) / t)² with u = L²d, v = Ld²
  let suu = 0, suv = 0, svv = 0, sut = 0, svt = 0;
  for (const { L, d, seconds: t } of rows) {
    const u = (L * L * d) / t;
    const v = (L * d * d) / t;
    suu += u * u;
    suv += u * v;
    svv += v * v;
    sut += u;
    svt += v;
  }
  const det = suu * svv - suv * suv;
  return { a: (sut * svv - svt * suv) / det, b: (svt * suu - sut * suv) / det };
}

/**
 * The figures of Problem 27.
 *
 * @param ctx what figures may read
 * @returns the FLOP-count picture and the measured one (or a note saying how to measure)
 * @example
 * ```ts ignore
 * const figs = await figures(ctx);
 * ```
 */
export async function figures(ctx: FigureContext): Promise<Figure[]> {
  const mod = await ctx.importProblem("27_transformer_flops");
  const count = pickFunction(mod, ["forwardCount"]);
  const cross = pickFunction(mod, ["crossoverLength"]);
  const out: Figure[] = [];
  if (count && cross) {
    const lengths = Array.from({ length: 25 }, (_, i) => Math.round(16 * 2 ** (i / 2)));
    const parts = WIDTHS.flatMap((d) =>
      lengths.flatMap((L) => {
        const c = count.fn(L, d, headsFor(d)) as Count;
        return [
          { d: `d = ${d}`, L, part: "quadratic in L (4L²d + 6HL²)", flops: c.quadratic },
          { d: `d = ${d}`, L, part: "linear in L (24Ld² + 4Ld)", flops: c.linear },
        ];
      })
    );
    const crossings = WIDTHS.flatMap((d) => [
      {
        d: `d = ${d}`,
        L: (cross.fn(d, headsFor(d), "matmul") as { exact: number }).exact,
        kind: "matrix products only: L* = 6d",
      },
      {
        d: `d = ${d}`,
        L: (cross.fn(d, headsFor(d), "all") as { exact: number }).exact,
        kind: "all operations",
      },
    ]);
    out.push({
      id: "fig-27-flops",
      title: "The FLOP count: where the L² part takes over",
      caption: "Forward FLOPs of one layer (MHA without mask + FFN, H = d/64 heads) split into " +
        "the part quadratic in L and the part linear in L, log–log. Vertical lines: the " +
        "crossover counting matrix products only (L* = 6d, solid) and counting every operation " +
        "(dashed).",
      svg: plotToSvg({
        width: 760,
        height: 300,
        marginLeft: 60,
        marginBottom: 42,
        fx: { label: null, domain: WIDTHS.map((d) => `d = ${d}`) },
        x: { type: "log", label: "sequence length L", labelAnchor: "center", labelOffset: 34 },
        y: { type: "log", label: "FLOPs", grid: true },
        color: { legend: true, range: ["#d1242f", "#0b57d0"] },
        marks: [
          Plot.line(parts, { fx: "d", x: "L", y: "flops", stroke: "part", strokeWidth: 2 }),
          Plot.ruleX(crossings.filter((c) => c.kind.startsWith("matrix")), {
            fx: "d",
            x: "L",
            stroke: "#333",
          }),
          Plot.ruleX(crossings.filter((c) => c.kind === "all operations"), {
            fx: "d",
            x: "L",
            stroke: "#333",
            strokeDasharray: "4 3",
          }),
          Plot.text(crossings.filter((c) => c.kind.startsWith("matrix")), {
            fx: "d",
            x: "L",
            text: (c: { L: number }) => `L* = ${c.L.toFixed(0)}`,
            frameAnchor: "top",
            dx: 4,
            dy: 6,
            textAnchor: "start",
            fontSize: 10,
          }),
        ],
      }),
    });
  }
  const bench = await ctx.readOutJson("bench/attention.json");
  const rows = bench ? readMeasurements(bench).filter((r) => r.seconds > 0) : [];
  if (rows.length < 2) {
    out.push({
      id: "fig-27-measured",
      title: "Measured: time against L, with the fitted curve and both crossovers",
      caption: "",
      missing: bench
        ? "out/bench/attention.json has no rows with L, d and a time yet."
        : "No measurements yet: run `deno task bench:report` (it writes " +
          "out/bench/attention.json), then `deno task book`, to draw this.",
    });
    return out;
  }
  const backends = [...new Set(rows.map((r) => r.backend))];
  // the report's own fits when it has them (so the picture and its table agree), else ours
  const given = (bench as { fits?: Record<string, { a?: unknown; b?: unknown }> }).fits ?? {};
  const fits = new Map(backends.map((b) => {
    const f = given[b];
    return [
      b,
      typeof f?.a === "number" && typeof f?.b === "number"
        ? { a: f.a, b: f.b }
        : fitTime(rows.filter((r) => r.backend === b)),
    ];
  }));
  const widths = [...new Set(rows.map((r) => r.d))].sort((a, b) => a - b);
  const Ls = rows.map((r) => r.L);
  const grid = Array.from(
    { length: 40 },
    (_, i) => Math.min(...Ls) * (Math.max(...Ls) / Math.min(...Ls)) ** (i / 39),
  );
  const curves = backends.flatMap((backend) => {
    const { a, b } = fits.get(backend)!;
    return widths.flatMap((d) =>
      grid.map((L) => ({ backend, d: `d = ${d}`, L, seconds: a * L * L * d + b * L * d * d }))
    );
  });
  const lines = widths.flatMap((d) => [
    ...backends.map((backend) => {
      const { a, b } = fits.get(backend)!;
      return { d: `d = ${d}`, L: (b / a) * d, kind: "measured", backend };
    }),
    { d: `d = ${d}`, L: 6 * d, kind: "FLOP count (6d)", backend: "" },
  ]).filter((x) => Number.isFinite(x.L) && x.L > 0);
  const fitText = backends.map((b) => {
    const { a, b: bb } = fits.get(b)!;
    return `${b}: a = ${a.toExponential(2)} s, b = ${bb.toExponential(2)} s, crossover L ≈ ${
      (bb / a).toFixed(1)
    }·d`;
  }).join("; ");
  out.push({
    id: "fig-27-measured",
    title: "Measured: time against L, with the fitted curve and both crossovers",
    caption: `Dots: measured seconds per forward pass; lines: the least-squares fit ` +
      `time ≈ a·L²d + b·Ld² (relative error); dashed, in each implementation's colour: its measured crossover L = (b/a)·d; ` +
      `solid grey: the FLOP-count crossover 6d. ${fitText}.`,
    svg: plotToSvg({
      width: 760,
      height: 320,
      marginLeft: 60,
      marginBottom: 42,
      fx: { label: null, domain: widths.map((d) => `d = ${d}`) },
      x: { type: "log", label: "sequence length L", labelAnchor: "center", labelOffset: 34 },
      y: { type: "log", label: "seconds", grid: true },
      color: { legend: true, scheme: "Tableau10" },
      marks: [
        Plot.dot(rows.map((r) => ({ ...r, d: `d = ${r.d}` })), {
          fx: "d",
          x: "L",
          y: "seconds",
          fill: "backend",
          r: 3,
        }),
        Plot.line(curves, { fx: "d", x: "L", y: "seconds", stroke: "backend" }),
        Plot.ruleX(lines.filter((l) => l.kind === "measured"), {
          fx: "d",
          x: "L",
          stroke: "backend",
          strokeDasharray: "4 3",
        }),
        Plot.ruleX(lines.filter((l) => l.kind !== "measured"), {
          fx: "d",
          x: "L",
          stroke: "#999",
          strokeWidth: 2,
        }),
      ],
    }),
  });
  return out;
}
