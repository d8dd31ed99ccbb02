import assert from "node:assert/strict";
import { seedReliability } from "./seed_reliability.ts";
import { clopperPearsonLower } from "../stats/mod.ts";

const SEEDS = Array.from({ length: 20 }, (_, i) => i);
/** Outcomes by seed: seed i succeeds when it is in `ok`. */
function run(ok: (seed: number) => boolean, stopWhenRefuted = false) {
  const tried: number[] = [];
  const verdict = seedReliability({
    seeds: SEEDS,
    attempt: (seed) => (tried.push(seed), seed),
    succeeded: ok,
    rate: 0.19,
    alpha: 1e-6,
    stopWhenRefuted,
  });
  return { verdict, tried };
}

Deno.test("seedReliability holds at exactly the needed count and not one below", () => {
  // 14 of 20 at 1e-6 has lower bound 0.191 ≥ 0.19; 13 of 20 falls below
  assert.ok(clopperPearsonLower(14, 20, 1e-6) >= 0.19 && clopperPearsonLower(13, 20, 1e-6) < 0.19);
  const at = run((s) => s >= 6).verdict;
  assert.deepEqual([at.successes, at.needed, at.holds, at.runs], [14, 14, true, 20]);
  assert.equal(at.lowerBound, clopperPearsonLower(14, 20, 1e-6));
  const below = run((s) => s >= 7).verdict;
  assert.deepEqual([below.successes, below.holds], [13, false]);
});

Deno.test("seedReliability runs every seed unless told to stop, and a claim never stops", () => {
  const { verdict, tried } = run(() => false);
  assert.deepEqual(tried, SEEDS);
  assert.equal(verdict.stoppedEarly, false);
  assert.deepEqual(verdict.attempts.map((a) => a.seed), SEEDS);
});

Deno.test("seedReliability stops a control at the failure that puts the needed count out of reach", () => {
  // 6 failures leave 14 possible successes: not settled; the 7th settles it
  const six = run((s) => s < 1 || s > 6, true);
  assert.deepEqual([six.tried.length, six.verdict.stoppedEarly, six.verdict.holds], [
    20,
    false,
    true,
  ]);
  const seven = run((s) => s % 2 === 0 && s < 8, true);
  // seeds 1, 3, 5, 7 fail, then 8, 9, 10 fail: the 7th failure is at seed 10
  assert.deepEqual([seven.tried.at(-1), seven.verdict.stoppedEarly], [10, true]);
  assert.equal(seven.verdict.successes, 4);
  assert.equal(seven.verdict.lowerBound, clopperPearsonLower(4, 20, 1e-6));
});

Deno.test("seedReliability refuses a rate that no count of the seeds can certify", () => {
  assert.throws(
    () =>
      seedReliability({
        seeds: SEEDS,
        attempt: () => 0,
        succeeded: () => true,
        rate: 0.9,
        alpha: 1e-6,
      }),
    /no count of 20 seeds reaches the rate 0\.9 at α = 0\.000001: more seeds are needed/,
  );
});
