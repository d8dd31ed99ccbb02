/**
 * Problem 15: policy iteration with exact evaluation. Each deterministic policy is
 * evaluated by solving the linear Bellman equation (I − γP^π)V = r^π over the non-terminal
 * states (mathjs, float64: dense LU for small MDPs, sparse LU for large ones), then improved
 * greedily; the loop stops when the policy is stable.
 *
 * With γ = 1 an improper policy (one that, from some state, never reaches a terminal state)
 * has no finite value and its system is singular. This module does both things the
 * problem allows: it detects an improper policy by a graph search before solving and
 * raises a clear {@link ImproperPolicyError}, and by default it starts from a proper policy
 * ({@link properPolicy}); improvement keeps it proper (README, claim 15d).
 *
 * @module
 */
import * as math from "mathjs";
import { lusolve, type Matrix } from "mathjs";

/** mathjs's SparseMatrix class: exported at run time, missing from its type declarations. */
const SparseMatrix = (math as unknown as {
  SparseMatrix: new (
    data: { values: number[]; index: number[]; ptr: number[]; size: number[] },
  ) => Matrix;
}).SparseMatrix;
import { type FiniteMdp, ImproperPolicyError, type MdpSpec } from "../../shared/mdp/mod.ts";

export { ImproperPolicyError };

/**
 * What policy iteration needs of an MDP: the sparse outcome lists and the terminal flags
 * (every {@link FiniteMdp} qualifies; {@link sparseMdp} builds one without the dense
 * |S|² · |A| transition tensor, for large grids).
 */
export type SolvableMdp = Pick<FiniteMdp, "nStates" | "nActions" | "outcomes" | "isTerminal">;

/** Which linear solver evaluates a policy. */
export type Solver = "dense" | "sparse" | "auto";

/** Options of {@link policyIteration}. */
export interface PolicyIterationOptions {
  /** The first policy, one action per state; default {@link properPolicy} (or action 0 if none). */
  start?: readonly number[];
  /** Linear solver; default "auto": dense LU below 30 live states, sparse LU from 30 on. */
  solver?: Solver;
  /**
   * How improvement treats ties. "keep" (default): switch a state only to an action whose
   * Q^π exceeds the current action's by more than a relative 1e-12 (no cycling, properness
   * kept). "first": take the lowest-index action within that tolerance of the maximum (a
   * common but careless rule, used by the negative control of 15d).
   */
  tieBreak?: "keep" | "first";
  /** Called with each policy before it is evaluated (iteration counts from 1). */
  onPolicy?: (actions: readonly number[], iteration: number) => void;
  /** Give up after this many evaluations; default 10,000. */
  maxIterations?: number;
}

/** The result of {@link policyIteration}. */
export interface PolicyIterationResult {
  /** The final (stable) policy, one action per state (terminal entries are unused). */
  policy: number[];
  /** V^π of the final policy; 0 at terminal states. */
  V: number[];
  /** Q^π(s, a) = Σ p (r + γ V(s')) of the final policy; 0 at terminal states. */
  Q: number[][];
  /** Number of policy evaluations (the last one found the policy stable). */
  iterations: number;
  /** V^π of every policy evaluated, in order (they increase monotonically). */
  valueHistory: number[][];
}

/**
 * "auto" switches to the sparse LU from this many live states on: mathjs's dense LU works on
 * generic arrays and is already several times slower than the sparse LU at 45 states
 * (a Cliff Walk's system has at most 5 non-zeros per row).
 */
const SPARSE_FROM = 30;

/** Relative tolerance of a strict improvement: far above float64 noise in the solved values. */
const IMPROVEMENT_TOLERANCE = 1e-12;

