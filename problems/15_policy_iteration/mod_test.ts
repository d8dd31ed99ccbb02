import assert from "node:assert/strict";
import {
  cliffSpec,
  cliffWalk,
  edgePolicyActions,
  greedyEpisode,
  renderPolicy,
} from "../../shared/cliff/mod.ts";
import {
  deterministicPolicy,
  evaluatePolicy,
  ImproperPolicyError,
  optimalValuesExact,
  valueIteration,
} from "../../shared/mdp/mod.ts";
import { registerClaimTests } from "../../shared/testing/mod.ts";
import { claims } from "./claims.ts";
import {
  evaluateActions,
  improperStates,
  lookaheadQ,
  optimalityResidual,
  policyIteration,
  properPolicy,
  type SolvableMdp,
  solverFor,
  sparseMdp,
  valueIterationBounds,
} from "./mod.ts";

registerClaimTests(claims);

Deno.test("15 the 4 × 12 walk: V*(start) = 88, the edge path, drawn as arrows", () => {
  const walk = cliffWalk();
  const { V, policy, iterations } = policyIteration(walk, 1);
  assert.equal(V[36], 88);
  assert.ok(iterations >= 2, "the start policy is not optimal");
  const ep = greedyEpisode(walk, policy);
  assert.equal(ep.length, 13);
  assert.equal(ep.return, 88);
  const bottom = renderPolicy(walk, policy).split("\n")[3]!;
  assert.equal(bottom, "↑ x x x x x x x x x x G");
});

Deno.test("15 cross-check: exact evaluation agrees with the core's evaluatePolicy and its exact rationals", () => {
  const walk = cliffWalk({ variant: "classic" });
  const { V, policy } = policyIteration(walk, 1);
  const core = evaluatePolicy(walk, deterministicPolicy(walk, policy)).V;
  // two float64 LU solves of the same 47-state system: agreement to 1e-9 (values ≤ 100)
  for (let s = 0; s < 48; s++) assert.ok(Math.abs(V[s]! - core[s]!) <= 1e-9, `state ${s}`);
  assert.equal(V[36], -13); // 13 moves at −1, the last one into the goal
  // exact rationals (mathjs Fraction) on a small walk, started from the proper edge policy
  const smallWalk = cliffWalk({ rows: 3, cols: 5, slippery: true, variant: "classic" });
  const exact = optimalValuesExact(smallWalk, properPolicy(smallWalk));
  const small = policyIteration(smallWalk, 1).V;
  // float64 solve against the exact rational: agreement to 1e-9 (values ≤ 100 in size)
  exact.V.forEach((v, s) =>
    assert.ok(Math.abs(Number(v.valueOf()) - small[s]!) <= 1e-9, `exact V*(${s})`)
  );
});

Deno.test("15 cross-check: the core's value iteration (γ = 0.9) agrees with policy iteration", () => {
  const walk = cliffWalk({ gamma: 0.9, slippery: true });
  const vi = valueIteration(walk, { tolerance: 1e-11 });
  const { V } = policyIteration(walk, 0.9);
  // VI's contraction bound guarantees ‖V_VI − V*‖∞ ≤ 1e-11; the solve adds ≤ 1e-12
  for (let s = 0; s < 48; s++) assert.ok(Math.abs(V[s]! - vi.V[s]!) <= 1e-10, `state ${s}`);
});

Deno.test("15 cross-check: the core's value iteration (γ = 1, deterministic walk) reaches the same V*", () => {
  for (const variant of ["handout", "classic"] as const) {
    const walk = cliffWalk({ variant });
    const vi = valueIteration(walk, { tolerance: 1e-12 });
    const { V } = policyIteration(walk, 1);
    // integer rewards and a deterministic walk: value iteration from 0 becomes exact after
    // finitely many sweeps, so the two agree to float64 rounding
    for (let s = 0; s < 48; s++) {
      assert.ok(Math.abs(V[s]! - vi.V[s]!) <= 1e-9, `${variant} state ${s}`);
    }
  }
});

