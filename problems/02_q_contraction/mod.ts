/**
 * Problem 2: the Bellman operators on Q shrink distances by the factor γ in the sup norm.
 * This module measures, for a pair Q₁, Q₂, the distance before and after one application.
 *
 * @module
 */
import {
  type ActionValueFunction,
  bellmanOptimalQ,
  bellmanPolicyQ,
  type FiniteMdp,
  type Policy,
  supNorm,
} from "../../shared/mdp/mod.ts";

/** A norm on action-value tables. */
export type TableNorm = (x: readonly (readonly number[])[]) => number;

/**
 * The Euclidean norm of a table flattened to a vector (used by the negative control: the
 * operators are not contractions in this norm).
 *
 * @param x a table
 * @returns √(Σ x²)
 * @example
 * ```ts
 * import { euclideanNorm } from "./mod.ts";
 * if (euclideanNorm([[3], [4]]) !== 5) throw new Error();
 * ```
 */
export function euclideanNorm(x: readonly (readonly number[])[]): number {
  return Math.hypot(...x.flat());
}

/** Distances before and after one application of an operator. */
export interface ContractionMeasurement {
  /** ‖Q₁ − Q₂‖. */
  before: number;
  /** ‖B[Q₁] − B[Q₂]‖. */
  after: number;
}

/**
 * Applies an operator to two tables and measures the distance before and after.
 *
 * @param op the operator (e.g. `q => bellmanPolicyQ(mdp, pi, q)`)
 * @param q1 first table
 * @param q2 second table
 * @param norm the norm (default sup norm)
 * @returns ‖Q₁ − Q₂‖ and ‖B[Q₁] − B[Q₂]‖
 * @example
 * ```ts
 * import { makeMdp, bellmanOptimalQ } from "../../shared/mdp/mod.ts";
 * import { measureContraction } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * const m = measureContraction((q) => bellmanOptimalQ(mdp, q), [[4]], [[0]]);
 * if (m.before !== 4 || m.after !== 2) throw new Error();
 * ```
 */
export function measureContraction(
  op: (q: ActionValueFunction) => number[][],
  q1: ActionValueFunction,
  q2: ActionValueFunction,
  norm: TableNorm = supNorm,
): ContractionMeasurement {
  const diff = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]) =>
    a.map((row, s) => row.map((x, k) => x - b[s]![k]!));
  const b1 = op(q1);
  const b2 = op(q2);
  return { before: norm(diff(q1, q2)), after: norm(diff(b1, b2)) };
}

/**
 * The slack γ‖Q₁ − Q₂‖ − ‖B^π[Q₁] − B^π[Q₂]‖ (≥ 0 by Claim 02a in the sup norm).
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param q1 first table
 * @param q2 second table
 * @param norm the norm (default sup norm)
 * @returns the slack
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { policyContractionSlack } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (policyContractionSlack(mdp, [[1]], [[4]], [[0]]) !== 0) throw new Error();
 * ```
 */
export function policyContractionSlack(
  mdp: FiniteMdp,
  pi: Policy,
  q1: ActionValueFunction,
  q2: ActionValueFunction,
  norm: TableNorm = supNorm,
): number {
  const m = measureContraction((q) => bellmanPolicyQ(mdp, pi, q), q1, q2, norm);
  return mdp.gamma * m.before - m.after;
}

/**
 * The slack γ‖Q₁ − Q₂‖ − ‖B*[Q₁] − B*[Q₂]‖ (≥ 0 by Claim 02b in the sup norm).
 *
 * @param mdp the MDP
 * @param q1 first table
 * @param q2 second table
 * @param norm the norm (default sup norm)
 * @returns the slack
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { optimalContractionSlack } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (optimalContractionSlack(mdp, [[4]], [[0]]) !== 0) throw new Error();
 * ```
 */
export function optimalContractionSlack(
  mdp: FiniteMdp,
  q1: ActionValueFunction,
  q2: ActionValueFunction,
  norm: TableNorm = supNorm,
): number {
  const m = measureContraction((q) => bellmanOptimalQ(mdp, q), q1, q2, norm);
  return mdp.gamma * m.before - m.after;
}
