/**
 * Problem 11's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import { type Fraction, fraction } from "mathjs";
import * as prand from "pure-rand";
import {
  arbMdp,
  arbPolicy,
  evaluatePolicy,
  type FiniteMdp,
  makeMdp,
  type Policy,
} from "../../shared/mdp/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import { type Agreement, assertMeanEquals } from "../../shared/stats/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  closeMargin,
  defineClaims,
  type Evidence,
} from "../../shared/testing/mod.ts";
import {
  laggedTdErrorByEnumeration,
  laggedTdErrorSamples,
  tdErrorGivenStateByEnumeration,
  valueBySummingRewards,
} from "./claims_oracles.ts";
import {
  actionValuesByLinearSolve,
  expectedLaggedTdError,
  expectedTdErrorGivenStateAction,
  gae,
  GaeInputError,
  lambdaAverageOfTdk,
  tdErrors,
  tdkAdvantage,
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

/**
 * 11d for the code: `tdkAdvantage` (float64) equals the exact rational Σ_{i<k} γ^i δ_{t+i} up to
 * rounding (≤ 2k + 2 operations on numbers of size ≤ B = Σ|r| + 2Σ|V|: 1e-13·B is hundreds of
 * ulps), and it refuses the (t, k) outside 0 ≤ t, 1 ≤ k, t + k ≤ T that 11d does not cover.
 */
function tdkAdvantageMatches(c: SequenceCase): number {
  const g = fraction(c.gamma);
  let exact = fraction(0);
  let discount = fraction(1);
  for (let i = 0; i < c.k; i++) {
    const delta = fraction(c.rewards[c.t + i]!).add(g.mul(fraction(c.values[c.t + i + 1]!))).sub(
      fraction(c.values[c.t + i]!),
    );
    exact = exact.add(discount.mul(delta));
    discount = discount.mul(g);
  }
  const got = tdkAdvantage(c.rewards, c.values, c.gamma, c.t, c.k);
  const B = 1 + [...c.rewards, ...c.values, ...c.values].reduce((acc, x) => acc + Math.abs(x), 0);
  const margin = 1e-13 * B - Math.abs(got - exact.valueOf());
  if (!(margin >= 0)) {
    throw new ClaimViolation(
      `tdkAdvantage at t = ${c.t}, k = ${c.k}: ${got} ≠ Σ γ^i δ = ${exact.toFraction()}`,
    );
  }
  const T = c.rewards.length;
  for (const [t, k] of [[c.t, 0], [c.t, T - c.t + 1], [-1, 1], [c.t + 0.5, 1], [c.t, 0.5]]) {
    let refused = false;
    try {
      tdkAdvantage(c.rewards, c.values, c.gamma, t!, k!);
    } catch (e) {
      if (!(e instanceof GaeInputError)) throw e;
      refused = true;
    }
    if (!refused) {
      throw new ClaimViolation(`tdkAdvantage accepted t = ${t}, k = ${k} with T = ${T}`);
    }
  }
  return margin;
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
    statement:
      "E[δ_t^{V^π} | s_t] = 0 (V^π from the Bellman solve, checked against its definition)",
    check: (ctx) => {
      checkSummingOracleOnConstantChain();
      return stateMeanProperty(ctx.seed, false);
    },
    negativeControl: {
      variant:
        "a stale critic: the TD error of V^{μ} (μ uniform, e.g. the previous policy's critic) is " +
        "also mean zero given s_t under π",
      check: (ctx) => stateMeanProperty(ctx.seed, true),
    },
  },
  {
    id: "11c",
    statement:
      "E[δ_{t+ℓ}^{V^π} | s_t, a_t] = 0 for every ℓ ≥ 1, and for any critic W the lag-ℓ mean is E[δ^W | s'] averaged over the law P(· | s_t, a_t)(P^π)^{ℓ−1} of s_{t+ℓ}",
    check: (ctx) => laggedCheck(ctx.seedFor, false),
    negativeControl: {
      variant:
        "the law of s_{t+ℓ} propagated one step too many, P(· | s_t, a_t)(P^π)^ℓ (an off-by-one in the lag)",
      check: (ctx) => laggedCheck(ctx.seedFor, true),
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
        (c) => Math.min(tdkIdentityExact(c, (k) => k), tdkAdvantageMatches(c)),
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
    check: (ctx) => {
      checkGaeDomain();
      return recursionProperty(ctx.seed, gae);
    },
    negativeControl: {
      variant: "the recursion without γ: A_t = δ_t + λA_{t+1}",
      check: (ctx) => recursionProperty(ctx.seed, gaeWithoutGamma),
    },
  },
]);