/**
 * Policy iteration with exact (linear-solve) evaluation and greedy improvement, stopping
 * when no state switches action.
 *
 * @param mdp the MDP (its own γ is ignored: `gamma` is used)
 * @param gamma the discount factor γ ∈ [0, 1]
 * @param options start policy, solver, tie rule, a hook, an iteration cap
 * @returns the stable policy, its V and Q, the number of evaluations, the value history
 * @throws ImproperPolicyError if γ = 1 and a policy met (the start, or one chosen with the
 *   "first" tie rule) never terminates from some state; the message names such a state
 * @throws RangeError for γ outside [0, 1] or a start of the wrong length or with a bad action
 * @example
 * ```ts
 * import { cliffWalk } from "../../shared/cliff/mod.ts";
 * import { policyIteration } from "./mod.ts";
 * const { V, policy } = policyIteration(cliffWalk(), 1);
 * if (V[36] !== 88 || policy[36] !== 0) throw new Error(); // up, then along the edge
 * ```
 */
export function policyIteration(
  mdp: SolvableMdp,
  gamma: number,
  options: PolicyIterationOptions = {},
): PolicyIterationResult {
  checkGamma(gamma);
  const maxIterations = options.maxIterations ?? 10_000;
  let actions = options.start ? checkActions(mdp, options.start, "start policy") : startPolicy(mdp);
  const valueHistory: number[][] = [];
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    options.onPolicy?.(actions, iteration);
    // policy evaluation: (I − γ P^π) V = r^π
    const V = evaluateActions(mdp, actions, gamma, options.solver ?? "auto");
    valueHistory.push(V);
    // Q^π(s, a) = Σ_{(r, s')} p(r, s' | s, a) (r + γ V^π(s'))
    const Q = lookaheadQ(mdp, V, gamma);
    const next = improve(mdp, Q, actions, options.tieBreak ?? "keep");
    if (next.every((a, s) => a === actions[s])) {
      return { policy: actions, V, Q, iterations: iteration, valueHistory };
    }
    actions = next;
  }
  throw new Error(`policy iteration did not stabilise in ${maxIterations} evaluations`);
}

/**
 * Exact evaluation of a deterministic policy: solves (I − γP^π)V = r^π over the
 * non-terminal states in float64 with mathjs (dense LU, or sparse LU on a CSC matrix).
 *
 * @param mdp the MDP
 * @param actions one action per state
 * @param gamma γ ∈ [0, 1]
 * @param solver "dense", "sparse" or "auto" (sparse from 30 live states on)
 * @returns V^π, 0 at terminal states
 * @throws ImproperPolicyError if γ = 1 and the policy never terminates from some state
 *   (found by a graph search before solving), or if the solve is singular or not finite
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions } from "../../shared/cliff/mod.ts";
 * import { evaluateActions } from "./mod.ts";
 * const walk = cliffWalk();
 * const V = evaluateActions(walk, edgePolicyActions(walk), 1, "sparse");
 * if (V[36] !== 88 || V[24] !== 89) throw new Error();
 * ```
 */
