/// <reference lib="dom" />
/**
 * Problem 26, drawn live: the distribution μ(Bv) over the eight circle rows as the direction
 * of v turns (its length fixed at that of claim 26b's construction for ε = 0.01), from the
 * problem's own `circleRows`, `distribution`, `halfHalfVector` and distances.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import {
  circleRows,
  distribution,
  HALF_HALF,
  HALF_ZERO_HALF,
  halfHalfVector,
  l1Distance,
  supDistance,
} from "../../../problems/26_softmax_bottleneck/mod.ts";
import { mountFrame } from "./controls.ts";

/**
 * Mounts the figure.
 *
 * @param root the figure's body
 * @example
 * ```ts ignore
 * mount(document.querySelector("#fig-26-octagon .live-body")!);
 * ```
 */
export function mount(root: HTMLElement): void {
  const rows = circleRows();
  const length = Math.hypot(...halfHalfVector(0.01));
  mountFrame(root, {
    label: "direction of v (degrees)",
    min: 0,
    max: 360,
    step: 0.5,
    value: 45,
    format: (deg) => `${deg.toFixed(1)}°`,
  }, (deg, frame) => {
    const angle = (deg * Math.PI) / 180;
    const mu = distribution(rows, [length * Math.cos(angle), length * Math.sin(angle)]);
    const bars = mu.map((p, i) => ({ k: `b${i + 1} (${45 * (i + 1)}°)`, p }));
    const plot = Plot.plot({
      width: 640,
      height: 240,
      x: { label: "row b_k (its direction)", domain: bars.map((b) => b.k) },
      y: { label: "μ(Bv)_k", domain: [0, 1], grid: true },
      marks: [
        Plot.barY(bars, { x: "k", y: "p", fill: "#4a6fa5" }),
        Plot.ruleY([0.5], { stroke: "#d97706", strokeDasharray: "4,3" }),
        Plot.ruleY([0]),
      ],
    });
    frame.show(
      plot,
      `v at ${deg.toFixed(1)}°, ‖v‖ = ${length.toFixed(2)}: ` +
        `ℓ1 distance to (½, ½, 0, …) ${l1Distance(mu, HALF_HALF).toFixed(4)}; ` +
        `sup distance to (½, 0, ½, 0, …) ${
          supDistance(mu, HALF_ZERO_HALF).toFixed(4)
        } (never below ¼).`,
    );
  });
}