const OVER_C =
  "random MDPs (1–3 states, 1–3 actions, γ ∈ (0, 1) incl. 0.001, 0.999; terminating with γ = 1), " +
  "random policies with zeros, arbitrary critics W ∈ [−10, 10], lags ℓ = 0..3 by enumeration " +
  "(ℓ ≤ 6 by the propagated law for V^π); Monte Carlo on a pinned 2-state MDP";
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

/**
 * The summed-rewards oracle on the chain where its tail bound is attained: one state, reward R
 * forever, γ < 1, so E_s[r_n] = R, a_n = 1 and the left-out tail Σ_{n≥N} γ^n R = Rγ^N/(1 − γ)
 * equals the bound R S_N x/(1 − x) with x = γ^N, S_N = (1 − γ^N)/(1 − γ). The oracle must report
 * that tail as its bound (sound, and not looser than proved), its partial sum must be V − tail,
 * and it must stop at the least N whose tail is within the tolerance (found by stepping N).
 */
function checkSummingOracleOnConstantChain(): void {
  for (const gamma of [0.5, 0.9, 0.999]) {
    for (const R of [1, 3]) {
      const mdp = makeMdp({ gamma, outcomes: [[[{ next: 0, reward: R, prob: 1 }]]] });
      const exact = R / (1 - gamma);
      const tolerance = 1e-6 * exact;
      const summed = valueBySummingRewards(mdp, [[1]], tolerance);
      const tail = (n: number) => (R * gamma ** n) / (1 - gamma);
      let least = 1;
      while (tail(least) > tolerance) least++;
      const where = `one state, reward ${R}, γ = ${gamma}`;
      const rel = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.abs(y);
      if (summed.steps !== least) {
        throw new ClaimViolation(`${where}: summed ${summed.steps} steps, the least is ${least}`);
      }
      if (!rel(summed.tailBound, tail(least))) {
        throw new ClaimViolation(
          `${where}: tail bound ${summed.tailBound}, but the left-out tail is ${tail(least)}`,
        );
      }
      if (Math.abs(summed.V[0]! + tail(least) - exact) > 1e-9 * exact) {
        throw new ClaimViolation(`${where}: partial sum ${summed.V[0]} + tail ≠ ${exact}`);
      }
    }
  }
}

/**
 * 11b. (i) V^π from the linear solve equals its definition, the expected discounted return
 * summed over time (`valueBySummingRewards`, within its proven tail); (ii) E[δ_t | s_t = s],
 * taken over enumerated trajectories from a uniform p0 at t = 0 and t = 1, is 0 for the
 * critic V^π. With `staleCritic` (the control) the critic is V^μ of the uniform policy μ.
 */
/**
 * The widest MDP the enumeration oracle of 11b meets: 6 states, 4 actions, every pair moving to
 * every state with two rewards (48 branches per step), γ = 0.9, uniform π. Its trajectories to
 * s_2 number 6 · 48² = 13,824, well inside the enumeration limit; one step more would not be.
 */
const WIDEST: [FiniteMdp, Policy] = [
  makeMdp({
    gamma: 0.9,
    outcomes: Array.from(
      { length: 6 },
      (_, s) =>
        Array.from({ length: 4 }, (_, a) =>
          Array.from({ length: 12 }, (_, k) => ({
            next: k % 6,
            reward: ((s + 2 * a + k) % 7) - 3,
            prob: 1 / 12,
          }))),
    ),
  }),
  Array.from({ length: 6 }, () => [0.25, 0.25, 0.25, 0.25]),
];

