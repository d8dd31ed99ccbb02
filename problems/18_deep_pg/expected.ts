/**
 * Exact expectations of what one sampled episode contributes to the two losses, from the
 * model by dynamic programming over time (the oracle of claims 18b–18d). With p0 the start
 * state, H the time limit and V_boot the table used at a cut:
 *
 *   d_t(s)     = P(s_t = s and the episode is still running at t), t < H,
 *   U_H(s)     = V_boot(s);  Q_t(s, a) = Σ_{s'} p(s' | s, a) (r + γ [s' live] U_{t+1}(s')),
 *   U_t(s)     = Σ_a π(a | s) Q_t(s, a)   (the expected bootstrapped return-to-go),
 *
 * and then E[W[s, a]] = Σ_{t<H} d_t(s) π(a | s) (Q_t(s, a) − b(s)), E[n_s] = Σ_t d_t(s),
 * E[S_s] = Σ_t d_t(s) U_t(s). The cut weights follow from the probability M_t(s, s') of
 * being cut at s' from s at time t and R_t(s, s') = E[Q̂_t; cut at s' | s_t = s].
 *
 * @module
 */
import type { CliffWalk } from "../../shared/cliff/mod.ts";
import type { BatchStats } from "./returns.ts";

/** The expected statistics of one episode (a batch's statistics average over its episodes). */
export type ExpectedStats = Omit<BatchStats, "truncated">;

/**
 * The exact expectation of `batchStats` for one episode from `start` under `table`, with
 * time limit H and bootstrap table `bootstrap` (null: a cut counts as an end).
 *
 * @param walk the walk
 * @param table rows π(· | s)
 * @param baseline b(s), a constant table
 * @param bootstrap V used at a cut, or null
 * @param horizon H ≥ 1, the time limit
 * @param start the start state (default the walk's start)
 * @param discount γ of the returns-to-go (default 1)
 * @returns E[W], E[n], E[S], E[C]
 * @throws RangeError for a horizon that is not a positive integer, a table row with an entry
 *   that is not a finite number ≥ 0, or a baseline or bootstrap that is not |S| finite numbers
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions } from "../../shared/cliff/mod.ts";
 * import { expectedStats } from "./expected.ts";
 * const walk = cliffWalk();
 * const table = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
 * const zero = new Array(48).fill(0);
 * const e = expectedStats(walk, table, zero, null, 100);
 * // the edge path visits the start once, with return-to-go 88 after going up
 * if (e.visits[36] !== 1 || e.policyWeights[36]![0] !== 88) throw new Error();
 * ```
 */
export function expectedStats(
  walk: CliffWalk,
  table: readonly (readonly number[])[],
  baseline: readonly number[],
  bootstrap: readonly number[] | null,
  horizon: number,
  start: number = walk.start,
  discount = 1,
): ExpectedStats {
  if (!Number.isSafeInteger(horizon) || horizon < 1) {
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  }
  const S = walk.nStates;
  const A = walk.nActions;
  // Finite inputs are what make the skipped terms exact zeros below: a step taken with
  // probability 0, or into a terminal state (whose M and R rows stay 0), adds nothing.
  if (table.length !== S) throw new RangeError(`table has ${table.length} rows, not ${S}`);
  table.forEach((row, s) => {
    if (row.length !== A) {
      throw new RangeError(`table row ${s} has ${row.length} entries, not ${A}`);
    }
    row.forEach((p, a) => {
      if (!(p >= 0 && Number.isFinite(p))) {
        throw new RangeError(`table entry (${s}, ${a}) is ${p}, not a finite number ≥ 0`);
      }
    });
  });
  checkFiniteTable("baseline", baseline, S);
  if (bootstrap !== null) checkFiniteTable("bootstrap", bootstrap, S);
  const live = walk.isTerminal.flatMap((t, s) => (t ? [] : [s]));
  // forward: d_t
  const d: Float64Array[] = [];
  let cur = new Float64Array(S);
  cur[start] = 1;
  for (let t = 0; t < horizon; t++) {
    d.push(cur);
    const next = new Float64Array(S);
    for (const s of live) {
      for (let a = 0; a < A; a++) {
        const pa = table[s]![a]!;
        for (const o of walk.outcomes[s]![a]!) {
          if (!walk.isTerminal[o.next]) next[o.next]! += cur[s]! * pa * o.prob;
        }
      }
    }
    cur = next;
  }
  // backward: U_t, Q_t, M_t, R_t (M and R as S × S rows per state, only live rows used)
  const boot = bootstrap ?? new Array<number>(S).fill(0);
  let U = new Float64Array(S);
  let M = Array.from({ length: S }, () => new Float64Array(S));
  let R = Array.from({ length: S }, () => new Float64Array(S));
  for (const s of live) {
    U[s] = boot[s]!;
    M[s]![s] = 1; // at time H the episode is cut where it stands
    R[s]![s] = boot[s]!;
  }
  const policyWeights = Array.from({ length: S }, () => new Array<number>(A).fill(0));
  const visits = new Array<number>(S).fill(0);
  const targetSums = new Array<number>(S).fill(0);
  const cutWeights = new Array<number>(S).fill(0);
  // backward over exactly the steps the forward pass recorded
  for (let t = d.length - 1; t >= 0; t--) {
    const Ut = new Float64Array(S);
    const Mt = Array.from({ length: S }, () => new Float64Array(S));
    const Rt = Array.from({ length: S }, () => new Float64Array(S));
    for (const s of live) {
      for (let a = 0; a < A; a++) {
        const pa = table[s]![a]!;
        let q = 0;
        for (const o of walk.outcomes[s]![a]!) {
          const liveNext = !walk.isTerminal[o.next];
          q += o.prob * (o.reward + (liveNext ? discount * U[o.next]! : 0));
          if (liveNext) {
            const w = pa * o.prob;
            const m = M[o.next]!;
            const r = R[o.next]!;
            for (const c of live) {
              Mt[s]![c]! += w * m[c]!;
              Rt[s]![c]! += w * (o.reward * m[c]! + discount * r[c]!);
            }
          }
        }
        Ut[s]! += pa * q;
        policyWeights[s]![a]! += d[t]![s]! * pa * (q - baseline[s]!);
      }
      visits[s]! += d[t]![s]!;
      targetSums[s]! += d[t]![s]! * Ut[s]!;
      if (d[t]![s]! !== 0) {
        for (const c of live) {
          cutWeights[c]! += d[t]![s]! * (Rt[s]![c]! - baseline[s]! * Mt[s]![c]!);
        }
      }
    }
    U = Ut;
    M = Mt;
    R = Rt;
  }
  return { policyWeights, visits, targetSums, cutWeights };
}

/** Throws unless `values` holds exactly `n` finite numbers, naming the first that is not. */
function checkFiniteTable(name: string, values: readonly number[], n: number): void {
  if (values.length !== n) throw new RangeError(`${name} has ${values.length} entries, not ${n}`);
  const bad = values.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`${name} entry ${bad} is ${values[bad]}, not finite`);
}