Deno.test("15 dense and sparse solvers give the same values", () => {
  const walk = cliffWalk({ variant: "classic", slippery: true });
  const actions = properPolicy(walk);
  const dense = evaluateActions(walk, actions, 1, "dense");
  const sparse = evaluateActions(walk, actions, 1, "sparse");
  // both are float64 LU solves of one well-conditioned system: agreement to 1e-9
  for (let s = 0; s < 48; s++) assert.ok(Math.abs(dense[s]! - sparse[s]!) <= 1e-9, `state ${s}`);
});

Deno.test("15 an improper start with γ = 1 gets a clear error naming a state that never terminates", () => {
  const walk = cliffWalk();
  const up = new Array<number>(48).fill(0);
  assert.throws(
    () => policyIteration(walk, 1, { start: up }),
    (e: unknown) =>
      e instanceof ImproperPolicyError &&
      /improper: from state 0 .* never reaches a terminal/.test(e.message),
  );
  // the same policy is fine with γ < 1: the bump costs −1 per step, V(0) = −1 / (1 − γ)
  const V = evaluateActions(walk, up, 0.5);
  assert.ok(Math.abs(V[0]! - -2) <= 1e-12);
  assert.deepEqual(improperStates(walk, edgePolicyActions(walk)), []);
});

Deno.test("15 bad input: γ, policy length and actions are named", () => {
  const walk = cliffWalk();
  assert.throws(() => policyIteration(walk, 1.5), /gamma must be in \[0, 1\], got 1\.5/);
  assert.throws(
    () => policyIteration(walk, 1, { start: [0, 1] }),
    /start policy: expected 48 actions, got 2/,
  );
  assert.throws(
    () => evaluateActions(walk, new Array(48).fill(4), 1),
    /policy: action 4 in state 0 is not in \[0, 4\)/,
  );
  // each bound just past it, and a fraction inside the range
  for (const bad of [-1, 0.5, 3.5]) {
    const actions = new Array(48).fill(0);
    actions[5] = bad;
    assert.throws(
      () => evaluateActions(walk, actions, 0.5),
      new RegExp(`policy: action ${bad} in state 5 is not in \\[0, 4\\)`),
    );
  }
  assert.throws(() => policyIteration(walk, -0.01), /gamma must be in \[0, 1\], got -0\.01/);
  assert.throws(() => policyIteration(walk, 1 + 1e-9), /gamma must be in \[0, 1\]/);
});

Deno.test("15 residual helper: a non-optimal V has a positive residual at a named state", () => {
  const walk = cliffWalk();
  const { residual, state } = optimalityResidual(walk, new Array<number>(48).fill(0), 1);
  assert.equal(residual, 100); // at a state next to the goal, B*[0] = 100
  assert.ok([35, 46].includes(state) || walk.outcomes[state]!.some((l) => l[0]!.next === 47));
});

Deno.test("15 large grid: a 30 × 30 walk from its sparse specification, V*(start) = 100 − 30", () => {
  const mdp = sparseMdp(cliffSpec({ rows: 30, cols: 30 }).mdp);
  const { V, iterations } = policyIteration(mdp, 1);
  assert.equal(V[29 * 30], 70);
  assert.ok(iterations >= 2);
});

/** A hand-built MDP: outcomes[s][a] as [next, reward, prob] triples; `terminal` lists terminal states. */
function tinyMdp(
  outcomes: [number, number, number][][][],
  terminal: number[],
): SolvableMdp {
  const isTerminal = outcomes.map((_, s) => terminal.includes(s));
  return {
    nStates: outcomes.length,
    nActions: 2,
    outcomes: outcomes.map((row, s) =>
      isTerminal[s]
        ? []
        : row.map((list) => list.map(([next, reward, prob]) => ({ next, reward, prob })))
    ),
    isTerminal,
  };
}