export function evaluateActions(
  mdp: SolvableMdp,
  actions: readonly number[],
  gamma: number,
  solver: Solver = "auto",
): number[] {
  checkGamma(gamma);
  checkActions(mdp, actions, "policy");
  if (gamma === 1) {
    const stuck = improperStates(mdp, actions);
    if (stuck.length > 0) {
      throw new ImproperPolicyError(
        `with γ = 1 the policy is improper: from state ${stuck[0]} (and ${
          stuck.length - 1
        } other state(s)) it never reaches a terminal state, so (I − P^π) is singular and ` +
          `V^π is not finite`,
      );
    }
  }
  const live: number[] = [];
  const index = new Int32Array(mdp.nStates).fill(-1);
  for (let s = 0; s < mdp.nStates; s++) {
    if (!mdp.isTerminal[s]) index[s] = live.push(s) - 1;
  }
  const V = new Array<number>(mdp.nStates).fill(0);
  if (live.length === 0) return V;
  const n = live.length;
  // r^π(s) and the rows of A = I − γ P^π over the live states, as (column, value) pairs
  const b: number[][] = [];
  const rowsOfA: Map<number, number>[] = [];
  for (const s of live) {
    const row = new Map<number, number>([[index[s]!, 1]]);
    let r = 0;
    for (const o of mdp.outcomes[s]![actions[s]!]!) {
      r += o.prob * o.reward;
      const j = index[o.next]!;
      if (j >= 0) row.set(j, (row.get(j) ?? 0) - gamma * o.prob);
    }
    b.push([r]);
    rowsOfA.push(row);
  }
  let x: number[][];
  try {
    if (solverFor(n, solver) === "sparse") {
      // [n, n] CSC matrix x [n, 1] -> [n, 1]; natural ordering, partial pivoting (threshold 1)
      const result = lusolve(toCsc(rowsOfA, n), b, 0, 1) as unknown as { toArray(): number[][] };
      x = result.toArray();
    } else {
      const dense = rowsOfA.map((row) => {
        const out = new Array<number>(n).fill(0);
        for (const [j, v] of row) out[j] = v;
        return out;
      });
      // [n, n] x [n, 1] = [n, 1]
      x = lusolve(dense, b) as number[][];
    }
  } catch (e) {
    throw new ImproperPolicyError(
      `policy evaluation: I − γP^π is singular (γ = ${gamma}): ${(e as Error).message}`,
    );
  }
  live.forEach((s, i) => {
    const v = x[i]![0]!;
    if (!Number.isFinite(v)) {
      throw new ImproperPolicyError(
        `policy evaluation: V(s=${s}) = ${v} is not finite: I − γP^π is singular`,
      );
    }
    V[s] = v;
  });
  return V;
}

/**
 * The LU factorisation {@link evaluateActions} uses for a system of `liveStates` unknowns:
 * "dense" and "sparse" as asked; "auto" is the dense LU below 30 live states and the sparse
 * LU from 30 on.
 *
 * @param liveStates the number of non-terminal states (the size of the system)
 * @param solver the requested solver
 * @returns the factorisation that runs
 * @example
 * ```ts
 * import { solverFor } from "./mod.ts";
 * if (solverFor(29, "auto") !== "dense" || solverFor(30, "auto") !== "sparse") throw new Error();
 * ```
 */
export function solverFor(liveStates: number, solver: Solver): "dense" | "sparse" {
  return solver === "sparse" || (solver === "auto" && liveStates >= SPARSE_FROM)
    ? "sparse"
    : "dense";
}

/**
 * The one-step lookahead Q(s, a) = Σ p(r, s' | s, a) (r + γ V(s')), 0 at terminal states.
 *
 * @param mdp the MDP
 * @param V a value per state
 * @param gamma γ
 * @returns Q as rows per state
 * @example
 * ```ts
 * import { cliffWalk } from "../../shared/cliff/mod.ts";
 * import { lookaheadQ } from "./mod.ts";
 * const Q = lookaheadQ(cliffWalk(), new Array(48).fill(0), 1);
 * if (Q[36]![1] !== -100 || Q[35]![2] !== 100) throw new Error();
 * ```
 */
export function lookaheadQ(mdp: SolvableMdp, V: readonly number[], gamma: number): number[][] {
  return mdp.outcomes.map((row, s) =>
    mdp.isTerminal[s]
      ? new Array<number>(mdp.nActions).fill(0)
      : row.map((list) =>
        list.reduce((acc, o) => acc + o.prob * (o.reward + gamma * V[o.next]!), 0)
      )
  );
}

/**
 * The Bellman optimality residual ‖B*[V] − V‖∞ over the non-terminal states (B*[V](s) =
 * max_a Q_V(s, a)), and the state where it is attained.
 *
 * @param mdp the MDP
 * @param V a value per state
 * @param gamma γ
 * @returns the residual and its state (−1 if there are no live states)
 * @example
 * ```ts
 * import { cliffWalk } from "../../shared/cliff/mod.ts";
 * import { optimalityResidual, policyIteration } from "./mod.ts";
 * const walk = cliffWalk();
 * if (optimalityResidual(walk, policyIteration(walk, 1).V, 1).residual > 1e-10) throw new Error();
 * ```
 */
