/**
 * Problem 19's claims, each with its negative control. The two reliability claims and their
 * controls read one batched training program (GRPO, Dr. GRPO and both with the advantages'
 * sign reversed, K seeds each, every run one attempt), trained once and shared.
 *
 * @module
 */
import fc from "fast-check";
import {
  assertAsStated,
  checkClopperPearsonBound,
  checkProperty,
  type Claim,
  claimContext,
  ClaimViolation,
  defineClaims,
} from "../../shared/testing/mod.ts";
import { clopperPearsonLower, MAX_FALSE_ALARM } from "../../shared/stats/mod.ts";
import { tf, withNoTensorLeak } from "../../shared/tf/mod.ts";
import { defaultConfig, type GrpoConfig, type GrpoVariant } from "./config.ts";
import {
  type CliffVariant,
  type CliffWalk,
  cliffWalk,
  edgePathActions,
  edgePolicyActions,
  policyOutcome,
} from "../../shared/cliff/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { createMlp, disposeMlp } from "../../shared/mlp/mod.ts";
import { type ExactOutcome, exactOutcome, mostProbablePath } from "./exact.ts";
import { clippedLoss } from "./loss.ts";
import { clipWeights, perStepObjective, type Steps } from "./objective.ts";
import {
  type GrpoRun,
  initialPolicies,
  policySeed,
  type SeedRun,
  trainGrpoRuns,
} from "./trainer.ts";
import { disposeStackedMlp } from "./stacked_mlp.ts";
import { EpisodeSampler } from "./group_sampler.ts";

/** Seeds per reliability claim (each one attempt). */
export const RELIABILITY_SEEDS = 20;
/** The success rate per attempt the reliability claims guarantee (at level 1e-6). */
export const GUARANTEED_RATE = 0.25;

/** The K seeds of a claim, derived from its own seed (the control uses the same ones). */
function seedsOf(id: string): number[] {
  const ctx = claimContext(id);
  return Array.from({ length: RELIABILITY_SEEDS }, (_, i) => ctx.seedFor(`run ${i}`));
}

/** The four arms of the reliability program. */
type Arm = "19a" | "19a reversed" | "19b" | "19b reversed";

const ARMS: readonly { arm: Arm; id: string; config: Readonly<GrpoConfig> }[] = [
  { arm: "19a", id: "19a", config: { ...defaultConfig, variant: "grpo" } },
  { arm: "19a reversed", id: "19a", config: { ...defaultConfig, advantageSign: -1 } },
  { arm: "19b", id: "19b", config: { ...defaultConfig, variant: "dr-grpo" } },
  {
    arm: "19b reversed",
    id: "19b",
    config: { ...defaultConfig, variant: "dr-grpo", advantageSign: -1 },
  },
];

const programs = new Map<string, Promise<Map<Arm, SeedRun[]>>>();
const startingChecks = new Map<string, Promise<string>>();

/** The runs of the reliability program: every arm's K seeds, arm by arm. */
function programRuns(): GrpoRun[] {
  const seeds = { "19a": seedsOf("19a"), "19b": seedsOf("19b") } as Record<string, number[]>;
  return ARMS.flatMap(({ id, config }) => seeds[id]!.map((seed) => ({ seed, config })));
}

/**
 * The reliability program: every arm's K runs as one batched tfjs program (the runs share
 * no parameter, so each trains exactly as it would alone), trained once per VERIFY_SEED.
 * Asserts that no tensor outlives it.
 */
function reliabilityProgram(): Promise<Map<Arm, SeedRun[]>> {
  const runs = programRuns();
  const key = JSON.stringify(runs.map((r) => r.seed));
  let program = programs.get(key);
  if (!program) {
    program = withNoTensorLeak("Problem 19 reliability program", () => trainGrpoRuns(runs))
      .then((results) =>
        new Map(ARMS.map(({ arm }, i) => [
          arm,
          results.slice(i * RELIABILITY_SEEDS, (i + 1) * RELIABILITY_SEEDS),
        ]))
      );
    programs.set(key, program);
  }
  return program;
}

