/**
 * Problem 4's claims (a)–(e), each with its negative control. Optimality is decided in
 * exact rational arithmetic wherever a tie or an equality V^π = V* must be decided.
 *
 * @module
 */
import fc from "fast-check";
import { fraction } from "mathjs";
import {
  arbMdp,
  arbMultiOptimalMdp,
  arbPolicy,
  arbTiedMdp,
  deterministicPolicy,
  evaluatePolicyExact,
  type ExactOptimalSolution,
  type ExactPolicy,
  type FiniteMdp,
  linearSolveTolerance,
  lookahead,
  makeMdp,
  optimalFromStartOnly,
  optimalValues,
  optimalValuesExact,
  type Policy,
  policyOnSets,
} from "../../shared/mdp/mod.ts";
import {
  assertAllClose,
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import {
  actionValuesBySolve,
  allDeterministicPolicies,
  firstSuboptimalState,
  mixPolicies,
  optimalActionValuesByEnumeration,
  optimalValuesByEnumeration,
} from "./mod.ts";

/** An MDP with its exact solution (argmax sets decided exactly). */
interface Solved {
  mdp: FiniteMdp;
  sol: ExactOptimalSolution;
}

function solve(mdp: FiniteMdp): Solved {
  return { mdp, sol: optimalValuesExact(mdp, optimalValues(mdp).actions) };
}

/** Small MDPs with exact ties (3 states, 3 actions at most, so enumeration is exact and quick). */
const smallTied = arbTiedMdp({ maxStates: 3, maxActions: 3 }).map(solve);

/** Positive integer weights for every (s, a) and a selector for an off-argmax action. */
function withWeights(s: Solved) {
  const w = fc.array(
    fc.array(fc.integer({ min: 1, max: 4 }), {
      minLength: s.mdp.nActions,
      maxLength: s.mdp.nActions,
    }),
    { minLength: s.mdp.nStates, maxLength: s.mdp.nStates },
  );
  return fc.tuple(fc.constant(s), w, w, fc.nat(1000), fc.integer({ min: 0, max: 10 }));
}
type WeightedCase = [Solved, number[][], number[][], number, number];
const weightedCases: fc.Arbitrary<WeightedCase> = smallTied.chain(withWeights);

/**
 * The argmax sets with one non-maximising action added at one state (chosen by `pick`),
 * or undefined if every action is maximising everywhere.
 */
function setsWithOneOffAction(sol: ExactOptimalSolution, nActions: number, pick: number) {
  const offStates = sol.argmax.flatMap((set, s) => (set.length < nActions ? [s] : []));
  if (offStates.length === 0) return undefined;
  const s = offStates[pick % offStates.length]!;
  const off = Array.from({ length: nActions }, (_, a) => a).filter((a) =>
    !sol.argmax[s]!.includes(a)
  );
  const b = off[Math.floor(pick / offStates.length) % off.length]!;
  return { state: s, action: b, sets: sol.argmax.map((set, t) => (t === s ? [...set, b] : set)) };
}

/** One state, arms paying 0 and 1, γ = 1/2: argmax {1}, so any mass on arm 0 is suboptimal. */
const twoArms = makeMdp({
  gamma: 0.5,
  outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]]],
});
const twoArmsCase: WeightedCase = [solve(twoArms), [[1, 1]], [[1, 1]], 0, 5];

/**
 * Two states that never meet: state 0 pays 0 whatever is done, state 1 pays 1 or 0. A
 * policy taking arm 1 in state 1 is optimal *at state 0* but not optimal.
 */
