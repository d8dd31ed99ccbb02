/**
 * Problem 11's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { type Fraction, fraction } from "mathjs";
import {
  arbMdp,
  arbPolicy,
  evaluatePolicy,
  type FiniteMdp,
  makeMdp,
  type Policy,
} from "../../shared/mdp/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  closeMargin,
  defineClaims,
} from "../../shared/testing/mod.ts";
import {
  actionValuesByLinearSolve,
  expectedLaggedTdError,
  expectedTdErrorGivenStateAction,
  gae,
  lambdaAverageOfTdk,
  tdErrors,
} from "./mod.ts";

/**
 * Random MDPs with random rewards and a policy: discounted ones (γ ∈ (0, 1), 0.001 and 0.999
 * pinned) and, for γ = 1, terminating ones (an absorbing zero-reward state reached w.p. ≥ 1/10
 * per step, which is an MDP without a terminal time whose values are finite).
 */
const mdpAndPolicy: fc.Arbitrary<[FiniteMdp, Policy]> = fc.oneof(
  arbMdp({ maxStates: 6, maxActions: 4 }),
  arbMdp({ maxStates: 5, maxActions: 3, terminating: true, gamma: fc.constant(1) }),
).chain((mdp) => fc.tuple(fc.constant(mdp), arbPolicy(mdp.nStates, mdp.nActions)));

/** A pinned case: two states, two actions, γ = 0.9, rewards that make A^π and V^π non-zero. */
const PINNED_MDP = makeMdp({
  gamma: 0.9,
  outcomes: [
    [[{ next: 1, reward: 1, prob: 1 }], [{ next: 0, reward: -2, prob: 0.5 }, {
      next: 1,
      reward: 3,
      prob: 0.5,
    }]],
    [[{ next: 0, reward: 0, prob: 1 }], [{ next: 1, reward: 2, prob: 1 }]],
  ],
});
const PINNED: [FiniteMdp, Policy] = [PINNED_MDP, [[0.5, 0.5], [0.25, 0.75]]];

const OVER_MDP =
  "random MDPs (1–6 states, 1–4 actions, dense/sparse/deterministic, random rewards in " +
  "[−10, 10], γ ∈ (0, 1) incl. 0.001, 0.999) and terminating MDPs with γ = 1; random policies with zeros";

/**
 * Float64 tolerance for quantities built from two linear solves: the systems have condition
 * number ≲ 1/(1 − γ) ≤ 1000 (or ≲ 10·|S| for the terminating ones), so relative errors stay
 * below ~1e-12; we allow 1e-9 of the value scale.
 */
const scaleTol = (q: number[][]) => ({
  abs: 1e-9 * (1 + Math.max(...q.flat().map(Math.abs))),
  rel: 0,
});

/** min over (s, a) of the closeness margin between two tables. */
function tableMargin(
  actual: number[][],
  expected: number[][],
  q: number[][],
  what: string,
): number {
  let worst = Infinity;
  actual.forEach((row, s) =>
    row.forEach((x, a) => {
      const m = closeMargin(x, expected[s]![a]!, scaleTol(q));
      if (!(m >= 0)) {
        throw new ClaimViolation(`${what} at (s=${s}, a=${a}): ${x} vs ${expected[s]![a]}`);
      }
      worst = Math.min(worst, m);
    })
  );
  return worst;
}

/** Rewards (quarters) and values (eighths) on an episode of length 1..12, γ ∈ (0, 1] rational. */
const arbSequences = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    rewards: fc.array(fc.integer({ min: -40, max: 40 }).map((x) => x / 4), {
      minLength: n,
      maxLength: n,
    }),
    values: fc.array(fc.integer({ min: -80, max: 80 }).map((x) => x / 8), {
      minLength: n + 1,
      maxLength: n + 1,
    }),
    gamma: fc.oneof(fc.integer({ min: 1, max: 1000 }).map((k) => k / 1000), fc.constant(1)),
    t: fc.integer({ min: 0, max: n - 1 }),
  }).chain((c) => fc.record({ ...mapConst(c), k: fc.integer({ min: 1, max: n - c.t }) }))
);

