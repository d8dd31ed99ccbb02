/// <reference lib="dom" />
/**
 * Problem 21, drawn live: sampled logits A₀₁ with and without the 1/√d_K scaling as d_K
 * grows, beside the exact second moments, from the problem's own `sampleStatistics` and
 * `exactLogitMoment`.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import {
  exactLogitMoment,
  lecunModel,
  LOGIT_STATISTICS,
  sampleStatistics,
} from "../../../problems/21_qk_scaling/mod.ts";
import { mountFrame } from "./controls.ts";

const D_X = 4;
const DRAWS = 1500;
/** Exact enumeration costs d_K² terms of d_X⁴ each: done up to this width. */
const EXACT_UP_TO = 16;
const A01 = LOGIT_STATISTICS.find((s) => s.name === "A_01")!;

/** Counts of logits in bins of width 1 over [−60, 60), by variant (the rest fall outside). */
function histogram(rows: readonly { logit: number; variant: string }[]) {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const bin = Math.floor(r.logit);
    if (bin < -60 || bin >= 60) continue;
    const key = `${r.variant}|${bin}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => {
    const [variant, bin] = key.split("|");
    return { variant: variant!, x1: Number(bin), x2: Number(bin) + 1, count };
  });
}

function sampleStd(x: Float64Array): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
}

/**
 * Mounts the figure.
 *
 * @param root the figure's body
 * @example
 * ```ts ignore
 * mount(document.querySelector("#fig-21-logit-spread .live-body")!);
 * ```
 */
export function mount(root: HTMLElement): void {
  mountFrame(root, {
    label: "log₂ d_K",
    min: 1,
    max: 9,
    step: 1,
    value: 3,
    format: (k) => `d_K = ${2 ** k}`,
  }, (k, frame) => {
    const dK = 2 ** k;
    const rows: { logit: number; variant: string }[] = [];
    const std: Record<string, number> = {};
    const exact: Record<string, string> = {};
    for (const scaled of [false, true]) {
      const variant = scaled ? "A₀₁ / √d_K" : "A₀₁ unscaled";
      const [sample] = sampleStatistics(
        { dX: D_X, dK, n: DRAWS, seed: 21, scaleLogits: scaled },
        [A01],
      );
      for (const v of sample!) rows.push({ logit: v, variant });
      std[variant] = sampleStd(sample!);
      // E[A₀₁] = 0, so the exact standard deviation is √E[A₀₁²]
      exact[variant] = dK <= EXACT_UP_TO
        ? Math.sqrt(exactLogitMoment(0, 1, 2, dK, lecunModel(D_X), scaled).valueOf()).toFixed(3)
        : "not enumerated";
    }
    const plot = Plot.plot({
      width: 640,
      height: 320,
      x: { label: "logit", domain: [-60, 60] },
      y: { label: "draws", grid: true },
      fy: { label: null },
      marks: [
        Plot.rectY(histogram(rows), {
          x1: "x1",
          x2: "x2",
          y: "count",
          fy: "variant",
          fill: "variant",
        }),
        Plot.ruleY([0]),
      ],
    });
    const line = (v: string) => `${v}: sample std ${std[v]!.toFixed(3)} (exact ${exact[v]})`;
    frame.show(plot, `d_K = ${dK}: ${line("A₀₁ unscaled")}; ${line("A₀₁ / √d_K")}.`);
  });
}
