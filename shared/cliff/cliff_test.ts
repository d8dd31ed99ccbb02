import assert from "node:assert/strict";
import { deterministicPolicy, evaluatePolicy, uniformPolicy } from "../mdp/mod.ts";
import { Rng } from "../random/mod.ts";
import { assertClose, ConstantUniform, seedFor, verifySeed } from "../testing/mod.ts";
import {
  CliffEnv,
  CliffInputError,
  cliffSpec,
  type CliffWalk,
  cliffWalk,
  edgePathActions,
  edgePolicyActions,
  greedyEpisode,
  policyOutcome,
  renderPath,
  renderPolicy,
  renderValues,
  rollout,
  sampleAction,
  sampleTransition,
  stateOf,
  tableRows,
} from "./mod.ts";

/**
 * An independent transcription of Gymnasium's CliffWalkingEnv transition table
 * (`_calculate_transition_prob`): P[s][a] = [(prob, next, reward, terminated)], with the
 * cliff sending the agent back to the start (−100, not terminated), the goal entered with
 * −1 and terminated, walls clamping the position, and slippery moves
 * [(a − 1) mod 4, a, (a + 1) mod 4] with 1/3 each, listed separately even when equal.
 */
function gymnasiumTable(slippery: boolean): [number, number, number, boolean][][][] {
  const shape = [4, 12] as const;
  const mapping = [[-1, 0], [0, 1], [1, 0], [0, -1]] as const;
  const startIndex = 3 * 12 + 0;
  const cliff = (r: number, c: number) => r === 3 && c >= 1 && c <= 10;
  const P: [number, number, number, boolean][][][] = [];
  for (let s = 0; s < 48; s++) {
    const current = [Math.floor(s / 12), s % 12];
    P.push([0, 1, 2, 3].map((move) => {
      const deltas = slippery ? [(move - 1 + 4) % 4, move, (move + 1) % 4] : [move];
      return deltas.map((m) => {
        const r = Math.max(0, Math.min(shape[0] - 1, current[0]! + mapping[m]![0]));
        const c = Math.max(0, Math.min(shape[1] - 1, current[1]! + mapping[m]![1]));
        const newState = r * shape[1] + c;
        if (cliff(r, c)) return [1 / deltas.length, startIndex, -100, false];
        const terminated = r === shape[0] - 1 && c === shape[1] - 1;
        return [1 / deltas.length, newState, -1, terminated];
      });
    }));
  }
  return P;
}

function assertMatchesGymnasium(walk: CliffWalk, slippery: boolean): void {
  const P = gymnasiumTable(slippery);
  for (let s = 0; s < 47; s++) { // 47 is the goal: terminal, never stepped from
    for (let a = 0; a < 4; a++) {
      const ours = walk.outcomes[s]![a]!.map((
        o,
      ) => [o.prob, o.next, o.reward, walk.isTerminal[o.next]]);
      assert.deepEqual(ours, P[s]![a]!, `P[${s}][${a}] (slippery = ${slippery})`);
    }
  }
  assert.equal(walk.isTerminal[47], true);
  assert.deepEqual(walk.isTerminal.filter(Boolean).length, 1, "only the goal is terminal");
}

Deno.test("cliff geometry: 4 × 12, start 36, goal 47, cliff 37–46, actions up/right/down/left", () => {
  const walk = cliffWalk();
  assert.equal(walk.nStates, 48);
  assert.equal(walk.nActions, 4);
  assert.equal(walk.start, 36);
  assert.equal(walk.goal, 47);
  assert.deepEqual(walk.cliff, [37, 38, 39, 40, 41, 42, 43, 44, 45, 46]);
  assert.deepEqual(walk.initial?.[36], 1);
  // from state 13 (row 1, col 1): up 1, right 14, down 25, left 12
  assert.deepEqual(walk.outcomes[13]!.map((l) => l[0]!.next), [1, 14, 25, 12]);
  // walls: up from row 0 and left from col 0 stay put, with the step reward
  assert.deepEqual(walk.outcomes[0]![0], [{ next: 0, reward: -1, prob: 1 }]);
  assert.deepEqual(walk.events[0]![3], ["wall"]);
  assert.deepEqual(walk.outcomes[11]![1], [{ next: 11, reward: -1, prob: 1 }]);
});

