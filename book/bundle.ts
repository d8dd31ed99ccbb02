/**
 * Bundles the code the book runs in the reader's browser: each problem's own `claims.ts`,
 * the Web Worker that runs them, the page script of the panel, and the interactive figures.
 * One `deno bundle --platform browser --code-splitting` call over all of them, so the
 * libraries (fast-check, mathjs, tfjs with its wasm binaries inlined as bytes, Plot) are
 * shared chunks that a browser fetches once, and the worker and the claims it imports share
 * one instance of the suite's host (the seed).
 *
 * @module
 */

/** One file the bundler wrote. */
export interface BundleFile {
  /** Path under the assets folder, e.g. `problems/01_bellman/claims.js`. */
  path: string;
  /** Size in bytes. */
  bytes: number;
}

/** What one bundling run produced. */
export interface BundleReport {
  /** Every file written, largest first. */
  files: BundleFile[];
  /** Wall time of the bundler, in milliseconds. */
  ms: number;
}

/**
 * Where the bundler puts the output of an entry file: its path from the repository root
 * with `.ts` replaced by `.js` (the entries' common folder is the root).
 *
 * @param entry an entry's path from the repository root
 * @returns its output path under the assets folder
 * @example
 * ```ts
 * import { bundledPath } from "./bundle.ts";
 * if (bundledPath("problems/01_bellman/claims.ts") !== "problems/01_bellman/claims.js") throw new Error();
 * ```
 */
export function bundledPath(entry: string): string {
  return entry.replace(/\.ts$/, ".js");
}

async function listFiles(dir: URL, prefix = ""): Promise<BundleFile[]> {
  const out: BundleFile[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) {
      out.push(...await listFiles(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`));
    } else if (e.isFile) {
      out.push({ path: `${prefix}${e.name}`, bytes: (await Deno.stat(new URL(e.name, dir))).size });
    }
  }
  return out;
}

/**
 * Runs the bundler over the entries.
 *
 * @param root URL of the repository root (with a trailing slash); entries are relative to it
 * @param entries entry files, relative to the root; their outputs keep these paths (see
 *   {@link bundledPath}) because the entries' common folder is the root (they lie under both
 *   `book/` and `problems/`)
 * @param outDir the assets folder to write (emptied first)
 * @returns the files written and the time taken
 * @throws Error with the bundler's message when it fails
 * @example
 * ```ts ignore
 * const root = new URL("../", import.meta.url);
 * const report = await bundleForBrowser(root, ["book/browser/claims_worker.ts"], new URL("out/x/", root));
 * ```
 */
export async function bundleForBrowser(
  root: URL,
  entries: readonly string[],
  outDir: URL,
): Promise<BundleReport> {
  await Deno.remove(outDir, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  const t0 = performance.now();
  const command = new Deno.Command(Deno.execPath(), {
    cwd: root,
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--code-splitting",
      "--minify",
      // error names and function names reach the reader in messages: keep them as written
      "--keep-names",
      "--outdir",
      outDir.pathname,
      ...entries,
    ],
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stderr } = await command.output();
  const ms = performance.now() - t0;
  if (code !== 0) {
    throw new Error(
      `deno bundle failed (exit ${code}): ${new TextDecoder().decode(stderr).trim()}`,
    );
  }
  const files = (await listFiles(outDir)).sort((a, b) => b.bytes - a.bytes);
  for (const entry of entries) {
    if (!files.some((f) => f.path === bundledPath(entry))) {
      throw new Error(`deno bundle wrote no ${bundledPath(entry)} for ${entry}`);
    }
  }
  return { files, ms };
}

/**
 * The bundled files a bundled module loads before it runs: its static imports, followed to
 * the end (dynamic `import()` calls are not followed: they load later, when called).
 *
 * @param read the text of a bundled file by its path under the assets folder
 * @param path the module's path under the assets folder
 * @returns the paths of the module and everything it statically imports
 * @example
 * ```ts
 * import { staticClosure } from "./bundle.ts";
 * const files: Record<string, string> = {
 *   "p/claims.js": 'import{a}from"../chunk-A.js";import"../chunk-B.js";',
 *   "chunk-A.js": 'import{b}from"./chunk-C.js";const x=import("./chunk-D.js");',
 *   "chunk-B.js": "", "chunk-C.js": "", "chunk-D.js": "",
 * };
 * const seen = staticClosure((p) => files[p]!, "p/claims.js");
 * if ([...seen].sort().join() !== "chunk-A.js,chunk-B.js,chunk-C.js,p/claims.js") throw new Error([...seen].join());
 * ```
 */
export function staticClosure(read: (path: string) => string, path: string): Set<string> {
  const seen = new Set<string>();
  const queue = [path];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    // `from"./x.js"` and bare `import"./x.js"`, but not `import("./x.js")`
    for (const m of read(file).matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      const resolved = new URL(m[1]!, `file:///${file}`).pathname.slice(1);
      queue.push(resolved);
    }
  }
  return seen;
}
