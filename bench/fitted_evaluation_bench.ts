/**
 * The fitted evaluation benchmark (Problems 16 and 17): one full default run of fitted Monte
 * Carlo and of fitted k-step TD for k = 1, 3, 10 (8,000 episodes each), and one Adam step of
 * the Q-network on the whole 48 × 4 table (timed as 20 steps) on tfjs's `wasm` and `cpu` backends. Before timing,
 * one run of each algorithm prints its RMSE and the episodes at which the bound was first met.
 *
 * Run: `deno bench --allow-read --allow-env bench/fitted_evaluation_bench.ts`
 *
 * @module
 */
import { FITTED_MC_CONFIG, fittedMonteCarlo } from "../problems/16_fitted_mc/mod.ts";
import { FITTED_TD_CONFIG, fittedKStepTd } from "../problems/17_fitted_td/mod.ts";
import { QNet } from "../shared/qnet/mod.ts";
import { tf, useBackend } from "../shared/tf/mod.ts";

const SEED = 1;

// Once, outside the timed region: what each run reaches and when it first meets the bound.
for (
  const [name, run] of [
    ["mc", () => fittedMonteCarlo({ seed: SEED })],
    ...FITTED_TD_CONFIG.ks.map((k) =>
      [`td k=${k}`, () => fittedKStepTd({ seed: SEED, k })] as const
    ),
  ] as const
) {
  const r = run();
  const first = r.curve.find((p) => p.rmse <= FITTED_MC_CONFIG.rmseBound);
  console.error(
    `${name}: RMSE ${r.rmse.toFixed(2)} after ${r.episodes} episodes (${r.samples} samples, ` +
      `${(r.ms / 1000).toFixed(2)} s); bound ${FITTED_MC_CONFIG.rmseBound} first met after ` +
      (first
        ? `${first.episodes} episodes (${first.samples} samples, ${(first.ms / 1000).toFixed(2)} s)`
        : "never"),
  );
}

Deno.bench({
  group: "fitted evaluation, 8,000 episodes",
  name: "Monte Carlo",
  baseline: true,
  n: 3,
  warmup: 1,
  fn: () => {
    fittedMonteCarlo({ seed: SEED });
  },
});
for (const k of FITTED_TD_CONFIG.ks) {
  Deno.bench({
    group: "fitted evaluation, 8,000 episodes",
    name: `k-step TD, k = ${k}`,
    n: 3,
    warmup: 1,
    fn: () => {
      fittedKStepTd({ seed: SEED, k });
    },
  });
}

// One Adam step on the whole table, per backend. The two backends are first checked to give
// the same table after the same steps (float32 agreement to 1e-4 relative).
const targets = Float32Array.from({ length: 192 }, (_, i) => (i % 9) * 10 - 40);
const weights = Float32Array.from({ length: 192 }, (_, i) => 1 + (i % 3));
async function tableAfterSteps(backend: "wasm" | "cpu", steps: number): Promise<Float32Array> {
  await useBackend(backend);
  const net = new QNet({ nStates: 48, nActions: 4, seed: SEED, outputScale: 100 });
  const opt = tf.train.adam(3e-3);
  for (let i = 0; i < steps; i++) net.fitTable(opt, targets, weights);
  const q = net.table();
  net.dispose();
  opt.dispose();
  return q;
}
const [qWasm, qCpu] = [await tableAfterSteps("wasm", 20), await tableAfterSteps("cpu", 20)];
const worst = Math.max(...qWasm.map((x, i) => Math.abs(x - qCpu[i]!) / (1 + Math.abs(qCpu[i]!))));
if (!(worst < 1e-4)) throw new Error(`wasm and cpu disagree after 20 steps: ${worst}`);
await useBackend("wasm");

for (const backend of ["wasm", "cpu"] as const) {
  let net: QNet | undefined;
  let opt: tf.Optimizer | undefined;
  Deno.bench({
    group: "Q-network, 20 Adam steps on the 48 × 4 table",
    name: backend,
    baseline: backend === "wasm",
    fn: async (b) => {
      await useBackend(backend);
      net ??= new QNet({ nStates: 48, nActions: 4, seed: SEED, outputScale: 100 });
      opt ??= tf.train.adam(3e-3);
      b.start();
      for (let i = 0; i < 20; i++) net.fitTable(opt, targets, weights);
      b.end();
    },
  });
}
