/**
 * Problem 16's claim: fitted Monte Carlo evaluation reaches the stated accuracy against
 * the exact Q^π within the stated sample budget, and regressing on one-step rewards does not.
 *
 * @module
 */
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  type Claim,
  ClaimViolation,
  defineClaims,
  type Evidence,
} from "../../shared/testing/mod.ts";
import { FITTED_MC_CONFIG, fittedMonteCarlo, type McTarget } from "./mod.ts";

const OVER =
  `one seeded run on the handout's walk: the ε-greedy edge policy (ε = ${FITTED_MC_CONFIG.epsilon}), ` +
  `${FITTED_MC_CONFIG.episodes} exploring-start episodes; RMSE over the 148 non-terminal pairs`;

/** Trains and asserts RMSE ≤ bound; the evidence reports the budget and the time to the bound. */
async function accuracyCheck(seed: number, target: McTarget): Promise<Evidence> {
  const bound = FITTED_MC_CONFIG.rmseBound;
  const r = await withNoTensorLeak(
    `16 fitted MC (${target})`,
    () => fittedMonteCarlo({ seed, target }),
  );
  const first = r.curve.find((p) => p.rmse <= bound);
  const note = `RMSE ${r.rmse.toFixed(2)} (bound ${bound}) after ${r.episodes} episodes, ` +
    `${r.samples} samples, ${(r.ms / 1000).toFixed(1)} s, seed ${seed}; ` +
    (first
      ? `first ≤ ${bound} after ${first.episodes} episodes / ${first.samples} samples`
      : "never ≤ bound");
  if (!(r.rmse <= bound)) {
    throw new ClaimViolation(`fitted MC (${target}) missed the bound: ${note}`);
  }
  return { over: OVER, cases: r.samples, worstMargin: bound - r.rmse, note };
}

/** The claims of Problem 16. */
export const claims: Claim[] = defineClaims(16, [
  {
    id: "16a",
    statement:
      `fitted Monte Carlo evaluation brings Q_φ within RMSE ${FITTED_MC_CONFIG.rmseBound} ` +
      `of the exact Q^π over all non-terminal pairs within ${FITTED_MC_CONFIG.episodes} episodes`,
    check: (ctx) => accuracyCheck(ctx.seedFor("training"), "return"),
    negativeControl: {
      variant: "the same regression onto one-step rewards r_t instead of returns G_t",
      check: (ctx) => accuracyCheck(ctx.seedFor("training"), "one-step-reward"),
    },
  },
]);