Deno.test("cliff handout variant: −1 per move, cliff −100 and terminal, goal +100 and terminal", () => {
  const walk = cliffWalk();
  assert.deepEqual(walk.outcomes[36]![1], [{ next: 37, reward: -100, prob: 1 }]);
  assert.deepEqual(walk.outcomes[35]![2], [{ next: 47, reward: 100, prob: 1 }]);
  assert.deepEqual(walk.outcomes[25]![2], [{ next: 37, reward: -100, prob: 1 }]);
  assert.deepEqual(walk.outcomes[36]![0], [{ next: 24, reward: -1, prob: 1 }]);
  for (const c of walk.cliff) assert.equal(walk.isTerminal[c], true, `cliff ${c} is terminal`);
  // the edge path is worth 12 · (−1) + 100 = 88
  const { V } = evaluatePolicy(walk, deterministicPolicy(walk, edgePolicyActions(walk)));
  assert.equal(V[36], 88);
});

Deno.test("cliff classic variant: transition table equals Gymnasium's CliffWalking, outcome for outcome", () => {
  assertMatchesGymnasium(cliffWalk({ variant: "classic" }), false);
  // a few entries pinned by hand: right from the start falls and returns to it
  const walk = cliffWalk({ variant: "classic" });
  assert.deepEqual(walk.outcomes[36]![1], [{ next: 36, reward: -100, prob: 1 }]);
  assert.deepEqual(walk.outcomes[35]![2], [{ next: 47, reward: -1, prob: 1 }]);
});

Deno.test("cliff classic slippery variant: table equals Gymnasium's is_slippery table", () => {
  const walk = cliffWalk({ variant: "classic", slippery: true });
  assertMatchesGymnasium(walk, true);
  // up from the start: left (wall, stays), up (24), right (cliff, back to start)
  assert.deepEqual(walk.outcomes[36]![0], [
    { next: 36, reward: -1, prob: 1 / 3 },
    { next: 24, reward: -1, prob: 1 / 3 },
    { next: 36, reward: -100, prob: 1 / 3 },
  ]);
  assert.deepEqual(walk.events[36]![0], ["wall", "move", "cliff"]);
});

Deno.test("cliff negative control: the Gymnasium comparison rejects the handout table", () => {
  assert.throws(() => assertMatchesGymnasium(cliffWalk(), false), assert.AssertionError);
  assert.throws(
    () => assertMatchesGymnasium(cliffWalk({ variant: "classic", slippery: true }), false),
    assert.AssertionError,
  );
});

Deno.test("cliff terminal-only variant: ±100 at the terminals, 0 otherwise", () => {
  const walk = cliffWalk({ variant: "terminal-only" });
  assert.equal(walk.outcomes[36]![1]![0]!.reward, -100);
  assert.equal(walk.outcomes[35]![2]![0]!.reward, 100);
  assert.equal(walk.outcomes[36]![0]![0]!.reward, 0);
  assert.equal(walk.outcomes[0]![0]![0]!.reward, 0);
  assert.equal(greedyEpisode(walk, edgePolicyActions(walk)).return, 100);
});

Deno.test("cliff options: grid size, rewards and γ are honoured", () => {
  const walk = cliffWalk({
    rows: 3,
    cols: 5,
    stepReward: -2,
    cliffReward: -50,
    goalReward: 7,
    gamma: 0.9,
  });
  assert.equal(walk.nStates, 15);
  assert.equal(walk.start, 10);
  assert.equal(walk.goal, 14);
  assert.deepEqual(walk.cliff, [11, 12, 13]);
  assert.equal(walk.gamma, 0.9);
  assert.deepEqual(walk.outcomes[10]![1], [{ next: 11, reward: -50, prob: 1 }]);
  assert.deepEqual(walk.outcomes[9]![2], [{ next: 14, reward: 7, prob: 1 }]);
  assert.equal(greedyEpisode(walk, edgePolicyActions(walk)).return, 5 * -2 + 7); // 6 moves: 5 steps, then the goal
  // 2 columns: no cliff cells at all
  assert.deepEqual(cliffWalk({ rows: 2, cols: 2 }).cliff, []);
});

