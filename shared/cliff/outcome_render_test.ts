import assert from "node:assert/strict";
import { evaluatePolicy } from "../mdp/mod.ts";
import {
  CliffInputError,
  cliffWalk,
  edgePolicyActions,
  greedyEpisode,
  policyOutcome,
  renderValues,
} from "./mod.ts";

const oneHot = (actions: readonly number[]) =>
  actions.map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));

Deno.test("cliff renderValues: a cliff cell shows 'cliff' only where it ends the episode; in the classic walk it is a live state with a value", () => {
  for (const variant of ["handout", "classic"] as const) {
    const walk = cliffWalk({ rows: 2, cols: 4, variant });
    // distinct values per state, so every printed number names its state
    const V = Array.from({ length: walk.nStates }, (_, s) => 10 + s);
    const bottom = renderValues(walk, V, 0).split("\n")[1]!.trim().split(/\s+/);
    // bottom row: start 4, cliff 5 and 6, goal 7
    const cliffCells = variant === "handout" ? ["cliff", "cliff"] : ["15", "16"];
    assert.deepEqual(bottom, ["14", ...cliffCells, "goal"], variant);
    assert.equal(walk.cliff.every((s) => walk.isTerminal[s]), variant === "handout");
  }
});

Deno.test("cliff renderValues: digits from 0 to 10 print, and -1, 11, 1.5 and NaN are refused with one line", () => {
  const walk = cliffWalk({ rows: 2, cols: 4 });
  const V = Array.from({ length: walk.nStates }, (_, s) => s + 0.25);
  // the start state 4 prints with exactly the requested number of decimals, at both ends
  assert.equal(renderValues(walk, V, 0).split("\n")[1]!.trim().split(/\s+/)[0], "4");
  assert.equal(renderValues(walk, V, 10).split("\n")[1]!.trim().split(/\s+/)[0], "4.2500000000");
  for (const digits of [-1, 11, 1.5, Number.NaN]) {
    assert.throws(
      () => renderValues(walk, V, digits),
      (e) =>
        e instanceof CliffInputError &&
        e.message === `digits must be an integer in [0, 10], got ${digits}`,
      String(digits),
    );
  }
});

Deno.test("cliff policyOutcome returns one value and one visit count per state and nothing else", () => {
  for (const options of [{}, { gamma: 0.9 }, { variant: "classic" as const, rows: 3, cols: 5 }]) {
    const walk = cliffWalk(options);
    const table = oneHot(edgePolicyActions(walk));
    const o = policyOutcome(walk, table, walk.start, { visits: true });
    const indices = Array.from({ length: walk.nStates }, (_, s) => String(s));
    assert.deepEqual(Object.keys(o.values), indices, "values: only the state indices");
    assert.deepEqual(Object.keys(o.visits), indices, "visits: only the state indices");
    const { V } = evaluatePolicy(walk, table);
    o.values.forEach((v, s) => {
      assert.ok(
        Math.abs(v - V[s]!) <= 1e-9 * Math.max(1, Math.abs(V[s]!)),
        `V(${s}): ${v} vs ${V[s]}`,
      );
    });
  }
});

Deno.test("cliff greedyEpisode refuses an action below 0, at the action count, or fractional, naming the state", () => {
  const walk = cliffWalk();
  for (const bad of [-1, 4, 1.5]) {
    const actions = edgePolicyActions(walk);
    actions[5] = bad;
    assert.throws(
      () => greedyEpisode(walk, actions),
      new RegExp(`action ${bad} in state 5 is not in \\[0, 4\\)`),
    );
  }
  assert.equal(greedyEpisode(walk, edgePolicyActions(walk)).length, 13); // up, 11 right, down
});
