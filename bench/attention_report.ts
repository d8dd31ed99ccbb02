/**
 * The attention scaling report (`deno task bench:report`): runs `bench/attention_bench.ts`
 * with `deno bench --json`, times the same Pre-LN layer with numpy when python3 has it,
 * and turns the results into
 *
 * - time and achieved GFLOP/s per configuration and implementation (FLOPs of Problem 27),
 *   with the peak GFLOP/s of each implementation,
 * - per implementation a least-squares fit time ≈ a·L²d + b·Ld² (relative residuals, so
 *   short and long sequences weigh alike), over all widths and for each width alone, and
 *   the measured crossover L = (b/a)·d where the quadratic part takes over, next to the
 *   FLOP-count crossovers of Problem 27,
 * - the ratio of the wasm and blas layers' times to numpy's, with its default BLAS threads
 *   ("numpy") and with one BLAS thread ("numpy1", the like-for-like peer of the one-thread
 *   wasm layer; on a loaded machine OpenBLAS's threads can spin against other processes and
 *   the default is then slower than one thread).
 *
 * The blas backend (wasm with OpenBLAS's matrix products) is a column where OpenBLAS is
 * installed and the task grants --allow-ffi (as `deno task bench:report` does); otherwise
 * the report says in one line how to enable it.
 *
 * Writes `out/bench/attention.json` (for plots) and prints a table. Times are the minimum
 * over iterations: the machine is shared, and the minimum is the estimate least disturbed
 * by other processes. `BENCH_FULL=1` passes through to the benchmark.
 *
 * @module
 */
import { crossoverLength, forwardCount } from "../problems/27_transformer_flops/mod.ts";
import { runCommand, UsageError } from "../shared/testing/mod.ts";
import { blasSummary, isBlasAvailable } from "../shared/tf/mod.ts";
import {
  HEAD_WIDTH,
  type Implementation,
  IMPLEMENTATIONS,
  layerInputs,
  LENGTHS,
  parseBenchName,
  prepare,
  WIDTHS,
} from "./attention_cases.ts";

/** One measured time. */
interface Timing {
  implementation: Implementation | "numpy" | "numpy1";
  d: number;
  length: number;
  heads: number;
  /** Minimum over iterations, milliseconds. */
  ms: number;
  /** Mean over iterations, milliseconds. */
  meanMs: number;
  /** Iterations measured. */
  n: number;
  /** Problem 27's FLOPs per forward pass. */
  flops: number;
  /** flops / time. */
  gflops: number;
}

/** A fit time ≈ a·L²d + b·Ld² (seconds per unit). */
export interface Fit {
  a: number;
  b: number;
  /** b/a: the measured crossover is L = (b/a)·d (Problem 27's FLOP count gives 6). */
  ratio: number;
  /** Root mean square of the relative residuals. */
  rmsRelativeResidual: number;
  points: number;
}

/**
 * Least squares for t ≈ a·x + b·y with weights 1/t² (relative error): the 2×2 normal equations.
 *
 * @param points (x = L²d, y = Ld², t seconds)
 * @returns the fit, or undefined with fewer than 2 points or a singular system
 * @example
 * ```ts
 * import { fitTimes } from "./attention_report.ts";
 * // times made exactly of a = 2e-10, b = 6e-10 (b/a = 3): the fit returns them
 * const pts = [64, 256, 1024].map((L) => ({ x: L * L * 64, y: L * 64 * 64, t: 2e-10 * L * L * 64 + 6e-10 * L * 64 * 64 }));
 * const f = fitTimes(pts)!;
 * if (Math.abs(f.ratio - 3) > 1e-9 || f.rmsRelativeResidual > 1e-12) throw new Error(JSON.stringify(f));
 * ```
 */
export function fitTimes(points: { x: number; y: number; t: number }[]): Fit | undefined {
  if (points.length < 2) return undefined;
  let sxx = 0, sxy = 0, syy = 0, sxt = 0, syt = 0;
  for (const { x, y, t } of points) {
    const w = 1 / (t * t);
    sxx += w * x * x;
    sxy += w * x * y;
    syy += w * y * y;
    sxt += w * x * t;
    syt += w * y * t;
  }
  const det = sxx * syy - sxy * sxy;
  if (!(Math.abs(det) > 0)) return undefined;
  const a = (sxt * syy - syt * sxy) / det;
  const b = (syt * sxx - sxt * sxy) / det;
  const rms = Math.sqrt(
    points.reduce((s, { x, y, t }) => s + ((a * x + b * y - t) / t) ** 2, 0) / points.length,
  );
  return { a, b, ratio: b / a, rmsRelativeResidual: rms, points: points.length };
}

