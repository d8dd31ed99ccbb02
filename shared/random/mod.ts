/**
 * Seeded random numbers for every sampler in the suite (never `Math.random`). Built on
 * pure-rand's xoroshiro128+, the generator fast-check itself uses.
 *
 * @module
 */
import * as prand from "pure-rand";

/** A seeded, mutable random source. Pass it in to every sampler. */
export class Rng {
  #gen: prand.RandomGenerator;

  /**
   * @param seed any 32-bit integer
   */
  constructor(seed: number) {
    this.#gen = prand.xoroshiro128plus(seed | 0);
  }

  /**
   * A uniform draw from [0, 1) with 53 random bits.
   *
   * @returns u in [0, 1)
   * @example
   * ```ts
   * import { Rng } from "./mod.ts";
   * const u = new Rng(1).uniform();
   * if (!(u >= 0 && u < 1)) throw new Error("out of range");
   * ```
   */
  uniform(): number {
    const hi = this.#gen.unsafeNext() >>> 5; // 27 bits
    const lo = this.#gen.unsafeNext() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * A uniform integer in {0, …, n − 1}.
   *
   * @param n the number of values, a positive integer
   * @returns the draw
   * @throws Error if n is not a positive safe integer
   * @example
   * ```ts
   * import { Rng } from "./mod.ts";
   * const k = new Rng(2).int(3);
   * if (![0, 1, 2].includes(k)) throw new Error("out of range");
   * ```
   */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0 || n > 2 ** 31) {
      throw new Error(`Rng.int: n must be a positive integer ≤ 2^31, got ${n}`);
    }
    return prand.unsafeUniformIntDistribution(0, n - 1, this.#gen);
  }

  /**
   * A standard normal draw (Box–Muller on two uniforms).
   *
   * @returns z ~ N(0, 1)
   * @example
   * ```ts
   * import { Rng } from "./mod.ts";
   * if (!Number.isFinite(new Rng(3).normal())) throw new Error("must be finite");
   * ```
   */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * An index drawn with the given probabilities (inverse CDF).
   *
   * @param probs non-negative weights summing to 1 (within 1e-9)
   * @returns i with probability probs[i]
   * @throws Error on a negative or NaN weight or a sum far from 1
   * @example
   * ```ts
   * import { Rng } from "./mod.ts";
   * if (new Rng(4).categorical([0, 1, 0]) !== 1) throw new Error("only index 1 has mass");
   * ```
   */
  categorical(probs: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < probs.length; i++) {
      const p = probs[i]!;
      if (!(p >= 0)) throw new Error(`Rng.categorical: weight ${p} at index ${i} is not ≥ 0`);
      total += p;
    }
    if (Math.abs(total - 1) > 1e-9) {
      throw new Error(`Rng.categorical: weights sum to ${total}, not 1`);
    }
    const u = this.uniform() * total;
    let acc = 0;
    let last = -1;
    for (let i = 0; i < probs.length; i++) {
      const p = probs[i]!;
      if (p === 0) continue;
      last = i;
      acc += p;
      if (u < acc) return i;
    }
    return last; // rounding left u just above the running sum
  }
}