/**
 * The premise "the policy is the README's MLP, and every run starts as it would alone": the
 * K networks the reliability program starts from (`initialPolicies`, what `trainGrpoRuns`
 * trains) are, copy by copy, the single network `createMlp` makes from the run's own
 * initialiser seed; and that network is the README's: biases 0, first-layer weights
 * Glorot-uniform on [−√(6/(S+H)), √(6/(S+H))], output weights Glorot-uniform on
 * [−√(6/(H+A)), √(6/(H+A))] times the output scale 0.01 (all within the bound, and the largest
 * of each copy's H·A = 256 output weights above half of it, which a uniform draw misses with
 * probability 2^−256). Checked once per VERIFY_SEED; returns a note for the evidence.
 */
function checkStartingNetworks(): Promise<string> {
  const runs = programRuns();
  const key = JSON.stringify(runs.map((r) => r.seed));
  let check = startingChecks.get(key);
  if (!check) {
    check = withNoTensorLeak("Problem 19 starting networks", () => startingNetworksNote(runs));
    startingChecks.set(key, check);
  }
  return check;
}

async function startingNetworksNote(runs: readonly GrpoRun[]): Promise<string> {
  const S = 48;
  const A = 4;
  const { hidden: H, outputScale } = STATED_CONFIG;
  const stack = initialPolicies(runs, S, A);
  try {
    const [w1, b1, w2, b2] = (await Promise.all(stack.variables.map((v) => v.array()))) as [
      number[][][],
      number[][][],
      number[][][],
      number[][][],
    ];
    const bound1 = Math.sqrt(6 / (S + H));
    const bound2 = outputScale * Math.sqrt(6 / (H + A));
    // float32 copies of the same draws: equal up to rounding, far below the weights' size
    const tol = 1e-6;
    // the single network of each seed, read once (the reversed arms reuse their claim's seeds)
    const singles = new Map<number, [number[], number[]]>();
    for (let k = 0; k < runs.length; k++) {
      const where = `run ${k} (seed ${runs[k]!.seed})`;
      const flat1 = w1[k]!.flat();
      const flat2 = w2[k]!.flat();
      if ([...b1[k]!.flat(), ...b2[k]!.flat()].some((x) => x !== 0)) {
        throw new ClaimViolation(`${where}: the starting biases are not all 0`);
      }
      if (flat1.some((x) => !(Math.abs(x) <= bound1))) {
        throw new ClaimViolation(`${where}: a first-layer weight lies outside ±${bound1}`);
      }
      const top2 = Math.max(...flat2.map(Math.abs));
      if (!(top2 <= bound2 && top2 > bound2 / 2)) {
        throw new ClaimViolation(
          `${where}: the largest output weight is ${top2}, not in (${bound2 / 2}, ${bound2}]: ` +
            `not Glorot-uniform times ${outputScale}`,
        );
      }
      const seed = policySeed(runs[k]!.seed);
      if (!singles.has(seed)) {
        const single = createMlp(S, H, A, seed, outputScale);
        try {
          const [s1, s2] = await Promise.all([single.w1.data(), single.w2.data()]);
          singles.set(seed, [Array.from(s1), Array.from(s2)]);
        } finally {
          disposeMlp(single);
        }
      }
      const [s1, s2] = singles.get(seed)!;
      const gap = Math.max(
        ...s1.map((x, i) => Math.abs(x - flat1[i]!)),
        ...s2.map((x, i) => Math.abs(x - flat2[i]!)),
      );
      if (!(gap <= tol)) {
        throw new ClaimViolation(
          `${where}: the batched program starts from a network ${gap} away from the one a ` +
            `run alone starts from (createMlp of its initialiser seed)`,
        );
      }
    }
    return `each of the ${runs.length} starting networks is the single run's (biases 0, ` +
      `Glorot bounds ${bound1.toFixed(3)} and ${outputScale} × ${
        (bound2 / outputScale).toFixed(3)
      })`;
  } finally {
    disposeStackedMlp(stack);
  }
}

/** Episodes drawn in {@link checkSamplerPremise}. */
const PREMISE_EPISODES = 16;

/**
 * The premise "each group is sampled from π_old", on the case worked out by hand: under the
 * deterministic edge policy (probability 1 on the edge path's action in every state) every
 * episode the trainer's sampler draws is the edge path, up, 11 times right, down, ending in
 * the goal after 13 moves. Throws a ClaimViolation otherwise; returns a note.
 */
