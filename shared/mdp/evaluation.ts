/**
 * Policy evaluation by a linear solve, value iteration, and optimal values by policy
 * iteration with exact (linear-solve) evaluation, all in float64.
 *
 * @module
 */
import { lusolve } from "mathjs";
import { type FiniteMdp, MdpInputError } from "./model.ts";
import { bellmanOptimalV, lookahead, supNorm } from "./bellman.ts";
import { type Policy, rewardUnderPolicy, transitionUnderPolicy, validatePolicy } from "./policy.ts";

/** V^π and Q^π of a policy. */
export interface PolicyValues {
  /** V^π(s); 0 at terminal states. */
  V: number[];
  /** Q^π(s, a) = E[r + γ V^π(s') | s, a]; 0 at terminal states. */
  Q: number[][];
}

/** Thrown when (I − γP^π) is singular: with γ = 1 the policy never terminates from some state. */
export class ImproperPolicyError extends Error {
  override name = "ImproperPolicyError";
}

/**
 * Exact policy evaluation: solves (I − γ P^π) V = r^π over the non-terminal states with
 * mathjs's LU solver, then Q^π = r + γ P V^π.
 *
 * @param mdp the MDP
 * @param pi the policy
 * @returns V^π and Q^π
 * @throws ImproperPolicyError if the system is singular (γ = 1 and π does not reach a
 *   terminal state with probability 1 from every state), or if a solved value exceeds
 *   10¹² · (1 + R) in magnitude, the mark of a numerically singular system
 * @example
 * ```ts
 * import { evaluatePolicy, makeMdp } from "./mod.ts";
 * // reward 1 forever with γ = 1/2: V = 1 / (1 − 1/2) = 2
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (Math.abs(evaluatePolicy(mdp, [[1]]).V[0]! - 2) > 1e-12) throw new Error();
 * ```
 */
export function evaluatePolicy(mdp: FiniteMdp, pi: Policy): PolicyValues {
  validatePolicy(mdp, pi);
  const live = liveStates(mdp);
  const V = new Array<number>(mdp.nStates).fill(0);
  if (live.length > 0) {
    if (mdp.gamma === 1) {
      const trapped = trappedStates(mdp, pi);
      if (trapped.length > 0) {
        throw new ImproperPolicyError(
          `policy evaluation: I − γP^π is singular (γ = 1): the policy never reaches a ` +
            `terminal state from state ${trapped[0]}`,
        );
      }
    }
    const P = transitionUnderPolicy(mdp, pi);
    const r = rewardUnderPolicy(mdp, pi);
    // Bellman equation for π (linear): (I − γ P^π) V = r^π, restricted to live states
    const A = live.map((s, i) => live.map((t, j) => (i === j ? 1 : 0) - mdp.gamma * P[s]![t]!));
    const b = live.map((s) => [r[s]!]);
    let x: number[][];
    try {
      x = lusolve(A, b) as number[][];
    } catch (e) {
      throw new ImproperPolicyError(
        `policy evaluation: I − γP^π is singular (γ = ${mdp.gamma}); with γ = 1 this means the ` +
          `policy does not reach a terminal state from some state (${(e as Error).message})`,
      );
    }
    live.forEach((s, i) => {
      const value = x[i]![0]!;
      if (!Number.isFinite(value) || Math.abs(value) > 1e12 * (1 + mdp.rewardBound)) {
        throw new ImproperPolicyError(
          `policy evaluation: V(s=${s}) = ${value} is not finite: I − γP^π is (numerically) singular`,
        );
      }
      V[s] = value;
    });
  }
  return { V, Q: lookahead(mdp, V) };
}

