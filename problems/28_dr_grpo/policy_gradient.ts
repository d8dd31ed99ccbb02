/**
 * A tabular softmax policy π_θ(a | s) = exp θ[s][a] / Σ_b exp θ[s][b] and its score
 * ∇_θ log π_θ(a | s) (from `shared/softmax`, with θ's shape checked against the MDP), the
 * exact objective J(θ) = E[r] and its gradient computed three independent ways: tfjs autodiff of an exact backward induction (float32), float64
 * central finite differences of the linear-solve evaluation, and (in
 * `group_estimators.ts`) enumeration of trajectories.
 *
 * @module
 */
import {
  evaluatePolicy,
  type FiniteMdp,
  MdpInputError,
  type Policy,
} from "../../shared/mdp/mod.ts";
import {
  type Logits,
  softmaxPolicy as tabularSoftmaxPolicy,
  softmaxScoreFromPolicy,
} from "../../shared/softmax/mod.ts";
import { tf } from "../../shared/tf/mod.ts";
import { horizon, type Trajectory, validateTerminalRewardMdp } from "./terminal_mdp.ts";

// Logits θ[s][a], one row per state (rows of terminal states are ignored).
export type { Logits };

/**
 * Checks that θ has one finite logit per state and action.
 *
 * @param mdp the MDP
 * @param theta the logits
 * @throws MdpInputError naming the state and action of a bad entry or the wrong shape
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { validateLogits } from "./mod.ts";
 * const m = makeMdp({ gamma: 1, outcomes: [[[{ next: 0, reward: 0, prob: 1 }]]] });
 * validateLogits(m, [[0.5]]); // does not throw
 * ```
 */
export function validateLogits(mdp: FiniteMdp, theta: Logits): void {
  if (!Array.isArray(theta) || theta.length !== mdp.nStates) {
    throw new MdpInputError(
      `θ must have ${mdp.nStates} rows (one per state), got ${theta?.length}`,
    );
  }
  theta.forEach((row, s) => {
    if (!Array.isArray(row) || row.length !== mdp.nActions) {
      throw new MdpInputError(`θ[${s}] must have ${mdp.nActions} logits, got ${row?.length}`);
    }
    row.forEach((x, a) => {
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new MdpInputError(`θ[${s}][${a}] = ${x} is not a finite number`);
      }
    });
  });
}

/**
 * The tabular softmax policy π_θ(a | s) = exp θ[s][a] / Σ_b exp θ[s][b] of `shared/softmax`,
 * after checking θ's shape against the MDP. Every action has positive probability.
 *
 * @param mdp the MDP
 * @param theta the logits
 * @returns the policy table
 * @throws MdpInputError naming the state and action of a bad entry or the wrong shape
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { softmaxPolicy } from "./mod.ts";
 * const m = makeMdp({ gamma: 1, outcomes: [[[{ next: 0, reward: 0, prob: 1 }], [{ next: 0, reward: 0, prob: 1 }]]] });
 * const pi = softmaxPolicy(m, [[Math.log(3), 0]]);
 * if (Math.abs(pi[0]![0]! - 0.75) > 1e-15) throw new Error();
 * ```
 */
export function softmaxPolicy(mdp: FiniteMdp, theta: Logits): number[][] {
  validateLogits(mdp, theta);
  return tabularSoftmaxPolicy(theta);
}

/**
 * The score of one step, ∇_θ log π_θ(a_t | s_t), for the tabular softmax policy: the
 * row s_t is e_{a_t} − π(· | s_t) and every other row is 0. Zero when t ≥ T (no action
 * is taken after the trajectory ends).
 *
 * @param pi the softmax policy π_θ
 * @param traj the trajectory
 * @param t the time step
 * @returns the score as a table shaped like θ
 * @example
 * ```ts
 * import { stepScore } from "./mod.ts";
 * const pi = [[0.25, 0.75], [0.5, 0.5]];
 * const tr = { states: [0], actions: [1], terminal: 1, reward: 1, prob: 0.75, envProb: 1 };
 * // row 0: e_1 − π(·|0) = [−1/4, 1/4]
 * if (stepScore(pi, tr, 0)[0]!.join() !== "-0.25,0.25") throw new Error();
 * ```
 */
export function stepScore(pi: Policy, traj: Trajectory, t: number): number[][] {
  if (t >= traj.states.length) return pi.map((row) => row.map(() => 0));
  return softmaxScoreFromPolicy(pi, traj.states[t]!, traj.actions[t]!);
}

/**
 * The trajectory score Σ_{t<T} ∇_θ log π_θ(a_t | s_t) = ∇_θ log P_θ(τ) (the environment's
 * factors do not depend on θ).
 *
 * @param pi the softmax policy π_θ
 * @param traj the trajectory
 * @returns the score as a table shaped like θ
 * @example
 * ```ts
 * import { trajectoryScore } from "./mod.ts";
 * const pi = [[0.5, 0.5], [0.5, 0.5]];
 * const tr = { states: [0, 0], actions: [0, 0], terminal: 1, reward: 1, prob: 0.25, envProb: 1 };
 * if (trajectoryScore(pi, tr)[0]!.join() !== "1,-1") throw new Error();
 * ```
 */
