/**
 * Problem 18's claims, each with its negative control. The three claims read one training
 * run (seeded from `VERIFY_SEED`), trained once and shared.
 *
 * @module
 */
import { type Claim, ClaimViolation, defineClaims, seedFor } from "../../shared/testing/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  EDGE_RETURN,
  PG_CONFIG,
  type PgConfig,
  type PgResult,
  SAFE_RETURN,
  trainPolicyGradient,
} from "./mod.ts";

const runs = new Map<string, Promise<PgResult>>();

/** Trains once per (seed, configuration) and asserts that no tensor outlives the run. */
export function trainedRun(
  seed: number,
  config: Readonly<PgConfig> = PG_CONFIG,
): Promise<PgResult> {
  const key = `${seed}:${JSON.stringify(config)}`;
  let run = runs.get(key);
  if (!run) {
    run = withNoTensorLeak(
      `policy-gradient training (seed ${seed})`,
      () => trainPolicyGradient(seed, config),
    );
    runs.set(key, run);
  }
  return run;
}

/** The training seed of the checks: one run per VERIFY_SEED, shared by 18a–18c. */
const trainingSeed = () => seedFor("18 policy-gradient training");

/** The untrained networks: the same code with no episodes. */
const untrained = () => trainedRun(trainingSeed(), { ...PG_CONFIG, budget: 0 });

/** The deliberately wrong gradient: ascent on −J (advantages with the wrong sign). */
const reversed = () =>
  trainedRun(trainingSeed(), { ...PG_CONFIG, advantageSign: -1, budget: 2000 });

/** What one training run is, for the evidence. */
const runDescription = () =>
  `one training run, seed ${trainingSeed()}, at most ${PG_CONFIG.attempts} attempts of ` +
  `${PG_CONFIG.budget} episodes`;

/** " (attempt k)" when the run needed more than one attempt. */
const attemptNote = (r: PgResult) => (r.attempts > 1 ? `; needed ${r.attempts} attempts` : "");

function checkSafe(r: PgResult, label: string) {
  if (r.episodesToSafe === null) {
    throw new ClaimViolation(
      `${label}: within ${r.episodes} episodes the greedy path never reached the goal with return ≥ ${SAFE_RETURN} ` +
        `(final: ${r.greedy.end}, return ${r.greedy.return})`,
    );
  }
  return {
    over: runDescription(),
    cases: r.episodes,
    worstMargin: PG_CONFIG.attempts * PG_CONFIG.budget - r.episodesToSafe,
    note: `greedy return ≥ ${SAFE_RETURN} after ${r.episodesToSafe} episodes (${
      ((r.msToSafe ?? 0) / 1000).toFixed(1)
    } s)${attemptNote(r)}`,
  };
}

function checkEdge(r: PgResult, label: string) {
  if (r.episodesToEdge === null || r.greedy.return !== EDGE_RETURN || r.greedy.length !== 13) {
    throw new ClaimViolation(
      `${label}: within ${r.episodes} episodes the greedy path is not the 13-move edge path ` +
        `(final: ${r.greedy.end}, return ${r.greedy.return}, ${r.greedy.length} moves)`,
    );
  }
  return {
    over: runDescription(),
    cases: r.episodes,
    worstMargin: PG_CONFIG.attempts * PG_CONFIG.budget - r.episodesToEdge,
    note: `edge path (return ${EDGE_RETURN}) after ${r.episodesToEdge} episodes (${
      ((r.msToEdge ?? 0) / 1000).toFixed(1)
    } s)${attemptNote(r)}`,
  };
}

function checkSampled(r: PgResult, label: string) {
  const greedyReturn = r.greedy.return;
  const gap = greedyReturn - r.sampledReturn;
  if (!(greedyReturn === EDGE_RETURN && gap <= PG_CONFIG.sampledGap)) {
    throw new ClaimViolation(
      `${label}: the sampled policy's expected return ${
        r.sampledReturn.toFixed(3)
      } is not within ` +
        `${PG_CONFIG.sampledGap} of the greedy return ${greedyReturn}`,
    );
  }
  return {
    over: "the final stochastic policy π_θ, exact expected return by a linear solve",
    cases: 1,
    worstMargin: PG_CONFIG.sampledGap - gap,
    note: `V^π(start) = ${
      r.sampledReturn.toFixed(3)
    }, greedy ${greedyReturn}, after ${r.episodes} episodes`,
  };
}

/** The claims of Problem 18. */
export const claims: Claim[] = defineClaims(18, [
  {
    id: "18a",
    statement:
      `within ${PG_CONFIG.attempts} attempts of ${PG_CONFIG.budget} episodes the greedy policy reaches the goal without falling (return ≥ ${SAFE_RETURN})`,
    check: async () => checkSafe(await trainedRun(trainingSeed()), "trained"),
    negativeControl: {
      variant: "the untrained networks (no episodes)",
      check: async () => checkSafe(await untrained(), "untrained"),
    },
  },
  {
    id: "18b",
    statement:
      `within ${PG_CONFIG.attempts} attempts of ${PG_CONFIG.budget} episodes the greedy policy walks the 13-move edge path (return 88)`,
    check: async () => checkEdge(await trainedRun(trainingSeed()), "trained"),
    negativeControl: {
      variant: "the advantage with the wrong sign (ascent on −J), 2000 episodes",
      check: async () => checkEdge(await reversed(), "reversed advantages"),
    },
  },
  {
    id: "18c",
    statement:
      `the sampled policy's expected return from the start is within ${PG_CONFIG.sampledGap} of the greedy return 88`,
    check: async () => checkSampled(await trainedRun(trainingSeed()), "trained"),
    negativeControl: {
      variant: "the untrained, near-uniform policy",
      check: async () => checkSampled(await untrained(), "untrained"),
    },
  },
]);
