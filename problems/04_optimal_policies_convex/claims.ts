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
  arbPolicy,
  arbTiedMdp,
  deterministicPolicy,
  evaluatePolicy,
  evaluatePolicyExact,
  type ExactOptimalSolution,
  type FiniteMdp,
  linearSolveTolerance,
  lookahead,
  makeMdp,
  optimalValues,
  optimalValuesExact,
  type Policy,
  policyOnSets,
  uniformPolicy,
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
  const detValues = allDeterministicPolicies(mdp).map((acts) =>
    evaluatePolicyExact(mdp, deterministicPolicy(mdp, acts)).V
  );
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
      checkProperty({ seed: ctx.seed, over: OVER_FLOAT, numRuns: 200 }, arbMdp(), (mdp) => {
        const { V, Q } = qStarBySolve(mdp);
        const tol = linearSolveTolerance(mdp);
        return assertAllClose(lookahead(mdp, V), Q, { abs: tol, rel: 0 }, "E[r + γV*(s')] vs Q*");
      }),
    negativeControl: {
      variant: "the value of the uniform policy in place of V*",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_FLOAT, numRuns: 200, examples: [twoArms] },
          arbMdp(),
          (mdp) => {
            const { Q } = qStarBySolve(mdp);
            const vUniform = evaluatePolicy(mdp, uniformPolicy(mdp)).V;
            const tol = linearSolveTolerance(mdp);
            return assertAllClose(lookahead(mdp, vUniform), Q, { abs: tol, rel: 0 }, "lookahead");
          },
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
        {
          seed: ctx.seed,
          over: OVER_SMALL + "; θ ∈ {0, 1/10, …, 1}",
          numRuns: 150,
          examples: [twoArmsCase],
        },
        weightedCases,
        ([{ mdp, sol }, w1, w2, , k]) => {
          const mu = mixPolicies(
            policyOnSets(sol.argmax, w1),
            policyOnSets(sol.argmax, w2),
            fraction(k, 10),
          );
          const bad = firstSuboptimalState(mdp, mu, sol.V);
          if (bad !== -1) {
            throw new ClaimViolation(`mixture with θ = ${k}/10 suboptimal at state ${bad}`);
          }
        },
      ),
    negativeControl: {
      variant: "mixing an optimal policy with one that has mass off the argmax (θ ∈ (0, 1))",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_SMALL, numRuns: 150, examples: [twoArmsCase] },
          weightedCases,
          ([{ mdp, sol }, w1, w2, pick, k]) => {
            const off = setsWithOneOffAction(sol, mdp.nActions, pick);
            if (!off) return;
            const theta = fraction(Math.min(9, Math.max(1, k)), 10);
            const mu = mixPolicies(policyOnSets(sol.argmax, w1), policyOnSets(off.sets, w2), theta);
            const bad = firstSuboptimalState(mdp, mu, sol.V);
            if (bad !== -1) throw new ClaimViolation(`mixture suboptimal at state ${bad}`);
          },
        ),
    },
  },
]);
