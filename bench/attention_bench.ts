/**
 * The attention scaling benchmark: one Pre-LN layer (MHA with d_K = 64 + FFN, forward) over
 * L = 64 … 4096 and d ∈ {64, 256, 512}, on tfjs's wasm backend (the project's default), the
 * blas backend (wasm with OpenBLAS's matrix products, where OpenBLAS and --allow-ffi are
 * there), its cpu backend, and the float64 reference. Slow implementations skip the largest
 * configurations unless `BENCH_FULL=1`. Every backend is first checked against the reference.
 *
 * Run: `deno bench --allow-read --allow-env bench/attention_bench.ts`, or with the blas
 * backend `deno task bench:blas`; the report with fits, GFLOP/s, crossovers and the numpy
 * comparison: `deno task bench:report`.
 *
 * @module
 */
import { blasSummary } from "../shared/tf/mod.ts";
import {
  benchConfigs,
  benchName,
  checkImplementations,
  type Implementation,
  type LayerInputs,
  layerInputs,
  prepare,
  type Prepared,
} from "./attention_cases.ts";

// Check once, outside the timed region, that the compared implementations agree.
const errors = await checkImplementations();
console.error(
  `attention bench: the tfjs layers match the float64 reference (relative error ` +
    Object.entries(errors).map(([b, e]) => `${b} ${e.toExponential(1)}`).join(", ") + ")",
);
console.error(`attention bench: ${blasSummary()}`);

// One configuration is kept prepared at a time: inputs and uploaded weights are built on the
// first (warm-up) call of a benchmark, outside b.start()/b.end(), and freed when the next
// configuration starts.
let current: { key: string; prepared: Prepared } | undefined;
let inputs: { key: string; value: LayerInputs } | undefined;

async function preparedFor(implementation: Implementation, d: number, length: number) {
  const key = benchName({ implementation, d, length });
  if (current?.key === key) return current.prepared;
  current?.prepared.dispose();
  current = undefined;
  const inputKey = `${d}/${length}`;
  if (inputs?.key !== inputKey) inputs = { key: inputKey, value: layerInputs(d, length) };
  current = { key, prepared: await prepare(implementation, inputs.value) };
  return current.prepared;
}

for (const c of benchConfigs()) {
  Deno.bench({
    name: benchName(c),
    group: `d=${c.d} L=${c.length}`,
    baseline: c.implementation === "wasm",
    n: c.n,
    warmup: 1,
    fn: async (b) => {
      const prepared = await preparedFor(c.implementation, c.d, c.length);
      b.start();
      prepared.run();
      b.end();
    },
  });
}