Deno.test("cliff invalid options get errors naming the option and the value", () => {
  const bad: [unknown, RegExp][] = [
    [{ rows: 1 }, /rows must be an integer in \[2, 1000\], got 1/],
    [{ cols: 2.5 }, /cols must be an integer .* got 2\.5/],
    [{ variant: "windy" }, /variant must be one of handout, classic, terminal-only, got "windy"/],
    [{ gamma: 1.5 }, /gamma must be in \[0, 1\], got 1\.5/],
    [{ maxSteps: 0 }, /maxSteps must be a positive integer or Infinity, got 0/],
    [{ stepReward: Number.NaN }, /stepReward must be a finite number, got NaN/],
    [{ goalReward: Infinity }, /goalReward must be a finite number, got Infinity/],
    [{ slippery: "yes" }, /slippery must be a boolean, got yes/],
    [{ row: 4 }, /unknown option "row"/],
    [null, /options must be an object/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => cliffWalk(options as never),
      (e: unknown) => e instanceof CliffInputError && message.test(e.message),
      JSON.stringify(options),
    );
  }
});

Deno.test("cliff options at their bounds: sides 2 and 1000 accepted, 1 and 1001 refused; γ on all of [0, 1]; maxSteps 1 and Infinity", () => {
  const refused = (options: object, message: RegExp) =>
    assert.throws(
      () => cliffSpec(options as never),
      (e: unknown) => e instanceof CliffInputError && message.test(e.message),
      JSON.stringify(options),
    );
  for (const side of ["rows", "cols"] as const) {
    // the sparse specification, so the 1000-cell side does not build a dense 2000² tensor
    const other = side === "rows" ? "cols" : "rows";
    const big = cliffSpec({ [side]: 1000, [other]: 2 });
    assert.equal(big.walk[side], 1000);
    assert.equal(big.mdp.outcomes.length, 2000);
    assert.equal(cliffSpec({ [side]: 2, [other]: 2 }).walk[side], 2);
    for (const n of [1, 1001]) {
      refused({ [side]: n }, new RegExp(`${side} must be an integer in \\[2, 1000\\], got ${n}$`));
    }
  }
  for (const gamma of [0, 1]) assert.equal(cliffWalk({ gamma }).gamma, gamma);
  refused({ gamma: -0.01 }, /gamma must be in \[0, 1\], got -0\.01/);
  refused({ gamma: Number.NaN }, /gamma must be in \[0, 1\], got NaN/);
  // one move is a valid truncation, and Infinity means no truncation at all
  const once = cliffWalk({ maxSteps: 1 });
  assert.equal(once.maxSteps, 1);
  const ep = greedyEpisode(once, edgePolicyActions(once));
  assert.equal(ep.length, 1);
  assert.equal(ep.end, "truncated");
  assert.equal(cliffWalk({ maxSteps: Infinity }).maxSteps, Infinity);
  refused({ maxSteps: 1.5 }, /maxSteps must be a positive integer or Infinity, got 1\.5/);
  refused(
    { maxSteps: -Infinity },
    /maxSteps must be a positive integer or Infinity, got -Infinity/,
  );
});

