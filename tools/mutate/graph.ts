/**
 * The project's import graph, read from each file's import and export-from specifiers
 * (TypeScript's `preProcessFile`), and the reverse question the runner asks for every
 * mutated file: which claims, test files and doc blocks can see it.
 *
 * Reading the specifiers in-process gives the same local edges as `deno info --json`
 * (the project imports its own files by relative path and packages through the import
 * map) without a subprocess per file; doc blocks, which `deno info` cannot see, are read
 * the same way from the TypeScript code fences of JSDoc and Markdown.
 *
 * @module
 */
import ts from "typescript";

/** Local files imported by a file, resolved to project-relative paths. */
export type ImportGraph = Map<string, string[]>;

/**
 * The local (relative) import specifiers of TypeScript source, resolved against the
 * importing file's folder.
 *
 * @param path project-relative path of the importing file
 * @param source its text (or the text of its doc blocks)
 * @returns resolved project-relative paths of imported `.ts` files
 * @example
 * ```ts
 * import { localImports } from "./graph.ts";
 * const src = 'import { a } from "../../shared/mdp/mod.ts";\nexport * from "./b.ts";\nimport fc from "fast-check";';
 * if (localImports("problems/04_x/mod.ts", src).join() !== "shared/mdp/mod.ts,problems/04_x/b.ts") {
 *   throw new Error();
 * }
 * ```
 */
export function localImports(path: string, source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  const out: string[] = [];
  for (const f of info.importedFiles) {
    if (!f.fileName.startsWith("./") && !f.fileName.startsWith("../")) continue;
    const resolved = resolve(path, f.fileName);
    if (resolved !== undefined && !out.includes(resolved)) out.push(resolved);
  }
  return out;
}

/**
 * The code of the TypeScript fences (`ts` or `typescript`) in a text, with JSDoc's leading
 * ` * ` removed; fences marked `ignore` are left out, as `deno test --doc` leaves them out.
 *
 * @param text a Markdown file or a TypeScript file's source
 * @param jsdoc whether the text is TypeScript, whose blocks sit in JSDoc behind ` * `
 * @returns the blocks' code
 * @example
 * ```ts
 * import { docBlocks } from "./graph.ts";
 * const f = "\u0060".repeat(3); // a fence, spelled so that it does not end this example
 * const md = `# T\n\n${f}ts\nconst x = 1;\n${f}\n\n${f}ts ignore\nno();\n${f}\n`;
 * if (docBlocks(md).join("|") !== "const x = 1;") throw new Error();
 * ```
 */
export function docBlocks(text: string, jsdoc = false): string[] {
  const lines = jsdoc ? text.split("\n").map((l) => l.replace(/^\s*\*\s?/, "")) : text.split("\n");
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const fence = /^\s*```(.*)$/.exec(line);
    if (fence && current === undefined) {
      const info = fence[1]!.trim().split(/\s+/);
      current = ["ts", "typescript"].includes(info[0] ?? "") && !info.includes("ignore")
        ? []
        : undefined;
      if (current === undefined) {
        // Not a ts block: skip to its closing fence.
        current = ["__skip__"];
      }
    } else if (fence && current !== undefined) {
      if (current[0] !== "__skip__") blocks.push(current.join("\n"));
      current = undefined;
    } else if (current !== undefined && current[0] !== "__skip__") {
      current.push(line);
    }
  }
  return blocks;
}

/**
 * Builds the import graph of the given files. A doc-bearing file gets a second node,
 * `doc:<path>`, whose edges are the imports of its doc blocks (and, for a `.ts` file,
 * the file itself).
 *
 * @param files project-relative path to text, for every `.ts` and `.md` file
 * @returns the graph
 * @example
 * ```ts
 * import { buildGraph } from "./graph.ts";
 * const g = buildGraph(new Map([["a/b.ts", 'import "./c.ts";'], ["a/c.ts", ""]]));
 * if (g.get("a/b.ts")?.join() !== "a/c.ts") throw new Error();
 * ```
 */
export function buildGraph(files: ReadonlyMap<string, string>): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const [path, text] of files) {
    if (path.endsWith(".ts")) graph.set(path, localImports(path, text));
    const blocks = docBlocks(text, path.endsWith(".ts"));
    if (blocks.length > 0) {
      const edges = blocks.flatMap((b) => localImports(path, b));
      if (path.endsWith(".ts")) edges.push(path);
      graph.set(`doc:${path}`, [...new Set(edges)]);
    }
  }
  return graph;
}

/**
 * Every node reachable from `root` (including it).
 *
 * @param graph the import graph
 * @param root the starting node
 * @returns the reachable set
 * @example
 * ```ts
 * import { reachable } from "./graph.ts";
 * const g = new Map([["a", ["b"]], ["b", ["c"]], ["c", []]]);
 * if ([...reachable(g, "a")].sort().join() !== "a,b,c") throw new Error();
 * ```
 */
export function reachable(graph: ImportGraph, root: string): Set<string> {
  const seen = new Set<string>([root]);
  const stack = [root];
  while (stack.length > 0) {
    for (const next of graph.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

/** What depends on one mutated file. */
export interface Dependents {
  /** Problems whose `claims.ts` imports the file (directly or not): their claims run first. */
  claimProblems: number[];
  /** Test files (`*_test.ts`) that import it. */
  testFiles: string[];
  /** Files whose doc blocks import it (`.ts` files with examples, READMEs). */
  docFiles: string[];
}

/**
 * For each target, the claims, tests and doc blocks that can observe a change to it.
 *
 * @param graph the import graph
 * @param targets the mutated files
 * @returns dependents per target
 * @example
 * ```ts
 * import { buildGraph, dependentsOf } from "./graph.ts";
 * const g = buildGraph(new Map([
 *   ["problems/04_x/mod.ts", "export const a = 1;"],
 *   ["problems/04_x/claims.ts", 'import "./mod.ts";'],
 *   ["problems/04_x/mod_test.ts", 'import "./claims.ts";'],
 * ]));
 * const d = dependentsOf(g, ["problems/04_x/mod.ts"]).get("problems/04_x/mod.ts")!;
 * if (d.claimProblems.join() !== "4" || d.testFiles.join() !== "problems/04_x/mod_test.ts") {
 *   throw new Error();
 * }
 * ```
 */
export function dependentsOf(
  graph: ImportGraph,
  targets: readonly string[],
): Map<string, Dependents> {
  const out = new Map<string, Dependents>();
  for (const t of targets) out.set(t, { claimProblems: [], testFiles: [], docFiles: [] });
  for (const node of [...graph.keys()].sort()) {
    const seen = reachable(graph, node);
    const claims = /^problems\/(\d\d)_[^/]+\/claims\.ts$/.exec(node);
    for (const t of targets) {
      if (!seen.has(t)) continue;
      const d = out.get(t)!;
      if (claims) d.claimProblems.push(Number(claims[1]));
      else if (node.startsWith("doc:")) d.docFiles.push(node.slice(4));
      else if (node.endsWith("_test.ts") && !node.startsWith("tools/")) d.testFiles.push(node);
    }
  }
  return out;
}

function resolve(from: string, specifier: string): string | undefined {
  const parts = from.split("/").slice(0, -1);
  for (const seg of specifier.split("/")) {
    if (seg === "." || seg === "") continue;
    if (seg === "..") {
      if (parts.length === 0) return undefined; // outside the project
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join("/");
}
