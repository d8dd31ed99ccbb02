import assert from "node:assert/strict";
import {
  evaluateActionValues,
  evaluatePolicy,
  evaluatePolicyExact,
  ImproperPolicyError,
  linearSolveTolerance,
  makeMdp,
  MdpInputError,
  type MdpSpec,
  optimalValues,
  supNorm,
  validateActionValues,
  validatePolicy,
  validateValues,
  withGamma,
} from "./mod.ts";

const ok = [{ next: 0, reward: 1, prob: 1 }];

/** Asserts that `fn` throws an MdpInputError whose message matches `pattern`. */
function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MdpInputError, `expected MdpInputError, got ${e}`);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("makeMdp rejects a negative probability, naming state, action, outcome and value", () => {
  rejects(
    () =>
      makeMdp({
        gamma: 0.5,
        outcomes: [[ok, [{ next: 0, reward: 0, prob: 1.5 }, { next: 0, reward: 0, prob: -0.5 }]]],
      }),
    /p\(·, · \| s=0, a=1\), outcome 1: probability -0.5/,
  );
});

Deno.test("makeMdp rejects a NaN probability", () => {
  rejects(
    () => makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: NaN }]]] }),
    /s=0, a=0\), outcome 0: probability is NaN/,
  );
});

Deno.test("makeMdp rejects probabilities that do not sum to 1 (beyond 1e-9)", () => {
  rejects(
    () => makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 0.9 }]]] }),
    /s=0, a=0\): probabilities sum to 0.9, not 1/,
  );
  // within 1e-9 is accepted (sums of decimals round)
  makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 + 5e-10 }]]] });
});

Deno.test("makeMdp rejects γ outside [0, 1] and NaN γ", () => {
  rejects(() => makeMdp({ gamma: 1.5, outcomes: [[ok]] }), /gamma must be in \[0, 1\], got 1.5/);
  rejects(() => makeMdp({ gamma: -0.1, outcomes: [[ok]] }), /got -0.1/);
  rejects(() => makeMdp({ gamma: NaN, outcomes: [[ok]] }), /got NaN/);
  rejects(() => withGamma(makeMdp({ gamma: 0.5, outcomes: [[ok]] }), 2), /got 2/);
});

Deno.test("makeMdp rejects a reward beyond the stated bound R and a non-finite reward", () => {
  rejects(
    () => makeMdp({ gamma: 0.5, rewardBound: 0.5, outcomes: [[ok]] }),
    /s=0, a=0\), outcome 0: \|reward\| = 1 exceeds the bound R = 0.5/,
  );
  rejects(
    () => makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: Infinity, prob: 1 }]]] }),
    /reward Infinity is not finite/,
  );
  // a reward equal to R is allowed, so the message names the outcome past it, not the one on it
  const onBound = [{ next: 0, reward: -0.5, prob: 0.5 }, { next: 1, reward: 0.5, prob: 0.5 }];
  const past = [{ next: 0, reward: 0.5, prob: 0.5 }, { next: 1, reward: 0.75, prob: 0.5 }];
  rejects(
    () => makeMdp({ gamma: 0.5, rewardBound: 0.5, outcomes: [[onBound], [past]] }),
    /^p\(·, · \| s=1, a=0\), outcome 1: \|reward\| = 0.75 exceeds the bound R = 0.5$/,
  );
});

