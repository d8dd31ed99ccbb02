import assert from "node:assert/strict";
import {
  argmaxSet,
  deterministicPolicy,
  makeMdp,
  MdpInputError,
  policyOnSets,
  PROB_SUM_TOLERANCE,
  validateActionValues,
  validateDistribution,
  validateValues,
  withGamma,
} from "./mod.ts";

const refuses = (f: () => unknown, message: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof MdpInputError && message.test(e.message));

const oneState = makeMdp({ gamma: 0.5, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] });

Deno.test("mdp validateDistribution refuses a negative entry even when every entry is ≤ 1 and the sum is 1", () => {
  validateDistribution([0.25, 0.75, 0], 3, "p");
  refuses(
    () => validateDistribution([-0.5, 0.75, 0.75], 3, "p"),
    /p: entry 0 = -0.5 is not a probability/,
  );
  refuses(() => validateDistribution([-1e-9, 0.5, 0.5 + 1e-9], 3, "p"), /entry 0 = -1e-9/);
});

Deno.test("mdp validateDistribution refuses NaN and non-numbers by name, also when the rest is a distribution", () => {
  refuses(() => validateDistribution([NaN, 1], 2, "p"), /p: entry 0 is NaN/);
  refuses(
    () => validateDistribution(["1" as unknown as number, 0], 2, "p"),
    /p: entry 0 is NaN/,
  );
});

Deno.test("mdp γ is accepted on all of [0, 1] and refused just outside, by makeMdp and withGamma", () => {
  for (const gamma of [0, 0.5, 1]) {
    assert.equal(withGamma(oneState, gamma).gamma, gamma);
    assert.equal(
      makeMdp({ gamma, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] }).gamma,
      gamma,
    );
  }
  for (const gamma of [1 + 1e-12, 1.5, -1e-12]) {
    refuses(() => withGamma(oneState, gamma), /gamma must be in \[0, 1\]/);
  }
});

Deno.test("mdp validateActionValues refuses a table with the wrong number of rows and accepts the right shape", () => {
  validateActionValues(oneState, [[1]]);
  refuses(() => validateActionValues(oneState, [[1], [2]]), /Q: expected 1 rows, got 2/);
  refuses(() => validateActionValues(oneState, []), /Q: expected 1 rows, got 0/);
  refuses(() => validateActionValues(oneState, [[1, 2]]), /Q\(s=0, ·\): expected 1 actions/);
});

Deno.test("mdp argmaxSet accepts tolerance 0 (exact ties only) and refuses a negative one", () => {
  assert.deepEqual(argmaxSet([1, 3, 3, 3 - 1e-15], 0), [1, 2]);
  assert.deepEqual(argmaxSet([1, 3, 3 - 1e-12, 2], 1e-9), [1, 2]);
  refuses(() => argmaxSet([1, 2], -1e-15), /tolerance must be ≥ 0/);
  refuses(() => argmaxSet([1, 2], NaN), /tolerance must be ≥ 0/);
});

Deno.test("mdp validateValues refuses an array of the wrong length and a non-array, accepts one value per state", () => {
  validateValues(oneState, [3]);
  refuses(() => validateValues(oneState, [3, 4]), /V: expected 1 values, got 2/);
  refuses(
    () => validateValues(oneState, { length: 1, 0: 3 } as unknown as number[]),
    /V: expected 1 values/,
  );
});

Deno.test("mdp deterministicPolicy accepts actions 0 and |A| − 1 and refuses −1, |A| and non-integers, naming the state", () => {
  const twoActions = makeMdp({
    gamma: 0.5,
    outcomes: [
      [[{ next: 0, reward: 0, prob: 1 }], [{ next: 1, reward: 1, prob: 1 }]],
      [[{ next: 1, reward: 0, prob: 1 }], [{ next: 0, reward: 1, prob: 1 }]],
    ],
  });
  assert.deepEqual(deterministicPolicy(twoActions, [0, 1]), [[1, 0], [0, 1]]);
  for (const a of [-1, 2, 0.5, -0.5, NaN]) {
    refuses(
      () => deterministicPolicy(twoActions, [0, a]),
      new RegExp(`^action ${a} chosen in state 1 is not in \\[0, 2\\)$`),
    );
  }
  refuses(() => deterministicPolicy(twoActions, [0]), /expected 2 actions, got 1/);
});

Deno.test("mdp validateDistribution refuses an entry just above 1 + tolerance by name and accepts one within it", () => {
  // 1 + 2e-9 exceeds 1 + PROB_SUM_TOLERANCE (1e-9): the entry itself is not a probability,
  // which is reported before the sum is looked at
  refuses(
    () => validateDistribution([1 + 2e-9, 0], 2, "p"),
    /p: entry 0 = 1\.000000002 is not a probability/,
  );
  refuses(() => validateDistribution([0, 1.5], 2, "p"), /p: entry 1 = 1\.5 is not a probability/);
  // exactly 1 + tolerance is still allowed as an entry (the bound is inclusive), so the
  // refusal names the sum, which rounding puts 1.00000008e-9 above 1
  refuses(
    () => validateDistribution([1 + PROB_SUM_TOLERANCE, 0], 2, "p"),
    /p: entries sum to 1\.000000001, not 1/,
  );
  // 1 + 5e-10 is within the tolerance both as an entry and as a sum
  validateDistribution([1 + 5e-10, 0], 2, "p");
  validateDistribution([0, 1], 2, "p");
});

Deno.test("mdp policyOnSets refuses an empty action set and a weight that is not a positive integer, naming the state and action", () => {
  refuses(() => policyOnSets([[0], []], [[1], [1]]), /^state 1: the allowed action set is empty$/);
  for (const x of [0, -1, 1.5, NaN]) {
    refuses(
      () => policyOnSets([[0, 1]], [[2, x]]),
      new RegExp(`^state 0, action 1: weight ${x} is not a positive integer$`),
    );
  }
  // weight 1 is the smallest allowed: the set {0, 1} with weights (1, 3) gives (1/4, 3/4)
  const [row] = policyOnSets([[0, 1]], [[1, 3]]);
  assert.deepEqual(row!.map((f) => f.toFraction()), ["1/4", "3/4"]);
});
