/**
 * Problem 15's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { type Fraction, fraction } from "mathjs";
import {
  type CliffOptions,
  type CliffWalk,
  cliffWalk,
  edgePathActions,
  greedyEpisode,
} from "../../shared/cliff/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import {
  evaluateActions,
  ImproperPolicyError,
  improperStates,
  lookaheadQ,
  optimalityResidual,
  policyIteration,
  properPolicy,
  type SolvableMdp,
  sparseMdp,
  valueIterationBounds,
} from "./mod.ts";

/** A walk and the discount used with it. */
export interface WalkCase {
  /** The walk's options. */
  options: CliffOptions;
  /** γ. */
  gamma: number;
}

/** The handout's walk, pinned first in every property. */
export const HANDOUT: WalkCase = { options: {}, gamma: 1 };

const gammaArb = fc.oneof(fc.constant(1), fc.integer({ min: 50, max: 99 }).map((k) => k / 100));

/**
 * Random Cliff Walks on which value iteration and policy iteration share the fixed point
 * V*: the handout and classic variants (every non-terminal move costs −1, so an improper
 * policy is worth −∞ somewhere), slippery or not, γ ∈ {1} ∪ [0.5, 0.99]; the terminal-only
 * variant for γ < 1, and for γ = 1 without slipping (V* = +100 wherever the goal is reachable).
 */
export const arbWalkCase: fc.Arbitrary<WalkCase> = fc.record({
  rows: fc.integer({ min: 2, max: 6 }),
  cols: fc.integer({ min: 3, max: 10 }),
  variant: fc.constantFrom("handout", "classic", "terminal-only") as fc.Arbitrary<
    CliffOptions["variant"]
  >,
  slippery: fc.boolean(),
  gamma: gammaArb,
}).map(({ rows, cols, variant, slippery, gamma }) => ({
  options: {
    rows,
    cols,
    variant,
    slippery: variant === "terminal-only" && gamma === 1 ? false : slippery,
  },
  gamma,
}));

/** The same check run on both policy iteration and a variant: the result to check. */
type Solve = (walk: CliffWalk, c: WalkCase) => { V: number[]; actions: number[] };

const solved: Solve = (walk, c) => {
  const r = policyIteration(walk, c.gamma);
  return { V: r.V, actions: r.policy };
};

/** Float64 noise of a solve over ≤ 60 states with values ≤ 100 in size stays below 1e-12. */
const OPTIMALITY_TOLERANCE = 1e-10;

function optimalityMargin(c: WalkCase, solve: Solve): number {
  const walk = cliffWalk(c.options);
  const { V } = solve(walk, c);
  const { residual, state } = optimalityResidual(walk, V, c.gamma);
  if (!(residual <= OPTIMALITY_TOLERANCE)) {
    throw new ClaimViolation(
      `‖B*V − V‖∞ = ${residual} at state ${state} exceeds ${OPTIMALITY_TOLERANCE} ` +
        `(${JSON.stringify(c)})`,
    );
  }
  return OPTIMALITY_TOLERANCE - residual;
}

/**
 * The common shortcut the handout rules out: policy iteration whose evaluation is one sweep
 * V ← T^π[V] (from the previous V, starting at 0) instead of the exact linear solve, still
 * stopped when the policy is stable. It believes that a stable greedy policy certifies
 * V = B*[V] however roughly V was evaluated. Improvement uses the same strict-improvement
 * rule as {@link policyIteration}, so only the evaluation differs.
 */
const oneSweepEvaluation: Solve = (walk, c) => {
  let actions = properPolicy(walk);
  let V = new Array<number>(walk.nStates).fill(0);
  for (let k = 0; k < 10_000; k++) {
    // one sweep of iterative evaluation: V(s) ← Q_V(s, π(s))
    const sweep = lookaheadQ(walk, V, c.gamma);
    V = sweep.map((row, s) => row[actions[s]!]!);
    const Q = lookaheadQ(walk, V, c.gamma);
    const next = actions.map((a, s) => {
      const row = Q[s]!;
      const best = Math.max(...row);
      return row[a]! >= best - 1e-12 * (1 + Math.abs(best)) ? a : row.indexOf(best);
    });
    if (next.every((a, s) => a === actions[s])) return { V, actions };
    actions = next;
  }
  throw new ClaimViolation(`one-sweep policy iteration did not stabilise (${JSON.stringify(c)})`);
};