function checkSamplerPremise(seed: number): string {
  const walk = cliffWalk({ variant: "terminal-only", maxSteps: STATED_CONFIG.maxSteps });
  const table = edgePolicyActions(walk).map((a) => [0, 1, 2, 3].map((b) => (a === b ? 1 : 0)));
  const path = edgePathActions(walk).join();
  const sampler = new EpisodeSampler(walk);
  sampler.load(table);
  const rng = new Rng(seed);
  for (let i = 0; i < PREMISE_EPISODES; i++) {
    const ep = sampler.episode(rng, walk.maxSteps);
    if (ep.actions.join() !== path || ep.end !== "goal") {
      throw new ClaimViolation(
        `the group sampler does not draw from the policy: under the deterministic edge ` +
          `policy it drew actions ${ep.actions.join()} ending in ${ep.end}, not the edge path`,
      );
    }
  }
  return `the group sampler draws the edge path under the edge policy (${PREMISE_EPISODES} of ` +
    `${PREMISE_EPISODES} episodes)`;
}

/** Checks "the rate of reaching the target in one attempt is ≥ GUARANTEED_RATE". */
function checkReliability(runs: readonly SeedRun[], label: string, config: Readonly<GrpoConfig>) {
  const reached = runs.filter((r) => r.episodesToTarget !== null);
  const k = reached.length;
  const bound = clopperPearsonLower(k, runs.length, MAX_FALSE_ALARM);
  const boundChecked = checkClopperPearsonBound(k, runs.length, MAX_FALSE_ALARM, bound);
  const episodes = reached.map((r) => r.episodesToTarget!).sort((a, b) => a - b);
  const median = episodes.length ? episodes[Math.floor((episodes.length - 1) / 2)]! : NaN;
  const worst = episodes.at(-1) ?? NaN;
  const misses = runs.filter((r) => r.episodesToTarget === null);
  const note = `${k} of ${runs.length} runs reached the target; Clopper–Pearson lower bound ` +
    `${bound.toFixed(3)} at 1e-6; episodes to target: median ${median}, worst ${worst}` +
    (misses.length
      ? `; misses end at success ${misses.map((r) => r.outcome.success.toFixed(3)).join(", ")}`
      : "");
  if (!(bound >= GUARANTEED_RATE)) {
    throw new ClaimViolation(
      `${label}: the success rate per attempt is not shown ≥ ${GUARANTEED_RATE}: ${note}`,
    );
  }
  return {
    over: `${runs.length} seeds from VERIFY_SEED, one attempt each, at most ${config.budget} ` +
      `episodes; target: exact success probability ≥ ${config.targetSuccess}`,
    cases: runs.length,
    worstMargin: bound - GUARANTEED_RATE,
    note: `${note}; ${boundChecked}`,
  };
}

/**
 * The configuration the README states for the reliability claims (its "Algorithm" section):
 * the claims are about these runs, so the defaults they train with must be these.
 */
const STATED_CONFIG: Readonly<GrpoConfig> = {
  variant: "grpo",
  groupSize: 64,
  epochs: 4,
  clip: 0.2,
  useClip: true,
  advantageSign: 1,
  lr: 0.005,
  hidden: 64,
  outputScale: 0.01,
  maxSteps: 100,
  truncatedScore: -100,
  resampleEqualGroups: true,
  maxResamples: 8,
  budget: 8_000,
  targetSuccess: 0.95,
  stopAtTarget: true,
};

/** Throws unless the defaults the arms train with are the README's, field by field. */
function assertStatedConfig(): void {
  assertAsStated("the default", defaultConfig, STATED_CONFIG);
}