/**
 * Q^π by a second, independent route: the Bellman equation for π written on state–action
 * pairs, Q(s, a) = r(s, a) + γ Σ_{s'} P(s' | s, a) Σ_{a'} π(a' | s') Q(s', a'), solved as one
 * linear system of size |S||A| built from the derived r(s, a) and P(s' | s, a). It never
 * forms V^π, so comparing it with {@link evaluatePolicy} (state system, then a lookahead
 * over the outcome lists) cross-checks two codes that share no arithmetic.
 *
 * @param mdp the MDP
 * @param pi the policy
 * @returns q[s][a] (0 at terminal states)
 * @throws ImproperPolicyError if the system is singular (γ = 1 and π improper), or if a
 *   solved value exceeds 10¹² · (1 + R) in magnitude, the mark of a numerically singular
 *   system (the same threshold as {@link evaluatePolicy})
 * @example
 * ```ts
 * import { evaluateActionValues, makeMdp } from "./mod.ts";
 * // arms paying 0 and 1, γ = 1/2, π always pulls arm 1: V = 2, so Q = (0 + 1, 1 + 1)
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]] });
 * const q = evaluateActionValues(m, [[0, 1]]);
 * if (Math.abs(q[0]![0]! - 1) > 1e-12 || Math.abs(q[0]![1]! - 2) > 1e-12) throw new Error();
 * ```
 */
export function evaluateActionValues(mdp: FiniteMdp, pi: Policy): number[][] {
  validatePolicy(mdp, pi);
  const nA = mdp.nActions;
  const n = mdp.nStates * nA;
  const index = (s: number, a: number) => s * nA + a;
  // (I − γ P Π) q = r on the |S||A| pairs; terminal pairs keep identity rows, so q = 0 there
  const A = Array.from(
    { length: n },
    (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  const b = Array.from({ length: n }, () => [0]);
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.isTerminal[s]) continue;
    for (let a = 0; a < nA; a++) {
      const i = index(s, a);
      b[i]![0] = mdp.expectedReward[s]![a]!;
      mdp.transition[s]![a]!.forEach((p, t) => {
        if (p === 0 || mdp.isTerminal[t]) return;
        for (let a2 = 0; a2 < nA; a2++) A[i]![index(t, a2)]! -= mdp.gamma * p * pi[t]![a2]!;
      });
    }
  }
  const x = gaussianElimination(A, b.map((row) => row[0]!));
  const bound = 1e12 * (1 + mdp.rewardBound);
  if (x === undefined || x.some((v) => !(Math.abs(v) <= bound))) {
    throw new ImproperPolicyError(
      `state–action evaluation: I − γPΠ is singular (γ = ${mdp.gamma}); with γ = 1 the policy ` +
        `does not reach a terminal state from some state`,
    );
  }
  return Array.from(
    { length: mdp.nStates },
    (_, s) => Array.from({ length: nA }, (_, a) => x[index(s, a)]!),
  );
}

/**
 * Solves A x = b by Gaussian elimination with partial pivoting, in place on copies. A second
 * solver, deliberately not mathjs's LU, so the state–action route shares no code with
 * {@link evaluatePolicy}; it is also much faster on the |S||A| systems.
 *
 * @returns x, or undefined when a pivot vanishes (A singular)
 */
function gaussianElimination(
  matrix: readonly (readonly number[])[],
  rhs: readonly number[],
): number[] | undefined {
  const n = rhs.length;
  const A = matrix.map((row) => [...row]);
  const b = [...rhs];
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i]![k]!) > Math.abs(A[p]![k]!)) p = i;
    if (A[p]![k] === 0) return undefined;
    [A[k], A[p]] = [A[p]!, A[k]!];
    [b[k], b[p]] = [b[p]!, b[k]!];
    const pivot = A[k]!;
    for (let i = k + 1; i < n; i++) {
      const row = A[i]!;
      const f = row[k]! / pivot[k]!;
      if (f === 0) continue;
      for (let j = k; j < n; j++) row[j]! -= f * pivot[j]!;
      b[i]! -= f * b[k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let acc = b[i]!;
    for (let j = i + 1; j < n; j++) acc -= A[i]![j]! * x[j]!;
    x[i] = acc / A[i]![i]!;
  }
  return x;
}