/** Sandwich slack: band width 1e-9 plus float noise of the solve (≤ 1e-12). */
const AGREEMENT_TOLERANCE = 2e-9;

/** The classic walk (every reward −1, so the upper start is 0), pinned beside the handout's. */
const CLASSIC: WalkCase = { options: { variant: "classic" }, gamma: 1 };

/**
 * The proof's upper start U_0 = c = max(0, largest reward) on the live states: checks that
 * the band starts there and that B*[U_0] ≤ U_0 holds, the hypothesis that makes it an upper
 * bound (README, 15b (ii)).
 */
function checkUpperStart(walk: CliffWalk, gamma: number, lowerStart: readonly number[]): void {
  const rewards = walk.outcomes.flatMap((row) => row.flatMap((list) => list.map((o) => o.reward)));
  const c = Math.max(0, ...rewards);
  const { upper } = valueIterationBounds(walk, gamma, lowerStart, Infinity);
  const backup = lookaheadQ(walk, upper, gamma);
  for (let s = 0; s < walk.nStates; s++) {
    if (walk.isTerminal[s]) continue;
    if (upper[s] !== c) {
      throw new ClaimViolation(`upper start U_0(s=${s}) = ${upper[s]}, expected c = ${c}`);
    }
    if (!(Math.max(...backup[s]!) <= c + 1e-12)) {
      throw new ClaimViolation(`B*[U_0](s=${s}) = ${Math.max(...backup[s]!)} exceeds U_0 = ${c}`);
    }
  }
}

/** The discount a solve uses: the claimed γ, or a mistaken one. */
type DiscountOf = (c: WalkCase) => number;

function agreementMargin(c: WalkCase, solveGamma: DiscountOf): number {
  const walk = cliffWalk(c.options);
  const { V } = policyIteration(walk, solveGamma(c));
  // value iteration from below (the value of a proper policy) and from above (B*[U] ≤ U)
  const lowerStart = evaluateActions(walk, properPolicy(walk), c.gamma);
  checkUpperStart(walk, c.gamma, lowerStart);
  const bounds = valueIterationBounds(walk, c.gamma, lowerStart, 1e-9);
  // the sandwich pins V only if the band is narrow: its width, recomputed from the bounds
  // themselves, must be the reported one and at most 1e-9 (a wide band holds any V)
  let widest = 0;
  walk.isTerminal.forEach((
    _,
    s,
  ) => (widest = Math.max(widest, bounds.upper[s]! - bounds.lower[s]!)));
  if (!(widest <= 1e-9) || widest !== bounds.width) {
    throw new ClaimViolation(
      `value iteration's band is ${widest} wide after ${bounds.sweeps} sweeps, reported ` +
        `${bounds.width}, target 1e-9 (${JSON.stringify(c)})`,
    );
  }
  let margin = Infinity;
  for (let s = 0; s < walk.nStates; s++) {
    const m = Math.min(V[s]! - bounds.lower[s]!, bounds.upper[s]! - V[s]!) + AGREEMENT_TOLERANCE;
    if (!(m >= 0)) {
      throw new ClaimViolation(
        `V(s=${s}) = ${V[s]} lies outside value iteration's band [${bounds.lower[s]}, ${
          bounds.upper[s]
        }] after ${bounds.sweeps} sweeps (${JSON.stringify(c)})`,
      );
    }
    margin = Math.min(margin, m);
  }
  return margin;
}