function stateMeanProperty(seed: number, staleCritic: boolean) {
  return checkProperty(
    { seed, over: OVER_MDP, numRuns: 200, examples: [PINNED, WIDEST] },
    mdpAndPolicy,
    ([mdp, pi]) => {
      const { V, Q } = evaluatePolicy(mdp, pi);
      const tol = scaleTol(Q).abs;
      const summed = valueBySummingRewards(mdp, pi, tol / 10);
      let worst = Infinity;
      V.forEach((v, s) => {
        const m = tol - Math.abs(v - summed.V[s]!);
        if (!(m >= 0)) {
          throw new ClaimViolation(
            `V^π(${s}) = ${v} by the linear solve, ${summed.V[s]} by summing ${summed.steps} ` +
              `steps of rewards (tail ≤ ${summed.tailBound})`,
          );
        }
        worst = Math.min(worst, m);
      });
      const live: number[] = mdp.isTerminal.map((t) => (t ? 0 : 1));
      const nLive = live.reduce((acc, x) => acc + x, 0);
      if (nLive === 0) return worst;
      const uniform = mdp.isTerminal.map(() =>
        new Array<number>(mdp.nActions).fill(1 / mdp.nActions)
      );
      const critic = staleCritic ? evaluatePolicy(mdp, uniform).V : V;
      const byPaths = tdErrorGivenStateByEnumeration(
        mdp,
        pi,
        critic,
        live.map((x) => x / nLive),
        1,
      );
      if (byPaths.length !== 2 || byPaths.some((row) => row.length !== mdp.nStates)) {
        throw new ClaimViolation(`the enumeration oracle returned ${byPaths.length} times, not 2`);
      }
      byPaths.forEach((row, t) =>
        row.forEach((x, s) => {
          if (Number.isNaN(x)) return; // s_t = s has probability 0
          const m = tol - Math.abs(x);
          if (!(m >= 0)) {
            throw new ClaimViolation(`E[δ_${t} | s_${t} = ${s}] = ${x} over trajectories`);
          }
          worst = Math.min(worst, m);
        })
      );
      if (staleCritic) return worst;
      // the enumeration oracle conditions on s_t: for a critic W ≠ V^π, where the conditional
      // means are not 0, they must be the π-average of the one-step table E[δ^W | s, a]
      const W = evaluatePolicy(mdp, uniform).V;
      const table = expectedTdErrorGivenStateAction(mdp, W);
      tdErrorGivenStateByEnumeration(mdp, pi, W, live.map((x) => x / nLive), 1).forEach(
        (row, t) =>
          row.forEach((x, s) => {
            if (t === 0 && live[s] === 1 && Number.isNaN(x)) {
              throw new ClaimViolation(`E[δ_0 | s_0 = ${s}] is undefined though p0(${s}) > 0`);
            }
            if (Number.isNaN(x)) return;
            const expected = table[s]!.reduce((acc, y, a) => acc + pi[s]![a]! * y, 0);
            const m = tol - Math.abs(x - expected);
            if (!(m >= 0)) {
              throw new ClaimViolation(
                `E[δ^W_${t} | s_${t} = ${s}] = ${x} over trajectories, ${expected} by the table`,
              );
            }
            worst = Math.min(worst, m);
          }),
      );
      return worst;
    },
  );
}

/** Small MDPs (enumeration to horizon 4 stays small), a policy and an arbitrary critic W. */
const smallMdpPolicyCritic: fc.Arbitrary<[FiniteMdp, Policy, number[]]> = fc.oneof(
  arbMdp({ maxStates: 3, maxActions: 3 }),
  arbMdp({ maxStates: 3, maxActions: 2, terminating: true, gamma: fc.constant(1) }),
).chain((mdp) =>
  fc.tuple(
    fc.constant(mdp),
    arbPolicy(mdp.nStates, mdp.nActions),
    fc.array(fc.integer({ min: -80, max: 80 }).map((x) => x / 8), {
      minLength: mdp.nStates,
      maxLength: mdp.nStates,
    }),
  )
);

/** Lags checked by enumeration (horizon MAX_LAG + 1) and, for V^π, by the state law up to 6. */
const MAX_LAG = 3;

/**
 * The band of a Monte Carlo check is the one stated: its estimate is the plain sample mean, and
 * its half-width t is Maurer and Pontil's empirical-Bernstein bound for samples in [−b, b],
 * t = √(2 V L / N) + 7 (2b) L / (3 (N − 1)) with L = ln(4/δ) and V the unbiased sample variance.
 * Checked backwards: t is increasing in L, so solving the quadratic in √L from t must give back
 * 4e^{−L} = δ, the false alarm the band was asked for.
 */
function checkBernsteinBand(samples: readonly number[], b: number, band: Agreement): void {
  const n = samples.length;
  const mean = samples.reduce((acc, x) => acc + x, 0) / n;
  const variance = samples.reduce((acc, x) => acc + (x - mean) ** 2, 0) / (n - 1);
  const p = Math.sqrt((2 * variance) / n); // t = p √L + q L
  const q = (7 * 2 * b) / (3 * (n - 1));
  const rootL = (-p + Math.sqrt(p * p + 4 * q * band.halfWidth)) / (2 * q);
  const implied = 4 * Math.exp(-(rootL ** 2));
  const problems: string[] = [];
  if (band.n !== n) problems.push(`N = ${band.n}, not ${n}`);
  if (Math.abs(band.estimate - mean) > 1e-12 * (1 + b)) {
    problems.push(`estimate ${band.estimate}, sample mean ${mean}`);
  }
  if (!(Math.abs(implied / band.falseAlarm - 1) <= 1e-6)) {
    problems.push(`half-width ${band.halfWidth} implies δ = ${implied}, not ${band.falseAlarm}`);
  }
  if (problems.length > 0) {
    throw new ClaimViolation(`${band.report}: not the stated band: ${problems.join("; ")}`);
  }
}

