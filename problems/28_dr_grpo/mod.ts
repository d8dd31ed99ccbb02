/**
 * Problem 28: why Dr. GRPO is "unbiased". Exact tools for small terminal-reward MDPs:
 * trajectory enumeration, the tabular softmax policy and its score, the exact objective
 * J(θ) = E[r] with its gradient (tfjs autodiff and float64 finite differences), and the
 * exact expectations of group estimators (Dr. GRPO, GRPO, RLOO) over N-tuples of
 * trajectories, with or without GRPO's per-token length normalisation, and the expected
 * weight each trajectory's score receives (where length normalisation tilts the update).
 *
 * @module
 */
export * from "./terminal_mdp.ts";
export * from "./policy_gradient.ts";
export * from "./group_estimators.ts";
export * from "./arbitraries.ts";
export * from "./length_bias.ts";