/** Random non-slippery walks for the greedy path: handout or classic, cols ≥ 3, any γ. */
const arbPathCase: fc.Arbitrary<WalkCase> = fc.record({
  rows: fc.integer({ min: 2, max: 6 }),
  cols: fc.integer({ min: 3, max: 12 }),
  variant: fc.constantFrom("handout", "classic") as fc.Arbitrary<CliffOptions["variant"]>,
  gamma: gammaArb,
}).map(({ rows, cols, variant, gamma }) => ({ options: { rows, cols, variant }, gamma }));

/** The top-row detour: up to the top row, along it, down the last column. */
const topRowActions = (walk: CliffWalk): number[] =>
  Array.from({ length: walk.nStates }, (_, s) => {
    const row = Math.floor(s / walk.cols);
    const col = s % walk.cols;
    if (col === walk.cols - 1) return 2;
    return row === 0 ? 1 : 0;
  });

function pathMargin(c: WalkCase, policyOf: (walk: CliffWalk) => number[]): number {
  const walk = cliffWalk(c.options);
  const { V } = policyIteration(walk, c.gamma);
  const ep = greedyEpisode(walk, policyOf(walk));
  const edge = edgePathActions(walk);
  if (ep.end !== "goal" || ep.actions.join() !== edge.join()) {
    throw new ClaimViolation(
      `greedy path ${
        ep.actions.join("")
      } (${ep.length} moves, ${ep.end}) is not the ${edge.length}-move ` +
        `edge path ${edge.join("")} (${JSON.stringify(c)})`,
    );
  }
  // its discounted return is V*(start)
  const discounted = ep.rewards.reduce((acc, r, t) => acc + c.gamma ** t * r, 0);
  const gap = Math.abs(discounted - V[walk.start]!);
  if (!(gap <= 1e-9)) {
    throw new ClaimViolation(`path return ${discounted} ≠ V*(start) = ${V[walk.start]}`);
  }
  return 1e-9 - gap;
}

/** A walk and the choices that pick a random proper start policy. */
interface ProperStartCase {
  options: CliffOptions;
  choice: number[];
}

const PINNED_PROPER: ProperStartCase = {
  options: { variant: "terminal-only" },
  choice: new Array<number>(60).fill(0),
};

/** Random γ = 1 walks of every variant (slippery allowed) with a random proper start policy. */
const arbProperStart = fc.record({
  rows: fc.integer({ min: 2, max: 6 }),
  cols: fc.integer({ min: 3, max: 10 }),
  variant: fc.constantFrom("handout", "classic", "terminal-only") as fc.Arbitrary<
    CliffOptions["variant"]
  >,
  slippery: fc.boolean(),
  choice: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 60, maxLength: 60 }),
}).map(({ choice, ...options }): ProperStartCase => ({ options, choice }));

/**
 * A random proper policy: in each state a random action among those that move, with
 * positive probability, one step closer (breadth-first) to a terminal state.
 */
function randomProperPolicy(walk: CliffWalk, choice: readonly number[]): number[] {
  const dist = new Array<number>(walk.nStates).fill(Infinity);
  const queue: number[] = [];
  walk.isTerminal.forEach((t, s) => {
    if (t) {
      dist[s] = 0;
      queue.push(s);
    }
  });
  for (let head = 0; head < queue.length; head++) {
    const t = queue[head]!;
    for (let s = 0; s < walk.nStates; s++) {
      if (dist[s] !== Infinity) continue;
      if (walk.transition[s]!.some((p) => p[t]! > 0)) {
        dist[s] = dist[t]! + 1;
        queue.push(s);
      }
    }
  }
  return Array.from({ length: walk.nStates }, (_, s) => {
    if (walk.isTerminal[s]) return 0;
    const good = [0, 1, 2, 3].filter((a) =>
      walk.outcomes[s]![a]!.some((o) => o.prob > 0 && dist[o.next] === dist[s]! - 1)
    );
    return good[choice[s % choice.length]! % good.length]!;
  });
}

