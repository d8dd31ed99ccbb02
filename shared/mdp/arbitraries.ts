/**
 * fast-check arbitraries for finite MDPs, policies and value functions. Constraints are
 * built in rather than filtered: probabilities are integer weights normalised per row,
 * rewards are multiples of 1/4 within the bound, γ is k/1000 or a pinned edge value.
 *
 * @module
 */
import fc from "fast-check";
import { type FiniteMdp, makeMdp, type Outcome } from "./model.ts";
import type { Policy } from "./policy.ts";
import { optimalValues } from "./evaluation.ts";
import { optimalValuesExact } from "./exact.ts";

/** How successor states are spread. */
export type TransitionKind = "dense" | "sparse" | "deterministic";
/** Whether the reward of (s, a, s') is fixed or itself random. */
export type RewardKind = "deterministic" | "random";

/** Options for {@link arbMdp}. */
export interface MdpArbOptions {
  /** Fewest states (default 1). */
  minStates?: number;
  /** Most states (default 8). */
  maxStates?: number;
  /** Fewest actions (default 1). */
  minActions?: number;
  /** Most actions (default 5). */
  maxActions?: number;
  /** Transition kinds to draw from (default all three). */
  transitions?: TransitionKind[];
  /** Reward kinds to draw from (default both). */
  rewards?: RewardKind[];
  /** The bound R on |r| (default 10). */
  rewardBound?: number;
  /** γ (default {@link arbGamma}). */
  gamma?: fc.Arbitrary<number>;
  /**
   * Add an absorbing terminal state (the last state) reachable from every state–action
   * pair with probability ≥ 1/10, so every policy is proper and γ = 1 is allowed.
   */
  terminating?: boolean;
  /** Add a full-support initial distribution p0. */
  withInitial?: boolean;
}

/**
 * γ in (0, 1): k/1000 for k in 1..999, with the edge values 0.001, 0.5 and 0.999 pinned
 * as frequent choices.
 *
 * @returns the arbitrary
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbGamma } from "./arbitraries.ts";
 * for (const g of fc.sample(arbGamma(), { seed: 1, numRuns: 50 })) if (!(g > 0 && g < 1)) throw new Error();
 * ```
 */
export function arbGamma(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: 1, max: 999 }).map((k) => k / 1000),
    fc.constantFrom(0.001, 0.5, 0.999),
  );
}

/** A reward: a multiple of 1/4 in [−R, R]. */
function arbReward(bound: number): fc.Arbitrary<number> {
  const k = Math.floor(4 * bound);
  return fc.integer({ min: -k, max: k }).map((x) => x / 4);
}

/** Integer weights normalised to probabilities (the total is at least 1). */
function normalise(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** One (s, a) outcome list over `n` states. */
function arbOutcomeList(
  n: number,
  kind: TransitionKind,
  rewardKind: RewardKind,
  bound: number,
): fc.Arbitrary<Outcome[]> {
  const successors: fc.Arbitrary<{ next: number; weight: number }[]> = kind === "deterministic"
    ? fc.integer({ min: 0, max: n - 1 }).map((next) => [{ next, weight: 1 }])
    : kind === "sparse"
    ? fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), {
      minLength: 1,
      maxLength: Math.min(2, n),
    })
      .chain((nexts) =>
        fc.array(fc.integer({ min: 1, max: 9 }), {
          minLength: nexts.length,
          maxLength: nexts.length,
        })
          .map((ws) => nexts.map((next, i) => ({ next, weight: ws[i]! })))
      )
    : fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((ws) => {
      const out = ws.map((weight, next) => ({ next, weight }));
      if (ws.every((w) => w === 0)) out[0]!.weight = 1;
      return out.filter((o) => o.weight > 0);
    });
  return successors.chain((succ) => {
    // random rewards: each successor's weight is split between two reward values
    const perSucc = succ.map((x) =>
      rewardKind === "deterministic"
        ? arbReward(bound).map((r) => [{ next: x.next, reward: r, weight: 2 * x.weight }])
        : fc.tuple(arbReward(bound), arbReward(bound), fc.integer({ min: 1, max: 3 })).map((
          [r1, r2, split],
        ) => [
          { next: x.next, reward: r1, weight: split * x.weight },
          { next: x.next, reward: r2, weight: (4 - split) * x.weight },
        ])
    );
    return fc.tuple(...perSucc).map((groups) => {
      const flat = groups.flat();
      const probs = normalise(flat.map((o) => o.weight));
      return flat.map((o, i) => ({ next: o.next, reward: o.reward, prob: probs[i]! }));
    });
  });
}

