/**
 * The common shape of a Cliff Walk training job, so one command-line entry point can run
 * every agent: each agent's module exports `train(options: TrainOptions):
 * Promise<TrainReport>`, and, if it has hyperparameters, a typed `defaultConfig` object
 * (and optionally a {@link ConfigSpec} named `configSpec` stating their ranges) from which
 * `deno task train` derives one flag per field.
 *
 * @module
 */

/** What every training job accepts. */
export interface TrainOptions<C = Record<string, unknown>> {
  /** The seed of every random choice (initialisation, sampling). */
  seed: number;
  /** The budget in the agent's own unit (episodes, or sampled transitions); default its own. */
  budget?: number;
  /** Overrides of the agent's `defaultConfig`, field by field (unknown fields are refused). */
  config?: Partial<C>;
  /** Called with a one-line progress message now and then (e.g. every few hundred episodes). */
  onProgress?: (line: string) => void;
}

/** One point of a learning curve. */
export interface CurvePoint {
  /** Episodes (or samples) consumed so far. */
  episode: number;
  /** The tracked quantity at that point (what it is: {@link TrainReport.curveLabel}). */
  value: number;
}

/**
 * Exact facts about a stochastic policy's episodes from the start, cut at the truncation
 * length, computed from the model.
 */
export interface EpisodeOutcome {
  /** Probability that an episode ends in the goal (within the truncation length). */
  success: number;
  /** Probability that it ends in the cliff. */
  fall: number;
  /** Probability that it is cut at the truncation length. */
  truncated: number;
  /** Expected number of moves of an episode (truncated episodes count their full length). */
  expectedLength: number;
}

/** What every training job returns (plain data: it is written out as JSON). */
export interface TrainReport {
  /** The algorithm's name, e.g. "pg" or "grpo". */
  algorithm: string;
  /** Episodes sampled in total (0 for exact methods). */
  episodes: number;
  /** Wall time in milliseconds. */
  ms: number;
  /** The learning curve. */
  curve: CurvePoint[];
  /** What `curve[i].value` is, e.g. "greedy return" or "RMSE against Q^π". */
  curveLabel?: string;
  /** The final greedy policy, one action per state, if the agent has one. */
  greedyActions?: number[];
  /** A short human-readable summary of the outcome. */
  summary: string;
  /** Whether the agent reached its stated target within the budget, if it has one. */
  reachedTarget?: boolean;
  /** Episodes sampled when the target was first reached (null: not reached). */
  episodesToTarget?: number | null;
  /** Wall time when the target was first reached, ms (null: not reached). */
  msToTarget?: number | null;
  /** The final exact value of the learned policy (what it is: `valueLabel`). */
  value?: number;
  /** What `value` is, e.g. "exact success probability" or "exact V(start)". */
  valueLabel?: string;
  /**
   * The learned stochastic policy, rows π(· | s), when it is not its greedy policy: the
   * command then draws its most probable successful path instead of only a greedy walk.
   */
  policy?: number[][];
  /** Exact outcome probabilities and expected length of `policy` from the start. */
  outcome?: EpisodeOutcome;
  /** The configuration the run used (defaults with the overrides applied). */
  config?: Record<string, unknown>;
  /** Further plot data (e.g. curves per k, or episode lengths of failures and successes). */
  extra?: Record<string, unknown>;
}

/** The allowed values of one configuration field (what a flag of `deno task train` accepts). */
export interface FieldSpec {
  /** One line on what the field does (printed by `--help`). */
  doc?: string;
  /** The value must be an integer. */
  integer?: boolean;
  /** Smallest allowed value. */
  min?: number;
  /** `min` itself is not allowed (the value must be larger). */
  minExclusive?: boolean;
  /** Largest allowed value. */
  max?: number;
  /** `max` itself is not allowed. */
  maxExclusive?: boolean;
  /** The allowed values of a string or number field. */
  oneOf?: readonly (string | number)[];
}

/** Ranges of a configuration's fields; a field without an entry accepts any value of its type. */
export type ConfigSpec<C> = { readonly [K in keyof C]?: FieldSpec };

