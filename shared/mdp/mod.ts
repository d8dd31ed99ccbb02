/**
 * The finite-MDP core: the model p(r, s' | s, a), policies, Bellman operators, exact and
 * iterative evaluation, exact rational evaluation, and fast-check arbitraries.
 *
 * @module
 */
export * from "./model.ts";
export * from "./policy.ts";
export * from "./bellman.ts";
export * from "./evaluation.ts";
export * from "./exact.ts";
export * from "./arbitraries.ts";
