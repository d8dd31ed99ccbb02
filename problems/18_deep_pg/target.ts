/**
 * Deciding whether a policy has reached the target V^π(start) ≥ v, exactly and cheaply. The
 * exact value is one linear solve (`policyOutcome` of `shared/cliff`); most policies met
 * during training are far below the target, and for those a proven upper bound decides
 * without the solve:
 *
 * **Lemma (upper bound).** Let γ = 1 and U ≥ V^π on the live states (U = 0 at terminal
 * states). Then (T^π)^k U ≥ V^π for every k, where
 * (T^π U)(s) = Σ_a π(a | s) Σ_{s'} p(s' | s, a) (r + U(s')).
 *
 * _Proof._ T^π is monotone (its coefficients π · p are non-negative) and V^π = T^π V^π, so
 * U ≥ V^π gives T^π U ≥ T^π V^π = V^π; induct on k. ∎
 *
 * A U valid for every policy: when every move into a live state has reward ≤ 0, the return of
 * any episode is at most max(0, r_max), its last reward; value iteration T* from that constant
 * stays above V* ≥ V^π (T* is monotone and T* U ≤ U), so it gives a U close to V*. If the
 * bound at the start falls below v the target is certainly not reached; otherwise the exact
 * solve decides.
 *
 * @module
 */
import { type CliffWalk, type PolicyOutcome, policyOutcome } from "../../shared/cliff/mod.ts";
import { flatOutcomes } from "./sampler.ts";

/** Decides V^π(start) ≥ target for policy tables given flat, row-major. */
export class TargetCheck {
  readonly #walk: CliffWalk;
  readonly #target: number;
  readonly #start: number;
  readonly #live: Int32Array;
  /** Outcomes of (s, a): first[s·A + a] … first[s·A + a + 1] − 1. */
  readonly #first: Int32Array;
  readonly #prob: Float64Array;
  readonly #next: Int32Array;
  readonly #reward: Float64Array;
  /** An upper bound of V* (null: no bound, always solve). */
  readonly #upper: Float64Array | null;
  #u: Float64Array;
  #v: Float64Array;
  /** How many decisions took the exact solve (the rest were settled by the bound). */
  solves = 0;
  /**
   * Sweeps of T* the value iteration behind the bound U took (0 when the walk admits no
   * bound). It stops at the first sweep that lowers no state's bound: from the constant
   * max(0, r_max) the iterates never rise (T* is monotone and T* U ≤ U), so that sweep changed
   * nothing and U is a fixed point of T*. It stops after 10 000 sweeps when some state's
   * bound keeps falling (a live state from which no episode can end has V* = −∞ there);
   * every iterate is a valid bound, so the cap only limits the cost.
   */
  valueSweeps = 0;

  /**
   * @param walk the walk
   * @param target the threshold v
   * @param start the start state (default the walk's start)
   * @param iterations the most applications of T^π before the solve (default 40)
   */
  constructor(
    walk: CliffWalk,
    target: number,
    start: number = walk.start,
    readonly iterations = 40,
  ) {
    this.#walk = walk;
    this.#target = target;
    this.#start = start;
    const S = walk.nStates;
    this.#live = Int32Array.from(walk.isTerminal.flatMap((t, s) => (t ? [] : [s])));
    const flat = flatOutcomes(walk);
    this.#first = flat.first;
    this.#prob = flat.prob;
    this.#next = flat.next;
    this.#reward = flat.reward;
    // the bound needs γ = 1 and no positive reward on a move into a live state
    let boundable = walk.gamma === 1;
    let rMax = 0;
    for (let o = 0; o < flat.next.length; o++) {
      rMax = Math.max(rMax, flat.reward[o]!);
      if (!walk.isTerminal[flat.next[o]!] && flat.reward[o]! > 0) boundable = false;
    }
    this.#u = new Float64Array(S);
    this.#v = new Float64Array(S);
    this.#upper = boundable ? this.#optimalUpper(rMax) : null;
  }