function mapConst<T extends Record<string, unknown>>(o: T): { [K in keyof T]: fc.Arbitrary<T[K]> } {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fc.constant(v)])) as {
    [K in keyof T]: fc.Arbitrary<T[K]>;
  };
}

type SequenceCase = { rewards: number[]; values: number[]; gamma: number; t: number; k: number };

/**
 * Claim 11d in exact rational arithmetic: Σ_{i<k} γ^i r_{t+i} + γ^{k'} V_{t+k} − V_t equals
 * Σ_{i<k} γ^i δ_{t+i}; k' = k is the claim, k' = k − 1 the control's wrong bootstrap discount.
 */
function tdkIdentityExact(c: SequenceCase, bootstrapPower: (k: number) => number): number {
  const g = fraction(c.gamma);
  const r = c.rewards.map((x) => fraction(x));
  const v = c.values.map((x) => fraction(x));
  const pow = (x: Fraction, n: number) =>
    Array.from({ length: n }).reduce<Fraction>((acc) => acc.mul(x), fraction(1));
  let lhs = fraction(0);
  let rhs = fraction(0);
  for (let i = 0; i < c.k; i++) {
    lhs = lhs.add(pow(g, i).mul(r[c.t + i]!));
    // δ_{t+i} = r_{t+i} + γ V_{t+i+1} − V_{t+i}
    const delta = r[c.t + i]!.add(g.mul(v[c.t + i + 1]!)).sub(v[c.t + i]!);
    rhs = rhs.add(pow(g, i).mul(delta));
  }
  lhs = lhs.add(pow(g, bootstrapPower(c.k)).mul(v[c.t + c.k]!)).sub(v[c.t]!);
  if (!lhs.equals(rhs)) {
    throw new ClaimViolation(
      `TD(${c.k}) at t = ${c.t}: ${lhs.toFraction()} ≠ Σ γ^i δ = ${rhs.toFraction()}`,
    );
  }
  return 0;
}

/** Periodic bounded sequences r, V (period 1..10), γ ∈ (0, 1] and λ ∈ (0, 1). */
const arbInfinite = fc.integer({ min: 1, max: 10 }).chain((p) =>
  fc.record({
    rewards: fc.array(fc.integer({ min: -40, max: 40 }).map((x) => x / 4), {
      minLength: p,
      maxLength: p,
    }),
    values: fc.array(fc.integer({ min: -40, max: 40 }).map((x) => x / 4), {
      minLength: p,
      maxLength: p,
    }),
    gamma: fc.oneof(fc.integer({ min: 1, max: 1000 }).map((k) => k / 1000), fc.constant(1)),
    lambda: fc.oneof(
      fc.integer({ min: 1, max: 999 }).map((k) => k / 1000),
      fc.constantFrom(0.001, 0.95, 0.999),
    ),
  })
);

type InfiniteCase = { rewards: number[]; values: number[]; gamma: number; lambda: number };

/**
 * Claim 11e on infinite periodic sequences, by truncation with an explicit tail bound.
 * With |δ_l| ≤ B (B = max|r| + 2 max|V|) and |Â^{(k)}| ≤ kB (by 11d and γ ≤ 1):
 * tail of the left side after K terms ≤ B((K+1)λ^K + λ^{K+1}/(1−λ)); of the right side
 * ≤ B(γλ)^K/(1−γλ). K is the first power of 2 making both ≤ 1e-9·B. (The truncated sums
 * really do differ by up to ~80% of this bound when γ = 1, so it is not loose.) Float
 * rounding, with unit ε = 2.3e-16 and a factor 4 for the few operations per term: the running
 * reward sum after k terms is off by ≤ k²εB, weighted by (1−λ)λ^{k−1} that totals
 * ≤ 2εB/(1−λ)²; each of the K additions into the two partial sums (of size ≤ B(1/(1−λ) + 2)
 * and ≤ B/(1−γλ)) adds ≤ ε times that size.
 * `normalise = false` drops the (1 − λ) factor (the control).
 */