Deno.test("cliff edge policy is proper in every variant (γ = 1 evaluation is finite)", () => {
  for (const variant of ["handout", "classic", "terminal-only"] as const) {
    const walk = cliffWalk({ variant });
    const { V } = evaluatePolicy(walk, deterministicPolicy(walk, edgePolicyActions(walk)));
    assert.ok(V.every(Number.isFinite), variant);
  }
  assert.deepEqual(edgePathActions(cliffWalk()), [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
});

Deno.test("cliff env: termination and truncation are reported separately", () => {
  const walk = cliffWalk({ maxSteps: 3 });
  const env = new CliffEnv(walk, new Rng(1));
  assert.equal(env.reset(), 36);
  const a = env.step(0);
  assert.deepEqual(a, {
    state: 24,
    reward: -1,
    terminated: false,
    truncated: false,
    event: "move",
  });
  env.step(2);
  const c = env.step(1); // into the cliff at the third move: terminated wins over truncation
  assert.deepEqual(c, {
    state: 37,
    reward: -100,
    terminated: true,
    truncated: false,
    event: "cliff",
  });
  assert.throws(() => env.step(0), /after the episode ended/);
  env.reset();
  env.step(3);
  env.step(3);
  const t = env.step(3);
  assert.equal(t.truncated, true);
  assert.equal(t.terminated, false);
  assert.throws(() => env.reset(47), /start state 47 is terminal/);
  assert.throws(() => env.reset(48), /start state 48 is not a state/);
  for (const a of [4, -1, 1.5, NaN]) {
    assert.throws(
      () => sampleTransition(walk, 0, a, new Rng(1)),
      (e) => e instanceof CliffInputError && e.message === `action ${a} is not in [0, 4)`,
      `action ${a}`,
    );
  }
  // both ends of the range move: action 0 (up) from the top-left corner stays, 3 (left) too
  assert.equal(sampleTransition(walk, 0, 0, new Rng(1)).next, 0);
  assert.equal(sampleTransition(walk, 0, 3, new Rng(1)).next, 0);
});

Deno.test("cliff rollout: truncated episodes are not terminal and carry a partial return", () => {
  const walk = cliffWalk({ maxSteps: 5 });
  const left = Array.from({ length: 48 }, () => [0, 0, 0, 1]);
  const ep = rollout(walk, left, new Rng(3));
  assert.equal(ep.length, 5);
  assert.equal(ep.truncated, true);
  assert.equal(ep.terminated, false);
  assert.equal(ep.end, "truncated");
  assert.equal(ep.return, -5);
  const forced = rollout(walk, left, new Rng(3), { start: 35, firstAction: 2 });
  assert.equal(forced.end, "goal");
  assert.equal(forced.return, 100);
  assert.throws(() => rollout(walk, left.slice(1), new Rng(3)), /47 rows, expected 48/);
  assert.throws(() => rollout(walk, left, new Rng(3), { start: 40 }), /start state 40 is terminal/);
});

Deno.test("cliff rollout: without a maxSteps option an episode is cut after the documented 1000 moves", () => {
  // always "left" from the start bumps into the wall forever: only the time limit ends it
  const left = Array.from({ length: 48 }, () => [0, 0, 0, 1]);
  const ep = rollout(cliffWalk(), left, new Rng(3));
  assert.equal(ep.end, "truncated");
  assert.equal(ep.length, 1000);
  assert.equal(ep.return, -1000);
});

Deno.test("cliff classic rollout: a fall resets to the start and is counted, not terminal", () => {
  const walk = cliffWalk({ variant: "classic", maxSteps: 4 });
  const right = Array.from({ length: 48 }, () => [0, 1, 0, 0]);
  const ep = rollout(walk, right, new Rng(1));
  assert.deepEqual(ep.states, [36, 36, 36, 36]);
  assert.equal(ep.falls, 4);
  assert.equal(ep.return, -400);
  assert.equal(ep.end, "truncated");
});

// Hoeffding: for i.i.d. draws in [a, b], P(|mean − μ| ≥ ε) ≤ 2 exp(−2Nε² / (b − a)²). With a
// false-alarm probability δ = 1e-6 per check, ε = (b − a) sqrt(ln(2/δ) / (2N)).
function hoeffding(n: number, range: number, delta = 1e-6): number {
  return range * Math.sqrt(Math.log(2 / delta) / (2 * n));
}

Deno.test("cliff sampling agrees with the MDP: mean return of the uniform policy is V^π(start)", () => {
  // terminal-only rewards and no truncation: every return is ±100, so Hoeffding applies
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: Infinity });
  const pi = uniformPolicy(walk);
  const exact = evaluatePolicy(walk, pi).V[walk.start]!;
  const n = 20_000;
  const seed = seedFor("cliff uniform rollouts", verifySeed());
  const rng = new Rng(seed);
  let total = 0;
  for (let i = 0; i < n; i++) total += rollout(walk, pi, rng).return;
  const band = hoeffding(n, 200);
  assertClose(total / n, exact, { abs: band, rel: 0 }, `mean return over N = ${n} (seed ${seed})`);
  // the band excludes the plausible wrong answer "the cliff is never entered" and an off-by-sign
  assert.ok(Math.abs(exact) > 2 * band && band < 5, `band ${band} vs V = ${exact}`);
});