  /** Value iteration with T* from the constant max(0, r_max): every iterate is ≥ V*. */
  #optimalUpper(rMax: number): Float64Array {
    const S = this.#walk.nStates;
    const A = this.#walk.nActions;
    let u = new Float64Array(S);
    for (const s of this.#live) u[s] = rMax;
    for (let it = 0; it < 10_000; it++) {
      this.valueSweeps++;
      const v = new Float64Array(S);
      let change = 0;
      for (const s of this.#live) {
        let best = -Infinity;
        for (let a = 0; a < A; a++) best = Math.max(best, this.#backup(u, s, a));
        v[s] = best;
        change = Math.max(change, u[s]! - best);
      }
      u = v;
      if (change === 0) break;
    }
    return u;
  }

  /** Σ_{s'} p(s' | s, a) (r + U(s')), with U = 0 at terminal states. */
  #backup(u: Float64Array, s: number, a: number): number {
    const A = this.#walk.nActions;
    let q = 0;
    for (let o = this.#first[s * A + a]!; o < this.#first[s * A + a + 1]!; o++) {
      q += this.#prob[o]! * (this.#reward[o]! + u[this.#next[o]!]!);
    }
    return q;
  }

  /**
   * The upper bound (T^π)^k U at the start, stopping early once it is below the target.
   *
   * @param flat π(a | s) at `offset + s · A + a`
   * @param offset where row 0 begins
   * @returns the bound (+Infinity when the walk admits no bound)
   */
  upperBound(flat: ArrayLike<number>, offset = 0): number {
    const upper = this.#upper;
    if (upper === null) return Infinity;
    const A = this.#walk.nActions;
    let u = this.#u;
    let v = this.#v;
    u.set(upper);
    for (let k = 0; k < this.iterations; k++) {
      // U ← T^π U on the live states (terminal entries stay 0)
      for (let i = 0; i < this.#live.length; i++) {
        const s = this.#live[i]!;
        let x = 0;
        for (let a = 0; a < A; a++) {
          const p = flat[offset + s * A + a]!;
          if (p !== 0) x += p * this.#backup(u, s, a);
        }
        v[s] = x;
      }
      [u, v] = [v, u];
      if (u[this.#start]! < this.#target) break;
    }
    this.#u = u;
    this.#v = v;
    return u[this.#start]!;
  }

  /**
   * Whether V^π(start) ≥ target, with the exact outcome whenever the bound did not settle it.
   *
   * @param flat π(a | s) at `offset + s · A + a` (rows summing to 1)
   * @param offset where row 0 begins
   * @returns `reached`, and `outcome` (null when the bound alone showed the target is missed)
   * @example
   * ```ts
   * import { cliffWalk, edgePolicyActions } from "../../shared/cliff/mod.ts";
   * import { TargetCheck } from "./target.ts";
   * const walk = cliffWalk();
   * const check = new TargetCheck(walk, 83);
   * const edge = edgePolicyActions(walk).flatMap((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
   * const r = check.decide(edge);
   * if (!r.reached || r.outcome?.value !== 88) throw new Error();
   * const uniform = new Array(48 * 4).fill(0.25);
   * if (check.decide(uniform).reached || check.decide(uniform).outcome !== null) throw new Error();
   * ```
   */
  decide(
    flat: ArrayLike<number>,
    offset = 0,
  ): { reached: boolean; outcome: PolicyOutcome | null } {
    if (this.upperBound(flat, offset) < this.#target) return { reached: false, outcome: null };
    this.solves++;
    const outcome = policyOutcome(this.#walk, tableRows(flat, offset, this.#walk), this.#start);
    return { reached: outcome.proper && outcome.value >= this.#target, outcome };
  }
}

/** Rows π(· | s) of a flat table. */
function tableRows(flat: ArrayLike<number>, offset: number, walk: CliffWalk): number[][] {
  const A = walk.nActions;
  return Array.from(
    { length: walk.nStates },
    (_, s) => Array.from({ length: A }, (_, a) => flat[offset + s * A + a]!),
  );
}