function propernessMargin(
  c: { options: CliffOptions; choice: number[] },
  tieBreak: "keep" | "first",
): number {
  const walk = cliffWalk(c.options);
  const start = randomProperPolicy(walk, c.choice);
  let previous: number[] | undefined;
  let worst = Infinity;
  const result = policyIteration(walk, 1, {
    start,
    tieBreak,
    onPolicy: (actions, k) => {
      const stuck = improperStates(walk, actions);
      if (stuck.length > 0) {
        throw new ClaimViolation(
          `policy ${k} never terminates from state ${stuck[0]} (${JSON.stringify(c.options)})`,
        );
      }
    },
  });
  // and each improvement step does not lower the value anywhere: V_{k+1} ≥ V_k
  for (const V of result.valueHistory) {
    if (previous) {
      for (let s = 0; s < walk.nStates; s++) {
        const m = V[s]! - previous[s]! + 1e-9;
        if (!(m >= 0)) {
          throw new ClaimViolation(`V decreased at state ${s}: ${previous[s]} → ${V[s]}`);
        }
        worst = Math.min(worst, m);
      }
    }
    previous = V;
  }
  return worst;
}

/** The exact rational value of a double: its binary significand times a power of 2. */
function exactValue(x: number): Fraction {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const tail = bits & ((1n << 52n) - 1n);
  const significand = biased === 0 ? tail : tail | (1n << 52n);
  const signed = bits >> 63n ? -significand : significand;
  const exponent = Math.max(biased, 1) - 1075; // x = signed · 2^exponent
  return exponent >= 0
    ? fraction(signed << BigInt(exponent), 1n)
    : fraction(signed, 1n << BigInt(-exponent));
}

/** Rewards of a {@link bumpTie} MDP: a on the move to state 1, c on the direct end, b after. */
interface BumpRewards {
  a: number;
  c: number;
  b: number;
}

/**
 * A wall bump that ties exactly, as in the terminal-only walk, but with values that float64
 * cannot hold. State 0 bumps (action 0: back to itself, reward 0) or moves (action 1: to
 * state 1 with probability 1/4 and reward a, or to the terminal state 2 with probability 3/4
 * and reward c); state 1 ends with reward b (both actions). With γ = 1 and π = (move, ·),
 * Q^π(0, bump) = 0 + V^π(0) = Q^π(0, move) exactly; in float64 V^π(0) comes from the solve and
 * Q(0, move) from the lookahead, summed in other orders, so they may differ by an ulp.
 */
function bumpTie({ a, c, b }: BumpRewards): SolvableMdp {
  return sparseMdp({
    gamma: 1,
    terminal: [2],
    outcomes: [
      [[{ next: 0, reward: 0, prob: 1 }], [
        { next: 1, reward: a, prob: 0.25 },
        { next: 2, reward: c, prob: 0.75 },
      ]],
      [[{ next: 2, reward: b, prob: 1 }], [{ next: 2, reward: b, prob: 1 }]],
      [],
    ],
  });
}

/** Rewards where rounding puts the bump's Q^π(0, ·) an ulp below the move's (both about 0.15). */
const BUMP_BELOW: BumpRewards = { a: 0.2, c: 0.1, b: 0.1 };
/** Rewards where rounding puts the bump's Q^π(0, ·) an ulp above the move's (both about 0.25). */
const BUMP_ABOVE: BumpRewards = { a: 0.3, c: 0.2, b: 0.1 };

/**
 * The oracle of which actions of state 0 tie under π = (move, 0): Q^π(0, ·) in exact rational
 * arithmetic of the doubles given: V^π(1) = b and V^π(0) = ¼(a + b) + ¾c, solved by hand, then
 * the lookahead Σ p (r + V^π(s')) over each action's outcomes.
 * Also checks that float64 does split the tie on the stated side (`bumpBelow`: the bump's
 * Q below the move's); otherwise the pinned case tests nothing, which is an error of the check,
 * not a violation.
 * @returns the exact maximisers of Q^π(0, ·), in increasing order
 */