Deno.test("cliff slippery sampling: each of the three moves has frequency 1/3 (Hoeffding, δ = 1e-6)", () => {
  const walk = cliffWalk({ variant: "classic", slippery: true });
  const seed = seedFor("cliff slippery", verifySeed());
  const rng = new Rng(seed);
  const n = 30_000;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const { next } = sampleTransition(walk, 13, 1, rng); // right from 13: up 1, right 14, down 25
    counts.set(next, (counts.get(next) ?? 0) + 1);
  }
  const band = hoeffding(n, 1, 1e-6 / 3);
  for (const next of [1, 14, 25]) {
    assertClose(
      (counts.get(next) ?? 0) / n,
      1 / 3,
      { abs: band, rel: 0 },
      `P(${next} | 13, right)`,
    );
  }
  assert.equal(counts.size, 3);
});

Deno.test("cliff sampleAction tolerates float32 rows and rejects bad ones", () => {
  const rng = new Rng(5);
  const row = new Float32Array([0.1, 0.2, 0.3, 0.4]); // sums to 1 only within float32 rounding
  for (let i = 0; i < 100; i++) assert.ok(sampleAction(row, rng) < 4);
  assert.throws(() => sampleAction([0.5, -0.1, 0.6, 0], rng), /-0\.1 at index 1 is not ≥ 0/);
  assert.throws(() => sampleAction([0.5, 0.1, 0, 0], rng), /sum to 0\.6, not 1/);
  assert.throws(() => sampleAction([Number.NaN, 1, 0, 0], rng), /NaN at index 0/);
  const rows = tableRows(new Float32Array(8).fill(0.25), 4);
  assert.equal(rows.length, 2);
  assert.throws(() => tableRows([1, 2, 3], 2), /does not split into rows of 2/);
});

Deno.test("cliff sampleAction draws i with probability p_i / Σ p: sums within 1e-3 of 1 accepted, beyond refused; a top draw never picks a zero weight", () => {
  /** A generator whose every uniform draw is u: the draw that decides the action is forced. */
  // the sum's tolerance, on both sides of 1 and of the 1e-3 boundary
  for (const total of [0.9995, 1.0005]) {
    assert.equal(sampleAction([total / 2, total / 2, 0, 0], new ConstantUniform(0.25)), 0);
  }
  for (const total of [0.998, 1.002]) {
    assert.throws(
      () => sampleAction([total / 2, total / 2, 0, 0], new ConstantUniform(0.25)),
      new RegExp(`sum to ${total}, not 1`),
    );
  }
  // weights 0.5 and 0.4995 (sum 0.9995): action 0 has probability 0.5 / 0.9995 ≈ 0.50025, so
  // u = 0.5002 falls in it once u is scaled by the sum (u · Σ = 0.49995 < 0.5), not in action 1
  assert.equal(sampleAction([0.5, 0.4995, 0, 0], new ConstantUniform(0.5002)), 0);
  assert.equal(sampleAction([0.5, 0.4995, 0, 0], new ConstantUniform(0.5003)), 1);
  // the largest draw below 1 lands on the last action of positive weight, never on a
  // trailing zero-weight action (float64 and float32 rows)
  const top = new ConstantUniform(1 - 2 ** -53);
  assert.equal(sampleAction([0.1, 0.2, 0.7, 0], top), 2);
  assert.equal(sampleAction(new Float32Array([0.1, 0.2, 0.3, 0.4, 0]), top), 3);
});

Deno.test("cliff rendering: policy arrows, a walked path and a value grid", () => {
  const walk = cliffWalk();
  const text = renderPolicy(walk, edgePolicyActions(walk));
  assert.deepEqual(text.split("\n"), [
    "→ → → → → → → → → → → ↓",
    "→ → → → → → → → → → → ↓",
    "→ → → → → → → → → → → ↓",
    "↑ x x x x x x x x x x G",
  ]);
  const ep = greedyEpisode(walk, edgePolicyActions(walk));
  assert.deepEqual(renderPath(walk, ep.states, ep.actions).split("\n"), [
    "· · · · · · · · · · · ·",
    "· · · · · · · · · · · ·",
    "→ → → → → → → → → → → ↓",
    "↑ x x x x x x x x x x G",
  ]);
  const { V } = evaluatePolicy(walk, deterministicPolicy(walk, edgePolicyActions(walk)));
  const lines = renderValues(walk, V, 0).split("\n");
  assert.equal(lines[3]!.trim().split(/\s+/)[0], "88");
  assert.equal(lines[3]!.trim().split(/\s+/)[1], "cliff");
  assert.throws(() => renderPolicy(walk, [1, 2]), /policy has 2 states, expected 48/);
  // a tie between actions draws the lowest index: uniform rows look like action 0 everywhere
  const uniform = Array.from({ length: walk.nStates }, () => [0.25, 0.25, 0.25, 0.25]);
  assert.equal(renderPolicy(walk, uniform), renderPolicy(walk, new Array(walk.nStates).fill(0)));
  assert.throws(() => renderValues(walk, new Array(48).fill(Number.NaN)), /V\(s=0\) = NaN/);
  assert.throws(
    () => greedyEpisode(cliffWalk({ slippery: true }), edgePolicyActions(walk)),
    /slippery/,
  );
});