function reliabilityClaim(id: "19a" | "19b", name: string): Claim {
  const arm = ARMS.find((a) => a.arm === id)!;
  const reversed = ARMS.find((a) => a.arm === `${id} reversed`)!;
  return {
    id,
    statement: `${name}, one attempt per seed, brings the exact success probability of its ` +
      `sampled policy to ≥ ${arm.config.targetSuccess} within ${arm.config.budget} episodes ` +
      `with probability ≥ ${GUARANTEED_RATE} (Clopper–Pearson lower bound at 1e-6 over ` +
      `${RELIABILITY_SEEDS} seeds)`,
    check: async (ctx) => {
      assertStatedConfig();
      const start = await checkStartingNetworks();
      const sampling = checkSamplerPremise(ctx.seedFor("edge policy episodes"));
      const evidence = checkReliability((await reliabilityProgram()).get(id)!, name, arm.config);
      return { ...evidence, note: `${evidence.note}; ${start}; ${sampling}` };
    },
    negativeControl: {
      variant: `${name} with the advantages' sign reversed (descent where ascent belongs), ` +
        `same seeds, budget and single attempt`,
      check: async () =>
        checkReliability(
          (await reliabilityProgram()).get(reversed.arm)!,
          `${name}, reversed sign`,
          reversed.config,
        ),
    },
  };
}

/** A random loss case: a group over 3 states × 3 actions, advantages, two logit tables. */
interface LossCase {
  group: Steps[];
  advantages: number[];
  /** Logits of π_old. */
  oldLogits: number[][];
  /** Logits of π_θ − logits of π_old: moves the ratios to both sides of the clip. */
  shift: number[][];
  variant: GrpoVariant;
}

const N_STATES = 3;
const N_ACTIONS = 3;
const CLIP = defaultConfig.clip;

const arbTable = (lo: number, hi: number) =>
  fc.array(
    fc.array(fc.integer({ min: lo, max: hi }).map((k) => k / 100), {
      minLength: N_ACTIONS,
      maxLength: N_ACTIONS,
    }),
    { minLength: N_STATES, maxLength: N_STATES },
  );

/** Trajectories of 1–12 steps (long and short together), advantages with zeros and both signs. */
const arbLossCase: fc.Arbitrary<LossCase> = fc.record({
  trajectories: fc.array(
    fc.record({
      steps: fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: N_STATES - 1 }),
          fc.integer({ min: 0, max: N_ACTIONS - 1 }),
        ),
        { minLength: 1, maxLength: 12 },
      ),
      advantage: fc.integer({ min: -300, max: 300 }).map((k) => k / 100),
    }),
    { minLength: 2, maxLength: 6 },
  ),
  oldLogits: arbTable(-150, 150),
  // shifts in [−0.6, 0.6]: ratios from about 0.4 to 2.5, inside and outside [1 − ε, 1 + ε]
  shift: arbTable(-60, 60),
  variant: fc.constantFrom<GrpoVariant>("grpo", "dr-grpo"),
}).map(({ trajectories, ...rest }) => ({
  ...rest,
  group: trajectories.map((t) => ({
    states: t.steps.map((x) => x[0]),
    actions: t.steps.map((x) => x[1]),
  })),
  advantages: trajectories.map((t) => t.advantage),
}));

/**
 * Pinned: a GRPO group of a 1-step and a 3-step trajectory, with a negative advantage on a
 * ratio inside the clip range (where 1 + ε on the negative side would bite) and a positive
 * one on a ratio above 1 + ε (clipped, zero gradient).
 */
const PINNED: LossCase = {
  group: [{ states: [0], actions: [0] }, { states: [1, 1, 2], actions: [1, 0, 2] }],
  advantages: [1, -1],
  oldLogits: [[0, 0, 0], [0, 0, 0], [0, 0, 0]],
  shift: [[0.5, 0, 0], [0, 0.05, 0], [0, 0, -0.4]],
  variant: "grpo",
};

/** How the loss under test is built from a case (the code that trains, or a plausible bug). */
interface LossRecipe {
  /** Weights W± fed to the loss. */
  weights(c: LossCase): ReturnType<typeof clipWeights>;
  /** log π_old fed to the loss, from the two logit tables. */
  oldLogp(old: tf.Tensor2D, current: tf.Tensor2D): tf.Tensor2D;
}

const TRAINED: LossRecipe = {
  weights: (c) => clipWeights(c.group, c.advantages, c.variant, N_STATES, N_ACTIONS),
  oldLogp: (old) => tf.logSoftmax(old),
};

