/**
 * Problem 12: the policy-evaluation losses E[(Q̂ − V(s0))²] and E[(Q̂ − Q(s0, a0))²] for the
 * target Q̂ = r0 + γ V^π(s1), computed exactly by enumerating (s0, a0, r0, s1) on a finite MDP,
 * their minimisers, the gap between them, and a sampler of transitions.
 *
 * @module
 */
import {
  type FiniteMdp,
  MdpInputError,
  type Policy,
  validatePolicy,
  type ValueFunction,
} from "../../shared/mdp/mod.ts";
import type { Rng } from "../../shared/random/mod.ts";

/** A table over (s, a). */
export type ActionTable = readonly (readonly number[])[];

function initialOf(mdp: FiniteMdp): readonly number[] {
  if (!mdp.initial) {
    throw new MdpInputError("the MDP needs an initial distribution p0 (build it with `initial`)");
  }
  return mdp.initial;
}

/**
 * Σ over the joint law of (s0, a0, r0, s1) of weight × h(s0, a0, r0, s1): s0 ~ p0,
 * a0 ~ π(· | s0), (r0, s1) ~ p(·, · | s0, a0). Terminal s0 (which p0 never picks in the suite)
 * contribute nothing.
 */
function expectOverTransitions(
  mdp: FiniteMdp,
  pi: Policy,
  h: (s: number, a: number, r: number, next: number) => number,
): number {
  const p0 = initialOf(mdp);
  let acc = 0;
  for (let s = 0; s < mdp.nStates; s++) {
    if (p0[s] === 0 || mdp.isTerminal[s]) continue;
    for (let a = 0; a < mdp.nActions; a++) {
      const w = p0[s]! * pi[s]![a]!;
      if (w === 0) continue;
      for (const o of mdp.outcomes[s]![a]!) acc += w * o.prob * h(s, a, o.reward, o.next);
    }
  }
  return acc;
}

/**
 * The target Q̂ = r0 + γ V^π(s1) for one transition (V^π = 0 at terminal s1).
 *
 * @param mdp the MDP
 * @param vpi V^π
 * @param r the reward r0
 * @param next the next state s1
 * @returns Q̂
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { target } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (target(m, [2], 1, 0) !== 2) throw new Error();
 * ```
 */
export function target(mdp: FiniteMdp, vpi: ValueFunction, r: number, next: number): number {
  return r + mdp.gamma * (mdp.isTerminal[next] ? 0 : vpi[next]!);
}

/**
 * The V-fitting loss E[(Q̂ − V(s0))²], exactly.
 *
 * @param mdp the MDP (with p0)
 * @param pi the policy
 * @param vpi V^π (to build the target)
 * @param v the candidate V_φ
 * @returns the expected squared error
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { valueFitLoss } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, initial: [1], outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (valueFitLoss(m, [[1]], [2], [2]) !== 0 || valueFitLoss(m, [[1]], [2], [3]) !== 1) throw new Error();
 * ```
 */
export function valueFitLoss(
  mdp: FiniteMdp,
  pi: Policy,
  vpi: ValueFunction,
  v: ValueFunction,
): number {
  validatePolicy(mdp, pi);
  return expectOverTransitions(
    mdp,
    pi,
    (s, _a, r, next) => (target(mdp, vpi, r, next) - v[s]!) ** 2,
  );
}

/**
 * The Q-fitting loss E[(Q̂ − Q(s0, a0))²], exactly.
 *
 * @param mdp the MDP (with p0)
 * @param pi the policy
 * @param vpi V^π
 * @param q the candidate Q_φ
 * @returns the expected squared error
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { actionValueFitLoss } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, initial: [1], outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (actionValueFitLoss(m, [[1]], [2], [[2]]) !== 0) throw new Error();
 * ```
 */
export function actionValueFitLoss(
  mdp: FiniteMdp,
  pi: Policy,
  vpi: ValueFunction,
  q: ActionTable,
): number {
  validatePolicy(mdp, pi);
  return expectOverTransitions(
    mdp,
    pi,
    (s, a, r, next) => (target(mdp, vpi, r, next) - q[s]![a]!) ** 2,
  );
}

