/**
 * The cost of the suite's gradient checks: GAE by the backward recursion against its O(T²)
 * definition (checked once to agree), and one softmax score by float64 central differences,
 * by the closed form, and by tfjs autodiff (float32).
 *
 * Run: `deno bench --allow-read --allow-env bench/gradients_bench.ts`.
 *
 * @module
 */
import { Rng } from "../shared/random/mod.ts";
import { gae, tdErrors } from "../problems/11_gae/mod.ts";
import {
  scoreAutodiff,
  scoreClosedForm,
  scoreFiniteDifference,
} from "../problems/08_softmax_pg/mod.ts";

const rng = new Rng(1);
const T = 1000;
const rewards = Array.from({ length: T }, () => rng.normal());
const values = [...Array.from({ length: T }, () => rng.normal()), 0];
const gamma = 0.99;
const lambda = 0.95;

/** The definition A_t = Σ_l (γλ)^l δ_{t+l}, term by term: O(T²). */
function gaeByDefinition(): number[] {
  const d = tdErrors(rewards, values, gamma);
  return d.map((_, t) => d.slice(t).reduce((acc, x, l) => acc + (gamma * lambda) ** l * x, 0));
}

// Check once, outside the timed region, that the two agree (float64 sums of ≤ 1000 terms).
{
  const a = gae(rewards, values, gamma, lambda);
  const b = gaeByDefinition();
  const worst = Math.max(...a.map((x, t) => Math.abs(x - b[t]!)));
  if (!(worst < 1e-9)) throw new Error(`gae and its definition differ by ${worst}`);
}

Deno.bench({
  group: "gae T=1000",
  name: "backward recursion",
  baseline: true,
  fn: () => void gae(rewards, values, gamma, lambda),
});
Deno.bench({ group: "gae T=1000", name: "definition, O(T²)", fn: () => void gaeByDefinition() });

// A 5-action, 4-state softmax table.
const theta = Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => rng.normal()));
Deno.bench({
  group: "score 5×4",
  name: "closed form",
  baseline: true,
  fn: () => void scoreClosedForm(theta, 2, 1),
});
Deno.bench({
  group: "score 5×4",
  name: "central differences (float64)",
  fn: () => void scoreFiniteDifference(theta, 2, 1),
});
Deno.bench({
  group: "score 5×4",
  name: "tfjs autodiff (float32)",
  fn: () => void scoreAutodiff(theta, 2, 1),
});