/** The bug "dropping 1/|o_i|": GRPO's weights without the length normalisation. */
const NO_LENGTH_NORMALISATION: LossRecipe = {
  ...TRAINED,
  weights: (c) => clipWeights(c.group, c.advantages, "dr-grpo", N_STATES, N_ACTIONS),
};

/** The bug "ratio against π_θ": old log-probabilities recomputed from the current logits. */
const RATIO_AGAINST_CURRENT: LossRecipe = {
  ...TRAINED,
  oldLogp: (_old, current) => tf.logSoftmax(current),
};

/** The tfjs loss of a case and its autodiff gradient with respect to the logits of π_θ. */
function tfjsLoss(c: LossCase, recipe: LossRecipe): { value: number; gradient: number[][] } {
  const w = recipe.weights(c);
  const z = c.oldLogits.map((row, s) => row.map((x, a) => x + c.shift[s]![a]!));
  return tf.tidy(() => {
    const current = tf.tensor2d(z);
    const oldLogp = recipe.oldLogp(tf.tensor2d(c.oldLogits), current);
    const positive = tf.tensor2d(w.positive);
    const negative = tf.tensor2d(w.negative);
    const { value, grad } = tf.valueAndGrad((logits: tf.Tensor) =>
      clippedLoss(logits, oldLogp, positive, negative, CLIP)
    )(current);
    return { value: value.arraySync() as number, gradient: grad.arraySync() as number[][] };
  });
}

/** The float64 oracle: the per-step objective as written, and its closed-form gradient. */
function oracle(c: LossCase) {
  const z = c.oldLogits.map((row, s) => row.map((x, a) => x + c.shift[s]![a]!));
  const oldProbs = c.oldLogits.map((row) => {
    const e = row.map(Math.exp);
    const total = e.reduce((x, y) => x + y, 0);
    return e.map((x) => x / total);
  });
  return perStepObjective(c.group, c.advantages, c.variant, z, oldProbs, CLIP);
}

/**
 * Float32 tolerance: each of at most 72 step terms is at most 3 · 2.5 in size and carries a
 * relative rounding error of a few 1e-7 through exp, log-softmax and the products; 1e-4
 * absolute plus 1e-4 relative leaves a wide margin and is far below the gaps the bugs make.
 */
const TOLERANCE = { abs: 1e-4, rel: 1e-4 };

function margin(actual: number, expected: number): number {
  return TOLERANCE.abs + TOLERANCE.rel * Math.abs(expected) - Math.abs(actual - expected);
}

function lossValueMargin(c: LossCase, recipe: LossRecipe): number {
  return margin(tfjsLoss(c, recipe).value, -oracle(c).value);
}

function lossGradientMargin(c: LossCase, recipe: LossRecipe): number {
  const g = tfjsLoss(c, recipe).gradient;
  const expected = oracle(c).gradient;
  let worst = Infinity;
  expected.forEach((row, s) =>
    row.forEach((x, b) => {
      worst = Math.min(worst, margin(g[s]![b]!, -x));
    })
  );
  return worst;
}

const LOSS_OVER = "random groups (2–6 trajectories of 1–12 steps over 3 states × 3 actions), " +
  "advantages in [−3, 3], old logits in [−1.5, 1.5] shifted by [−0.6, 0.6] (ratios on both " +
  "sides of the clip), both estimators, ε = 0.2";

/** Every episode of at most `horizon` moves, enumerated: the oracle of 19e. */
function enumerateOutcome(walk: CliffWalk, table: number[][], horizon: number): ExactOutcome {
  let success = 0, fall = 0, truncated = 0, length = 0, successTime = 0;
  const visit = (s: number, t: number, p: number) => {
    if (t === horizon) {
      truncated += p;
      length += p * t;
      return;
    }
    for (let a = 0; a < walk.nActions; a++) {
      const pa = table[s]![a]!;
      if (pa === 0) continue;
      for (const o of walk.outcomes[s]![a]!) {
        const q = p * pa * o.prob;
        if (o.next === walk.goal) {
          success += q;
          successTime += q * (t + 1);
          length += q * (t + 1);
        } else if (walk.isTerminal[o.next]) {
          fall += q;
          length += q * (t + 1);
        } else visit(o.next, t + 1, q);
      }
    }
  };
  visit(walk.start, 0, 1);
  return {
    success,
    fall,
    truncated,
    expectedLength: length,
    successLength: success > 0 ? successTime / success : NaN,
    failureLength: success < 1 ? (length - successTime) / (1 - success) : NaN,
  };
}

