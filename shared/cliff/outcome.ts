/**
 * What a stochastic policy does on a walk, computed exactly from the model: its value, the
 * probability of reaching the goal and of falling, the expected episode length, and the
 * expected number of visits to each state. One linear solve over the live (non-terminal)
 * states with several right-hand sides, in float64 with partial pivoting.
 *
 * For a policy that terminates with probability 1 from every live state (a proper policy),
 * (I − P_π) restricted to the live states is invertible, and with X = (I − P_π)^{-1}:
 * V = X r_π (value), g = X p_goal (probability of ending in the goal), ℓ = X 1 (expected
 * number of moves), and the expected visits from the start are row `start` of X.
 *
 * @module
 */
import { CliffInputError, type CliffWalk } from "./grid.ts";

/** The exact behaviour of a policy table on a walk. */
export interface PolicyOutcome {
  /** False when the policy does not terminate from some live state (then every other field is NaN or empty). */
  proper: boolean;
  /** V^π(s) for every state (0 at terminal states): the expected undiscounted return. */
  values: number[];
  /** V^π(start). */
  value: number;
  /** P(the episode from the start ends in the goal). */
  success: number;
  /** P(the episode from the start ends in a cliff cell), 0 in the classic walk. */
  fall: number;
  /** Expected number of moves from the start to termination. */
  expectedLength: number;
  /** visits[s]: expected number of times the episode from the start is at s before it ends (0 at terminal states). */
  visits: number[];
}

/**
 * Solves for the exact value, success and fall probabilities, expected length and expected
 * visits of a stochastic policy from a start state. Pivots below 1e-12 (a policy that can
 * loop forever, e.g. a float32 softmax row that underflowed to exact zeros) are reported as
 * an improper policy, not thrown.
 *
 * @param walk the walk (its γ is used for the values; the length and visits are undiscounted counts)
 * @param table rows π(· | s) for every state (terminal rows unused)
 * @param start the start state (default the walk's start)
 * @param options `visits: true` also solves for the expected visits (one more solve)
 * @returns the outcome
 * @throws CliffInputError for a table of the wrong shape, a negative or NaN entry in a live
 *   row, or a terminal start
 * @example
 * ```ts
 * import { cliffWalk, edgePolicyActions, policyOutcome } from "./mod.ts";
 * const walk = cliffWalk();
 * const table = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
 * const o = policyOutcome(walk, table);
 * if (o.value !== 88 || o.success !== 1 || o.expectedLength !== 13 || policyOutcome(walk, table, 36, { visits: true }).visits[24] !== 1) throw new Error();
 * if (policyOutcome(walk, table.map(() => [1, 0, 0, 0])).proper) throw new Error(); // up forever
 * ```
 */
