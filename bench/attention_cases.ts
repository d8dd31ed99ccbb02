/**
 * The configurations of the attention scaling benchmark, shared by `attention_bench.ts`
 * (which times them) and `attention_report.ts` (which fits and reports): one Pre-LN layer
 * (LayerNorm, MHA with d_K = 64, LayerNorm, ReLU FFN with expansion 4, residuals), forward,
 * for L from 64 to 4096 and d ∈ {64, 256, 512}, on tfjs's wasm and cpu backends, the blas
 * backend (wasm with OpenBLAS's matrix products; only with OpenBLAS and --allow-ffi) and the
 * float64 reference.
 *
 * @module
 */
import {
  disposeParams,
  initLayer,
  type LayerParams,
  type Matrix,
  matrixFromTensor,
  normalMatrix,
  preLnLayer,
  preLnLayerRef,
  tensorFromMatrix,
  toTensors,
} from "../shared/attention/mod.ts";
import { Rng } from "../shared/random/mod.ts";
import { isBlasAvailable, tf, useBackend } from "../shared/tf/mod.ts";
import { forwardCount } from "../problems/27_transformer_flops/mod.ts";

/** What runs the layer. */
export type Implementation = "wasm" | "blas" | "cpu" | "reference";

/** All implementations, the project's default first; `blas` runs only where it is available. */
export const IMPLEMENTATIONS: readonly Implementation[] = ["wasm", "blas", "cpu", "reference"];

/** The tfjs backends among them. */
export type TfImplementation = Exclude<Implementation, "reference">;

/** Model widths. */
export const WIDTHS = [64, 256, 512] as const;

/** Sequence lengths. */
export const LENGTHS = [64, 128, 256, 512, 1024, 2048, 4096] as const;

/** Width per head (d_K = 64, as in most models), so H = d/64. */
export const HEAD_WIDTH = 64;

/** One benchmark configuration. */
export interface BenchConfig {
  /** Implementation. */
  implementation: Implementation;
  /** Model width d. */
  d: number;
  /** Sequence length L. */
  length: number;
  /** Heads H = d/64. */
  heads: number;
  /** FLOPs of MHA + FFN (Problem 27's count; LayerNorms and residuals add O(Ld) more). */
  flops: number;
  /** Measured iterations (after one warm-up). */
  n: number;
}

/**
 * Rough speeds (FLOP/s) measured on the 2-core machine, used only to choose iteration
 * counts and which configurations the default run includes.
 */
const ROUGH_SPEED: Record<Implementation, number> = {
  wasm: 30e9,
  blas: 80e9,
  cpu: 1e9,
  reference: 2e9,
};

/** Longest time one iteration may take in the default run, per implementation (seconds). */
const DEFAULT_LIMIT: Record<Implementation, number> = { wasm: 5, blas: 5, cpu: 1, reference: 1 };

/** Aim for about this much measured time per configuration (seconds). */
const TARGET_SECONDS = 1;

/**
 * The configurations to run. By default slow implementations skip the configurations whose
 * single iteration would take longer than about a second; `BENCH_FULL=1` runs everything
 * (the cpu backend then needs about a minute per iteration at d = 512, L = 4096). The blas
 * backend's configurations are left out where it is unavailable.
 *
 * @param full run every configuration (default: env `BENCH_FULL` = "1")
 * @param blas include the blas backend (default: whether it is available)
 * @returns the configurations, grouped by width and length
 * @example
 * ```ts
 * import { benchConfigs } from "./attention_cases.ts";
 * const cs = benchConfigs(false);
 * if (!cs.some((c) => c.implementation === "wasm" && c.d === 512 && c.length === 4096)) throw new Error();
 * ```
 */
export function benchConfigs(full = envFull(), blas = isBlasAvailable()): BenchConfig[] {
  const out: BenchConfig[] = [];
  for (const d of WIDTHS) {
    for (const length of LENGTHS) {
      for (const implementation of IMPLEMENTATIONS) {
        if (implementation === "blas" && !blas) continue;
        const heads = d / HEAD_WIDTH;
        const flops = forwardCount(length, d, heads).flops;
        const seconds = flops / ROUGH_SPEED[implementation];
        if (!full && seconds > DEFAULT_LIMIT[implementation]) continue;
        const n = Math.max(1, Math.min(30, Math.floor(TARGET_SECONDS / seconds)));
        out.push({ implementation, d, length, heads, flops, n });
      }
    }
  }
  return out;
}

function envFull(): boolean {
  try {
    return Deno.env.get("BENCH_FULL") === "1";
  } catch {
    return false;
  }
}

/**
 * The benchmark's name for a configuration, parsed back by the report.
 *
 * @param c the configuration
 * @returns e.g. "wasm d=256 L=1024"
 * @example
 * ```ts
 * import { benchName, parseBenchName } from "./attention_cases.ts";
 * const n = benchName({ implementation: "cpu", d: 64, length: 128 });
 * if (parseBenchName(n)?.length !== 128) throw new Error();
 * ```
 */
export function benchName(c: Pick<BenchConfig, "implementation" | "d" | "length">): string {
  return `${c.implementation} d=${c.d} L=${c.length}`;
}