Deno.test("makeMdp rejects wrong shapes: a missing action list, a next state out of range", () => {
  rejects(
    () => makeMdp({ gamma: 0.5, outcomes: [[ok, ok], [ok]] }),
    /state 1 has 1 action lists, expected 2/,
  );
  rejects(
    () => makeMdp({ gamma: 0.5, outcomes: [[[{ next: 3, reward: 0, prob: 1 }]]] }),
    /outcome 0: next state 3 is not in \[0, 1\)/,
  );
  // both ends of the range and a fraction: −1, 1 and 0.5 are refused with one state, 0 taken
  for (const next of [-1, 1, 0.5]) {
    rejects(
      () => makeMdp({ gamma: 0.5, outcomes: [[[{ next, reward: 0, prob: 1 }]]] }),
      new RegExp(`outcome 0: next state ${next} is not in \\[0, 1\\)`),
    );
  }
  assert.equal(makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] }).nStates, 1);
  rejects(() => makeMdp({ gamma: 0.5, outcomes: [] }), /non-empty array/);
  rejects(() => makeMdp({ gamma: 0.5, outcomes: [[[]]] }), /s=0, a=0\): the outcome list is empty/);
  rejects(() => makeMdp({ gamma: 0.5, terminal: [4], outcomes: [[ok]] }), /terminal state 4/);
});

Deno.test("makeMdp counts actions over the rows that are arrays: with every row missing it finds none", () => {
  // untyped input (JSON with a hole): a missing row contributes 0 actions to the inferred count,
  // so with no row present the count is 0 and the action check speaks, before the row check
  const holes = [undefined, null] as unknown as MdpSpec["outcomes"];
  rejects(() => makeMdp({ gamma: 0.5, outcomes: holes }), /at least one action, got nActions = 0/);
  // with one row present, its length is the count and the missing row is named
  const mixed = [null, [ok, ok]] as unknown as MdpSpec["outcomes"];
  rejects(
    () => makeMdp({ gamma: 0.5, outcomes: mixed }),
    /outcomes\[0\] \(state 0\) is not an array/,
  );
});

Deno.test("makeMdp rejects an initial distribution that is not one", () => {
  rejects(
    () => makeMdp({ gamma: 0.5, outcomes: [[ok]], initial: [0.5] }),
    /initial p0: entries sum to 0.5/,
  );
});

Deno.test("validatePolicy rejects a policy that is not a distribution, naming state and action", () => {
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[ok, ok], [ok, ok]] });
  rejects(() => validatePolicy(mdp, [[1, 0]]), /expected one row per state \(2\), got 1/);
  rejects(() => validatePolicy(mdp, [[1, 0], [0.7, 0.7]]), /π\(· \| s=1\): entries sum to 1.4/);
  rejects(() => validatePolicy(mdp, [[1, 0], [NaN, 1]]), /π\(· \| s=1\): entry 0 is NaN/);
  rejects(() => validatePolicy(mdp, [[1, 0], [1]]), /π\(· \| s=1\): expected 2 probabilities/);
});

Deno.test("evaluatePolicyExact returns fractions even where the solution is 0", () => {
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] });
  const { V, Q } = evaluatePolicyExact(mdp, [[1]]);
  assert.equal(V[0]!.toFraction(), "0");
  assert.equal(Q[0]![0]!.toFraction(), "0");
});

Deno.test("derived r(s, a) and P(s' | s, a) add up outcomes with the same next state", () => {
  const mdp = makeMdp({
    gamma: 0.5,
    outcomes: [[[
      { next: 0, reward: 2, prob: 0.25 },
      { next: 0, reward: -2, prob: 0.25 },
      { next: 1, reward: 4, prob: 0.5 },
    ]], [ok]],
  });
  assert.equal(mdp.expectedReward[0]![0], 2);
  assert.deepEqual(mdp.transition[0]![0], [0.5, 0.5]);
});

Deno.test("evaluateActionValues agrees with evaluatePolicy and rejects an improper policy at γ = 1", () => {
  const mdp = makeMdp({
    gamma: 1,
    terminal: [1],
    outcomes: [[[{ next: 0, reward: -1, prob: 1 }], [{ next: 1, reward: 2, prob: 1 }]], []],
  });
  assert.deepEqual(evaluateActionValues(mdp, [[0, 1], [1, 0]]), [[1, 2], [0, 0]]);
  assert.throws(() => evaluateActionValues(mdp, [[1, 0], [1, 0]]), ImproperPolicyError);
  assert.deepEqual(evaluatePolicy(mdp, [[0, 1], [1, 0]]).Q, [[1, 2], [0, 0]]);
});