/**
 * The conditional means E[Q̂ | s0 = s] (the pointwise minimiser of the V-loss), by
 * enumeration: Σ_a π(a | s) Σ p(r, s' | s, a)(r + γ V^π(s')). 0 at terminal states.
 *
 * @param mdp the MDP
 * @param pi the policy
 * @param vpi V^π
 * @returns E[Q̂ | s0 = s] for every s
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { conditionalTargetMeanGivenState } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }], [{ next: 0, reward: 3, prob: 1 }]]] });
 * if (conditionalTargetMeanGivenState(m, [[0.5, 0.5]], [0])[0] !== 2) throw new Error();
 * ```
 */
export function conditionalTargetMeanGivenState(
  mdp: FiniteMdp,
  pi: Policy,
  vpi: ValueFunction,
): number[] {
  const q = conditionalTargetMeanGivenStateAction(mdp, vpi);
  return q.map((row, s) => row.reduce((acc, x, a) => acc + pi[s]![a]! * x, 0));
}

/**
 * The conditional means E[Q̂ | s0 = s, a0 = a] (the pointwise minimiser of the Q-loss), by
 * enumeration: Σ p(r, s' | s, a)(r + γ V^π(s')). 0 at terminal states.
 *
 * @param mdp the MDP
 * @param vpi V^π
 * @returns the table over (s, a)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { conditionalTargetMeanGivenStateAction } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * if (conditionalTargetMeanGivenStateAction(m, [4])[0]![0] !== 3) throw new Error();
 * ```
 */
export function conditionalTargetMeanGivenStateAction(
  mdp: FiniteMdp,
  vpi: ValueFunction,
): number[][] {
  return mdp.outcomes.map((row, s) =>
    mdp.isTerminal[s]
      ? new Array<number>(mdp.nActions).fill(0)
      : row.map((list) =>
        list.reduce((acc, o) => acc + o.prob * target(mdp, vpi, o.reward, o.next), 0)
      )
  );
}

/**
 * E[A(s0, a0)²] = Σ_s p0(s) Σ_a π(a | s)(Q(s, a) − V(s))², exactly.
 *
 * @param mdp the MDP (with p0)
 * @param pi the policy
 * @param v V
 * @param q Q
 * @returns the second moment of the advantage under p0 and π
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { advantageSecondMoment } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, initial: [1], outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]]] });
 * if (advantageSecondMoment(m, [[0.5, 0.5]], [1], [[0, 2]]) !== 1) throw new Error();
 * ```
 */
export function advantageSecondMoment(
  mdp: FiniteMdp,
  pi: Policy,
  v: ValueFunction,
  q: ActionTable,
): number {
  const p0 = initialOf(mdp);
  let acc = 0;
  for (let s = 0; s < mdp.nStates; s++) {
    for (let a = 0; a < mdp.nActions; a++) acc += p0[s]! * pi[s]![a]! * (q[s]![a]! - v[s]!) ** 2;
  }
  return acc;
}

/** One sampled transition. */
export interface Transition {
  /** s0 ~ p0. */
  s: number;
  /** a0 ~ π(· | s0). */
  a: number;
  /** r0. */
  r: number;
  /** s1. */
  next: number;
}

/**
 * Draws n transitions (s0, a0, r0, s1): s0 ~ p0, a0 ~ π(· | s0), (r0, s1) ~ p(·, · | s0, a0).
 *
 * @param mdp the MDP (with p0)
 * @param pi the policy
 * @param n the number of samples
 * @param rng the seeded generator
 * @returns the transitions
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { Rng } from "../../shared/random/mod.ts";
 * import { sampleTransitions } from "./mod.ts";
 * const m = makeMdp({ gamma: 0.5, initial: [1], outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
 * const [t] = sampleTransitions(m, [[1]], 1, new Rng(1));
 * if (t!.s !== 0 || t!.r !== 1) throw new Error();
 * ```
 */
export function sampleTransitions(mdp: FiniteMdp, pi: Policy, n: number, rng: Rng): Transition[] {
  validatePolicy(mdp, pi);
  const p0 = initialOf(mdp);
  if (!Number.isInteger(n) || n < 0) {
    throw new MdpInputError(`sample size must be an integer ≥ 0, got ${n}`);
  }
  const out: Transition[] = [];
  for (let i = 0; i < n; i++) {
    const s = rng.categorical(p0);
    const a = rng.categorical(pi[s]!);
    const list = mdp.outcomes[s]![a]!;
    if (list.length === 0) throw new MdpInputError(`p0 puts mass on the terminal state ${s}`);
    const o = list[rng.categorical(list.map((x) => x.prob))]!;
    out.push({ s, a, r: o.reward, next: o.next });
  }
  return out;
}
export * from "./fit.ts";