/** Options for {@link valueIteration}. */
export interface ValueIterationOptions {
  /** Target sup-norm distance to V* (γ < 1) or residual (γ = 1). Default 1e-10. */
  tolerance?: number;
  /** Give up after this many sweeps. Default 1,000,000. */
  maxIterations?: number;
  /** Starting point; default 0. */
  initial?: readonly number[];
}

/** Result of value iteration. */
export interface ValueIterationResult {
  /** The final iterate. */
  V: number[];
  /** Number of sweeps. */
  iterations: number;
  /** ‖V_k − V_{k−1}‖∞ at the last sweep. */
  residual: number;
  /**
   * A bound on ‖V − V*‖∞: γ/(1−γ)·residual when γ < 1 (from the contraction), `Infinity`
   * when γ = 1 (no bound without further structure).
   */
  errorBound: number;
}

/**
 * Value iteration V_{k+1} = B*[V_k]. For γ < 1 it stops once γ/(1−γ)‖V_{k+1} − V_k‖∞ ≤
 * tolerance, which guarantees ‖V_{k+1} − V*‖∞ ≤ tolerance; for γ = 1 it stops once the
 * residual is below the tolerance.
 *
 * @param mdp the MDP
 * @param options tolerance, iteration cap, start
 * @returns the iterate, sweeps, residual and error bound
 * @throws Error if the cap is reached first
 * @example
 * ```ts
 * import { makeMdp, valueIteration } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (Math.abs(valueIteration(mdp).V[0]! - 2) > 1e-10) throw new Error();
 * ```
 */
export function valueIteration(
  mdp: FiniteMdp,
  options: ValueIterationOptions = {},
): ValueIterationResult {
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 1_000_000;
  if (!(tolerance > 0)) throw new MdpInputError(`tolerance must be > 0, got ${tolerance}`);
  const factor = mdp.gamma < 1 ? mdp.gamma / (1 - mdp.gamma) : Infinity;
  let V = options.initial ? [...options.initial] : new Array<number>(mdp.nStates).fill(0);
  for (let k = 1; k <= maxIterations; k++) {
    const next = bellmanOptimalV(mdp, V);
    const residual = supNorm(next.map((x, s) => x - V[s]!));
    V = next;
    const errorBound = mdp.gamma < 1 ? factor * residual : Infinity;
    if ((mdp.gamma < 1 && errorBound <= tolerance) || (mdp.gamma === 1 && residual <= tolerance)) {
      return { V, iterations: k, residual, errorBound };
    }
  }
  throw new Error(
    `value iteration did not reach tolerance ${tolerance} in ${maxIterations} sweeps`,
  );
}

/** An optimal solution of an MDP. */
export interface OptimalSolution {
  /** V*. */
  V: number[];
  /** Q*. */
  Q: number[][];
  /** An optimal deterministic policy, as one action per state. */
  actions: number[];
  /** Policy evaluations done, the last one confirming that no state switches (1 from an optimal start). */
  iterations: number;
}

/**
 * V*, Q* and an optimal deterministic policy, by policy iteration with exact evaluation:
 * evaluate the current policy by a linear solve, switch each state to an action whose
 * Q^π is larger by more than a relative 1e-12 (so float noise cannot cause cycling), stop
 * when no state switches. For γ = 1 the start must be a proper policy.
 *
 * @param mdp the MDP
 * @param start the initial deterministic policy (default: action 0 everywhere)
 * @returns V*, Q*, the policy and the number of policy evaluations
 * @throws ImproperPolicyError if a policy met on the way is improper (γ = 1)
 * @example
 * ```ts
 * import { makeMdp, optimalValues } from "./mod.ts";
 * const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]] });
 * const sol = optimalValues(mdp);
 * if (sol.actions[0] !== 1 || Math.abs(sol.V[0]! - 6) > 1e-12) throw new Error();
 * ```
 */