function lambdaIdentityMargin(c: InfiniteCase, normalise: boolean): number {
  const { gamma, lambda } = c;
  const P = c.rewards.length;
  const r = (t: number) => c.rewards[t % P]!;
  const V = (t: number) => c.values[t % P]!;
  const B = Math.max(...c.rewards.map(Math.abs)) + 2 * Math.max(...c.values.map(Math.abs));
  const gl = gamma * lambda;
  let K = 1;
  const tails = (k: number) => [
    B * ((k + 1) * lambda ** k + lambda ** (k + 1) / (1 - lambda)),
    B * gl ** k / (1 - gl),
  ];
  while (Math.max(...tails(K)) > 1e-9 * B && K < 1e7) K *= 2;
  let lhs = 0;
  let rhs = 0;
  let discountedRewards = 0; // Σ_{i<k} γ^i r_i
  for (let k = 1; k <= K; k++) {
    discountedRewards += gamma ** (k - 1) * r(k - 1);
    // Â^{(k)} = Σ_{i<k} γ^i r_i + γ^k V_k − V_0 (the definition, not the δ form)
    const tdk = discountedRewards + gamma ** k * V(k) - V(0);
    lhs += (normalise ? 1 - lambda : 1) * lambda ** (k - 1) * tdk;
    const l = k - 1;
    rhs += gl ** l * (r(l) + gamma * V(l + 1) - V(l)); // (γλ)^l δ_l
  }
  const [tl, tr] = tails(K);
  const eps = 2.3e-16;
  const rounding = 4 * eps * B *
    (2 / (1 - lambda) ** 2 + 4 + K * (1 / (1 - lambda) + 2 + 1 / (1 - gl)));
  const tol = tl! + tr! + rounding;
  const margin = tol - Math.abs(lhs - rhs);
  if (!(margin >= 0)) {
    throw new ClaimViolation(
      `K = ${K}: (1−λ)Σλ^{k−1}Â^{(k)} = ${lhs}, Σ(γλ)^l δ_l = ${rhs}, tolerance ${tol}`,
    );
  }
  return margin;
}

/** Finite episodes for 11f: T = 1..15, rewards, values, terminal or bootstrap end, γ, λ ∈ [0, 1]. */
const arbEpisode = fc.integer({ min: 1, max: 15 }).chain((n) =>
  fc.record({
    rewards: fc.array(fc.integer({ min: -40, max: 40 }).map((x) => x / 4), {
      minLength: n,
      maxLength: n,
    }),
    values: fc.array(fc.integer({ min: -80, max: 80 }).map((x) => x / 8), {
      minLength: n,
      maxLength: n,
    }),
    bootstrap: fc.oneof(fc.constant(0), fc.integer({ min: -80, max: 80 }).map((x) => x / 8)),
    gamma: fc.oneof(fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000), fc.constantFrom(0, 1)),
    lambda: fc.oneof(fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000), fc.constantFrom(0, 1)),
  })
);

/** The control's recursion: γ dropped, A_t = δ_t + λ A_{t+1}. */
function gaeWithoutGamma(
  rewards: number[],
  values: number[],
  gamma: number,
  lambda: number,
): number[] {
  const d = tdErrors(rewards, values, gamma);
  const out = new Array<number>(d.length);
  let next = 0;
  for (let t = d.length - 1; t >= 0; t--) out[t] = next = d[t]! + lambda * next;
  return out;
}

