/**
 * Problem 17's claim: fitted k-step TD evaluation reaches the accuracy bound of Problem 16
 * for every k checked, within the same sample budget; without the bootstrap term it does not.
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
import { FITTED_TD_CONFIG, fittedKStepTd } from "./mod.ts";

const OVER =
  `one seeded run per k ∈ {${
    FITTED_TD_CONFIG.ks.join(", ")
  }} on the handout's walk: the ε-greedy ` +
  `edge policy (ε = ${FITTED_TD_CONFIG.epsilon}), ${FITTED_TD_CONFIG.episodes} exploring-start episodes, ` +
  `target network refreshed every ${FITTED_TD_CONFIG.targetEvery} steps; RMSE over the 148 non-terminal pairs`;

/** Trains for every k and asserts RMSE ≤ bound for each (stopping at the first miss). */
async function accuracyCheck(seed: number, bootstrap: boolean): Promise<Evidence> {
  const bound = FITTED_TD_CONFIG.rmseBound;
  const notes: string[] = [];
  let worst = Infinity;
  let samples = 0;
  for (const k of FITTED_TD_CONFIG.ks) {
    const r = await withNoTensorLeak(
      `17 fitted TD k=${k}`,
      () => fittedKStepTd({ seed, k, bootstrap }),
    );
    const first = r.curve.find((p) => p.rmse <= bound);
    const note =
      `k=${k}: RMSE ${r.rmse.toFixed(2)} after ${r.episodes} episodes / ${r.samples} samples ` +
      `(${(r.ms / 1000).toFixed(1)} s)` +
      (first ? `, first ≤ ${bound} after ${first.episodes} episodes` : "") +
      `, RMSE ${r.curve[1]?.rmse.toFixed(1)} after ${r.curve[1]?.episodes} episodes`;
    if (!(r.rmse <= bound)) {
      throw new ClaimViolation(
        `fitted ${k}-step TD${
          bootstrap ? "" : " without bootstrap"
        } missed the bound ${bound}: ${note}, seed ${seed}`,
      );
    }
    notes.push(note);
    worst = Math.min(worst, bound - r.rmse);
    samples += r.samples;
  }
  return {
    over: OVER,
    cases: samples,
    worstMargin: worst,
    note: `${notes.join("; ")}; seed ${seed}`,
  };
}

/** The claims of Problem 17. */
export const claims: Claim[] = defineClaims(17, [
  {
    id: "17a",
    statement:
      `fitted k-step TD evaluation (k = ${
        FITTED_TD_CONFIG.ks.join(", ")
      }) brings Q_φ within RMSE ` +
      `${FITTED_TD_CONFIG.rmseBound} of the exact Q^π within ${FITTED_TD_CONFIG.episodes} episodes`,
    check: (ctx) => accuracyCheck(ctx.seedFor("training"), true),
    negativeControl: {
      variant: "the same targets without the bootstrap term γ^k Q̄(s_{t+k}, a_{t+k})",
      check: (ctx) => accuracyCheck(ctx.seedFor("training"), false),
    },
  },
]);