export function optimalityResidual(
  mdp: SolvableMdp,
  V: readonly number[],
  gamma: number,
): { residual: number; state: number } {
  const Q = lookaheadQ(mdp, V, gamma);
  let residual = 0;
  let state = -1;
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.isTerminal[s]) continue;
    const gap = Math.abs(Math.max(...Q[s]!) - V[s]!);
    if (state < 0 || gap > residual) {
      residual = gap;
      state = s;
    }
  }
  return { residual, state };
}

/**
 * The states from which a deterministic policy never reaches a terminal state: those that
 * cannot reach a terminal state along transitions of positive probability (in a finite
 * chain, "reaches with positive probability from every state" is equivalent to "reaches
 * with probability 1"). A policy is proper exactly when this list is empty.
 *
 * @param mdp the MDP
 * @param actions one action per state
 * @returns the non-terminating states, in increasing order
 * @example
 * ```ts
 * import { cliffWalk } from "../../shared/cliff/mod.ts";
 * import { improperStates } from "./mod.ts";
 * // "up" everywhere: the top row bumps into the wall forever
 * if (improperStates(cliffWalk(), new Array(48).fill(0)).length !== 37) throw new Error();
 * ```
 */
export function improperStates(mdp: SolvableMdp, actions: readonly number[]): number[] {
  checkActions(mdp, actions, "policy");
  // backward search from the terminal states along the policy's positive-probability edges
  const predecessors: number[][] = Array.from({ length: mdp.nStates }, () => []);
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.isTerminal[s]) continue;
    for (const o of mdp.outcomes[s]![actions[s]!]!) if (o.prob > 0) predecessors[o.next]!.push(s);
  }
  const reaches = backwardReach(mdp, predecessors);
  const out: number[] = [];
  for (let s = 0; s < mdp.nStates; s++) if (!reaches[s]) out.push(s);
  return out;
}

/**
 * A proper deterministic policy: every state takes an action that moves, with positive
 * probability, one step closer to a terminal state (breadth-first distance over all
 * actions). Along such actions a terminal state is reached within D steps with probability
 * at least p_min^D > 0 from every state, so the policy terminates with probability 1.
 *
 * @param mdp the MDP
 * @returns one action per state
 * @throws ImproperPolicyError if some state cannot reach a terminal state under any actions
 * @example
 * ```ts
 * import { cliffWalk } from "../../shared/cliff/mod.ts";
 * import { improperStates, properPolicy } from "./mod.ts";
 * const walk = cliffWalk({ variant: "classic" });
 * if (improperStates(walk, properPolicy(walk)).length !== 0) throw new Error();
 * ```
 */