export function trajectoryScore(pi: Policy, traj: Trajectory): number[][] {
  const g = pi.map((row) => row.map(() => 0));
  traj.states.forEach((_, t) => {
    const step = stepScore(pi, traj, t);
    g.forEach((row, s) => row.forEach((_, a) => (row[a]! += step[s]![a]!)));
  });
  return g;
}

/**
 * The exact objective J(θ) = E[r] = Σ_s p_0(s) V^{π_θ}(s), with V^{π_θ} from the suite's
 * float64 linear-solve evaluation.
 *
 * @param mdp a terminal-reward MDP
 * @param theta the logits
 * @returns J(θ)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { exactObjective } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * if (Math.abs(exactObjective(bandit, [[0, 0], [0, 0]]) - 0.5) > 1e-12) throw new Error();
 * ```
 */
export function exactObjective(mdp: FiniteMdp, theta: Logits): number {
  validateTerminalRewardMdp(mdp);
  const { V } = evaluatePolicy(mdp, softmaxPolicy(mdp, theta));
  return mdp.initial!.reduce((acc, p, s) => acc + p * V[s]!, 0);
}

/**
 * J(θ) and ∇J(θ) by tfjs autodiff (float32) of an exact backward induction: with H the
 * horizon, H sweeps of V ← Σ_a π_θ(a|·) (r(·, a) + P(·|·, a) V) from V = 0 give V^{π_θ}
 * exactly (every trajectory ends within H steps), and J = p_0 · V.
 *
 * @param mdp a terminal-reward MDP with a finite horizon
 * @param theta the logits
 * @returns J and ∇J (float32 precision)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { objectiveAndGradAutodiff } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * // J = σ(θ0 − θ1); at θ = 0: J = 1/2, ∂J/∂θ[0] = [1/4, −1/4]
 * const { value, grad } = objectiveAndGradAutodiff(bandit, [[0, 0], [0, 0]]);
 * if (Math.abs(value - 0.5) > 1e-6 || Math.abs(grad[0]![0]! - 0.25) > 1e-6) throw new Error();
 * ```
 */
export function objectiveAndGradAutodiff(
  mdp: FiniteMdp,
  theta: Logits,
): { value: number; grad: number[][] } {
  validateTerminalRewardMdp(mdp);
  validateLogits(mdp, theta);
  const H = horizon(mdp);
  const S = mdp.nStates;
  const A = mdp.nActions;
  return tf.tidy(() => {
    const r = tf.tensor2d(mdp.expectedReward.map((row) => [...row]), [S, A]); // r(s, a)
    const P = tf.tensor2d(mdp.transition.flatMap((rows) => rows.map((p) => [...p])), [S * A, S]);
    const p0 = tf.tensor2d([[...mdp.initial!]], [1, S]);
    const objective = (th: tf.Tensor): tf.Scalar => {
      const pi = tf.softmax(th as tf.Tensor2D); // [S, A], softmax over actions
      let v: tf.Tensor2D = tf.zeros([S, 1]);
      for (let k = 0; k < H; k++) {
        // q(s, a) = r(s, a) + Σ_s' P(s'|s, a) V(s'): [S·A, S] x [S, 1] -> [S·A, 1] -> [S, A]
        const q = r.add(P.matMul(v).reshape([S, A]));
        // V(s) = Σ_a π(a|s) q(s, a): [S, A] -> [S, 1]
        v = pi.mul(q).sum(1).reshape([S, 1]);
      }
      return p0.matMul(v).reshape([]) as tf.Scalar; // [1, S] x [S, 1] -> scalar
    };
    const { value, grad } = tf.valueAndGrad(objective)(tf.tensor2d(theta.map((row) => [...row])));
    return { value: value.arraySync() as number, grad: grad.arraySync() as number[][] };
  });
}

/**
 * ∇J(θ) by float64 central differences of {@link exactObjective}:
 * (J(θ + h e_{sa}) − J(θ − h e_{sa})) / 2h. Truncation error O(h²), rounding O(ε|J|/h).
 *
 * @param mdp a terminal-reward MDP
 * @param theta the logits
 * @param h the step (default 1e-5)
 * @returns the gradient estimate, shaped like θ (0 on terminal rows)
 * @example
 * ```ts
 * import { makeMdp } from "../../shared/mdp/mod.ts";
 * import { gradObjectiveFiniteDifference } from "./mod.ts";
 * const bandit = makeMdp({
 *   gamma: 1, initial: [1, 0], terminal: [1],
 *   outcomes: [[[{ next: 1, reward: 1, prob: 1 }], [{ next: 1, reward: 0, prob: 1 }]], []],
 * });
 * const g = gradObjectiveFiniteDifference(bandit, [[0, 0], [0, 0]]);
 * if (Math.abs(g[0]![0]! - 0.25) > 1e-9) throw new Error();
 * ```
 */
export function gradObjectiveFiniteDifference(mdp: FiniteMdp, theta: Logits, h = 1e-5): number[][] {
  validateLogits(mdp, theta);
  return theta.map((row, s) =>
    row.map((_, a) => {
      if (mdp.isTerminal[s]) return 0;
      const shifted = (d: number) =>
        theta.map((r2, s2) => r2.map((x, a2) => (s2 === s && a2 === a ? x + d : x)));
      return (exactObjective(mdp, shifted(h)) - exactObjective(mdp, shifted(-h))) / (2 * h);
    })
  );
}