function ffiGranted(): boolean {
  return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
}

/** Runs the Deno benchmark and returns its timings. */
async function runDenoBench(): Promise<{ timings: Timing[]; runtime: string; cpu: string }> {
  const bench = new URL("./attention_bench.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    // the blas backend needs FFI: granted to the benchmark exactly when this report has it
    args: [
      "bench",
      "--json",
      "--allow-read",
      "--allow-env",
      ...(ffiGranted() ? ["--allow-ffi"] : []),
      bench,
    ],
    stdout: "piped",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).output();
  if (!out.success) throw new Error(`deno bench failed with code ${out.code}`);
  const json = JSON.parse(new TextDecoder().decode(out.stdout));
  const timings: Timing[] = [];
  for (const b of json.benches) {
    const parsed = parseBenchName(b.name);
    const ok = b.results?.[0]?.ok;
    if (!parsed || !ok) continue;
    timings.push(
      timing(parsed.implementation, parsed.d, parsed.length, ok.min / 1e6, ok.avg / 1e6, ok.n),
    );
  }
  return { timings, runtime: json.runtime, cpu: json.cpu };
}

function timing(
  implementation: Timing["implementation"],
  d: number,
  length: number,
  ms: number,
  meanMs: number,
  n: number,
): Timing {
  const heads = d / HEAD_WIDTH;
  const flops = forwardCount(length, d, heads).flops;
  return { implementation, d, length, heads, ms, meanMs, n, flops, gflops: flops / (ms * 1e6) };
}

/** The numpy version of the layer, timed in one python3 process; prints JSON. */
const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
cfgs = json.loads(sys.argv[1])
rng = np.random.default_rng(0)
out = []
for d, L, H in cfgs:
    dk = d // H
    f32 = np.float32
    X = rng.standard_normal((L, d)).astype(f32)
    Wq, Wk, Wv, Wo = [(rng.standard_normal((d, d)) / np.sqrt(d)).astype(f32) for _ in range(4)]
    W1 = (rng.standard_normal((d, 4 * d)) / np.sqrt(d)).astype(f32)
    W2 = (rng.standard_normal((4 * d, d)) / np.sqrt(4 * d)).astype(f32)
    g, b = np.ones(d, f32), np.zeros(d, f32)
    def ln(x):
        m = x.mean(-1, keepdims=True)
        v = x.var(-1, keepdims=True)
        return (x - m) / np.sqrt(v + f32(1e-5)) * g + b
    def layer(x):
        h = ln(x)
        q, k, v = (h @ Wq) * f32(1 / np.sqrt(dk)), h @ Wk, h @ Wv
        heads = []
        for i in range(H):
            s = q[:, i * dk:(i + 1) * dk] @ k[:, i * dk:(i + 1) * dk].T
            e = np.exp(s - s.max(-1, keepdims=True))
            heads.append((e / e.sum(-1, keepdims=True)) @ v[:, i * dk:(i + 1) * dk])
        x = x + np.concatenate(heads, 1) @ Wo
        return x + np.maximum(ln(x) @ W1, 0) @ W2
    layer(X)
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < 1.0 and len(times) < 100):
        t0 = time.perf_counter()
        layer(X)
        times.append(time.perf_counter() - t0)
    out.append({"d": d, "L": L, "min": min(times), "mean": sum(times) / len(times), "n": len(times)})