export function properPolicy(mdp: SolvableMdp): number[] {
  const dist = new Array<number>(mdp.nStates).fill(Infinity);
  const queue: number[] = [];
  // the breadth-first search starts from every terminal state, at distance 0
  mdp.isTerminal.forEach((terminal, s) => {
    if (terminal) {
      dist[s] = 0;
      queue.push(s);
    }
  });
  const predecessors: number[][] = Array.from({ length: mdp.nStates }, () => []);
  for (let s = 0; s < mdp.nStates; s++) {
    if (mdp.isTerminal[s]) continue;
    for (const list of mdp.outcomes[s]!) {
      for (const o of list) if (o.prob > 0) predecessors[o.next]!.push(s);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const t = queue[head]!;
    for (const s of predecessors[t]!) {
      if (dist[s] === Infinity) {
        dist[s] = dist[t]! + 1;
        queue.push(s);
      }
    }
  }
  return dist.map((d, s) => {
    if (mdp.isTerminal[s]) return 0;
    if (d === Infinity) {
      throw new ImproperPolicyError(`state ${s} cannot reach a terminal state under any policy`);
    }
    const a = mdp.outcomes[s]!.findIndex((list) =>
      list.some((o) => o.prob > 0 && dist[o.next] === d - 1)
    );
    return a;
  });
}

/**
 * A {@link SolvableMdp} straight from a specification, without `makeMdp`'s dense transition
 * tensor (|S|² · |A| numbers: 200 MB for a 50 × 50 grid). Only for specifications built by
 * trusted code (e.g. `cliffSpec`): it does not validate.
 *
 * @param spec outcome lists and terminal states
 * @returns the sparse MDP
 * @example
 * ```ts
 * import { cliffSpec } from "../../shared/cliff/mod.ts";
 * import { policyIteration, sparseMdp } from "./mod.ts";
 * const big = sparseMdp(cliffSpec({ rows: 20, cols: 20 }).mdp);
 * if (policyIteration(big, 1).V[380] !== 80) throw new Error(); // 21 moves, 100 − 20
 * ```
 */
export function sparseMdp(spec: MdpSpec): SolvableMdp {
  const nStates = spec.outcomes.length;
  const isTerminal = new Array<boolean>(nStates).fill(false);
  for (const t of spec.terminal ?? []) isTerminal[t] = true;
  return {
    nStates,
    nActions: spec.nActions ?? Math.max(...spec.outcomes.map((r) => r.length)),
    outcomes: spec.outcomes.map((row, s) => isTerminal[s] ? [] : row),
    isTerminal,
  };
}

/** Result of {@link valueIterationBounds}. */
export interface ValueBounds {
  /** T^k[L]: a lower bound on V*. */
  lower: number[];
  /** T^k[U]: an upper bound on V*. */
  upper: number[];
  /** k, the number of sweeps. */
  sweeps: number;
  /** max_s (upper − lower)(s) at the end. */
  width: number;
}

/**
 * Value iteration run from below and from above: L_{k+1} = B*[L_k], U_{k+1} = B*[U_k] with
 * L_0 = V^π of a policy (≤ V*) and U_0 = c on the live states, c = max(0, largest reward),
 * which satisfies B*[U_0] ≤ U_0 when every non-terminating transition has reward ≤ 0 (all
 * Cliff Walk variants). B* is monotone, so L_k ≤ V* ≤ U_k for every k (README, 15b); the
 * sweeps stop once the band is narrower than `width`.
 *
 * @param mdp the MDP (its non-terminating rewards must be ≤ 0)
 * @param gamma γ ∈ [0, 1]
 * @param lowerStart L_0, the value of some policy
 * @param width the target band width (default 1e-9)
 * @param maxSweeps give up after this many sweeps (default 1,000,000)
 * @returns both bounds, the sweeps and the final width
 * @throws RangeError if a non-terminating reward is positive; Error if the cap is reached
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions } from "../../shared/cliff/mod.ts";
 * import { evaluateActions, valueIterationBounds } from "./mod.ts";
 * const walk = cliffWalk();
 * const b = valueIterationBounds(walk, 1, evaluateActions(walk, edgePolicyActions(walk), 1));
 * if (b.lower[36] !== 88 || b.upper[36] !== 88) throw new Error();
 * ```
 */
export function valueIterationBounds(
  mdp: SolvableMdp,
  gamma: number,
  lowerStart: readonly number[],
  width = 1e-9,
  maxSweeps = 1_000_000,
): ValueBounds {
  checkGamma(gamma);
  let c = 0;
  for (let s = 0; s < mdp.nStates; s++) {
    for (const list of mdp.outcomes[s]!) {
      for (const o of list) {
        if (!mdp.isTerminal[o.next] && o.reward > 0) {
          throw new RangeError(
            `valueIterationBounds needs rewards ≤ 0 on non-terminating transitions; ` +
              `s=${s} → ${o.next} has reward ${o.reward}`,
          );
        }
        c = Math.max(c, o.reward);
      }
    }
  }
  let lower = [...lowerStart];
  let upper = mdp.isTerminal.map((t) => (t ? 0 : c));
  for (let sweeps = 0; sweeps <= maxSweeps; sweeps++) {
    let gap = 0;
    for (let s = 0; s < mdp.nStates; s++) gap = Math.max(gap, upper[s]! - lower[s]!);
    if (gap <= width) return { lower, upper, sweeps, width: gap };
    // Bellman optimality backup B*[V](s) = max_a Σ p (r + γ V(s'))
    lower = lookaheadQ(mdp, lower, gamma).map((
      row,
      s,
    ) => (mdp.isTerminal[s] ? 0 : Math.max(...row)));
    upper = lookaheadQ(mdp, upper, gamma).map((
      row,
      s,
    ) => (mdp.isTerminal[s] ? 0 : Math.max(...row)));
  }
  throw new Error(`value iteration bounds did not narrow to ${width} in ${maxSweeps} sweeps`);
}

/** Greedy improvement of `actions` with respect to Q. */
function improve(
  mdp: SolvableMdp,
  Q: readonly (readonly number[])[],
  actions: readonly number[],
  tieBreak: "keep" | "first",
): number[] {
  return actions.map((a, s) => {
    if (mdp.isTerminal[s]) return a;
    const row = Q[s]!;
    const best = Math.max(...row);
    const slack = IMPROVEMENT_TOLERANCE * (1 + Math.abs(best));
    if (tieBreak === "first") return row.findIndex((q) => q >= best - slack);
    // switch only on a strict improvement over the current action
    return row[a]! >= best - slack ? a : row.indexOf(best);
  });
}

function backwardReach(mdp: SolvableMdp, predecessors: number[][]): boolean[] {
  const reaches = mdp.isTerminal.map((t) => t);
  const stack: number[] = [];
  for (let s = 0; s < mdp.nStates; s++) if (reaches[s]) stack.push(s);
  while (stack.length > 0) {
    const t = stack.pop()!;
    for (const s of predecessors[t]!) {
      if (!reaches[s]) {
        reaches[s] = true;
        stack.push(s);
      }
    }
  }
  return reaches;
}

function startPolicy(mdp: SolvableMdp): number[] {
  try {
    return properPolicy(mdp);
  } catch {
    return new Array<number>(mdp.nStates).fill(0);
  }
}

/** [n, n] matrix given by sparse rows -> mathjs CSC SparseMatrix. */
function toCsc(rows: readonly Map<number, number>[], n: number): Matrix {
  const columns: [number, number][][] = Array.from({ length: n }, () => []);
  rows.forEach((row, i) => {
    for (const [j, v] of row) if (v !== 0) columns[j]!.push([i, v]);
  });
  const values: number[] = [];
  const index: number[] = [];
  const ptr: number[] = [0];
  // rows are visited in order i = 0..n − 1, so each column's row indices already increase
  for (const col of columns) {
    for (const [i, v] of col) {
      index.push(i);
      values.push(v);
    }
    ptr.push(index.length);
  }
  return new SparseMatrix({ values, index, ptr, size: [n, n] });
}

function checkGamma(gamma: number): void {
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma <= 1)) {
    throw new RangeError(`gamma must be in [0, 1], got ${gamma}`);
  }
}

function checkActions(mdp: SolvableMdp, actions: readonly number[], label: string): number[] {
  if (!Array.isArray(actions) || actions.length !== mdp.nStates) {
    throw new RangeError(`${label}: expected ${mdp.nStates} actions, got ${actions?.length}`);
  }
  actions.forEach((a, s) => {
    if (!Number.isInteger(a) || a < 0 || a >= mdp.nActions) {
      throw new RangeError(`${label}: action ${a} in state ${s} is not in [0, ${mdp.nActions})`);
    }
  });
  return [...actions];
}