/**
 * Parses a benchmark name.
 *
 * @param name as made by {@link benchName}
 * @returns the implementation, d and L, or undefined for another benchmark
 * @example
 * ```ts
 * import { parseBenchName } from "./attention_cases.ts";
 * if (parseBenchName("something else") !== undefined) throw new Error();
 * ```
 */
export function parseBenchName(
  name: string,
): Pick<BenchConfig, "implementation" | "d" | "length"> | undefined {
  const m = /^(wasm|blas|cpu|reference) d=(\d+) L=(\d+)$/.exec(name);
  if (!m) return undefined;
  return { implementation: m[1] as Implementation, d: Number(m[2]), length: Number(m[3]) };
}

/** The inputs of one configuration: random weights and X, in float64. */
export interface LayerInputs {
  /** Layer parameters (LeCun normal, identity LayerNorms). */
  params: LayerParams;
  /** `[L, d]` input. */
  x: Matrix;
}

/**
 * Seeded inputs for a configuration.
 *
 * @param d width
 * @param length L
 * @returns parameters and input
 * @example
 * ```ts
 * import { layerInputs } from "./attention_cases.ts";
 * if (layerInputs(64, 8).x.rows !== 8) throw new Error();
 * ```
 */
export function layerInputs(d: number, length: number): LayerInputs {
  return {
    params: initLayer(new Rng(d * 100003 + length), { d, heads: d / HEAD_WIDTH }),
    x: normalMatrix(new Rng(length * 7919 + d), length, d, 1),
  };
}

/** A prepared configuration: `run` computes one forward pass, `dispose` frees it. */
export interface Prepared {
  /** One forward pass (the timed region); returns the output's first entry. */
  run(): number;
  /** The whole output, for correctness checks. */
  output(): Matrix;
  /** Frees tensors. */
  dispose(): void;
}

/**
 * Prepares a configuration on its implementation: switches the tfjs backend and uploads
 * the weights (outside any timed region).
 *
 * @param implementation what runs the layer
 * @param inputs the weights and input
 * @returns the runner
 * @example
 * ```ts
 * import { layerInputs, prepare } from "./attention_cases.ts";
 * const p = await prepare("wasm", layerInputs(64, 8));
 * if (!Number.isFinite(p.run())) throw new Error();
 * p.dispose();
 * ```
 */
export async function prepare(
  implementation: Implementation,
  inputs: LayerInputs,
): Promise<Prepared> {
  if (implementation === "reference") {
    return {
      run: () => preLnLayerRef(inputs.x, inputs.params).data[0]!,
      output: () => preLnLayerRef(inputs.x, inputs.params),
      dispose: () => {},
    };
  }
  await useBackend(implementation);
  const p = toTensors(inputs.params), x = tensorFromMatrix(inputs.x);
  const forward = () => preLnLayer(x, p);
  return {
    run: () => {
      const y = forward();
      const first = y.dataSync()[0]!; // waits for the result
      y.dispose();
      return first;
    },
    output: () => {
      const y = forward();
      const m = matrixFromTensor(y);
      y.dispose();
      return m;
    },
    dispose: () => {
      x.dispose();
      disposeParams(p);
    },
  };
}

/** Relative tolerance of the float32 layers against the float64 reference (see `checkImplementations`). */
const TOLERANCE = 1e-4;

/**
 * Checks once, outside the benchmark, that every tfjs backend computes the reference's
 * layer: max |y − y_ref| ≤ 1e-4 · max(1, max |y_ref|) at d = 64, L = 64 (float32 against
 * float64; sums of at most 256 terms give errors around 1e-6 of the scale). The blas backend
 * is checked where it is available.
 *
 * @returns the worst relative error per backend (`blas` only where it ran)
 * @throws Error naming the backend that disagrees
 * @example
 * ```ts
 * import { checkImplementations } from "./attention_cases.ts";
 * const errors = await checkImplementations();
 * if (!(errors.wasm < 1e-4)) throw new Error();
 * ```
 */
export async function checkImplementations(): Promise<
  Record<"wasm" | "cpu", number> & { blas?: number }
> {
  const inputs = layerInputs(64, 64);
  const expected = preLnLayerRef(inputs.x, inputs.params);
  const scale = expected.data.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  const errors: Record<"wasm" | "cpu", number> & { blas?: number } = { wasm: 0, cpu: 0 };
  const before = tf.getBackend();
  const backends: TfImplementation[] = isBlasAvailable()
    ? ["wasm", "blas", "cpu"]
    : ["wasm", "cpu"];
  for (const b of backends) {
    const p = await prepare(b, inputs);
    const got = p.output();
    p.dispose();
    const err = got.data.reduce((m, v, i) => Math.max(m, Math.abs(v - expected.data[i]!)), 0) /
      scale;
    if (!(err <= TOLERANCE)) {
      throw new Error(`attention bench: the ${b} layer is off the reference by ${err} (relative)`);
    }
    errors[b] = err;
  }
  await useBackend(before as TfImplementation);
  return errors;
}