/**
 * Random finite MDPs: 1–8 states and 1–5 actions by default, dense, sparse or
 * deterministic transitions, deterministic or random rewards bounded by R.
 *
 * @param options sizes, kinds, bound, γ, termination
 * @returns the arbitrary
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbMdp } from "./arbitraries.ts";
 * const [mdp] = fc.sample(arbMdp({ maxStates: 3 }), { seed: 7, numRuns: 1 });
 * if (!(mdp!.nStates >= 1 && mdp!.nStates <= 3)) throw new Error();
 * ```
 */
export function arbMdp(options: MdpArbOptions = {}): fc.Arbitrary<FiniteMdp> {
  const {
    minStates = 1,
    maxStates = 8,
    minActions = 1,
    maxActions = 5,
    transitions = ["dense", "sparse", "deterministic"],
    rewards = ["deterministic", "random"],
    rewardBound = 10,
    terminating = false,
    withInitial = false,
  } = options;
  const gammaArb = options.gamma ?? arbGamma();
  return fc.record({
    nLive: fc.integer({ min: minStates, max: maxStates }),
    nActions: fc.integer({ min: minActions, max: maxActions }),
    kind: fc.constantFrom(...transitions),
    rewardKind: fc.constantFrom(...rewards),
    gamma: gammaArb,
  }).chain(({ nLive, nActions, kind, rewardKind, gamma }) => {
    const nStates = terminating ? nLive + 1 : nLive;
    const list = arbOutcomeList(nStates, kind, rewardKind, rewardBound).map((os) =>
      terminating ? mixInTermination(os, nLive) : os
    );
    const rows = fc.array(fc.array(list, { minLength: nActions, maxLength: nActions }), {
      minLength: nLive,
      maxLength: nLive,
    });
    const initial = withInitial
      ? fc.array(fc.integer({ min: 1, max: 9 }), { minLength: nStates, maxLength: nStates })
        .map((ws) => normalise(terminating ? [...ws.slice(0, nLive), 0] : ws))
      : fc.constant(undefined);
    return fc.tuple(rows, initial).map(([outcomes, p0]) =>
      makeMdp({
        gamma,
        nActions,
        rewardBound,
        outcomes: terminating ? [...outcomes, []] : outcomes,
        terminal: terminating ? [nLive] : [],
        initial: p0,
      })
    );
  });
}

/** Scales an outcome list by 9/10 and sends the remaining 1/10 to the terminal state. */
function mixInTermination(os: Outcome[], terminal: number): Outcome[] {
  return [...os.map((o) => ({ ...o, prob: (o.prob * 9) / 10 })), {
    next: terminal,
    reward: 0,
    prob: 1 / 10,
  }];
}

/** Options for {@link arbPolicy}. */
export interface PolicyArbOptions {
  /** "stochastic": integer weights normalised (zeros allowed); "deterministic": one-hot rows; "any" (default): either. */
  kind?: "stochastic" | "deterministic" | "any";
}

/**
 * Random policies for an MDP with the given sizes: stochastic (integer weights 0–4 with
 * at least one positive per row, so zeros occur often) or deterministic.
 *
 * @param nStates |S|
 * @param nActions |A|
 * @param options kind of policy
 * @returns the arbitrary
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbPolicy } from "./arbitraries.ts";
 * const [pi] = fc.sample(arbPolicy(2, 3), { seed: 1, numRuns: 1 });
 * if (Math.abs(pi![0]!.reduce((a, b) => a + b, 0) - 1) > 1e-12) throw new Error();
 * ```
 */