const islands = makeMdp({
  gamma: 0.5,
  outcomes: [
    [[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]],
    [[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
  ],
});

// ---------------------------------------------------------------------------------------
// 04a: π optimal ⇔ V^π = V*. "Optimal" is tested from its definition: V^π ≥ V^{π'} for
// every deterministic π' (exhaustive, exact) — which suffices because the deterministic
// maximum is checked to equal V*, the fixed point of B*.
// ---------------------------------------------------------------------------------------

type CaseA = [Solved, number[][], Policy];
const casesA: fc.Arbitrary<CaseA> = weightedCases.chain(([s, w]) =>
  fc.tuple(fc.constant(s), fc.constant(w), arbPolicy(s.mdp.nStates, s.mdp.nActions))
);
const islandsCase: CaseA = [solve(islands), [[1, 1], [1, 1]], [[1, 0], [0, 1]]];

function checkA([{ mdp, sol }, w, randomPi]: CaseA, judgeByStateZeroOnly: boolean): number {
  const all = allDeterministicPolicies(mdp);
  // "every deterministic π'" needs the enumeration to be all A^S of them, each once
  const distinct = new Set(all.map((acts) => acts.join()));
  const count = mdp.nActions ** mdp.nStates;
  if (all.length !== count || distinct.size !== count) {
    throw new ClaimViolation(
      `the enumeration lists ${all.length} policies, ${distinct.size} distinct, not all ${count}`,
    );
  }
  const detValues = all.map((acts) => evaluatePolicyExact(mdp, deterministicPolicy(mdp, acts)).V);
  // V* (fixed point of B*) equals the best deterministic value at every state
  sol.V.forEach((v, s) => {
    const best = detValues.reduce((m, V) => (V[s]!.compare(m) > 0 ? V[s]! : m), detValues[0]![s]!);
    if (!best.equals(v)) {
      throw new ClaimViolation(`max over deterministic policies ≠ V* at state ${s}`);
    }
  });
  for (const pi of [policyOnSets(sol.argmax, w), randomPi]) {
    const V = evaluatePolicyExact(mdp, pi).V;
    const optimalByDefinition = detValues.every((Vp) => V.every((v, s) => v.compare(Vp[s]!) >= 0));
    const equalsVStar = judgeByStateZeroOnly
      ? V[0]!.equals(sol.V[0]!)
      : V.every((v, s) => v.equals(sol.V[s]!));
    if (optimalByDefinition !== equalsVStar) {
      throw new ClaimViolation(
        `policy ${
          JSON.stringify(pi.map((r) => r.map(Number)))
        }: optimal by definition = ${optimalByDefinition}, ` +
          `V^π = V* test = ${equalsVStar}`,
      );
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------
// 04b and 04c: float checks on larger MDPs, Q* from its own state–action linear system.
// ---------------------------------------------------------------------------------------

function qStarBySolve(mdp: FiniteMdp): { V: number[]; Q: number[][] } {
  const { V, actions } = optimalValues(mdp);
  return { V, Q: actionValuesBySolve(mdp, deterministicPolicy(mdp, actions)) };
}

// ---------------------------------------------------------------------------------------
// 04b: both sides by different routes on small MDPs.
// ---------------------------------------------------------------------------------------

/** Small MDPs, half of them with several optimal policies (so maximisers are not unique). */
const smallMdps = fc.oneof(arbMdp({ maxStates: 3, maxActions: 3 }), arbMultiOptimalMdp());

/** Arm 0 pays 1 and stays; arm 1 pays 0 and moves to a state where arm 0 pays 2 forever. */
const detour = makeMdp({
  gamma: 0.9,
  outcomes: [
    [[{ next: 0, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]],
    [[{ next: 1, reward: 2, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]],
  ],
});

/** The off-by-one mistake: r(s, a) + γ V(s) with the value of the current state. */
function bootstrapFromCurrentState(mdp: FiniteMdp, v: readonly number[]): number[][] {
  return mdp.expectedReward.map((row, s) => row.map((r) => r + mdp.gamma * v[s]!));
}

/**
 * 04b on one MDP: V* = max over deterministic policies of V^π (state solves), Q* = max over
 * deterministic policies of Q^π entry by entry (state–action solves), and the backup of V*
 * (`lookahead` of shared/mdp, or the control's variant) must equal Q*.
 */
function checkB(
  mdp: FiniteMdp,
  backup: (mdp: FiniteMdp, v: readonly number[]) => number[][],
): number {
  const vStar = optimalValuesByEnumeration(mdp);
  const qStar = optimalActionValuesByEnumeration(mdp);
  const tol = linearSolveTolerance(mdp);
  return assertAllClose(backup(mdp, vStar), qStar, { abs: tol, rel: 0 }, "E[r + γV*(s')] vs Q*");
}

const OVER_B = "small random MDPs (1–3 states, 1–3 actions, all kinds, γ ∈ (0, 1) incl. 0.001 " +
  "and 0.999), half with several optimal policies; V* = max_π V^π and Q* = max_π Q^π by " +
  "enumeration of deterministic policies";

// ---------------------------------------------------------------------------------------
// 04e: several distinct optimal policies, mixed with rational weights.
// ---------------------------------------------------------------------------------------

/**
 * A solved MDP with several optimal policies, two selectors among the optimal actions, the
 * kind of π* (deterministic, or spread over a random non-empty part of the argmax set),
 * weights for the spread, and θ = k/n.
 */
type CaseE = [Solved, number[], number[], boolean, number[][], number, number];
const casesE: fc.Arbitrary<CaseE> = arbMultiOptimalMdp().map(solve).chain((s) => {
  const picks = fc.array(fc.nat(), { minLength: s.mdp.nStates, maxLength: s.mdp.nStates });
  const weights = fc.array(
    fc.array(fc.integer({ min: 1, max: 4 }), {
      minLength: s.mdp.nActions,
      maxLength: s.mdp.nActions,
    }),
    { minLength: s.mdp.nStates, maxLength: s.mdp.nStates },
  );
  const theta = fc.integer({ min: 1, max: 12 }).chain((n) =>
    fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))
  );
  return fc.tuple(fc.constant(s), picks, picks, fc.boolean(), weights, theta)
    .map(([sol, p1, p2, d1, w, [k, n]]) => [sol, p1, p2, d1, w, k, n] as CaseE);
});

/**
 * The fork: from state 0, arms 0 and 1 (reward 0) lead to states 1 and 2, which pay 1 per step
 * on arm 0 and 0 on arm 1; arm 2 stays at state 0 for nothing. γ = 1/2. Both forks are optimal.
 */
const fork = makeMdp({
  gamma: 0.5,
  outcomes: [
    [[{ next: 1, reward: 0, prob: 1 }], [{ next: 2, reward: 0, prob: 1 }], [{
      next: 0,
      reward: 0,
      prob: 1,
    }]],
    [[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }], [{
      next: 1,
      reward: 0,
      prob: 1,
    }]],
    [[{ next: 2, reward: 1, prob: 1 }], [{ next: 2, reward: 0, prob: 1 }], [{
      next: 2,
      reward: 0,
      prob: 1,
    }]],
  ],
});
const forkCase: CaseE = [
  solve(fork),
  [0, 0, 0],
  [0, 0, 0],
  true,
  [[1, 1, 1], [1, 1, 1], [
    1,
    1,
    1,
  ]],
  1,
  2,
];

/**
 * An optimal policy chosen from the argmax sets: deterministic (argmax[s][pick mod size]) or
 * spread with weights over the argmax actions from that one onward (cyclically, at least one).
 */
function chooseOptimal(sol: ExactOptimalSolution, pick: number[], det: boolean, w: number[][]) {
  const sets = sol.argmax.map((set, s) => {
    const start = pick[s]! % set.length;
    if (det) return [set[start]!];
    const size = 1 + (Math.floor(pick[s]! / set.length) % set.length);
    return Array.from({ length: size }, (_, i) => set[(start + i) % set.length]!);
  });
  return { sets, policy: policyOnSets(sets, w) };
}

/**
 * 04e on one case. "everywhere": π*, ν* optimal (supports in the argmax sets, their optimality
 * verified exactly first) and the mixture must be exactly optimal. "from s0" (the control): π*
 * and ν* are replaced by policies optimal from state 0 only, and the mixture is claimed to be
 * optimal from state 0.
 */
function checkE(
  [{ mdp, sol }, p1, p2, d1, w, k, n]: CaseE,
  kind: "everywhere" | "from s0",
): void {
  let pi = chooseOptimal(sol, p1, d1, w).policy;
  // ν* is deterministic on an optimal action other than π*'s first one at state 0 (state 0
  // always has two or more): the two supports differ, disjoint when π* is deterministic too
  const size0 = sol.argmax[0]!.length;
  const shifted = p2.map((x, s) => (s === 0 ? p1[0]! + 1 + (x % (size0 - 1)) : x));
  let nu = chooseOptimal(sol, shifted, true, w).policy;
  if (kind === "from s0") {
    const q = sol.Q.map((row) => row.map((x) => x.valueOf()));
    const startOnly = (p: number[]) =>
      deterministicPolicy(mdp, optimalFromStartOnly(mdp, selectActions(sol, p), q, 0));
    pi = startOnly(p1).map((row) => row.map((x) => fraction(x)));
    nu = startOnly(shifted).map((row) => row.map((x) => fraction(x)));
  }
  const judged = (p: ExactPolicy) => {
    const V = evaluatePolicyExact(mdp, p).V;
    return kind === "everywhere"
      ? V.findIndex((v, s) => !v.equals(sol.V[s]!))
      : (V[0]!.equals(sol.V[0]!) ? -1 : 0);
  };
  for (const [name, p] of [["π*", pi], ["ν*", nu]] as const) {
    if (judged(p) !== -1) throw new Error(`${name} is not optimal: the generator is wrong`);
  }
  const mu = mixPolicies(pi, nu, fraction(k, n));
  const bad = judged(mu);
  if (bad !== -1) {
    throw new ClaimViolation(`mixture with θ = ${k}/${n} is suboptimal at state ${bad}`);
  }
}

/** The deterministic optimal choice argmax[s][pick mod size]. */
function selectActions(sol: ExactOptimalSolution, pick: number[]): number[] {
  return sol.argmax.map((set, s) => set[pick[s]! % set.length]!);
}

const OVER_E = "MDPs with several optimal policies (1–3 states, 2–3 actions, all kinds, " +
  "γ ∈ (0, 1)), π* and ν* deterministic or spread over parts of the exact argmax sets, " +
  "different at state 0, θ = k/n with n ≤ 12; exact rationals";

const OVER_FLOAT = "random MDPs (1–8 states, 1–5 actions, all transition and reward kinds, " +
  "γ ∈ (0, 1) incl. 0.001 and 0.999)";
const OVER_SMALL = "random MDPs with exact ties (1–3 states, 2–3 actions, all kinds, " +
  "γ ∈ (0, 1)), positive integer weights on argmax sets, random policies; exact rationals";

/** The claims of Problem 4. */
export const claims: Claim[] = defineClaims(4, [
  {
    id: "04a",
    statement: "a policy π is optimal if and only if V^π = V* at every state",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_SMALL, numRuns: 60, examples: [islandsCase] },
        casesA,
        (c) => checkA(c, false),
      ),
    negativeControl: {
      variant: "judging optimality by V^π = V* at one state (state 0) only",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_SMALL, numRuns: 60, examples: [islandsCase] },
          casesA,
          (c) => checkA(c, true),
        ),
    },
  },
  {
    id: "04b",
    statement: "E[r + γV*(s') | s, a] = Q*(s, a) for every state and action",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_B, numRuns: 80, examples: [twoArms, detour] },
        smallMdps,
        (mdp) => checkB(mdp, lookahead),
      ),
    negativeControl: {
      variant: "bootstrapping from the current state (off by one step): r(s, a) + γV*(s)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_B, numRuns: 80, examples: [twoArms, detour] },
          smallMdps,
          (mdp) => checkB(mdp, bootstrapFromCurrentState),
        ),
    },
  },
  {
    id: "04c",
    statement: "V*(s) = max_a Q*(s, a) for every state",
    check: (ctx) =>
      checkProperty(
        {
          seed: ctx.seed,
          over:
            OVER_FLOAT.replace("1–8 states", "1–4 states").replace("1–5 actions", "1–3 actions") +
            "; V* by exhaustive search",
          numRuns: 100,
        },
        arbMdp({ maxStates: 4, maxActions: 3 }),
        (mdp) => {
          const vEnum = optimalValuesByEnumeration(mdp);
          const { Q } = qStarBySolve(mdp);
          const tol = linearSolveTolerance(mdp);
          return assertAllClose(
            Q.map((row) => Math.max(...row)),
            vEnum,
            { abs: tol, rel: 0 },
            "max_a Q*",
          );
        },
      ),
    negativeControl: {
      variant: "the average over actions in place of the maximum",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_FLOAT, numRuns: 100, examples: [twoArms] },
          arbMdp({ maxStates: 4, maxActions: 3 }),
          (mdp) => {
            const vEnum = optimalValuesByEnumeration(mdp);
            const { Q } = qStarBySolve(mdp);
            const tol = linearSolveTolerance(mdp);
            const mean = Q.map((row) => row.reduce((a, b) => a + b, 0) / row.length);
            return assertAllClose(mean, vEnum, { abs: tol, rel: 0 }, "mean_a Q*");
          },
        ),
    },
  },
  {
    id: "04d",
    statement: "π is optimal if and only if every action it can take maximises Q*(s, ·)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_SMALL, numRuns: 150, examples: [twoArmsCase] },
        weightedCases,
        ([{ mdp, sol }, w, , pick]) => {
          // ⇐: any policy spread over the argmax sets is optimal (exactly V*)
          const on = policyOnSets(sol.argmax, w);
          const bad = firstSuboptimalState(mdp, on, sol.V);
          if (bad !== -1) {
            throw new ClaimViolation(`policy on argmax is suboptimal at state ${bad}`);
          }
          // ⇒ (contrapositive): mass on one non-maximising action makes it suboptimal
          const off = setsWithOneOffAction(sol, mdp.nActions, pick);
          if (off && firstSuboptimalState(mdp, policyOnSets(off.sets, w), sol.V) === -1) {
            throw new ClaimViolation(
              `mass on action ${off.action} ∉ argmax at state ${off.state}, yet V^π = V*`,
            );
          }
        },
      ),
    negativeControl: {
      variant: "a policy with mass off the argmax claimed optimal",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_SMALL, numRuns: 150, examples: [twoArmsCase] },
          weightedCases,
          ([{ mdp, sol }, w, , pick]) => {
            const off = setsWithOneOffAction(sol, mdp.nActions, pick);
            if (!off) return;
            const bad = firstSuboptimalState(mdp, policyOnSets(off.sets, w), sol.V);
            if (bad !== -1) throw new ClaimViolation(`suboptimal at state ${bad}`);
          },
        ),
    },
  },
  {
    id: "04e",
    statement:
      "θπ* + (1 − θ)ν* is optimal for optimal π*, ν* and θ ∈ [0, 1]: optimal policies form a convex set",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_E, numRuns: 100, examples: [forkCase] },
        casesE,
        (c) => checkE(c, "everywhere"),
      ),
    negativeControl: {
      variant:
        "convexity of the policies optimal from the start state (V^π(s₀) = V*(s₀)), the ones a return objective sees",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_E, numRuns: 100, examples: [forkCase] },
          casesE,
          (c) => checkE(c, "from s0"),
        ),
    },
  },
]);
