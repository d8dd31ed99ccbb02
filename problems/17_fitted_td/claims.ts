/**
 * Problem 17's claim: fitted k-step TD evaluation reaches the accuracy bound of Problem 16 for
 * every k checked, on each of five seeds (one attempt each), within the same sample budget;
 * with the rewards shifted by one step (the off-by-one of returns-to-go) it does not, at the
 * same budget and seeds.
 *
 * @module
 */
import {
  type Claim,
  claimContext,
  ClaimViolation,
  defineClaims,
  type Evidence,
} from "../../shared/testing/mod.ts";
import { FITTED_TD_CONFIG, fittedKStepTd, type KStepVariant } from "./mod.ts";

/** Independent runs per k and check: one attempt each, no restarts. */
export const SEEDS_PER_CHECK = 5;

const OVER =
  `${SEEDS_PER_CHECK} seeds (from VERIFY_SEED) × k ∈ {${
    FITTED_TD_CONFIG.ks.join(", ")
  }}, one run each, on the handout's walk: the ε-greedy edge policy (ε = ${FITTED_TD_CONFIG.epsilon}), ` +
  `${FITTED_TD_CONFIG.episodes} exploring-start episodes per run, target network refreshed every ` +
  `${FITTED_TD_CONFIG.targetEvery} steps; RMSE over the 148 non-terminal pairs against the ` +
  `float64 linear-solve Q^π`;

/**
 * The seeds of 17a, derived from the claim's own context so that the negative control (whose
 * context differs) trains on exactly the same seeds.
 *
 * @returns the seeds
 */
function trainingSeeds(): number[] {
  const ctx = claimContext("17a");
  return Array.from({ length: SEEDS_PER_CHECK }, (_, i) => ctx.seedFor(`training ${i}`));
}

/**
 * Trains once per seed and k and asserts RMSE ≤ bound on every run; the evidence gives the
 * worst run of each k.
 *
 * @param variant the regression target
 * @returns the evidence
 */
function accuracyCheck(variant: KStepVariant): Evidence {
  const bound = FITTED_TD_CONFIG.rmseBound;
  const seeds = trainingSeeds();
  const notes: string[] = [];
  const misses: string[] = [];
  let worstMargin = Infinity;
  for (const k of FITTED_TD_CONFIG.ks) {
    const rmses = seeds.map((seed) => fittedKStepTd({ seed, k, variant }).rmse);
    const worst = Math.max(...rmses);
    const at = seeds[rmses.indexOf(worst)];
    notes.push(`k=${k}: RMSE ${rmses.map((x) => x.toFixed(2)).join(", ")} (worst at seed ${at})`);
    const missed = rmses.filter((x) => !(x <= bound)).length;
    if (missed > 0) misses.push(`k=${k} on ${missed} of ${seeds.length} seeds`);
    worstMargin = Math.min(worstMargin, bound - worst);
  }
  const note = `${notes.join("; ")}; bound ${bound}`;
  if (misses.length > 0) {
    throw new ClaimViolation(
      `fitted k-step TD (${variant}) missed the bound ${misses.join(", ")}: ${note}`,
    );
  }
  return { over: OVER, cases: seeds.length * FITTED_TD_CONFIG.ks.length, worstMargin, note };
}

/** The claims of Problem 17. */
export const claims: Claim[] = defineClaims(17, [
  {
    id: "17a",
    statement:
      `fitted k-step TD evaluation (k = ${
        FITTED_TD_CONFIG.ks.join(", ")
      }) brings Q_φ within RMSE ${FITTED_TD_CONFIG.rmseBound} of the exact Q^π within ` +
      `${FITTED_TD_CONFIG.episodes} episodes, on each of ${SEEDS_PER_CHECK} seeds`,
    check: () => accuracyCheck("k-step"),
    negativeControl: {
      variant: "the k rewards shifted by one step: (s_t, a_t) sums r_{t+1}, …, r_{t+k} (its " +
        "own reward read as r_{t+1}) before bootstrapping on Q̄(s_{t+k}, a_{t+k})",
      check: () => accuracyCheck("rewards-shifted"),
    },
  },
]);