export function optimalValues(mdp: FiniteMdp, start?: readonly number[]): OptimalSolution {
  let actions = start ? [...start] : new Array<number>(mdp.nStates).fill(0);
  for (let iterations = 1; iterations <= 10_000; iterations++) {
    const pi = actions.map((a) => {
      const row = new Array<number>(mdp.nActions).fill(0);
      row[a] = 1;
      return row;
    });
    const { V, Q } = evaluatePolicy(mdp, pi);
    let changed = false;
    const next = actions.map((a, s) => {
      if (mdp.isTerminal[s]) return a;
      const row = Q[s]!;
      let best = a;
      for (let b = 0; b < row.length; b++) {
        if (row[b]! > row[best]! + 1e-12 * (1 + Math.abs(row[best]!))) best = b;
      }
      if (best !== a) changed = true;
      return best;
    });
    if (!changed) return { V, Q, actions, iterations };
    actions = next;
  }
  throw new Error("policy iteration did not stabilise in 10,000 steps");
}

/**
 * Tolerance for comparing float64 solutions of (I − γP)V = r on the suite's small MDPs:
 * values are at most R/(1 − γ) and a solve loses at most about log10 of the condition
 * number (≤ 2/(1 − γ)) digits, so 1e-12 · (1 + R/(1 − γ))² is a safe allowance: relative
 * error 1e-12 · (1 + R/(1 − γ)) on values of size R/(1 − γ). (For γ = 1 it uses 1 − γ = 1e-3.)
 *
 * @param mdp the MDP
 * @returns the allowance
 * @example
 * ```ts
 * import { linearSolveTolerance, makeMdp } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (!(linearSolveTolerance(m) < 1e-10)) throw new Error();
 * ```
 */
export function linearSolveTolerance(mdp: FiniteMdp): number {
  const scale = 1 + mdp.rewardBound / Math.max(1e-3, 1 - mdp.gamma);
  return 1e-12 * scale * scale;
}

/**
 * The non-terminal states, in order.
 *
 * @param mdp the MDP
 * @returns the states that are not terminal
 * @example
 * ```ts
 * import { liveStates, makeMdp } from "./mod.ts";
 * const m = makeMdp({ gamma: 1, terminal: [1], outcomes: [[[{ next: 1, reward: 0, prob: 1 }]], []] });
 * if (liveStates(m).join() !== "0") throw new Error();
 * ```
 */
export function liveStates(mdp: FiniteMdp): number[] {
  const out: number[] = [];
  for (let s = 0; s < mdp.nStates; s++) if (!mdp.isTerminal[s]) out.push(s);
  return out;
}

/**
 * The live states from which π never reaches a terminal state. At γ = 1 the system
 * (I − P^π) V = r^π over the live states is singular exactly when this set is non-empty
 * (P^π restricted to them is then stochastic on a closed class, so it has eigenvalue 1);
 * LU solvers do not always notice, because a consistent singular system (e.g. a zero-reward
 * loop) can still be "solved", so the evaluators check this structurally.
 *
 * @param mdp the MDP
 * @param pi the policy (only which entries are positive matters)
 * @returns the trapped states, ascending
 * @example
 * ```ts
 * import { makeMdp, trappedStates } from "./mod.ts";
 * // action 1 loops on s0 for free: under it s0 never ends
 * const m = makeMdp({
 *   gamma: 1,
 *   terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 0, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]], []],
 * });
 * if (trappedStates(m, [[0, 1], [1, 0]]).join() !== "0") throw new Error();
 * ```
 */
export function trappedStates(
  mdp: FiniteMdp,
  pi: ArrayLike<ArrayLike<number>>,
): number[] {
  const reaches = Array.from({ length: mdp.nStates }, (_, s) => mdp.isTerminal[s]!);
  // grow the set of states that reach a terminal state until no live state joins it
  let grew = true;
  while (grew) {
    grew = false;
    for (let s = 0; s < mdp.nStates; s++) {
      if (reaches[s]) continue;
      for (let a = 0; a < mdp.nActions && !reaches[s]; a++) {
        if (!(pi[s]![a]! > 0)) continue;
        if (mdp.outcomes[s]![a]!.some((o) => o.prob > 0 && reaches[o.next])) {
          reaches[s] = true;
          grew = true;
        }
      }
    }
  }
  return liveStates(mdp).filter((s) => !reaches[s]);
}
