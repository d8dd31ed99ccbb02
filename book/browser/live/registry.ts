/**
 * The interactive figures: drawn in the reader's browser from the problems' own functions,
 * with a control to move. This list is what the pages show (title, caption, which problem);
 * `book/browser/live_figures.ts` holds the code that draws each one, under the same id.
 *
 * @module
 */

/** One interactive figure. */
export interface LiveFigure {
  /** Its id, unique in the book (the figure element's id is `fig-<id>`). */
  id: string;
  /** The problem whose page shows it. */
  problem: number;
  /** Short title. */
  title: string;
  /** What the reader sees and which functions the numbers come from (`code` in backticks). */
  caption: string;
}

/** Every interactive figure of the book. */
export const LIVE_FIGURES: readonly LiveFigure[] = [
  {
    id: "02-contraction",
    problem: 2,
    title: "How much one Bellman backup shrinks a distance, in two norms",
    caption:
      "Each dot is a pair Q, Q′ on a random MDP (drawn with the suite's `arbMdp`, fixed seed), " +
      "at the discount γ of the slider: the ratio ‖B*Q − B*Q′‖ / ‖Q − Q′‖ in the sup norm and " +
      "in the 2-norm (`measureContraction`, `bellmanOptimalQ`), with the line at γ. The sup-norm " +
      "ratios never cross it; 2-norm ratios do, as the funnel MDP (three states jumping to one) " +
      "always shows with ratio γ√3.",
  },
  {
    id: "14-clip",
    problem: 14,
    title: "The clipped surrogate against the ratio ℓ",
    caption: "C_ε(ℓ, A) = min(ℓA, clip(ℓ, 1 − ε, 1 + ε)A) from `clippedObjective`, for A = 1 and " +
      "A = −1, beside the unclipped ℓA (dashed). Move ε: the objective is flat exactly where " +
      "the ratio has moved past the clip range in the improving direction " +
      "(`clipActiveOnImprovingSide`), and equals ℓA everywhere else.",
  },
  {
    id: "26-octagon",
    problem: 26,
    title: "The distributions a direction reaches on the octagon",
    caption: "μ(Bv) = softmax(Bv) over the eight unit rows b_k at angles 45°·k (`circleRows`, " +
      "`distribution`), for v turning at the length of claim 26b's construction for ε = 0.01 " +
      "(`halfHalfVector`). At 67.5°, between b₁ and b₂, it is (½, ½, 0, …) to within 0.01 " +
      "(`l1Distance`); no direction puts half on b₁ and half on b₃: the sup distance to " +
      "(½, 0, ½, 0, …) (`supDistance`) never drops below ¼ (claim 26c).",
  },
  {
    id: "21-logit-spread",
    problem: 21,
    title: "The spread of a logit with and without 1/√d_K",
    caption:
      "Sampled logits A₀₁ = q₀·k₁ (`sampleStatistics`, X and LeCun weights Gaussian, d_X = 4, " +
      "fixed seed), unscaled and divided by √d_K, at the d_K of the slider; the readout gives " +
      "the sample standard deviations beside the exact ones from `exactLogitMoment` " +
      "(enumerated exactly in rationals up to d_K = 16). Unscaled, the spread grows like √d_K; " +
      "scaled, it stays 1.",
  },
];

/**
 * The interactive figures of one problem.
 *
 * @param problem the problem number
 * @returns its figures, in the order shown
 * @example
 * ```ts
 * import { liveFiguresOf } from "./registry.ts";
 * if (liveFiguresOf(14).length !== 1 || liveFiguresOf(1).length !== 0) throw new Error();
 * ```
 */
export function liveFiguresOf(problem: number): LiveFigure[] {
  return LIVE_FIGURES.filter((f) => f.problem === problem);
}
