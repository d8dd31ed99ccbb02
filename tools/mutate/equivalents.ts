/**
 * Equivalent mutants: changes that provably cannot alter any result, listed with an
 * argument in `equivalent_mutants.json` in the folder of the mutated file. Entries are
 * matched on file, trimmed line text, operator and the expression before and after, so
 * they survive unrelated edits (no line numbers).
 *
 * @module
 */
import { type Mutant, OPERATORS } from "./operators.ts";
import { ArgumentError } from "./targets.ts";

/** The name of the per-folder list. */
export const EQUIVALENTS_FILE = "equivalent_mutants.json";

/** One entry of an equivalent-mutant list. */
export interface EquivalentEntry {
  /** Project-relative path of the mutated file. */
  file: string;
  /** The original source line, trimmed. */
  line_text: string;
  /** The operator. */
  operator: string;
  /** The expression before the change. */
  original: string;
  /** The expression after the change. */
  mutated: string;
  /** One line: why no result can change. */
  reason: string;
  /**
   * Which of several identical mutants of the file it is (1-based, in source order), for a
   * line that occurs more than once; without it the entry matches every one of them.
   */
  occurrence?: number;
}

/** An entry together with where it was read. */
export interface LocatedEntry extends EquivalentEntry {
  /** The list it came from and its index there, e.g. `shared/mdp/equivalent_mutants.json#2`. */
  source: string;
}

/**
 * Validates the parsed JSON of one list.
 *
 * @param listPath project-relative path of the list (for messages)
 * @param data its parsed content
 * @returns the entries, each with its source
 * @throws ArgumentError (one line) if the list is not an array of complete entries, or an
 *   entry names a file outside the list's folder
 * @example
 * ```ts
 * import { parseEquivalents } from "./equivalents.ts";
 * const e = parseEquivalents("shared/mdp/equivalent_mutants.json", [{
 *   file: "shared/mdp/model.ts", line_text: "x = a * 1;", operator: "arithmetic",
 *   original: "a * 1", mutated: "a / 1", reason: "dividing by 1 equals multiplying by 1",
 * }]);
 * if (e[0]?.source !== "shared/mdp/equivalent_mutants.json#0") throw new Error();
 * ```
 */
export function parseEquivalents(listPath: string, data: unknown): LocatedEntry[] {
  if (!Array.isArray(data)) {
    throw new ArgumentError(`${listPath}: expected a JSON array of entries`);
  }
  const folder = listPath.slice(0, listPath.lastIndexOf("/") + 1);
  return data.map((entry, i) => {
    const where = `${listPath}#${i}`;
    if (typeof entry !== "object" || entry === null) {
      throw new ArgumentError(`${where}: expected an object`);
    }
    const e = entry as Record<string, unknown>;
    for (const key of ["file", "line_text", "operator", "original", "mutated", "reason"]) {
      if (typeof e[key] !== "string" || (e[key] as string).trim() === "") {
        throw new ArgumentError(`${where}: "${key}" must be a non-empty string`);
      }
    }
    const file = e.file as string;
    if (!file.startsWith(folder) || file.slice(folder.length).includes("/")) {
      throw new ArgumentError(`${where}: file ${JSON.stringify(file)} is not in ${folder}`);
    }
    if (!(OPERATORS as readonly string[]).includes(e.operator as string)) {
      throw new ArgumentError(
        `${where}: operator ${JSON.stringify(e.operator)}; allowed: ${OPERATORS.join(", ")}`,
      );
    }
    if ((e.reason as string).includes("\n")) {
      throw new ArgumentError(`${where}: "reason" must be one line`);
    }
    const occurrence = e.occurrence;
    if (
      occurrence !== undefined &&
      !(typeof occurrence === "number" && Number.isInteger(occurrence) && occurrence >= 1)
    ) {
      throw new ArgumentError(`${where}: "occurrence" must be a positive integer`);
    }
    return {
      file,
      line_text: e.line_text as string,
      operator: e.operator as string,
      original: e.original as string,
      mutated: e.mutated as string,
      reason: e.reason as string,
      ...(occurrence === undefined ? {} : { occurrence }),
      source: where,
    };
  });
}

