/**
 * The options of the batched trainer observed on walks built so that one update has an exact
 * answer: the baseline V_φ read per seed and per state, the entropy bonus and its schedule,
 * the cut term of the value-target-gradient control, the progress callback and the truncated
 * fraction at its boundaries.
 *
 * @module
 */
import assert from "node:assert/strict";
import { cliffSpec, type CliffWalk, cliffWalk } from "../../shared/cliff/mod.ts";
import { makeMdp } from "../../shared/mdp/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import { trainSeeds } from "./mod.ts";

/**
 * The handout's walk where every move from `from` ends the episode in the goal with reward
 * `reward`, and `from` is the start: each sampled episode is one step at `from` whatever the
 * policy does, with return-to-go exactly `reward` (γ multiplies the tail 0).
 */
function oneMoveWalk(from: number, reward: number): CliffWalk {
  const { mdp, walk } = cliffSpec({ maxSteps: 1 });
  const end = [{ next: walk.goal, reward, prob: 1 }];
  const outcomes = mdp.outcomes.map((row, s) => s !== from ? row : row.map(() => end));
  const initial = mdp.initial!.map((_, s) => (s === from ? 1 : 0));
  return { ...makeMdp({ ...mdp, outcomes, initial }), ...walk, start: from };
}

/** H(p) = −Σ p log p of one policy row. */
function entropy(row: readonly number[]): number {
  return -row.reduce((acc, p) => acc + (p > 0 ? p * Math.log(p) : 0), 0);
}

Deno.test("18 with the baseline, a return equal to the seed's own V_φ(start) gives a zero policy gradient: the first update leaves that seed's policy exactly unchanged", async () => {
  await withNoTensorLeak("baseline per seed", async () => {
    const seeds = [3, 8];
    const start = cliffWalk().start;
    // budget 0: no update, the runs report the initial policy and V_φ (the first read)
    const initial = await trainSeeds(seeds, { budget: 0 });
    const [v3, v8] = initial.map((r) => r.baseline[start]!);
    assert.notEqual(v3, v8, "the two seeds' V_φ(start) differ at initialisation");
    // every step is at the start with Q̂ = V_φ(start) of seed 8 (a float32 number, exact in
    // float64): its advantage Q̂ − b(start) is exactly 0, so W = 0 and Adam's step is 0
    const walk = oneMoveWalk(start, v8!);
    const config = { budget: 8, episodesPerUpdate: 8, maxSteps: 1, entropy: 0 };
    const [run3, run8] = await trainSeeds(seeds, { ...config, baseline: true }, { walk });
    assert.equal(run8!.episodes, 8);
    assert.deepEqual(run8!.policy, initial[1]!.policy);
    // seed 3's advantage is V_8(start) − V_3(start) ≠ 0 at every step: its policy moves
    assert.notDeepEqual(run3!.policy, initial[0]!.policy);
    // without the baseline the same return is the advantage, and seed 8's policy moves too
    const [, plain8] = await trainSeeds(seeds, { ...config, baseline: false }, { walk });
    assert.notDeepEqual(plain8!.policy, initial[1]!.policy);
  });
});

Deno.test("18 the entropy bonus acts below β₀ = 1 and its first update uses β₀ even when the schedule reaches 0 after one batch", async () => {
  await withNoTensorLeak("entropy bonus", async () => {
    // state 0 is the start and every return is 0: without a baseline W = 0, so the bonus
    // β n(0) H(π(· | 0)) is the only force on θ; β is computed from the episodes sampled
    // before the update (0), β = β₀ (1 − 0 / B) = β₀, although β = 0 after this batch
    const walk = oneMoveWalk(0, 0);
    const B = 8;
    const config = {
      budget: B,
      episodesPerUpdate: B,
      maxSteps: 1,
      baseline: false,
      truncation: "terminal" as const,
      entropyEpisodes: B,
      policyLr: 1e-4,
    };
    const [initial] = await trainSeeds([5], { ...config, budget: 0 }, { walk });
    const [none] = await trainSeeds([5], { ...config, entropy: 0 }, { walk });
    assert.deepEqual(none!.policy, initial!.policy, "no bonus and no advantage: no step");
    const [bonus] = await trainSeeds([5], { ...config, entropy: 0.5 }, { walk });
    assert.equal(bonus!.episodes, B);
    // a small step up the entropy: the row at the visited state 0 is more uniform
    const before = entropy(initial!.policy[0]!);
    const after = entropy(bonus!.policy[0]!);
    assert.ok(after > before, `H(π(· | 0)): ${before} → ${after}`);
  });
});

Deno.test("18 the value-target-gradient control differs from the correct update only in V_φ, and only when an episode is cut", async () => {
  await withNoTensorLeak("cut term", async () => {
    const config = { budget: 16, episodesPerUpdate: 16, maxSteps: 1 };
    // seed 4 trained correctly and with the control's mistake, on the same walk
    const pair = async (walk: CliffWalk) => {
      const [right] = await trainSeeds([4], config, { walk });
      const [control] = await trainSeeds([4], config, { walk, mistake: "value-target-gradient" });
      return [right!, control!] as const;
    };
    // the classic walk cut after one move: every episode is cut, so the cut weights C are
    // nonzero and the control's value loss has the extra −Σ C V_φ term
    const cut = cliffWalk({ variant: "classic", maxSteps: 1 });
    const [right, control] = await pair(cut);
    assert.equal(control.truncatedFraction, 1);
    // the policy loss does not see the mistake
    assert.deepEqual(control.policy, right.policy);
    assert.notDeepEqual(control.baseline, right.baseline);
    // every episode ends after its one move: C = 0 and the control is the correct update
    const ends = oneMoveWalk(cut.start, -1);
    const [right2, control2] = await pair(ends);
    assert.equal(control2.truncatedFraction, 0);
    assert.deepEqual(control2.baseline, right2.baseline);
  });
});

Deno.test("18 onProgress is called after updates 0 and 100 exactly, with the count of seeds at the target", async () => {
  await withNoTensorLeak("progress", async () => {
    // one episode per update and a budget of 101: updates 0 … 100, none reaching the target
    const lines: string[] = [];
    const [run] = await trainSeeds(
      [2],
      { budget: 101, episodesPerUpdate: 1, maxSteps: 1, hidden: 2 },
      { onProgress: (line) => lines.push(line) },
    );
    assert.equal(run!.episodes, 101);
    assert.equal(run!.reached, false);
    assert.deepEqual(lines, [
      "pg: update 0, 0/1 seeds at the target",
      "pg: update 100, 0/1 seeds at the target",
    ]);
  });
});

Deno.test("18 the truncated fraction: 0 without episodes, 1 for a single episode that is cut", async () => {
  await withNoTensorLeak("truncated fraction", async () => {
    // budget 0: no episode is sampled, and the fraction is 0, not 0/0
    const [idle] = await trainSeeds([1], { budget: 0 });
    assert.equal(idle!.episodes, 0);
    assert.equal(idle!.truncatedFraction, 0);
    // one episode on the classic walk cut after one move: it never ends, 1 of 1 is cut
    const walk = cliffWalk({ variant: "classic", maxSteps: 1 });
    const [one] = await trainSeeds([1], { budget: 1, episodesPerUpdate: 1, maxSteps: 1 }, {
      walk,
    });
    assert.equal(one!.episodes, 1);
    assert.equal(one!.truncatedFraction, 1);
  });
});