/** The claims of Problem 11. */
export const claims: Claim[] = defineClaims(11, [
  {
    id: "11a",
    statement: "E[δ_t^{V^π} | s_t, a_t] = A^π(s_t, a_t)",
    check: (ctx) => advantageProperty(ctx.seed, false),
    negativeControl: {
      variant: "E[δ_t | s_t, a_t] = Q^π(s_t, a_t) (the −V^π(s_t) forgotten)",
      check: (ctx) => advantageProperty(ctx.seed, true),
    },
  },
  {
    id: "11b",
    statement: "E[δ_t^{V^π} | s_t] = 0",
    check: (ctx) => stateMeanProperty(ctx.seed, 0),
    negativeControl: {
      variant: "a biased critic V^π + 1 on the live states",
      check: (ctx) => stateMeanProperty(ctx.seed, 1),
    },
  },
  {
    id: "11c",
    statement: "E[δ_{t+ℓ}^{V^π} | s_t, a_t] = 0 for every ℓ ≥ 1 (checked for ℓ = 1..6)",
    check: (ctx) => laggedProperty(ctx.seed, 1),
    negativeControl: {
      variant: "the lag ℓ = 0 included (where the expectation is A^π, not 0)",
      check: (ctx) => laggedProperty(ctx.seed, 0),
    },
  },
  {
    id: "11d",
    statement:
      "Σ_{i<k} γ^i r_{t+i} + γ^k V_{t+k} − V_t = Σ_{i<k} γ^i δ_{t+i} (any sequences, exact)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_D, numRuns: 300 },
        arbSequences,
        (c) => tdkIdentityExact(c, (k) => k),
      ),
    negativeControl: {
      variant: "the bootstrap discounted by γ^{k−1} instead of γ^k",
      check: (ctx) =>
        checkProperty(
          {
            seed: ctx.seed,
            over: OVER_D,
            numRuns: 300,
            examples: [{ rewards: [1], values: [0, 1], gamma: 0.5, t: 0, k: 1 }],
          },
          arbSequences,
          (c) => tdkIdentityExact(c, (k) => k - 1),
        ),
    },
  },
  {
    id: "11e",
    statement:
      "(1−λ) Σ_{k≥1} λ^{k−1} Â_t^{(k)} = Σ_{l≥0} (γλ)^l δ_{t+l} for bounded sequences, γ ≤ 1, λ ∈ (0, 1)",
    check: (ctx) =>
      checkProperty(
        { seed: ctx.seed, over: OVER_E, numRuns: 200 },
        arbInfinite,
        (c) => lambdaIdentityMargin(c, true),
      ),
    negativeControl: {
      variant: "the (1 − λ) normalisation dropped",
      check: (ctx) =>
        checkProperty(
          {
            seed: ctx.seed,
            over: OVER_E,
            numRuns: 200,
            examples: [{ rewards: [1], values: [0], gamma: 1, lambda: 0.5 }],
          },
          arbInfinite,
          (c) => lambdaIdentityMargin(c, false),
        ),
    },
  },
  {
    id: "11f",
    statement:
      "the backward recursion A_t = δ_t + γλA_{t+1} (gae) equals Σ(γλ)^l δ_{t+l} and, with terminal value 0, the λ-average of the TD(k)",
    check: (ctx) => recursionProperty(ctx.seed, gae),
    negativeControl: {
      variant: "the recursion without γ: A_t = δ_t + λA_{t+1}",
      check: (ctx) => recursionProperty(ctx.seed, gaeWithoutGamma),
    },
  },
]);

const OVER_D =
  "sequences of length 1–12, rewards in quarters, values in eighths, γ = k/1000 or 1, any t, k";
const OVER_E =
  "periodic r, V (period 1–10, |r|, |V| ≤ 10), γ ∈ (0, 1] incl. 1, λ ∈ (0, 1) incl. 0.001, 0.95, 0.999";