/**
 * The largest probability of an episode of at most `horizon` moves that ends in the goal, every
 * episode enumerated (0 if none does): the oracle of `mostProbablePath` in 19e.
 */
function enumerateBestSuccess(walk: CliffWalk, table: number[][], horizon: number): number {
  let best = 0;
  const visit = (s: number, t: number, p: number) => {
    if (t === horizon) return;
    for (let a = 0; a < walk.nActions; a++) {
      const pa = table[s]![a]!;
      if (pa === 0) continue;
      for (const o of walk.outcomes[s]![a]!) {
        const q = p * pa * o.prob;
        if (o.next === walk.goal) best = Math.max(best, q);
        else if (!walk.isTerminal[o.next]) visit(o.next, t + 1, q);
      }
    }
  };
  visit(walk.start, 0, 1);
  return best;
}

/**
 * 19e's margin for `mostProbablePath` on a non-slippery walk: null exactly when no episode
 * reaches the goal; otherwise the path is an episode (from the start, along the walk's moves,
 * through live states, into the goal within the horizon) whose probability Π π(a_t | s_t),
 * recomputed here, is the stated one and the largest of the enumeration.
 */
function pathMargin(walk: CliffWalk, table: number[][], horizon: number): number {
  const best = enumerateBestSuccess(walk, table, horizon);
  const path = mostProbablePath(walk, table, horizon);
  if (path === null) return best === 0 ? Infinity : -1;
  const { states, actions } = path;
  const T = states.length;
  if (T === 0 || T > horizon || actions.length !== T || states[0] !== walk.start) return -1;
  let p = 1;
  for (let t = 0; t < T; t++) {
    const s = states[t]!;
    const a = actions[t]!;
    const next = walk.outcomes[s]![a]![0]!.next;
    if (walk.isTerminal[s] || next !== (t + 1 < T ? states[t + 1] : walk.goal)) return -1;
    p *= table[s]![a]!;
  }
  // products of at most 6 factors in [0, 1], rounded alike: the outcome's tolerance is ample
  const tol = 1e-9;
  return Math.min(tol - Math.abs(path.probability - p), tol - Math.abs(p - best));
}

interface OutcomeCase {
  rows: number;
  cols: number;
  slippery: boolean;
  horizon: number;
  weights: number[][];
}

/** Small walks (2–3 × 2–4, slippery or not), short horizons, integer weights with zeros. */
const arbOutcomeCase: fc.Arbitrary<OutcomeCase> = fc.record({
  rows: fc.integer({ min: 2, max: 3 }),
  cols: fc.integer({ min: 2, max: 4 }),
  slippery: fc.boolean(),
  horizon: fc.integer({ min: 1, max: 6 }),
  weights: fc.array(
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }).map((w) =>
      w.some((x) => x > 0) ? w : [1, 0, 0, 0]
    ),
    { minLength: 12, maxLength: 12 },
  ),
}).map((c) => ({ ...c, horizon: c.slippery ? Math.min(c.horizon, 4) : c.horizon }));

/** How the mean length of successful episodes is read off an outcome (the code, or a mistake). */
type SuccessLength = (o: ExactOutcome) => number;

function outcomeMargin(c: OutcomeCase, successLength: SuccessLength): number {
  const walk = cliffWalk({
    variant: "terminal-only",
    rows: c.rows,
    cols: c.cols,
    slippery: c.slippery,
    maxSteps: c.horizon,
  });
  const table = Array.from({ length: walk.nStates }, (_, s) => {
    const w = c.weights[s % c.weights.length]!;
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / total);
  });
  const got = exactOutcome(walk, table, c.horizon);
  const want = enumerateOutcome(walk, table, c.horizon);
  const pairs: [number, number][] = [
    [got.success, want.success],
    [got.fall, want.fall],
    [got.truncated, want.truncated],
    [got.expectedLength, want.expectedLength],
    [successLength(got), want.successLength],
    [got.failureLength, want.failureLength],
  ];
  let worst = c.slippery ? Infinity : pathMargin(walk, table, c.horizon);
  for (const [x, y] of pairs) {
    // both undefined (an impossible event) agree; otherwise float64 sums of ≤ 4^6 terms
    const m = Number.isNaN(x) && Number.isNaN(y) ? Infinity : 1e-9 - Math.abs(x - y);
    worst = Math.min(worst, m);
  }
  return worst;
}