print(json.dumps({"numpy": np.__version__, "results": out}))
`;

/**
 * Times the layer with numpy, or explains why not. `singleThread` pins the BLAS to one
 * thread (as our wasm layer runs on one), otherwise numpy uses its default (all cores).
 */
async function runNumpy(
  configs: [number, number, number][],
  singleThread: boolean,
): Promise<{ timings: Timing[]; note: string }> {
  let out: Deno.CommandOutput;
  const one = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  try {
    out = await new Deno.Command("python3", {
      args: ["-c", NUMPY_SCRIPT, JSON.stringify(configs)],
      stdout: "piped",
      stderr: "piped",
      env: singleThread ? one : {},
    }).output();
  } catch (e) {
    return { timings: [], note: `numpy skipped: python3 could not be started (${String(e)})` };
  }
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "";
    return { timings: [], note: `numpy skipped: python3 -c "import numpy" failed (${err})` };
  }
  const json = JSON.parse(new TextDecoder().decode(out.stdout));
  const timings = (json.results as { d: number; L: number; min: number; mean: number; n: number }[])
    .map((r) =>
      timing(singleThread ? "numpy1" : "numpy", r.d, r.L, r.min * 1e3, r.mean * 1e3, r.n)
    );
  const threads = singleThread ? "one BLAS thread" : "default BLAS threads";
  return { timings, note: `numpy ${json.numpy} (${threads}), float32, the same layer` };
}

function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toPrecision(3)} ms`;
}

const USAGE = "usage: [BENCH_FULL=1] deno task bench:report (no arguments)";

/** The tfjs backends whose time is compared with numpy's. */
const COMPARED = ["wasm", "blas"] as const;

/** The goal's configurations: blas against numpy at d = 256, L = 256 … 4096. */
const GOAL_WIDTH = 256;
const GOAL_LENGTHS = LENGTHS.filter((L) => L >= 256);
/** Rounds of the paired comparison, each timing numpy and then blas once more. */
const PAIRED_ROUNDS = 3;

/** One configuration of the paired comparison: the minimum time of each side. */
interface Paired {
  d: number;
  length: number;
  blasMs: number;
  numpyMs: number;
  /** numpy time / blas time: ≥ 1 means blas is at least as fast. */
  speedRelativeToNumpy: number;
}

/**
 * blas against numpy at the goal's configurations, alternating the two in rounds so that a
 * change in the shared machine's load hits both alike (the table's columns are minutes apart):
 * per round, numpy times the layer (minimum over its iterations), then this process times the
 * blas layer (minimum over at least 3 iterations or 1 s); the minimum over rounds is kept.
 */
async function pairedWithNumpy(): Promise<Paired[]> {
  const out: Paired[] = [];
  for (const L of GOAL_LENGTHS) {
    const d = GOAL_WIDTH;
    const prepared = await prepare("blas", layerInputs(d, L));
    prepared.run(); // warm-up
    let blasMs = Infinity, numpyMs = Infinity;
    for (let r = 0; r < PAIRED_ROUNDS; r++) {
      const np = await runNumpy([[d, L, d / HEAD_WIDTH]], false);
      if (np.timings.length === 0) break;
      numpyMs = Math.min(numpyMs, np.timings[0]!.ms);
      const start = performance.now();
      for (let i = 0; i < 3 || (i < 30 && performance.now() - start < 1000); i++) {
        const t0 = performance.now();
        prepared.run();
        blasMs = Math.min(blasMs, performance.now() - t0);
      }
    }
    prepared.dispose();
    if (Number.isFinite(numpyMs)) {
      out.push({ d, length: L, blasMs, numpyMs, speedRelativeToNumpy: numpyMs / blasMs });
    }
  }
  return out;
}

/**
 * Refuses what the report does not take: any argument, and a `BENCH_FULL` other than 0 or 1
 * (which the benchmark would otherwise quietly read as 0).
 *
 * @param args the command-line arguments
 * @param benchFull the value of `BENCH_FULL`, if set
 * @throws UsageError naming the argument or the variable, its value and what is allowed
 * @example
 * ```ts
 * import { checkReportArgs } from "./attention_report.ts";
 * checkReportArgs([], "1");
 * let message = "";
 * try { checkReportArgs([], "yes"); } catch (e) { message = (e as Error).message; }
 * if (!message.startsWith('BENCH_FULL must be 0 or 1, got "yes"')) throw new Error(message);
 * ```
 */
