/// <reference lib="dom" />
/**
 * Problem 2, drawn live: the ratio ‖B*Q − B*Q′‖ / ‖Q − Q′‖ of random pairs in the sup norm
 * and in the 2-norm as γ moves. The pairs are drawn once (fixed seed); each move of γ applies
 * the problem's own `measureContraction` to the same MDPs with the new discount.
 *
 * @module
 */
import fc from "fast-check";
import * as Plot from "@observablehq/plot";
import {
  arbActionValues,
  arbMdp,
  bellmanOptimalQ,
  type FiniteMdp,
  makeMdp,
  supNorm,
  withGamma,
} from "../../../shared/mdp/mod.ts";
import { euclideanNorm, measureContraction } from "../../../problems/02_q_contraction/mod.ts";
import { mountFrame } from "./controls.ts";

type Pair = { mdp: FiniteMdp; q1: number[][]; q2: number[][]; funnel: boolean };

const PAIRS = 240;

/** Random MDPs with two Q tables each, and the funnel, where the 2-norm ratio is γ√3. */
function drawPairs(): Pair[] {
  const arb = arbMdp({ maxStates: 5, maxActions: 3 }).chain((mdp) =>
    fc.tuple(
      fc.constant(mdp),
      arbActionValues(mdp.nStates, mdp.nActions),
      arbActionValues(mdp.nStates, mdp.nActions),
    )
  );
  const random = fc.sample(arb, { seed: 2, numRuns: PAIRS })
    .map(([mdp, q1, q2]) => ({ mdp, q1, q2, funnel: false }));
  const funnel = makeMdp({
    gamma: 0.9,
    outcomes: [0, 1, 2].map(() => [[{ next: 0, reward: 0, prob: 1 }]]),
  });
  return [...random, { mdp: funnel, q1: [[1], [0], [0]], q2: [[0], [0], [0]], funnel: true }];
}

/**
 * Mounts the figure.
 *
 * @param root the figure's body
 * @example
 * ```ts ignore
 * mount(document.querySelector("#fig-02-contraction .live-body")!);
 * ```
 */
export function mount(root: HTMLElement): void {
  const pairs = drawPairs();
  mountFrame(root, {
    label: "γ",
    min: 0.05,
    max: 0.99,
    step: 0.01,
    value: 0.9,
    format: (g) => g.toFixed(2),
  }, (gamma, frame) => {
    const rows: { norm: string; ratio: number; funnel: boolean }[] = [];
    for (const p of pairs) {
      const mdp = withGamma(p.mdp, gamma);
      const op = (q: readonly (readonly number[])[]) => bellmanOptimalQ(mdp, q);
      for (const [norm, f] of [["sup norm", supNorm], ["2-norm", euclideanNorm]] as const) {
        const m = measureContraction(op, p.q1, p.q2, f);
        if (m.before > 0) rows.push({ norm, ratio: m.after / m.before, funnel: p.funnel });
      }
    }
    const worst = (norm: string) =>
      Math.max(...rows.filter((r) => r.norm === norm).map((r) => r.ratio));
    const above = rows.filter((r) => r.norm === "2-norm" && r.ratio > gamma + 1e-12).length;
    const plot = Plot.plot({
      width: 640,
      height: 190,
      marginLeft: 70,
      x: { label: "‖B*Q − B*Q′‖ / ‖Q − Q′‖", domain: [0, 1.8] },
      y: { label: null, domain: ["sup norm", "2-norm"] },
      marks: [
        Plot.dot(rows, {
          x: "ratio",
          y: "norm",
          r: (d) => (d.funnel ? 5 : 2.5),
          fill: (d) => (d.funnel ? "funnel MDP" : "random pair"),
          fillOpacity: 0.6,
        }),
        Plot.ruleX([gamma], { stroke: "crimson", strokeWidth: 2 }),
        Plot.text([gamma], { x: (g) => g, frameAnchor: "top", dy: -2, text: () => "γ" }),
      ],
      color: { legend: true, range: ["#4a6fa5", "#d97706"] },
    });
    frame.show(
      plot,
      `γ = ${gamma.toFixed(2)}: largest sup-norm ratio ${worst("sup norm").toFixed(3)} ≤ γ; ` +
        `largest 2-norm ratio ${
          worst("2-norm").toFixed(3)
        }, ${above} of ${pairs.length} pairs above γ.`,
    );
  });
}