export function policyOutcome(
  walk: CliffWalk,
  table: ArrayLike<ArrayLike<number>>,
  start: number = walk.start,
  options: { visits?: boolean } = {},
): PolicyOutcome {
  if (table.length !== walk.nStates) {
    throw new CliffInputError(`policy table has ${table.length} rows, expected ${walk.nStates}`);
  }
  if (walk.isTerminal[start] !== false) {
    throw new CliffInputError(`start state ${start} is not a live state`);
  }
  const { live, index } = liveIndex(walk);
  const n = live.length;
  const discounted = walk.gamma !== 1;
  // [I − P_π | p_goal | p_cliff | 1 | r_π]; for γ < 1 the value has its own matrix I − γP_π
  const width = n + 4;
  const m = new Float64Array(n * width);
  const mv = discounted ? new Float64Array(n * (n + 1)) : m;
  const vWidth = discounted ? n + 1 : width;
  const vCol = discounted ? n : n + 3;
  for (let i = 0; i < n; i++) {
    const s = live[i]!;
    const row = table[s];
    if (!row || row.length !== walk.nActions) {
      throw new CliffInputError(`policy row for state ${s} must have ${walk.nActions} entries`);
    }
    m[i * width + i] = 1;
    if (discounted) mv[i * vWidth + i] = 1;
    for (let a = 0; a < walk.nActions; a++) {
      const pa = row[a]!;
      if (!(pa >= 0)) {
        throw new CliffInputError(`policy entry π(${a} | ${s}) = ${pa} is not ≥ 0`);
      }
      if (pa === 0) continue;
      for (const o of walk.outcomes[s]![a]!) {
        const w = pa * o.prob;
        mv[i * vWidth + vCol]! += w * o.reward; // r_π(s)
        const j = index[o.next]!;
        if (j >= 0) {
          m[i * width + j]! -= w;
          if (discounted) mv[i * vWidth + j]! -= walk.gamma * w;
        } else if (o.next === walk.goal) {
          m[i * width + n]! += w; // one-step probability of entering the goal
        } else {
          m[i * width + n + 1]! += w; // of entering a terminal cliff cell
        }
      }
    }
    m[i * width + n + 2] = 1; // expected length: ℓ = 1 + P_π ℓ
  }
  // visits from the start: d^T (I − P_π) = e_start^T, a solve with the transposed matrix
  let mt: Float64Array | null = null;
  if (options.visits) {
    mt = new Float64Array(n * (n + 1));
    for (let r = 0; r < n; r++) {
      // row r of the transposed system is column r of I − P_π
      for (let j = 0; j < n; j++) mt[r * (n + 1) + j] = m[j * width + r]!;
    }
    mt[index[start]! * (n + 1) + n] = 1;
  }
  const ok = solveInPlace(m, n, width) && (!discounted || solveInPlace(mv, n, vWidth)) &&
    (mt === null || solveInPlace(mt, n, n + 1));
  if (!ok) {
    return {
      proper: false,
      values: [],
      value: NaN,
      success: NaN,
      fall: NaN,
      expectedLength: NaN,
      visits: [],
    };
  }
  const values = new Array<number>(walk.nStates).fill(0);
  const visits = new Array<number>(mt ? walk.nStates : 0).fill(0);
  for (let i = 0; i < n; i++) {
    values[live[i]!] = mv[i * vWidth + vCol]!;
    if (mt) visits[live[i]!] = mt[i * (n + 1) + n]!;
  }
  const i0 = index[start]!;
  return {
    proper: true,
    values,
    value: values[start]!,
    success: m[i0 * width + n]!,
    fall: m[i0 * width + n + 1]!,
    expectedLength: m[i0 * width + n + 2]!,
    visits,
  };
}

/** The live states in order, and each state's index among them (−1 for terminal states). */
function liveIndex(walk: CliffWalk): { live: number[]; index: number[] } {
  const live: number[] = [];
  const index = new Array<number>(walk.nStates).fill(-1);
  walk.isTerminal.forEach((t, s) => {
    if (!t) {
      index[s] = live.length;
      live.push(s);
    }
  });
  return { live, index };
}

/**
 * Gaussian elimination with partial pivoting and back substitution on an n × width
 * row-major matrix whose first n columns are the system and the rest right-hand sides;
 * afterwards the right-hand columns hold the solutions. Returns false for a pivot below
 * 1e-12 (a singular system: the policy can loop forever).
 */
function solveInPlace(m: Float64Array, n: number, width: number): boolean {
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = Math.abs(m[c * width + c]!);
    for (let r = c + 1; r < n; r++) {
      const x = Math.abs(m[r * width + c]!);
      if (x > best) {
        best = x;
        p = r;
      }
    }
    if (!(best > 1e-12)) return false;
    if (p !== c) {
      for (let j = c; j < width; j++) {
        const t = m[c * width + j]!;
        m[c * width + j] = m[p * width + j]!;
        m[p * width + j] = t;
      }
    }
    const pivot = m[c * width + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * width + c]! / pivot;
      if (f === 0) continue;
      for (let j = c; j < width; j++) m[r * width + j]! -= f * m[c * width + j]!;
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    const pivot = m[c * width + c]!;
    for (let j = n; j < width; j++) {
      let x = m[c * width + j]!;
      for (let k = c + 1; k < n; k++) x -= m[c * width + k]! * m[k * width + j]!;
      m[c * width + j] = x / pivot;
    }
  }
  return true;
}

/**
 * The most probable action in every state (the first one on ties): the greedy policy of a
 * probability table.
 *
 * @param table rows π(· | s)
 * @returns argmax_a π(a | s) per state
 * @example
 * ```ts
 * import { argmaxActions } from "./mod.ts";
 * if (argmaxActions([[0.1, 0.9], [0.5, 0.5]]).join() !== "1,0") throw new Error();
 * ```
 */
export function argmaxActions(table: ArrayLike<ArrayLike<number>>): number[] {
  const out: number[] = [];
  for (let s = 0; s < table.length; s++) {
    const row = table[s]!;
    let best = 0;
    for (let a = 1; a < row.length; a++) if (row[a]! > row[best]!) best = a;
    out.push(best);
  }
  return out;
}