Deno.test("restarts: stop at the first attempt that reaches the target, with distinct seeds", async () => {
  const { runAttempts } = await import("./mod.ts");
  const seeds: number[] = [];
  const r = await runAttempts(5, 4, "t", (seed) => {
    seeds.push(seed);
    return Promise.resolve({ episodes: 3, ms: 1, ok: seeds.length === 3 });
  }, (x) => x.ok);
  if (r.results.length !== 3 || r.episodesBefore !== 6 || new Set(seeds).size !== 3) {
    throw new Error(`unexpected attempts: ${JSON.stringify(r)}`);
  }
  if (seeds[0] !== 5) throw new Error("the first attempt uses the run's seed");
  let threw = false;
  try {
    await runAttempts(5, 0, "t", () => Promise.resolve({ episodes: 0, ms: 0 }), () => true);
  } catch (e) {
    threw = e instanceof RangeError && /attempts must be a positive integer, got 0/.test(e.message);
  }
  if (!threw) throw new Error("0 attempts must be refused");
});

Deno.test("cliff policyOutcome agrees with shared/mdp's evaluation and with V = 101 − E[L] − 200 P(fall)", async () => {
  const { cliffWalk, policyOutcome } = await import("./mod.ts");
  const { evaluatePolicy } = await import("../mdp/mod.ts");
  const { Rng } = await import("../random/mod.ts");
  const rng = new Rng(18);
  for (const options of [{}, { slippery: true }, { rows: 3, cols: 5, gamma: 0.9 }]) {
    const walk = cliffWalk(options);
    for (let trial = 0; trial < 5; trial++) {
      // random rows with some exact zeros (at least one action kept)
      const table = Array.from({ length: walk.nStates }, (_, s) => {
        const w = [0, 1, 2, 3].map((a) => (a === s % 4 || rng.uniform() < 0.7 ? rng.uniform() : 0));
        const t = w.reduce((x, y) => x + y, 0);
        return w.map((x) => x / t);
      });
      let reference: number[] | null = null;
      try {
        reference = evaluatePolicy(walk, table).V;
      } catch {
        reference = null; // improper: policyOutcome must say so
      }
      const o = policyOutcome(walk, table, walk.start, { visits: true });
      if (reference === null) {
        if (o.proper) throw new Error("an improper policy was reported proper");
        continue;
      }
      for (let s = 0; s < walk.nStates; s++) {
        if (Math.abs(o.values[s]! - reference[s]!) > 1e-8 * Math.max(1, Math.abs(reference[s]!))) {
          throw new Error(`V(${s}) = ${o.values[s]} but evaluatePolicy gives ${reference[s]}`);
        }
      }
      if (Math.abs(o.success + o.fall - 1) > 1e-9) throw new Error("goal and fall must sum to 1");
      const visits = o.visits.reduce((a, b) => a + b, 0);
      if (Math.abs(visits - o.expectedLength) > 1e-8 * o.expectedLength) {
        throw new Error(`Σ visits ${visits} ≠ E[L] ${o.expectedLength}`);
      }
      if (walk.gamma === 1 && !walk.slippery) {
        // a goal episode of L moves returns 101 − L, a fall of L moves −99 − L
        const identity = 101 - o.expectedLength - 200 * o.fall;
        if (Math.abs(identity - o.value) > 1e-8 * Math.max(1, Math.abs(o.value))) {
          throw new Error(`V(start) = ${o.value}, 101 − E[L] − 200 P(fall) = ${identity}`);
        }
      }
    }
  }
});