export function arbPolicy(
  nStates: number,
  nActions: number,
  options: PolicyArbOptions = {},
): fc.Arbitrary<Policy> {
  const kind = options.kind ?? "any";
  const stochasticRow = fc.array(fc.integer({ min: 0, max: 4 }), {
    minLength: nActions,
    maxLength: nActions,
  })
    .chain((ws) =>
      ws.every((w) => w === 0)
        ? fc.integer({ min: 0, max: nActions - 1 }).map((i) => ws.map((_, j) => (i === j ? 1 : 0)))
        : fc.constant(normalise(ws))
    );
  const deterministicRow = fc.integer({ min: 0, max: nActions - 1 }).map((i) =>
    Array.from({ length: nActions }, (_, j) => (i === j ? 1 : 0))
  );
  const row = kind === "stochastic"
    ? stochasticRow
    : kind === "deterministic"
    ? deterministicRow
    : fc.oneof(stochasticRow, deterministicRow);
  return fc.array(row, { minLength: nStates, maxLength: nStates });
}

/**
 * Random value functions with entries in [−bound, bound] (multiples of 1/8; 0 and ties
 * occur often).
 *
 * @param nStates |S|
 * @param bound the largest |V(s)|
 * @returns the arbitrary
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbValues } from "./arbitraries.ts";
 * const [v] = fc.sample(arbValues(4, 2), { seed: 1, numRuns: 1 });
 * if (v!.length !== 4 || v!.some((x) => Math.abs(x) > 2)) throw new Error();
 * ```
 */
export function arbValues(nStates: number, bound = 50): fc.Arbitrary<number[]> {
  const k = Math.floor(8 * bound);
  return fc.array(fc.integer({ min: -k, max: k }).map((x) => x / 8), {
    minLength: nStates,
    maxLength: nStates,
  });
}

/**
 * Random action-value tables q[s][a] with entries in [−bound, bound].
 *
 * @param nStates |S|
 * @param nActions |A|
 * @param bound the largest |Q(s, a)|
 * @returns the arbitrary
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbActionValues } from "./arbitraries.ts";
 * const [q] = fc.sample(arbActionValues(2, 3), { seed: 1, numRuns: 1 });
 * if (q!.length !== 2 || q![0]!.length !== 3) throw new Error();
 * ```
 */
export function arbActionValues(
  nStates: number,
  nActions: number,
  bound = 50,
): fc.Arbitrary<number[][]> {
  return fc.array(arbValues(nActions, bound), { minLength: nStates, maxLength: nStates });
}

/**
 * MDPs with exact ties among optimal actions: a random MDP with at least two actions in
 * which, in some states, one action's outcome list is copied onto another, so the two
 * have equal Q* exactly. (Random MDPs almost never have ties.)
 *
 * @param options as for {@link arbMdp} (the action count is at least 2)
 * @returns the arbitrary
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbTiedMdp } from "./arbitraries.ts";
 * const [m] = fc.sample(arbTiedMdp({ maxStates: 3 }), { seed: 3, numRuns: 1 });
 * if (m!.nActions < 2) throw new Error();
 * ```
 */
export function arbTiedMdp(options: MdpArbOptions = {}): fc.Arbitrary<FiniteMdp> {
  return arbMdp({ ...options, minActions: Math.max(2, options.minActions ?? 2) }).chain((mdp) =>
    fc.array(
      fc.tuple(
        fc.boolean(),
        fc.integer({ min: 0, max: mdp.nActions - 1 }),
        fc.integer({ min: 0, max: mdp.nActions - 1 }),
      ),
      { minLength: mdp.nStates, maxLength: mdp.nStates },
    ).map((copies) => {
      const outcomes = mdp.outcomes.map((row, s) => {
        const [copy, from, to] = copies[s]!;
        if (mdp.isTerminal[s]) return [];
        if (!copy && s !== 0) return row;
        // state 0 always gets a copy, so every MDP drawn has at least one duplicated action
        const src = from;
        const dst = to === from ? (from + 1) % mdp.nActions : to;
        return row.map((list, a) => (a === dst ? row[src]! : list));
      });
      return makeMdp({
        gamma: mdp.gamma,
        nActions: mdp.nActions,
        rewardBound: mdp.rewardBound,
        outcomes,
        terminal: mdp.isTerminal.flatMap((t, s) => (t ? [s] : [])),
        initial: mdp.initial,
      });
    })
  );
}