Deno.test("15 improvements smaller than the relative tolerance 1e-12 (1 + |Q|) count as ties", () => {
  // state 0 ends the episode with reward 1e4 (action 0) or 1e4 + 1e-9 (action 1): a gap of
  // 1e-9 lies below 1e-12 · (1 + 1e4) ≈ 1e-8, so the current action 0 is kept
  const mdp = tinyMdp([[[[1, 1e4, 1]], [[1, 1e4 + 1e-9, 1]]], []], [1]);
  assert.deepEqual(policyIteration(mdp, 1, { start: [0, 0] }).policy, [0, 0]);
  // a gap of 1e-6 is above it: the state switches
  const wider = tinyMdp([[[[1, 1e4, 1]], [[1, 1e4 + 1e-6, 1]]], []], [1]);
  assert.deepEqual(policyIteration(wider, 1, { start: [0, 0] }).policy, [1, 0]);
  // "first" uses the same tolerance: from action 1, the lower-index action 0, within 1e-9 of
  // the maximum, is taken
  assert.deepEqual(policyIteration(mdp, 1, { start: [1, 0], tieBreak: "first" }).policy, [0, 0]);
  assert.deepEqual(policyIteration(wider, 1, { start: [0, 0], tieBreak: "first" }).policy, [1, 0]);
  // near Q = 0 the slack is 1e-12 itself: a gap of 1.5e-12 switches, one of 0.5e-12 does not
  const above = tinyMdp([[[[1, 0, 1]], [[1, 1.5e-12, 1]]], []], [1]);
  assert.deepEqual(policyIteration(above, 1, { start: [0, 0] }).policy, [1, 0]);
  const below = tinyMdp([[[[1, 0, 1]], [[1, 0.5e-12, 1]]], []], [1]);
  assert.deepEqual(policyIteration(below, 1, { start: [0, 0] }).policy, [0, 0]);
});

Deno.test("15 an outcome of probability 0 does not make a policy proper", () => {
  // action 0 of state 0 loops on itself, with a zero-probability outcome into the terminal state 1
  const mdp = tinyMdp([[[[0, -1, 1], [1, 0, 0]], [[1, -1, 1]]], []], [1]);
  assert.deepEqual(improperStates(mdp, [0, 0]), [0]);
  assert.deepEqual(improperStates(mdp, [1, 0]), []);
});

Deno.test("15 without any proper policy the default start is action 0 everywhere", () => {
  // state 1 loops under both actions and never reaches the terminal state 2
  const mdp = tinyMdp([[[[2, 0, 1]], [[1, 0, 1]]], [[[1, -1, 1]], [[1, -2, 1]]], []], [2]);
  assert.throws(() => properPolicy(mdp), ImproperPolicyError);
  const starts: number[][] = [];
  const result = policyIteration(mdp, 0.5, { onPolicy: (a) => starts.push([...a]) });
  assert.deepEqual(starts[0], [0, 0, 0]);
  assert.equal(result.V[1], -2); // −1 / (1 − 0.5)
});

Deno.test("15 residual helper names the first live state at an exact fixed point, and −1 without live states", () => {
  // state 0 is terminal; state 1 ends in it with reward 3 whatever it does
  const mdp = tinyMdp([[], [[[0, 3, 1]], [[0, 3, 1]]]], [0]);
  assert.deepEqual(optimalityResidual(mdp, [0, 3], 1), { residual: 0, state: 1 });
  const allTerminal = tinyMdp([[]], [0]);
  assert.deepEqual(optimalityResidual(allTerminal, [0], 1), { residual: 0, state: -1 });
});