/** A walk where successes and failures have different lengths (the control must see it). */
const OUTCOME_PINNED: OutcomeCase = {
  rows: 2,
  cols: 3,
  slippery: false,
  horizon: 6,
  weights: Array.from({ length: 12 }, () => [1, 1, 1, 1]),
};

interface LimitCase {
  variant: CliffVariant;
  rows: number;
  cols: number;
  slippery: boolean;
  /** A short horizon k (truncation matters) and a long one (it hardly does). */
  horizons: [number, number];
  /** Integer action weights per state (zeros make some policies loop forever). */
  weights: number[][];
}

/** Walks of 2–4 × 2–6 cells, all three variants, slippery or not; weights 0–3 with zeros. */
const arbLimitCase: fc.Arbitrary<LimitCase> = fc.record({
  variant: fc.constantFrom<CliffVariant>("terminal-only", "handout", "classic"),
  rows: fc.integer({ min: 2, max: 4 }),
  cols: fc.integer({ min: 2, max: 6 }),
  slippery: fc.boolean(),
  horizons: fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 300, max: 400 })),
  weights: fc.array(
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }).map((w) =>
      w.some((x) => x > 0) ? w : [0, 0, 1, 0]
    ),
    { minLength: 24, maxLength: 24 },
  ),
});

/** The walk and policy table of a case (row s from weights[s], normalised). */
function limitWalk(c: LimitCase): { walk: CliffWalk; table: number[][] } {
  const walk = cliffWalk({
    variant: c.variant,
    rows: c.rows,
    cols: c.cols,
    slippery: c.slippery,
  });
  const table = Array.from({ length: walk.nStates }, (_, s) => {
    const w = c.weights[s]!;
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / total);
  });
  return { walk, table };
}

/**
 * Whether every live state can reach a terminal state along moves of positive probability
 * (a search backwards from the terminal states): the oracle of "the policy is proper".
 */
function everyStateTerminates(walk: CliffWalk, table: number[][]): boolean {
  const reaches = walk.isTerminal.map((t) => t);
  for (let changed = true; changed;) {
    changed = false;
    for (let s = 0; s < walk.nStates; s++) {
      if (reaches[s]) continue;
      const exits = walk.outcomes[s]!.some((list, a) =>
        table[s]![a]! > 0 && list.some((o) => o.prob > 0 && reaches[o.next])
      );
      if (exits) reaches[s] = changed = true;
    }
  }
  return reaches.every((r) => r);
}

/**
 * 19f's margin: the linear solve's properness against the reachability oracle, and for a
 * proper policy its success and fall probabilities inside [x_k, x_k + P(T > k)] and its
 * expected length at least E[min(T, k)], at both horizons. `slack` scales the truncation
 * term (1: the bracket; 0: the control's belief that cutting at k changes nothing).
 */
function limitMargin(c: LimitCase, slack: number): number {
  const { walk, table } = limitWalk(c);
  const solved = policyOutcome(walk, table);
  const proper = everyStateTerminates(walk, table);
  if (solved.proper !== proper) return -1;
  if (!proper) return Infinity;
  // float64 elimination on at most 24 states, and DP sums of at most 400 moves
  const tol = 1e-9;
  let worst = Infinity;
  for (const k of c.horizons) {
    const cut = exactOutcome(walk, table, k);
    const room = slack * cut.truncated;
    worst = Math.min(
      worst,
      solved.success - cut.success + tol,
      cut.success + room - solved.success + tol,
      solved.fall - cut.fall + tol,
      cut.fall + room - solved.fall + tol,
      solved.expectedLength - cut.expectedLength + tol,
    );
  }
  return worst;
}