/**
 * What a field accepts, in words: "an integer ≥ 1", "a number in (0, 1)", "one of a, b".
 *
 * @param kind the field's type: "number", "boolean" or "string"
 * @param spec its stated range, if any
 * @returns the description
 * @example
 * ```ts
 * import { describeField } from "./train_types.ts";
 * if (describeField("number", { integer: true, min: 1 }) !== "an integer ≥ 1") throw new Error();
 * if (describeField("number", { min: 0, max: 1, minExclusive: true }) !== "a number in (0, 1]") throw new Error();
 * ```
 */
export function describeField(kind: string, spec: FieldSpec = {}): string {
  if (spec.oneOf) return `one of ${spec.oneOf.join(", ")}`;
  if (kind === "boolean") return "true or false";
  if (kind !== "number") return `a ${kind}`;
  const noun = spec.integer ? "an integer" : "a number";
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) {
    return `${noun} in ${spec.minExclusive ? "(" : "["}${min}, ${max}${
      spec.maxExclusive ? ")" : "]"
    }`;
  }
  if (min !== undefined) return `${noun} ${spec.minExclusive ? ">" : "≥"} ${min}`;
  if (max !== undefined) return `${noun} ${spec.maxExclusive ? "<" : "≤"} ${max}`;
  return spec.integer ? noun : "a finite number";
}

/**
 * Whether a value fits a field of the given kind and range.
 *
 * @param kind the field's type (the type of its default value)
 * @param spec its stated range, if any
 * @param value the candidate
 * @returns true if allowed
 * @example
 * ```ts
 * import { fieldAccepts } from "./train_types.ts";
 * if (!fieldAccepts("number", { integer: true, min: 1 }, 64)) throw new Error();
 * if (fieldAccepts("number", { integer: true, min: 1 }, 0.5)) throw new Error();
 * if (fieldAccepts("number", { min: 0, minExclusive: true }, 0)) throw new Error();
 * ```
 */
export function fieldAccepts(kind: string, spec: FieldSpec = {}, value: unknown): boolean {
  const actualKind: string = typeof value;
  if (actualKind !== kind) return false;
  if (spec.oneOf && !spec.oneOf.includes(value as string | number)) return false;
  if (kind !== "number") return true;
  const x = value as number;
  if (!Number.isFinite(x) || (spec.integer && !Number.isSafeInteger(x))) return false;
  if (spec.min !== undefined && (spec.minExclusive ? x <= spec.min : x < spec.min)) return false;
  if (spec.max !== undefined && (spec.maxExclusive ? x >= spec.max : x > spec.max)) return false;
  return true;
}

/**
 * Merges overrides into a default configuration, refusing unknown fields and values outside
 * their stated ranges with one line that names the field, the value and what is allowed.
 *
 * @param name the configuration's name, for messages (e.g. "GrpoConfig")
 * @param defaults the default configuration
 * @param spec the fields' ranges
 * @param overrides the fields to change
 * @returns the merged configuration
 * @throws RangeError naming the first bad field
 * @example
 * ```ts
 * import { resolveConfig } from "./train_types.ts";
 * const c = resolveConfig("Demo", { lr: 0.1, steps: 3 }, { steps: { integer: true, min: 1 } }, { steps: 5 });
 * if (c.steps !== 5 || c.lr !== 0.1) throw new Error();
 * let message = "";
 * try { resolveConfig("Demo", { lr: 0.1, steps: 3 }, { steps: { integer: true, min: 1 } }, { steps: 0 }); }
 * catch (e) { message = (e as Error).message; }
 * if (message !== "Demo.steps must be an integer ≥ 1, got 0") throw new Error(message);
 * ```
 */
export function resolveConfig<C extends object>(
  name: string,
  defaults: Readonly<C>,
  spec: ConfigSpec<NoInfer<C>>,
  overrides: Partial<NoInfer<C>> = {},
): C {
  const merged = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in defaults)) throw new RangeError(`${name} has no field "${key}"`);
    merged[key] = value;
  }
  for (const [key, value] of Object.entries(merged)) {
    const kind = typeof (defaults as Record<string, unknown>)[key];
    const fieldSpec = (spec as Record<string, FieldSpec | undefined>)[key];
    if (!fieldAccepts(kind, fieldSpec, value)) {
      throw new RangeError(
        `${name}.${key} must be ${describeField(kind, fieldSpec)}, got ${String(value)}`,
      );
    }
  }
  return merged as C;
}