/** Trajectories per (s, a) of the Monte Carlo part of 11c. */
const LAGGED_MC_N = 12_000;

/**
 * 11c. (i) For an arbitrary critic W and ℓ = 0..3, `expectedLaggedTdError` (the law of
 * s_{t+ℓ} propagated by P^π) equals E[δ^W_{t+ℓ} | s_t, a_t] over enumerated trajectories;
 * (ii) for W = V^π both are 0 for ℓ ≥ 1 (the propagated one up to ℓ = 6); (iii) Monte Carlo on
 * the pinned MDP: sampled δ_{t+ℓ} given (s, a) have mean A^π(s, a) at ℓ = 0 and 0 at
 * ℓ = 1..3, empirical Bernstein bands at total false alarm 1e-6. With `offByOne` (the control)
 * the propagated law takes ℓ steps of P^π instead of ℓ − 1.
 */
function laggedCheck(seedFor: (label: string) => number, offByOne: boolean): Evidence {
  const lagged = (mdp: FiniteMdp, pi: Policy, w: number[], ell: number) =>
    expectedLaggedTdError(mdp, pi, w, offByOne && ell >= 1 ? ell + 1 : ell);
  const property = checkProperty(
    {
      seed: seedFor("11c/property"),
      over: OVER_C,
      numRuns: 80,
      examples: [[PINNED_MDP, PINNED[1], [0, 5]] as [FiniteMdp, Policy, number[]]],
    },
    smallMdpPolicyCritic,
    ([mdp, pi, w]: [FiniteMdp, Policy, number[]]) => {
      const { V, Q } = evaluatePolicy(mdp, pi);
      const tol = scaleTol([...Q, w.map(Math.abs)]);
      let worst = Infinity;
      const tables = Array.from({ length: MAX_LAG + 1 }, (_, ell) => lagged(mdp, pi, w, ell));
      for (let s = 0; s < mdp.nStates; s++) {
        if (mdp.isTerminal[s]) continue;
        for (let a = 0; a < mdp.nActions; a++) {
          const anyCritic = laggedTdErrorByEnumeration(mdp, pi, w, s, a, MAX_LAG);
          const valueCritic = laggedTdErrorByEnumeration(mdp, pi, V, s, a, MAX_LAG);
          for (let ell = 0; ell <= MAX_LAG; ell++) {
            const m1 = closeMargin(tables[ell]![s]![a]!, anyCritic[ell]!, tol);
            const m2 = ell >= 1 ? closeMargin(valueCritic[ell]!, 0, tol) : Infinity;
            if (!(m1 >= 0) || !(m2 >= 0)) {
              throw new ClaimViolation(
                `(s=${s}, a=${a}), ℓ = ${ell}: with critic W = ${w}, propagated law ` +
                  `${tables[ell]![s]![a]}, trajectories ${anyCritic[ell]}; with V^π, ` +
                  `trajectories ${valueCritic[ell]}`,
              );
            }
            worst = Math.min(worst, m1, m2);
          }
        }
      }
      for (let ell = 1; ell <= 6; ell++) {
        const e = lagged(mdp, pi, V, ell);
        worst = Math.min(worst, tableMargin(e, e.map((row) => row.map(() => 0)), Q, `ℓ = ${ell}`));
      }
      return worst;
    },
  );
  // (iii) Monte Carlo on the pinned MDP: 4 pairs × 4 lags = 16 bands at 1e-6/16 each.
  const [mdp, pi] = PINNED;
  const { V, Q } = evaluatePolicy(mdp, pi);
  const seed = seedFor("11c/monte-carlo");
  checkUniformSource(seed);
  const rng = new Rng(seed);
  const bound = mdp.rewardBound + 2 * Math.max(...V.map(Math.abs)); // |δ| ≤ R + (1 + γ) max|V|
  const falseAlarm = 1e-6 / (mdp.nStates * mdp.nActions * (MAX_LAG + 1));
  let mcWorst = Infinity;
  let widest = 0;
  for (let s = 0; s < mdp.nStates; s++) {
    for (let a = 0; a < mdp.nActions; a++) {
      const xs = laggedTdErrorSamples(mdp, pi, V, s, a, MAX_LAG, LAGGED_MC_N, rng);
      if (xs.length !== MAX_LAG + 1 || xs.some((x) => x.length !== LAGGED_MC_N)) {
        throw new ClaimViolation(
          `(s=${s}, a=${a}): ${xs.length} lags of sizes ${xs.map((x) => x.length)}, ` +
            `not ${MAX_LAG + 1} of ${LAGGED_MC_N}`,
        );
      }
      xs.forEach((samples, ell) => {
        const ok = assertMeanEquals(samples, ell === 0 ? Q[s]![a]! - V[s]! : 0, {
          method: { kind: "empirical-bernstein", lo: -bound, hi: bound },
          seed,
          label: `δ_{t+${ell}} given (s=${s}, a=${a})`,
          falseAlarm,
        });
        checkBernsteinBand(samples, bound, ok);
        mcWorst = Math.min(mcWorst, ok.margin);
        widest = Math.max(widest, ok.halfWidth);
      });
    }
  }
  return {
    over: OVER_C,
    cases: property.cases,
    worstMargin: property.worstMargin,
    note: `Monte Carlo on the pinned MDP: ${LAGGED_MC_N} trajectories per (s, a), seed ${seed}, ` +
      `widest band ${widest.toExponential(2)}, worst margin ${mcWorst.toExponential(2)}`,
  };
}

