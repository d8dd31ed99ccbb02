/**
 * Trajectory enumeration and return moments: the cost of exact prefix enumeration as the
 * horizon grows, and the second moment of the return by Sobel's linear system against the
 * same moment by enumeration (checked once, outside the timed region, to agree within the
 * truncation bound).
 *
 * Run: `deno bench --allow-read --allow-env bench/trajectories_bench.ts`.
 *
 * @module
 */
import { makeMdp } from "../shared/mdp/mod.ts";
import { discountedSum, enumeratePrefixes, returnMoments } from "../shared/trajectories/mod.ts";

// Three states, two actions, two reward values per successor: 8–12 branches per step.
const mdp = makeMdp({
  gamma: 0.2,
  initial: [1, 0, 0],
  outcomes: [
    [
      [{ next: 1, reward: 1, prob: 0.5 }, { next: 2, reward: -1, prob: 0.5 }],
      [{ next: 0, reward: 0, prob: 0.25 }, { next: 0, reward: 2, prob: 0.75 }],
    ],
    [
      [{ next: 2, reward: 1, prob: 0.5 }, { next: 2, reward: 0, prob: 0.5 }],
      [{ next: 0, reward: -2, prob: 1 }],
    ],
    [
      [{ next: 0, reward: 1, prob: 0.5 }, { next: 1, reward: 1, prob: 0.5 }],
      [{ next: 2, reward: 0.5, prob: 0.5 }, { next: 2, reward: -0.5, prob: 0.5 }],
    ],
  ],
});
const pi = [[0.5, 0.5], [0.25, 0.75], [0.5, 0.5]];
const H = 6;

// Check once: |E G_H² − E G²| ≤ 2 B ε with B = R/(1 − γ), ε = γ^H R/(1 − γ).
{
  const exact = returnMoments(mdp, pi).secondV[0]!;
  const enumerated = enumeratePrefixes(mdp, { horizon: H, policy: pi })
    .expectation((p) => discountedSum(p, mdp.gamma) ** 2);
  const B = mdp.rewardBound / (1 - mdp.gamma);
  const bound = 2 * B * (mdp.gamma ** H) * B + 1e-12;
  if (Math.abs(exact - enumerated) > bound) {
    throw new Error(`Sobel ${exact} vs enumeration ${enumerated} (bound ${bound})`);
  }
}

for (const horizon of [2, 4, 6]) {
  Deno.bench({
    group: "enumeration",
    name: `enumerate prefixes, horizon ${horizon}`,
    baseline: horizon === 2,
    fn: () => {
      enumeratePrefixes(mdp, { horizon, policy: pi });
    },
  });
}

Deno.bench({
  group: "second moment",
  name: "Sobel's linear system",
  baseline: true,
  fn: () => {
    returnMoments(mdp, pi);
  },
});

Deno.bench({
  group: "second moment",
  name: `enumeration to horizon ${H}`,
  fn: () => {
    enumeratePrefixes(mdp, { horizon: H, policy: pi }).expectation((p) =>
      discountedSum(p, mdp.gamma) ** 2
    );
  },
});