Deno.test("15 residual helper: the largest gap wins over later smaller ones, and the first of equal ones", () => {
  // states 0, 1, 2 end in the terminal state 3 with rewards 4, 1, 4 whatever they do: at V = 0
  // (γ = 1) the gaps |max_a Q_V(s, a) − V(s)| are 4, 1, 4, largest first at state 0
  const mdp = tinyMdp(
    [[[[3, 4, 1]], [[3, 4, 1]]], [[[3, 1, 1]], [[3, 1, 1]]], [[[3, 4, 1]], [[3, 4, 1]]], []],
    [3],
  );
  assert.deepEqual(optimalityResidual(mdp, [0, 0, 0, 0], 1), { residual: 4, state: 0 });
  // at the fixed point V = (4, 1, 4, 0) every gap is 0, and the first live state is named
  assert.deepEqual(optimalityResidual(mdp, [4, 1, 4, 0], 1), { residual: 0, state: 0 });
});

Deno.test("15 value-iteration bounds count their backups: one sweep closes the band of a one-step MDP", () => {
  // state 0 ends in the terminal state 1 with reward −1 whatever it does: lower = [−1, 0]
  // (exact from the start), upper starts at c = max(0, rewards) = 0, so the band is 1 wide;
  // one backup gives upper(0) = −1 + γ · 0, and the band is closed after sweeps = 1
  const mdp = tinyMdp([[[[1, -1, 1]], [[1, -1, 1]]], []], [1]);
  assert.deepEqual(valueIterationBounds(mdp, 1, [-1, 0]), {
    lower: [-1, 0],
    upper: [-1, 0],
    sweeps: 1,
    width: 0,
  });
  // maxSweeps = 0 allows no backup: the band is still 1 wide
  assert.throws(() => valueIterationBounds(mdp, 1, [-1, 0], 1e-9, 0), /in 0 sweeps/);
  // maxSweeps = 1 allows exactly the one backup needed, and the band is checked after it
  assert.equal(valueIterationBounds(mdp, 1, [-1, 0], 1e-9, 1).sweeps, 1);
});

Deno.test("15 value-iteration bounds refuse a positive reward only on a transition that does not terminate", () => {
  // 0 → 1 with reward r, then 1 ends in the terminal state 2 with reward 3 (both actions alike)
  const chain = (r: number) =>
    tinyMdp([[[[1, r, 1]], [[1, r, 1]]], [[[2, 3, 1]], [[2, 3, 1]]], []], [2]);
  // a positive reward on the non-terminating move 0 → 1 breaks B*[U_0] ≤ U_0: refused, named
  assert.throws(
    () => valueIterationBounds(chain(0.5), 1, [3.5, 3, 0]),
    (e: unknown) => e instanceof RangeError && /s=0 → 1 has reward 0\.5/.test(e.message),
  );
  // reward 0 there is allowed, and so is the positive reward 3 on the terminating step: the upper
  // start is c = max(0, largest reward) = 3 = V*, so with the exact lower start the band is
  // closed before any sweep
  assert.deepEqual(valueIterationBounds(chain(0), 1, [3, 3, 0]), {
    lower: [3, 3, 0],
    upper: [3, 3, 0],
    sweeps: 0,
    width: 0,
  });
});

Deno.test("15 γ = 0 is accepted: V* is the best immediate reward", () => {
  // state 0 ends in the terminal state 1 with reward 5 (action 0) or 2 (action 1)
  const mdp = tinyMdp([[[[1, 5, 1]], [[1, 2, 1]]], []], [1]);
  const { V, policy } = policyIteration(mdp, 0);
  assert.deepEqual([V, policy[0]], [[5, 0], 0]);
  assert.deepEqual(evaluateActions(mdp, [1, 0], 0), [2, 0]);
});

Deno.test("15 an MDP with one live state is solved, not skipped", () => {
  // state 0 steps into the terminal state 1 with reward 5
  const mdp = tinyMdp([[[[1, 5, 1]], [[1, 2, 1]]], []], [1]);
  assert.deepEqual(evaluateActions(mdp, [0, 0], 1), [5, 0]);
  assert.deepEqual(policyIteration(mdp, 1, { start: [1, 0] }).policy, [0, 0]);
});

