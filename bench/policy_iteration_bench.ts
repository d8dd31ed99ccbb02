/**
 * Cost of policy iteration with exact evaluation on n × n Cliff Walks (handout rewards,
 * γ = 1): dense LU against sparse LU (mathjs), and how the total grows with the number of
 * states. Dense LU is only run up to 20 × 20 (it is cubic; 30 × 30 already takes seconds per
 * evaluation). Run: `deno bench --allow-read --allow-env bench/policy_iteration_bench.ts`.
 *
 * @module
 */
import { cliffSpec } from "../shared/cliff/mod.ts";
import { policyIteration, sparseMdp } from "../problems/15_policy_iteration/mod.ts";

const SIZES = [4, 10, 20, 30, 40, 50] as const;
const DENSE_UP_TO = 20;

// inputs built once, outside the timed region; both solvers checked equal once
const walks = SIZES.map((n) => ({ n, mdp: sparseMdp(cliffSpec({ rows: n, cols: n }).mdp) }));
for (const { n, mdp } of walks) {
  const sparse = policyIteration(mdp, 1, { solver: "sparse" });
  // V*(start) = 100 − n: up, n − 1 moves right, down
  if (sparse.V[(n - 1) * n] !== 100 - n) throw new Error(`${n} × ${n}: V*(start) ≠ ${100 - n}`);
  if (n <= DENSE_UP_TO) {
    const dense = policyIteration(mdp, 1, { solver: "dense" });
    const gap = Math.max(...dense.V.map((v, s) => Math.abs(v - sparse.V[s]!)));
    if (gap > 1e-9) throw new Error(`${n} × ${n}: dense and sparse differ by ${gap}`);
  }
  console.log(`${n} × ${n}: ${n * n} states, ${sparse.iterations} policy evaluations`);
}

for (const { n, mdp } of walks) {
  Deno.bench({
    group: "policy iteration, sparse LU",
    name: `${n} × ${n} (${n * n} states)`,
    baseline: n === 4,
    fn: () => {
      policyIteration(mdp, 1, { solver: "sparse" });
    },
  });
  if (n <= DENSE_UP_TO) {
    Deno.bench({
      group: "policy iteration, dense LU",
      name: `${n} × ${n} (${n * n} states)`,
      baseline: n === 4,
      fn: () => {
        policyIteration(mdp, 1, { solver: "dense" });
      },
    });
  }
}