Deno.test("makeMdp accepts terminal states 0 and n − 1 and rejects n and −1", () => {
  const outcomes = [[ok], [ok]];
  assert.deepEqual(makeMdp({ gamma: 0.5, terminal: [0, 1], outcomes }).isTerminal, [true, true]);
  rejects(() => makeMdp({ gamma: 0.5, terminal: [2], outcomes }), /terminal state 2 .*\[0, 2\)/);
  rejects(() => makeMdp({ gamma: 0.5, terminal: [-1], outcomes }), /terminal state -1/);
});

Deno.test("optimalValues treats gains within 1e-12 (1 + |Q|) as ties, also where Q is 0", () => {
  // Q = (0, 2e-13): below the tie tolerance 1e-12 · (1 + 0), so the start action 0 stays
  const near = makeMdp({
    gamma: 0.5,
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1e-13, prob: 1 }]]],
  });
  assert.deepEqual(optimalValues(near).actions, [0]);
  // Q = (0, 2e-11): above it, so action 1 is taken
  const far = makeMdp({
    gamma: 0.5,
    outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 1e-11, prob: 1 }]]],
  });
  assert.deepEqual(optimalValues(far).actions, [1]);
});

Deno.test("linearSolveTolerance is 1e-12 (1 + R/(1 − γ))², never 0, with 1 − γ floored at 1e-3", () => {
  const zero = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] });
  assert.equal(linearSolveTolerance(zero), 1e-12); // rewards all 0: rounding room remains
  const paid = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  assert.ok(Math.abs(linearSolveTolerance(paid) - 9e-12) < 1e-26); // (1 + 1/0.5)² = 9
  const near1 = makeMdp({ gamma: 0.99999, outcomes: [[[{ next: 0, reward: 1, prob: 1 }]]] });
  assert.ok(Math.abs(linearSolveTolerance(near1) - 1e-12 * 1001 ** 2) < 1e-18);
});

Deno.test("makeMdp refuses a stated reward bound that is negative or not finite, each on its own; 0 and a finite bound are accepted", () => {
  const zero = [{ next: 0, reward: 0, prob: 1 }];
  for (const bound of [-1, -Number.MIN_VALUE, Infinity, NaN]) {
    rejects(
      () => makeMdp({ gamma: 0.5, rewardBound: bound, outcomes: [[zero]] }),
      new RegExp(`^rewardBound must be finite and ≥ 0, got ${bound}$`),
    );
  }
  assert.equal(makeMdp({ gamma: 0.5, rewardBound: 0, outcomes: [[zero]] }).rewardBound, 0);
  assert.equal(makeMdp({ gamma: 0.5, rewardBound: 2, outcomes: [[ok]] }).rewardBound, 2);
});

Deno.test("validateValues and validateActionValues refuse a value that is not a finite number: NaN, ±Infinity and a non-number", () => {
  const mdp = makeMdp({ gamma: 0.5, outcomes: [[ok]] });
  validateValues(mdp, [-3.5]);
  for (const bad of [NaN, Infinity, -Infinity, "1", null]) {
    rejects(
      () => validateValues(mdp, [bad as number], "W"),
      new RegExp(`^W\\(s=0\\) = ${bad} is not a finite number$`),
    );
    rejects(
      () => validateActionValues(mdp, [[bad as number]], "Q"),
      new RegExp(`^Q\\(s=0, a=0\\) = ${bad} is not a finite number$`),
    );
  }
  validateActionValues(mdp, [[-3.5]]);
});

Deno.test("supNorm is 0 for an empty input, flat or nested, and the largest |entry| otherwise", () => {
  assert.equal(supNorm([]), 0);
  assert.equal(supNorm([[], []]), 0);
  assert.equal(supNorm([-0.5, 0.25]), 0.5);
  assert.equal(supNorm([[0.25], [-2, 1]]), 2);
});