Deno.test("15 the proper start ignores outcomes of probability 0", () => {
  // state 0: action 0 loops, with a zero-probability outcome into the terminal state 2;
  // action 1 moves to state 1, which ends the episode: the only proper choice is action 1
  const mdp = tinyMdp([[[[0, -1, 1], [2, 0, 0]], [[1, -1, 1]]], [[[2, -1, 1]], [[2, -1, 1]]], []], [
    2,
  ]);
  assert.deepEqual(properPolicy(mdp), [1, 0, 0]);
  // state 0 at distance 1: action 0 loops, with a zero-probability outcome straight into the
  // terminal state 1 (distance 0); only action 1 steps there with positive probability
  const direct = tinyMdp([[[[0, -1, 1], [1, 0, 0]], [[1, -1, 1]]], []], [1]);
  assert.deepEqual(properPolicy(direct), [1, 0]);
});

Deno.test("15 the solver choice: auto is the dense LU below 30 live states and the sparse LU from 30 on", () => {
  assert.equal(solverFor(29, "auto"), "dense");
  assert.equal(solverFor(30, "auto"), "sparse");
  assert.equal(solverFor(1, "auto"), "dense");
  // an explicit choice holds at every size
  for (const n of [1, 29, 30, 100]) {
    assert.equal(solverFor(n, "dense"), "dense");
    assert.equal(solverFor(n, "sparse"), "sparse");
  }
});

Deno.test("15 the iteration cap: a run needing k evaluations succeeds with maxIterations = k, fails with k − 1", () => {
  // state 0 loops with reward −1 (action 0) or ends in the terminal state 1 with reward 0
  // (action 1): from action 0 the first improvement switches to 1, the second evaluation
  // finds the policy stable
  const mdp = tinyMdp([[[[0, -1, 1]], [[1, 0, 1]]], []], [1]);
  const run = policyIteration(mdp, 0.5, { start: [0, 0], maxIterations: 2 });
  assert.deepEqual([run.policy, run.iterations], [[1, 0], 2]);
  assert.throws(
    () => policyIteration(mdp, 0.5, { start: [0, 0], maxIterations: 1 }),
    /did not stabilise in 1 evaluations/,
  );
});

Deno.test('15 the "first" tie rule can cycle inside its tolerance: the default cap of 10,000 evaluations stops it', () => {
  // γ = 1/2; state 0 loops with reward r = −0.75e-12 (action 0) or ends with reward 0 (action 1).
  // Under action 0, V(0) = r / (1 − γ) = −1.5e-12 and Q = (−1.5e-12, 0): action 0 lies outside
  // the slack 1e-12 of the maximum 0, so "first" takes action 1. Under action 1, V(0) = 0 and
  // Q = (−0.75e-12, 0): action 0 is within the slack and comes first, so it is taken back.
  // (Margins of 0.25e-12 dwarf the float64 rounding of these values, ~1e-28.)
  const mdp = tinyMdp([[[[0, -0.75e-12, 1]], [[1, 0, 1]]], []], [1]);
  const seen: number[] = [];
  let last = 0;
  assert.throws(
    () =>
      policyIteration(mdp, 0.5, {
        start: [0, 0],
        tieBreak: "first",
        solver: "sparse",
        onPolicy: (actions, iteration) => {
          if (iteration <= 4) seen.push(actions[0]!);
          last = iteration;
        },
      }),
    /policy iteration did not stabilise in 10000 evaluations/,
  );
  assert.deepEqual([seen, last], [[0, 1, 0, 1], 10_000]);
  // the default "keep" rule switches only on a gain beyond the slack: it stops after two
  assert.equal(policyIteration(mdp, 0.5, { start: [0, 0] }).iterations, 2);
});

