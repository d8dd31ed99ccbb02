/**
 * A random source whose every uniform draw is one chosen value, to force a sampler onto an
 * exact boundary (a draw equal to a running sum, the top of [0, 1)) that a seeded generator
 * reaches with probability 2^-53.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";

/** An {@link Rng} whose `uniform()` always returns `u` (and whose normals follow from it). */
export class ConstantUniform extends Rng {
  readonly #u: number;

  /**
   * @param u the draw, in [0, 1)
   * @throws RangeError if u is not in [0, 1), which no uniform draw can be
   * @example
   * ```ts
   * import { ConstantUniform } from "./constant_uniform.ts";
   * const rng = new ConstantUniform(0.5);
   * if (rng.uniform() !== 0.5 || rng.categorical([0.5, 0.5]) !== 1) throw new Error();
   * ```
   */
  constructor(u: number) {
    super(0);
    if (!(u >= 0 && u < 1)) throw new RangeError(`ConstantUniform: u = ${u} is not in [0, 1)`);
    this.#u = u;
  }

  override uniform(): number {
    return this.#u;
  }
}