function advantageProperty(seed: number, forgetBaseline: boolean) {
  return checkProperty(
    { seed, over: OVER_MDP, numRuns: 200, examples: [PINNED] },
    mdpAndPolicy,
    ([mdp, pi]) => {
      const { V } = evaluatePolicy(mdp, pi);
      const Q = actionValuesByLinearSolve(mdp, pi); // independent of V
      const A = Q.map((row, s) => row.map((q) => (forgetBaseline ? q : q - V[s]!)));
      return tableMargin(expectedTdErrorGivenStateAction(mdp, V), A, Q, "E[δ | s, a] vs A^π");
    },
  );
}

function stateMeanProperty(seed: number, bias: number) {
  return checkProperty(
    { seed, over: OVER_MDP, numRuns: 200, examples: [PINNED] },
    mdpAndPolicy,
    ([mdp, pi]) => {
      const { V, Q } = evaluatePolicy(mdp, pi);
      const critic = V.map((x, s) => (mdp.isTerminal[s] ? 0 : x + bias));
      const given = expectedTdErrorGivenStateAction(mdp, critic);
      // E[δ | s] = Σ_a π(a | s) E[δ | s, a]
      const perState = given.map((row, s) => [row.reduce((acc, x, a) => acc + pi[s]![a]! * x, 0)]);
      return tableMargin(perState, perState.map(() => [0]), Q, "E[δ | s]");
    },
  );
}

function laggedProperty(seed: number, firstLag: number) {
  return checkProperty(
    { seed, over: OVER_MDP, numRuns: 150, examples: [PINNED] },
    mdpAndPolicy,
    ([mdp, pi]) => {
      const { V, Q } = evaluatePolicy(mdp, pi);
      let worst = Infinity;
      for (let ell = firstLag; ell <= 6; ell++) {
        const e = expectedLaggedTdError(mdp, pi, V, ell);
        worst = Math.min(
          worst,
          tableMargin(e, e.map((row) => row.map(() => 0)), Q, `E[δ_{t+${ell}} | s, a]`),
        );
      }
      return worst;
    },
  );
}

function recursionProperty(
  seed: number,
  recursion: (r: number[], v: number[], g: number, l: number) => number[],
) {
  return checkProperty(
    {
      seed,
      over:
        "episodes of length 1–15, rewards in quarters, values in eighths, bootstrap 0 (terminal) or " +
        "random, γ, λ ∈ [0, 1] incl. 0 and 1",
      numRuns: 300,
      examples: [{ rewards: [1, 1], values: [0, 0], bootstrap: 0, gamma: 0.5, lambda: 1 }],
    },
    arbEpisode,
    (c) => {
      const values = [...c.values, c.bootstrap];
      const got = recursion(c.rewards, values, c.gamma, c.lambda);
      const d = tdErrors(c.rewards, values, c.gamma);
      // the definition: A_t = Σ_{l=0}^{T−1−t} (γλ)^l δ_{t+l}, term by term
      const direct = d.map((_, t) =>
        d.slice(t).reduce((acc, x, l) => acc + (c.gamma * c.lambda) ** l * x, 0)
      );
      const scale = 1 + d.reduce((acc, x) => acc + Math.abs(x), 0);
      // float64 sums of ≤ 15 terms of size ≤ scale: 1e-12·scale is ~1000 ulps
      const tol = { abs: 1e-12 * scale * 16, rel: 0 };
      let worst = Infinity;
      const lambdaAverage = c.bootstrap === 0
        ? lambdaAverageOfTdk(c.rewards, values, c.gamma, c.lambda)
        : undefined;
      got.forEach((x, t) => {
        const m1 = closeMargin(x, direct[t]!, tol);
        const m2 = lambdaAverage ? closeMargin(x, lambdaAverage[t]!, tol) : Infinity;
        if (!(m1 >= 0) || !(m2 >= 0)) {
          throw new ClaimViolation(
            `t = ${t}: recursion ${x}, Σ(γλ)^l δ = ${direct[t]}, λ-average of TD(k) = ${
              lambdaAverage?.[t]
            }`,
          );
        }
        worst = Math.min(worst, m1, m2);
      });
      return worst;
    },
  );
}