/**
 * The bands of 11c's Monte Carlo presume draws from the uniform law on the 2^−53 grid of
 * [0, 1): a sampler off by a bit, or drawing from another stream, would make the stated false
 * alarm a guess. So the premise is checked bit for bit: the first draws of `Rng` for the seed,
 * and for the seed of the other parity, are the seeded xoroshiro128+ words (27 high bits of
 * one word, 26 of the next) assembled with BigInt shifts, an arithmetic independent of the
 * float one `Rng.uniform` uses.
 */
function checkUniformSource(seed: number): void {
  for (const s of [seed | 0, (seed | 0) ^ 1]) {
    const words = prand.xoroshiro128plus(s);
    const rng = new Rng(s);
    for (let i = 0; i < 64; i++) {
      const hi = BigInt(words.unsafeNext() >>> 5);
      const lo = BigInt(words.unsafeNext() >>> 6);
      const expected = Number((hi << 26n) | lo) / 2 ** 53;
      const u = rng.uniform();
      if (u !== expected) {
        throw new ClaimViolation(
          `premise: draw ${i} of Rng(${s}) is ${u}, not the generator's 53-bit word ${expected}`,
        );
      }
    }
  }
}

/**
 * 11f is stated for γ, λ ∈ [0, 1], finite rewards and values, and V one longer than r: `gae`
 * must accept the edges (γ = λ = 0 and 1) and refuse everything outside, so that no run can
 * claim the identity on inputs its proof does not cover.
 */
function checkGaeDomain(): void {
  const r = [1, -2];
  const v = [0.5, 1, 0];
  for (const [g, l] of [[0, 0], [1, 1], [0, 1], [1, 0]]) gae(r, v, g!, l!);
  const bad: [string, () => unknown][] = [
    ["γ = 1.01", () => gae(r, v, 1.01, 0.5)],
    ["γ = −0.01", () => gae(r, v, -0.01, 0.5)],
    ["λ = 1.01", () => gae(r, v, 0.5, 1.01)],
    ["λ = −0.01", () => gae(r, v, 0.5, -0.01)],
    ["γ = NaN", () => gae(r, v, NaN, 0.5)],
    ["λ = NaN", () => gae(r, v, 0.5, NaN)],
    ["V as long as r", () => gae(r, [0.5, 1], 0.5, 0.5)],
    ["V two longer than r", () => gae(r, [0.5, 1, 0, 0], 0.5, 0.5)],
    ["r_0 = ∞", () => gae([Infinity, 1], v, 0.5, 0.5)],
    ["V_1 = NaN", () => gae(r, [0.5, NaN, 0], 0.5, 0.5)],
  ];
  for (const [what, f] of bad) {
    let refused = false;
    try {
      f();
    } catch (e) {
      if (!(e instanceof GaeInputError)) throw e;
      refused = true;
    }
    if (!refused) throw new ClaimViolation(`gae accepted ${what}`);
  }
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
