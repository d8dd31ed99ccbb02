/// <reference lib="dom" />
/**
 * Problem 14, drawn live: the clipped surrogate C_ε(ℓ, A) against the ratio ℓ for A = 1 and
 * A = −1 as ε moves, from the problem's own `clippedObjective` and
 * `clipActiveOnImprovingSide`.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import "../tf_host.ts"; // the problem's module starts tfjs: keep it on the wasm backend
import { clipActiveOnImprovingSide, clippedObjective } from "../../../problems/14_ppo_clip/mod.ts";
import { mountFrame } from "./controls.ts";

const RATIOS = Array.from({ length: 251 }, (_, i) => i / 100); // ℓ ∈ [0, 2.5]

/**
 * Mounts the figure.
 *
 * @param root the figure's body
 * @example
 * ```ts ignore
 * mount(document.querySelector("#fig-14-clip .live-body")!);
 * ```
 */
export function mount(root: HTMLElement): void {
  mountFrame(root, {
    label: "ε",
    min: 0.05,
    max: 0.9,
    step: 0.05,
    value: 0.2,
    format: (e) => e.toFixed(2),
  }, (eps, frame) => {
    const rows = [1, -1].flatMap((advantage) =>
      RATIOS.flatMap((ratio) => [
        {
          ratio,
          value: clippedObjective(ratio, advantage, eps),
          curve: `C_ε(ℓ, A), A = ${advantage}`,
          flat: clipActiveOnImprovingSide(ratio, advantage, eps),
        },
        { ratio, value: ratio * advantage, curve: `ℓA, A = ${advantage}`, flat: false },
      ])
    );
    const flat = rows.filter((r) => r.flat);
    const plot = Plot.plot({
      width: 640,
      height: 300,
      x: { label: "ratio ℓ = πθ(a|s) / πold(a|s)" },
      y: { label: "objective", grid: true },
      color: { legend: true },
      marks: [
        Plot.ruleY([0]),
        Plot.ruleX([1 - eps, 1 + eps], { stroke: "#999", strokeDasharray: "2,3" }),
        Plot.line(rows.filter((r) => r.curve.startsWith("ℓA")), {
          x: "ratio",
          y: "value",
          z: "curve",
          stroke: "curve",
          strokeDasharray: "5,4",
          strokeOpacity: 0.7,
        }),
        Plot.line(rows.filter((r) => r.curve.startsWith("C")), {
          x: "ratio",
          y: "value",
          z: "curve",
          stroke: "curve",
          strokeWidth: 2.5,
        }),
        Plot.dot(flat, { x: "ratio", y: "value", r: 1.5, fill: "black" }),
      ],
    });
    frame.show(
      plot,
      `ε = ${eps.toFixed(2)}: with A = 1 the objective is flat for ℓ > ${(1 + eps).toFixed(2)}; ` +
        `with A = −1 it is flat for ℓ < ${(1 - eps).toFixed(2)}; elsewhere it is ℓA.`,
    );
  });
}