Deno.test('15 an improvement of exactly the slack is a tie ("more than" for keep, "within" for first)', () => {
  // state 0 ends in the terminal state 1 with reward −1e-12 (action 0) or 0 (action 1): the
  // maximum is 0, the slack 1e-12 · (1 + 0) = 1e-12, and Q(0, 0) = −1e-12 exactly equals
  // max − slack (each Q is 1 · (r + γ · 0) = r, no rounding)
  const mdp = tinyMdp([[[[1, -1e-12, 1]], [[1, 0, 1]]], []], [1]);
  assert.deepEqual(policyIteration(mdp, 1, { start: [0, 0] }).policy, [0, 0]);
  assert.deepEqual(policyIteration(mdp, 1, { start: [1, 0], tieBreak: "first" }).policy, [0, 0]);
});

Deno.test("15 with no live states the value is 0 everywhere, for every solver", () => {
  const allTerminal = tinyMdp([[], []], [0, 1]);
  for (const solver of ["dense", "sparse", "auto"] as const) {
    assert.deepEqual(evaluateActions(allTerminal, [0, 0], 1, solver), [0, 0]);
  }
  const { V, iterations } = policyIteration(allTerminal, 1);
  assert.deepEqual([V, iterations], [[0, 0], 1]);
});

Deno.test("15 Q is 0 at terminal states (lookahead and the result of policy iteration)", () => {
  // state 0 ends in the terminal state 1 with reward 2 (action 0) or 3 (action 1)
  const mdp = tinyMdp([[[[1, 2, 1]], [[1, 3, 1]]], []], [1]);
  assert.deepEqual(lookaheadQ(mdp, [5, 7], 1), [[9, 10], [0, 0]]);
  assert.deepEqual(policyIteration(mdp, 1).Q, [[2, 3], [0, 0]]);
});

Deno.test("15 a terminal state with index 0 is a target of the properness search", () => {
  // state 1 ends in the terminal state 0 whatever it does
  const mdp = tinyMdp([[], [[[0, -1, 1]], [[0, -1, 1]]]], [0]);
  assert.deepEqual(improperStates(mdp, [0, 0]), []);
  assert.deepEqual(evaluateActions(mdp, [0, 0], 1), [0, -1]);
});

Deno.test("15 value-iteration bounds stop once the band is no wider than the target, equality included", () => {
  // the one-step MDP of the test above: the band starts exactly 1 wide (lower [−1, 0], upper
  // [0, 0]), so a target width of 1 is met before any sweep
  const mdp = tinyMdp([[[[1, -1, 1]], [[1, -1, 1]]], []], [1]);
  assert.deepEqual(valueIterationBounds(mdp, 1, [-1, 0], 1), {
    lower: [-1, 0],
    upper: [0, 0],
    sweeps: 0,
    width: 1,
  });
  // a target width of 0 is met once the band has closed, after the one sweep
  assert.equal(valueIterationBounds(mdp, 1, [-1, 0], 0).sweeps, 1);
  // an MDP without states has an empty band: width 0 (a maximum over no states, never negative)
  assert.deepEqual(valueIterationBounds(tinyMdp([], []), 1, []), {
    lower: [],
    upper: [],
    sweeps: 0,
    width: 0,
  });
});

Deno.test("15 value-iteration bounds give up after the default 1,000,000 sweeps, named in the error", () => {
  // one state looping with reward −1, γ = 1 − 1e-6: L_0 = V* = −1e6, U_0 = 0, and the band
  // shrinks by the factor γ per sweep, still 1e6 · γ^(10^6) ≈ 3.7e5 wide after 10^6 sweeps
  const loop: SolvableMdp = {
    nStates: 1,
    nActions: 1,
    isTerminal: [false],
    outcomes: [[[{ next: 0, reward: -1, prob: 1 }]]],
  };
  const gamma = 1 - 1e-6;
  assert.throws(
    () => valueIterationBounds(loop, gamma, [-1 / (1 - gamma)]),
    /did not narrow to 1e-9 in 1000000 sweeps/,
  );
});