/** The identity under which a mutant and an entry are matched. */
function key(file: string, lineText: string, operator: string, original: string, mutated: string) {
  return JSON.stringify([file, lineText.trim(), operator, original, mutated]);
}

/** Result of matching mutants against the lists. */
export interface EquivalenceMatch {
  /** For each mutant index that is equivalent, the entry that says so. */
  equivalent: Map<number, LocatedEntry>;
  /** Entries (for the files examined) that matched no mutant. */
  stale: LocatedEntry[];
}

/**
 * Matches mutants against equivalent-mutant entries.
 *
 * @param mutants every mutant of the examined files (not only a sample: staleness needs all)
 * @param entries the entries of the lists of those files' folders
 * @param examined the files whose mutants were all generated; entries for other files are
 *   neither matched nor reported stale
 * @returns the equivalent mutants and the stale entries
 * @example
 * ```ts
 * import { matchEquivalents } from "./equivalents.ts";
 * import { generateMutants } from "./operators.ts";
 * const ms = generateMutants("a/m.ts", "export const y = (x: number) => x * 1;");
 * const entry = { file: "a/m.ts", line_text: "export const y = (x: number) => x * 1;",
 *   operator: "arithmetic", original: "x * 1", mutated: "x / 1", reason: "x / 1 = x * 1", source: "#0" };
 * const r = matchEquivalents(ms, [entry], new Set(["a/m.ts"]));
 * if (r.equivalent.size !== 1 || r.stale.length !== 0) throw new Error();
 * ```
 */
export function matchEquivalents(
  mutants: readonly Mutant[],
  entries: readonly LocatedEntry[],
  examined: ReadonlySet<string>,
): EquivalenceMatch {
  const byKey = new Map<string, LocatedEntry[]>();
  const examinedEntries = entries.filter((e) => examined.has(e.file));
  for (const e of examinedEntries) {
    const k = key(e.file, e.line_text, e.operator, e.original, e.mutated);
    byKey.set(k, [...(byKey.get(k) ?? []), e]);
  }
  const used = new Set<LocatedEntry>();
  const equivalent = new Map<number, LocatedEntry>();
  mutants.forEach((m, i) => {
    const e = byKey.get(key(m.file, m.lineText, m.operator, m.original, m.mutated))?.find((e) =>
      e.occurrence === undefined || e.occurrence === (m.occurrence ?? 1)
    );
    if (e) {
      equivalent.set(i, e);
      used.add(e);
    }
  });
  const stale = examinedEntries.filter((e) => !used.has(e));
  return { equivalent, stale };
}

/**
 * The entry that would declare a mutant equivalent (for copying into a list).
 *
 * @param m the mutant
 * @param reason the argument
 * @returns the entry
 * @example
 * ```ts
 * import { entryFor } from "./equivalents.ts";
 * import { generateMutants } from "./operators.ts";
 * const m = generateMutants("a/m.ts", "export const y = 2 * 3;")[0]!;
 * if (entryFor(m, "r").line_text !== "export const y = 2 * 3;") throw new Error();
 * ```
 */
export function entryFor(
  m: Pick<Mutant, "file" | "lineText" | "operator" | "original" | "mutated"> & {
    occurrence?: number;
    occurrences?: number;
  },
  reason: string,
): EquivalentEntry {
  return {
    file: m.file,
    line_text: m.lineText,
    operator: m.operator,
    original: m.original,
    mutated: m.mutated,
    reason,
    // Where the file has identical mutants, the entry names which one it argues for.
    ...((m.occurrences ?? 1) > 1 ? { occurrence: m.occurrence ?? 1 } : {}),
  };
}