/**
 * Small MDPs with several distinct optimal policies: a random MDP with at least two
 * actions is solved exactly (rational policy iteration), then in state 0 and in a random
 * subset of the other live states an optimal action's outcome list is copied onto another
 * action. The copy has the same lookahead under V*, so V* still solves V = B*[V] and is
 * unchanged, while the argmax set of Q*(s, ·) now holds at least two actions there:
 * deterministic optimal policies with different supports exist in every MDP drawn.
 * (Copying an arbitrary action, as {@link arbTiedMdp} does, ties actions that may both be
 * suboptimal.) Keep the sizes small: the exact solve runs once per draw.
 *
 * @param options as for {@link arbMdp} (defaults: 1–3 states, 2–3 actions)
 * @returns the arbitrary
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbMultiOptimalMdp, optimalValuesExact } from "./mod.ts";
 * const [m] = fc.sample(arbMultiOptimalMdp(), { seed: 2, numRuns: 1 });
 * if (optimalValuesExact(m!).argmax[0]!.length < 2) throw new Error();
 * ```
 */
export function arbMultiOptimalMdp(options: MdpArbOptions = {}): fc.Arbitrary<FiniteMdp> {
  const base = arbMdp({
    maxStates: 3,
    maxActions: 3,
    ...options,
    minActions: Math.max(2, options.minActions ?? 2),
  });
  return base.chain((mdp) =>
    fc.array(fc.tuple(fc.boolean(), fc.nat()), {
      minLength: mdp.nStates,
      maxLength: mdp.nStates,
    }).map((choices) => {
      const { argmax } = optimalValuesExact(mdp, optimalValues(mdp).actions);
      const outcomes = mdp.outcomes.map((row, s) => {
        const [copy, pick] = choices[s]!;
        if (mdp.isTerminal[s] || (!copy && s !== 0)) return row;
        // copy an optimal action onto an action outside the argmax set (if there is one)
        const src = argmax[s]![pick % argmax[s]!.length]!;
        const others = row.map((_, a) => a).filter((a) => !argmax[s]!.includes(a));
        if (others.length === 0) return row;
        const dst = others[pick % others.length]!;
        return row.map((list, a) => (a === dst ? row[src]! : list));
      });
      return makeMdp({
        gamma: mdp.gamma,
        nActions: mdp.nActions,
        rewardBound: mdp.rewardBound,
        outcomes,
        terminal: mdp.isTerminal.flatMap((t, s) => (t ? [s] : [])),
        initial: mdp.initial,
      });
    })
  );
}

/**
 * An MDP together with a policy for it.
 *
 * @param options MDP options
 * @param policy policy options
 * @returns the arbitrary of pairs
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbMdpWithPolicy } from "./arbitraries.ts";
 * const [[m, pi]] = fc.sample(arbMdpWithPolicy(), { seed: 5, numRuns: 1 }) as [[import("./model.ts").FiniteMdp, number[][]]];
 * if (pi.length !== m.nStates) throw new Error();
 * ```
 */
export function arbMdpWithPolicy(
  options: MdpArbOptions = {},
  policy: PolicyArbOptions = {},
): fc.Arbitrary<[FiniteMdp, Policy]> {
  return arbMdp(options).chain((mdp) =>
    arbPolicy(mdp.nStates, mdp.nActions, policy).map((pi) => [mdp, pi] as [FiniteMdp, Policy])
  );
}