function splitTieMaximisers(r: BumpRewards, bumpBelow: boolean): number[] {
  const [a, c, b] = [r.a, r.c, r.b].map(exactValue) as [Fraction, Fraction, Fraction];
  const V = [fraction(1, 4).mul(a.add(b)).add(fraction(3, 4).mul(c)), b, fraction(0)];
  const mdp = bumpTie(r);
  // Q^π(0, a') = Σ p (r + V^π(s')) over the outcome list, every number taken exactly
  const exact = mdp.outcomes[0]!.map((list) =>
    list.reduce(
      (acc, o) => acc.add(exactValue(o.prob).mul(exactValue(o.reward).add(V[o.next]!))),
      fraction(0),
    )
  );
  if (!exact[0]!.equals(exact[1]!)) {
    throw new Error(`the pinned case ${JSON.stringify(r)} is no exact tie: Q^π(0, ·) = ${exact}`);
  }
  const best = exact.reduce((m, q) => (q.compare(m) > 0 ? q : m));
  const q = lookaheadQ(mdp, evaluateActions(mdp, [1, 0, 0], 1), 1)[0]!;
  if (bumpBelow ? !(q[0]! < q[1]!) : !(q[0]! > q[1]!)) {
    throw new Error(
      `the pinned tie ${JSON.stringify(r)} is not split with the bump ${
        bumpBelow ? "below" : "above"
      } in float64: Q(0, ·) = ${q}`,
    );
  }
  return exact.flatMap((x, action) => (x.equals(best) ? [action] : []));
}

/**
 * 15d's premise that improvement switches only on a strict gain, where rounding fakes one:
 * from π = (move, 0) on {@link BUMP_ABOVE}, whose bump ties the move exactly but reads an ulp
 * higher, the policy must stay (one evaluation), never taking the bump and looping.
 */
function checkKeepOnSplitTie(): string {
  const tied = splitTieMaximisers(BUMP_ABOVE, false);
  const mdp = bumpTie(BUMP_ABOVE);
  const r = policyIteration(mdp, 1, {
    start: [1, 0, 0],
    onPolicy: (actions, k) => {
      if (improperStates(mdp, actions).length > 0) {
        throw new ClaimViolation(
          `policy ${k} = ${actions} bumps forever: improvement switched on the exact tie of ` +
            `actions ${tied} that rounding put an ulp apart`,
        );
      }
    },
  });
  if (r.policy[0] !== 1 || r.iterations !== 1) {
    throw new ClaimViolation(
      `from (move, 0) on an exact tie of actions ${tied}, improvement ended at ${r.policy} ` +
        `after ${r.iterations} evaluations`,
    );
  }
  return `a wall bump tied exactly (rationals) but an ulp above in float64 is not taken`;
}

/**
 * The 15d control is the stated mistake: on {@link BUMP_BELOW}, whose bump (action 0) ties the
 * move exactly but reads an ulp lower, "lowest-index maximiser" must take the bump, the lowest
 * of the exact maximisers. Otherwise the control's rule is not the one described (an Error,
 * so the control counts as accepted, not a violation).
 */
function checkFirstOnSplitTie(): void {
  const tied = splitTieMaximisers(BUMP_BELOW, true);
  const mdp = bumpTie(BUMP_BELOW);
  const met: number[][] = [];
  try {
    policyIteration(mdp, 1, {
      start: [1, 0, 0],
      tieBreak: "first",
      onPolicy: (actions) => void met.push([...actions]),
    });
  } catch (e) {
    if (!(e instanceof ImproperPolicyError)) throw e; // the bump loops: expected
  }
  if (met[1]?.[0] !== tied[0]) {
    throw new Error(
      `the control is not the stated mistake: on the exact tie of actions ${tied} in state 0 ` +
        `(the bump an ulp lower in float64) its rule took ${met[1]?.[0] ?? "nothing"}, not ${
          tied[0]
        }`,
    );
  }
}

