/**
 * Problem 19's claims, each with its negative control. The two training claims read one run
 * per estimator, seeded from `VERIFY_SEED`, trained once and shared.
 *
 * @module
 */
import fc from "fast-check";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
  seedFor,
} from "../../shared/testing/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  clippedObjective,
  clipWeights,
  GRPO_CONFIG,
  type GrpoConfig,
  type GrpoResult,
  type GrpoVariant,
  trainGrpo,
} from "./mod.ts";

const runs = new Map<string, Promise<GrpoResult>>();

/** Trains once per (seed, configuration), asserting that no tensor outlives the run. */
export function grpoRun(seed: number, config: Readonly<GrpoConfig>): Promise<GrpoResult> {
  const key = `${seed}:${JSON.stringify(config)}`;
  let run = runs.get(key);
  if (!run) {
    run = withNoTensorLeak(
      `${config.variant} training (seed ${seed})`,
      () => trainGrpo(seed, config),
    );
    runs.set(key, run);
  }
  return run;
}

/** The training seed of the checks (one per VERIFY_SEED). */
const trainingSeed = () => seedFor("19 GRPO training");

function checkSuccess(r: GrpoResult, label: string, config: Readonly<GrpoConfig>) {
  if (!(r.success >= GRPO_CONFIG.targetSuccess)) {
    throw new ClaimViolation(
      `${label}: after ${r.episodes} episodes the success probability is ${
        r.success.toFixed(4)
      } < ` +
        `${GRPO_CONFIG.targetSuccess}`,
    );
  }
  return {
    over:
      `one training run, seed ${trainingSeed()}, at most ${config.attempts} attempts of ${config.budget} ` +
      `episodes; exact success probability`,
    cases: r.episodes,
    worstMargin: r.success - GRPO_CONFIG.targetSuccess,
    note: `success ${r.success.toFixed(4)} after ${r.episodesToTarget} episodes (${
      ((r.msToTarget ?? 0) / 1000).toFixed(1)
    } s); mean length of successes ${r.lengths.success.toFixed(1)}, of failures ${
      r.lengths.failure.toFixed(1)
    }${r.attempts > 1 ? `; needed ${r.attempts} attempts` : ""}`,
  };
}

function trainingClaim(id: string, variant: GrpoVariant, name: string): Claim {
  const config = { ...GRPO_CONFIG, variant };
  const reversed = { ...config, advantageSign: -1, budget: 1280 };
  return {
    id,
    statement:
      `${name}: within ${config.attempts} attempts of ${config.budget} episodes the sampled policy ends in the goal with probability ≥ ${config.targetSuccess}`,
    check: async () => checkSuccess(await grpoRun(trainingSeed(), config), name, config),
    negativeControl: {
      variant:
        `${name} with the advantages' sign reversed (${reversed.attempts} attempts of ${reversed.budget} episodes)`,
      check: async () =>
        checkSuccess(
          await grpoRun(trainingSeed(), reversed),
          `${name}, reversed advantages`,
          reversed,
        ),
    },
  };
}

/** A random group: 1–6 trajectories of 1–8 steps over 3 states × 2 actions, advantages, ratios. */
const arbGroupCase = fc.record({
  group: fc.array(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1 })), {
      minLength: 1,
      maxLength: 8,
    }).map((steps) => ({ states: steps.map((x) => x[0]), actions: steps.map((x) => x[1]) })),
    { minLength: 1, maxLength: 6 },
  ),
  advantages: fc.array(fc.integer({ min: -300, max: 300 }).map((k) => k / 100), {
    minLength: 6,
    maxLength: 6,
  }),
  // ratios in [0.2, 2]: inside and on both sides of the clip range [0.8, 1.2]
  ratio: fc.array(
    fc.array(fc.integer({ min: 20, max: 200 }).map((k) => k / 100), { minLength: 2, maxLength: 2 }),
    {
      minLength: 3,
      maxLength: 3,
    },
  ),
  variant: fc.constantFrom("grpo", "dr-grpo") as fc.Arbitrary<GrpoVariant>,
});

/** A case where ignoring the sign of the advantage changes the objective. */
const PINNED = {
  group: [{ states: [0], actions: [0] }],
  advantages: [-1, 0, 0, 0, 0, 0],
  ratio: [[0.5, 1], [1, 1], [1, 1]],
  variant: "grpo" as GrpoVariant,
};

/** The float64 rounding of sums of ≤ 48 terms of size ≤ 6: 1e-12 is ample. */
const GROUPED_TOLERANCE = 1e-12;

/** The claims of Problem 19. */
export const claims: Claim[] = defineClaims(19, [
  trainingClaim("19a", "grpo", "GRPO"),
  trainingClaim("19b", "dr-grpo", "Dr. GRPO"),
  {
    id: "19c",
    statement:
      "the objective grouped by (s, a) and the sign of Â equals the per-step PPO-clipped GRPO / Dr. GRPO objective",
    check: (ctx) =>
      checkProperty(
        {
          seed: ctx.seed,
          over:
            "random groups (1–6 trajectories of 1–8 steps), advantages in [−3, 3], ratios in [0.2, 2], both estimators",
          numRuns: 300,
          examples: [PINNED],
        },
        arbGroupCase,
        ({ group, advantages, ratio, variant }) => {
          const j = clippedObjective(group, advantages, variant, ratio, 0.2);
          return GROUPED_TOLERANCE - Math.abs(j.grouped - j.perStep);
        },
      ),
    negativeControl: {
      variant: "the grouped form that ignores the advantage's sign (clip(ρ)·Â for every step)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: "as for 19c", numRuns: 300, examples: [PINNED] },
          arbGroupCase,
          ({ group, advantages, ratio, variant }) => {
            const j = clippedObjective(group, advantages, variant, ratio, 0.2);
            const w = clipWeights(group, advantages, variant, 3, 2);
            let wrong = 0;
            ratio.forEach((row, s) =>
              row.forEach((rho, a) => {
                wrong += (w.positive[s]![a]! + w.negative[s]![a]!) *
                  Math.min(Math.max(rho, 0.8), 1.2);
              })
            );
            return GROUPED_TOLERANCE - Math.abs(wrong - j.perStep);
          },
        ),
    },
  },
]);