export function checkReportArgs(args: readonly string[], benchFull: string | undefined): void {
  if (args.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(args[0])}; ${USAGE}`);
  }
  if (benchFull !== undefined && benchFull !== "" && benchFull !== "0" && benchFull !== "1") {
    throw new UsageError(`BENCH_FULL must be 0 or 1, got ${JSON.stringify(benchFull)}; ${USAGE}`);
  }
}

if (import.meta.main) {
  await runCommand("bench:report", async () => {
    checkReportArgs(Deno.args, Deno.env.get("BENCH_FULL"));
    await runReport();
    return 0;
  });
}

async function runReport(): Promise<void> {
  const { timings, runtime, cpu } = await runDenoBench();
  const configs: [number, number, number][] = [];
  for (const d of WIDTHS) for (const L of LENGTHS) configs.push([d, L, d / HEAD_WIDTH]);
  const numpy = await runNumpy(configs, false);
  const numpy1 = await runNumpy(configs, true);
  const paired = isBlasAvailable() && numpy.timings.length > 0 ? await pairedWithNumpy() : [];
  const all = [...timings, ...numpy.timings, ...numpy1.timings];
  const find = (impl: Timing["implementation"], d: number, L: number) =>
    all.find((t) => t.implementation === impl && t.d === d && t.length === L);

  // implementations that produced timings (blas only where it is available)
  const impls = ([...IMPLEMENTATIONS, "numpy", "numpy1"] as Timing["implementation"][])
    .filter((impl) => all.some((t) => t.implementation === impl));
  const points = (impl: Timing["implementation"], d?: number) =>
    all.filter((t) => t.implementation === impl && (d === undefined || t.d === d)).map((t) => ({
      x: t.length * t.length * t.d,
      y: t.length * t.d * t.d,
      t: t.ms / 1e3,
    }));
  const fits: Record<string, Fit | undefined> = {};
  for (const impl of impls) fits[impl] = fitTimes(points(impl));
  // one fit per width as well: its crossover is that width's own, not the average shape's
  const fitsByWidth: Record<string, Record<number, Fit | undefined>> = {};
  for (const impl of impls) {
    fitsByWidth[impl] = Object.fromEntries(WIDTHS.map((d) => [d, fitTimes(points(impl, d))]));
  }
  const crossovers = WIDTHS.map((d) => ({
    d,
    heads: d / HEAD_WIDTH,
    flopMatmul: crossoverLength(d, d / HEAD_WIDTH).exact,
    flopAll: crossoverLength(d, d / HEAD_WIDTH, "all").exact,
    measured: Object.fromEntries(
      impls.map((impl) => [impl, fits[impl] ? fits[impl]!.ratio * d : null]),
    ),
    measuredThisWidth: Object.fromEntries(
      impls.map((impl) => {
        const f = fitsByWidth[impl]![d];
        return [impl, f ? f.ratio * d : null];
      }),
    ),
  }));
  // time ratios to numpy per configuration (> 1: slower than numpy)
  const ratios = all.filter((t) => (COMPARED as readonly string[]).includes(t.implementation))
    .flatMap((t) => {
      const np = find("numpy", t.d, t.length), np1 = find("numpy1", t.d, t.length);
      return np
        ? [{
          implementation: t.implementation,
          d: t.d,
          length: t.length,
          overNumpy: t.ms / np.ms,
          overNumpy1: np1 ? t.ms / np1.ms : null,
        }]
        : [];
    });
  const ratioOf = (impl: string, d: number, L: number) =>
    ratios.find((r) => r.implementation === impl && r.d === d && r.length === L);
  const compared = COMPARED.filter((impl) => impls.includes(impl));

  // the table
  const header = [
    "d",
    "L",
    "H",
    ...impls.flatMap((i) => [`${i} time`, `${i} GFLOP/s`]),
    ...compared.flatMap((i) => [`${i}/numpy`, `${i}/numpy1`]),
  ];
  const rows: string[][] = [];
  for (const d of WIDTHS) {
    for (const L of LENGTHS) {
      const row = [String(d), String(L), String(d / HEAD_WIDTH)];
      for (const impl of impls) {
        const t = find(impl, d, L);
        row.push(fmtMs(t?.ms), t ? t.gflops.toFixed(1) : "—");
      }
      for (const impl of compared) {
        const r = ratioOf(impl, d, L);
        row.push(r ? `${r.overNumpy.toFixed(2)}×` : "—");
        row.push(r?.overNumpy1 ? `${r.overNumpy1.toFixed(2)}×` : "—");
      }
      rows.push(row);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => c.padStart(widths[i]!)).join(" | ") + " |";
  console.log(
    `\nOne Pre-LN layer (MHA with d_K = ${HEAD_WIDTH}, FFN ×4), forward; ${runtime}, ${cpu}`,
  );
  console.log(blasSummary());
  console.log(
    "time = minimum over iterations; GFLOP/s from Problem 27's count; x/numpy = time ratio\n",
  );
  console.log(line(header));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  rows.forEach((r) => console.log(line(r)));
  console.log("\nPeak GFLOP/s over the configurations:");
  for (const impl of impls) {
    const best = all.filter((t) => t.implementation === impl)
      .reduce((b, t) => (t.gflops > b.gflops ? t : b));
    console.log(
      `  ${impl.padEnd(9)} ${best.gflops.toFixed(1)} (d = ${best.d}, L = ${best.length})`,
    );
  }
  const fitLine = (f: Fit) =>
    `a = ${f.a.toExponential(3)}  b = ${f.b.toExponential(3)}  b/a = ${f.ratio.toFixed(2)}` +
    `  (rms relative residual ${(100 * f.rmsRelativeResidual).toFixed(0)}%, ${f.points} points)`;
  console.log("\nFit time ≈ a·L²d + b·Ld² (seconds), crossover L = (b/a)·d; all widths together:");
  for (const impl of impls) {
    const f = fits[impl];
    console.log(`  ${impl.padEnd(9)} ${f ? fitLine(f) : "not enough points"}`);
  }
  console.log("\nThe same fit for each width alone:");
  for (const d of WIDTHS) {
    for (const impl of impls) {
      const f = fitsByWidth[impl]![d];
      console.log(
        `  d = ${String(d).padEnd(3)} ${impl.padEnd(9)} ${f ? fitLine(f) : "not enough points"}`,
      );
    }
  }
  console.log(
    "\nCrossover L (quadratic part takes over), measured / FLOP count (matrix products):",
  );
  for (const c of crossovers) {
    const measured = impls.map((i) => {
      const own = c.measuredThisWidth[i], global = c.measured[i];
      if (own === null || own === undefined) return `${i} —`;
      return `${i} ${Math.round(own)} (${(own / c.flopMatmul).toFixed(2)}; all widths ${
        global === null || global === undefined ? "—" : Math.round(global)
      })`;
    }).join(", ");
    console.log(
      `  d = ${c.d}: FLOPs ${c.flopMatmul} (matrix products, 6d), ${
        c.flopAll.toFixed(0)
      } (all ops); measured: ${measured}`,
    );
  }
  console.log(`\nnumpy: ${numpy.note}; numpy1: ${numpy1.note}`);
  for (const impl of compared) {
    const target = ratios.filter((r) =>
      r.implementation === impl && r.d === 256 && r.length >= 256
    );
    if (target.length === 0) continue;
    console.log(
      `${impl} at d = 256, L ≥ 256, speed relative to numpy (numpy time / ${impl} time): ${
        target.map((r) => `L=${r.length} ${(1 / r.overNumpy).toFixed(2)}×`).join(", ")
      }; relative to one-thread numpy: ${
        target.map((r) => `L=${r.length} ${r.overNumpy1 ? (1 / r.overNumpy1).toFixed(2) : "—"}×`)
          .join(", ")
      }`,
    );
  }

  if (paired.length > 0) {
    console.log(
      `blas against numpy at d = ${GOAL_WIDTH}, paired (${PAIRED_ROUNDS} alternating rounds, ` +
        `minimum of each), speed relative to numpy: ${
          paired.map((p) =>
            `L=${p.length} ${p.speedRelativeToNumpy.toFixed(2)}× (${fmtMs(p.blasMs)} vs ${
              fmtMs(p.numpyMs)
            })`
          ).join(", ")
        } (goal ≥ 0.8×)`,
    );
  }

  const report = {
    generated: new Date().toISOString(),
    runtime,
    cpu,
    blas: blasSummary(),
    layer:
      `Pre-LN layer, MHA with d_K = ${HEAD_WIDTH} (H = d/${HEAD_WIDTH}), ReLU FFN ×4, float32 (reference float64)`,
    timeStatistic: "minimum over iterations (mean also given)",
    flopConvention: "Problem 27: 24Ld² + 4L²d + 6HL² + 4Ld (a multiply–add is 2 FLOPs)",
    timings: all,
    fits,
    fitsByWidth,
    crossovers,
    numpy: { note: numpy.note, singleThreadNote: numpy1.note, timeRatios: ratios, paired },
  };
  await Deno.mkdir(new URL("../out/bench/", import.meta.url), { recursive: true });
  const path = new URL("../out/bench/attention.json", import.meta.url);
  await Deno.writeTextFile(path, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nwritten: ${path.pathname}`);
}