const OVER_WALKS =
  "the 4 × 12 handout walk and random walks (2–6 rows, 3–10 cols; handout/classic, slippery or " +
  "not, γ ∈ {1} ∪ [0.5, 0.99]; terminal-only with γ < 1, or γ = 1 without slipping)";

/** The claims of Problem 15. */
export const claims: Claim[] = defineClaims(15, [
  {
    id: "15a",
    statement:
      "policy iteration with exact evaluation stops at a policy whose V satisfies the Bellman optimality equation to 1e-10",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_WALKS, numRuns: 40, examples: [HANDOUT] },
        arbWalkCase,
        (c) => optimalityMargin(c, solved),
      ),
    negativeControl: {
      variant:
        "policy evaluation by one sweep V ← T^π[V] instead of the exact solve, stopped when the policy is stable (believing a stable policy certifies optimality whatever the evaluation)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_WALKS, numRuns: 40, examples: [HANDOUT] },
          arbWalkCase,
          (c) => optimalityMargin(c, oneSweepEvaluation),
        ),
    },
  },
  {
    id: "15b",
    statement:
      "policy iteration agrees with value iteration: V lies in the band [B*^k L, B*^k U] of width ≤ 1e-9",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_WALKS, numRuns: 40, examples: [HANDOUT, CLASSIC] },
        arbWalkCase,
        (c) => agreementMargin(c, (c) => c.gamma),
      ),
    negativeControl: {
      variant:
        "policy iteration run with γ shrunk by 1% (0.99 γ, so that I − γP^π is always invertible), believing the values barely change",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_WALKS, numRuns: 40, examples: [HANDOUT, CLASSIC] },
          arbWalkCase,
          (c) => agreementMargin(c, (c) => 0.99 * c.gamma),
        ),
    },
  },
  {
    id: "15c",
    statement:
      "the greedy path of the result from the start is the edge path (13 moves, return 88 in the 4 × 12 walk)",
    check: (ctx) =>
      checkProperty(
        {
          seed: ctx.seed,
          over:
            "the 4 × 12 walk and random non-slippery handout/classic walks, 2–6 × 3–12, γ ∈ {1} ∪ [0.5, 0.99]",
          numRuns: 40,
          examples: [HANDOUT],
        },
        arbPathCase,
        (c) => pathMargin(c, (walk) => policyIteration(walk, c.gamma).policy),
      ),
    negativeControl: {
      variant:
        "the safe route along the top row, the one on-policy ε-greedy learning settles on (17 moves in the 4 × 12 walk), taken for the optimal one",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: "as for 15c", numRuns: 40, examples: [HANDOUT] },
          arbPathCase,
          (c) => pathMargin(c, topRowActions),
        ),
    },
  },
  {
    id: "15d",
    statement:
      "with γ = 1, improvement from a proper policy visits only proper policies, with V_{k+1} ≥ V_k",
    check: (ctx) => {
      const tie = checkKeepOnSplitTie();
      const ev = checkProperty(
        {
          seed: ctx.seed,
          over:
            "random walks 2–6 × 3–10, all variants, slippery or not, γ = 1, random proper starts",
          numRuns: 40,
          examples: [PINNED_PROPER],
        },
        arbProperStart,
        (c) => propernessMargin(c, "keep"),
      );
      return { ...ev, note: tie };
    },
    negativeControl: {
      variant:
        "ties broken to the lowest action in the terminal-only walk (rewards 0 on moves): a wall bump ties and loops",
      check: (ctx) => {
        checkFirstOnSplitTie();
        return checkProperty(
          {
            seed: ctx.seed,
            over: "terminal-only walks as above",
            numRuns: 40,
            examples: [PINNED_PROPER],
          },
          arbProperStart.map((c) => ({
            ...c,
            options: { ...c.options, variant: "terminal-only" as const },
          })),
          (c) => propernessMargin(c, "first"),
        );
      },
    },
  },
]);