Deno.test("cliff tableRows splits a plain array into consecutive rows of nActions, like a typed array", () => {
  const flat = [1, 2, 3, 4, 5, 6];
  const rows = tableRows(flat, 2).map((r) => Array.from(r));
  assert.deepEqual(rows, [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(tableRows(new Float64Array(flat), 3).map((r) => Array.from(r)), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
});

Deno.test("cliff tableRows accepts rows of one action (nActions = 1, the guard's boundary) and refuses 0, negative and fractional row lengths", () => {
  // a one-action table is valid: every state's row is the single probability 1
  assert.deepEqual(tableRows([1, 1, 1], 1).map((r) => Array.from(r)), [[1], [1], [1]]);
  assert.deepEqual(tableRows(new Float32Array([1, 1]), 1).map((r) => Array.from(r)), [[1], [1]]);
  // just below the boundary and beyond it: no row length splits a table
  for (const nActions of [0, -1, -2, 0.5, 1.5, Number.NaN]) {
    assert.throws(
      () => tableRows([1, 1], nActions),
      CliffInputError,
      `nActions = ${nActions}`,
    );
  }
});

Deno.test("cliff stateOf is row · cols + col on the whole grid and refuses rows and columns just outside it", () => {
  const walk = cliffWalk(); // 4 × 12
  assert.equal(stateOf(walk, 0, 0), 0);
  assert.equal(stateOf(walk, 3, 11), 47);
  assert.equal(stateOf(walk, 1, 2), 14);
  assert.throws(
    () => stateOf(walk, -1, 0),
    (e) => e instanceof CliffInputError && /row -1/.test(e.message),
  );
  assert.throws(() => stateOf(walk, 4, 0), /row 4 is not in \[0, 4\)/);
  assert.throws(() => stateOf(walk, 0.5, 0), /row 0.5/);
  assert.throws(() => stateOf(walk, 0, -1), /col -1/);
  assert.throws(() => stateOf(walk, 0, 12), /col 12 is not in \[0, 12\)/);
  assert.throws(() => stateOf(walk, 0, 1.5), /col 1.5/);
});

Deno.test("cliff policyOutcome refuses a negative or NaN entry in a live row, and takes a zero entry as an action never chosen", () => {
  const walk = cliffWalk();
  const edge = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  // the edge path's rows are one-hot: their zeros are actions never taken, worth 88 exactly
  assert.equal(policyOutcome(walk, edge).value, 88);
  const withEntry = (p: number) => edge.map((row, s) => (s === walk.start ? [1, p, 0, 0] : row));
  for (const bad of [-1, -1e-12, NaN]) {
    assert.throws(
      () => policyOutcome(walk, withEntry(bad)),
      new RegExp(`^CliffInputError: policy entry π\\(1 \\| 36\\) = ${bad} is not ≥ 0$`),
    );
  }
  // terminal rows are not read: any entry there is accepted
  const terminalRows = edge.map((row, s) => (walk.isTerminal[s] ? [-1, NaN, 0, 0] : row));
  assert.equal(policyOutcome(walk, terminalRows).value, 88);
});

Deno.test("cliff env: a step before the first reset is refused like a step after the end, and changes nothing", () => {
  // a fresh environment has no episode: step() must demand reset() rather than move from
  // the placeholder state −1
  const env = new CliffEnv(cliffWalk(), new Rng(1));
  assert.throws(
    () => env.step(0),
    (e: unknown) =>
      e instanceof CliffInputError &&
      /step\(\) after the episode ended: call reset\(\)/.test(e.message),
  );
  assert.equal(env.state, -1);
  assert.equal(env.t, 0);
  env.reset();
  assert.equal(env.step(0).state, 24);
});

Deno.test("cliff rollout: a maxSteps option of 0 is refused with its message, 1 gives one truncated move", () => {
  const walk = cliffWalk();
  const left = Array.from({ length: 48 }, () => [0, 0, 0, 1]);
  assert.throws(
    () => rollout(walk, left, new Rng(1), { maxSteps: 0 }),
    (e: unknown) =>
      e instanceof CliffInputError &&
      /maxSteps must be a positive integer or Infinity, got 0/.test(e.message),
  );
  // "left" from the start bumps into the wall: one move, −1, cut at length 1
  const once = rollout(walk, left, new Rng(1), { maxSteps: 1 });
  assert.deepEqual(
    [once.length, once.states, once.actions, once.return, once.finalState, once.end],
    [1, [36], [3], -1, 36, "truncated"],
  );
});
