/**
 * The Cliff Walk: one environment that is both a finite MDP of the core's model (so the
 * exact tools of `shared/mdp` apply) and a seeded step-by-step environment; its variants
 * (the handout's, the classic/Gymnasium one, terminal rewards only), text rendering, and
 * the common types of the training jobs.
 *
 * @example
 * ```ts
 * import { cliffWalk, greedyEpisode, edgePolicyActions } from "./mod.ts";
 * const walk = cliffWalk(); // 4 × 12, −1 per move, cliff −100 (ends), goal +100 (ends)
 * if (greedyEpisode(walk, edgePolicyActions(walk)).return !== 88) throw new Error();
 * ```
 *
 * @module
 */
export * from "./grid.ts";
export * from "./env.ts";
export * from "./render.ts";
export * from "./train_types.ts";
export * from "./restarts.ts";
export * from "./outcome.ts";