/** Pinned: "up" everywhere never ends (improper); uniform on the 2 × 3 walk needs 4 moves. */
const LIMIT_PINNED: LimitCase[] = [
  {
    variant: "terminal-only",
    rows: 2,
    cols: 3,
    slippery: false,
    horizons: [3, 400],
    weights: Array.from({ length: 24 }, () => [1, 0, 0, 0]),
  },
  {
    variant: "terminal-only",
    rows: 2,
    cols: 3,
    slippery: false,
    horizons: [3, 400],
    weights: Array.from({ length: 24 }, () => [1, 1, 1, 1]),
  },
];

const LIMIT_OVER = "walks of 2–4 × 2–6 cells (terminal-only, handout and classic; slippery or " +
  "not), random policy tables with zeros (some loop forever), horizons 1–30 and 300–400 moves";

/** The claims of Problem 19. */
export const claims: Claim[] = defineClaims(19, [
  reliabilityClaim("19a", "GRPO"),
  reliabilityClaim("19b", "Dr. GRPO"),
  {
    id: "19c",
    statement: "the tfjs loss that trains equals minus the per-step PPO-clipped GRPO / Dr. GRPO " +
      "objective (float64, as written in the formula)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: LOSS_OVER, numRuns: 150, examples: [PINNED] },
        arbLossCase,
        (c) => lossValueMargin(c, TRAINED),
      ),
    negativeControl: {
      variant: "GRPO's loss with the 1/|o_i| length normalisation dropped",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: LOSS_OVER, numRuns: 150, examples: [PINNED] },
          arbLossCase.filter((c) => c.variant === "grpo"),
          (c) => lossValueMargin(c, NO_LENGTH_NORMALISATION),
        ),
    },
  },
  {
    id: "19d",
    statement: "the autodiff gradient of the tfjs loss with respect to the logits equals the " +
      "closed-form float64 gradient of the per-step clipped objective",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: LOSS_OVER, numRuns: 150, examples: [PINNED] },
        arbLossCase,
        (c) => lossGradientMargin(c, TRAINED),
      ),
    negativeControl: {
      variant: "the ratio taken against the current policy π_θ instead of π_old (old " +
        "log-probabilities recomputed from the logits being trained)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: LOSS_OVER, numRuns: 150, examples: [PINNED] },
          arbLossCase,
          (c) => lossGradientMargin(c, RATIO_AGAINST_CURRENT),
        ),
    },
  },
  {
    id: "19e",
    statement: "the exact outcome of a policy (success, fall and truncation probabilities, " +
      "expected length, mean length of successes and of failures) equals the enumeration " +
      "of every episode; on a non-slippery walk its most probable successful path is an " +
      "enumerated successful episode of the largest probability",
    check: (ctx) =>
      checkProperty(
        {
          seed: ctx.seed,
          over: "walks of 2–3 × 2–4 cells (slippery or not), horizons 1–6 moves, random " +
            "policy tables with zeros; every episode enumerated (the most probable path on " +
            "the non-slippery ones)",
          numRuns: 60,
          examples: [OUTCOME_PINNED],
        },
        arbOutcomeCase,
        (c) => outcomeMargin(c, (o) => o.successLength),
      ),
    negativeControl: {
      variant: "the mean length of successes read as the mean length of all episodes",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: "as for 19e", numRuns: 60, examples: [OUTCOME_PINNED] },
          arbOutcomeCase,
          (c) => outcomeMargin(c, (o) => o.expectedLength),
        ),
    },
  },
  {
    id: "19f",
    statement: "the outcome within k moves brackets the untruncated outcome (the linear solve " +
      "of shared/cliff): g_k ≤ g ≤ g_k + P(T > k), the same for falls, E[min(T, k)] ≤ E[T]; " +
      "and the solve calls a policy proper exactly when every live state can reach a terminal",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: LIMIT_OVER, numRuns: 100, examples: LIMIT_PINNED },
        arbLimitCase,
        (c) => limitMargin(c, 1),
      ),
    negativeControl: {
      variant: "cutting episodes at k moves changes no outcome probability (g_k = g)",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: LIMIT_OVER, numRuns: 100, examples: LIMIT_PINNED },
          arbLimitCase,
          (c) => limitMargin(c, 0),
        ),
    },
  },
]);
