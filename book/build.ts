/**
 * `deno task book`: builds the book, a static site under `out/book/`, from the repository:
 * one page per problem (README with server-side KaTeX, highlighted sources, figures, and the
 * claims table of a fresh verify run) and an index. Offline: KaTeX's CSS and fonts and the
 * highlighting theme are copied from `node_modules`.
 *
 * Usage: `deno task book [--only 01..05]` (`--only` limits the verify run; every page is
 * still built). Writes nothing outside `out/book/`. Exits 1 when a formula does not render.
 *
 * @module
 */
import {
  parseArgs,
  parseOnly,
  problemNumbers,
  runCommand,
  UsageError,
  verifySeed,
} from "../shared/testing/mod.ts";
import { bundledPath, bundleForBrowser, staticClosure } from "./bundle.ts";
import { type CatalogEntry, mergeCatalog, parseCatalog } from "./catalog.ts";
import { figuresFor } from "./figures/mod.ts";
import { liveFiguresOf } from "./browser/live/registry.ts";
import { figureContext } from "./figures/context.ts";
import { exportedNames, renderCodeBlock } from "./highlight.ts";
import { renderMarkdown } from "./markdown.ts";
import { MathRenderError } from "./math.ts";
import { findCutTableRows, findRawMath } from "./markup_damage.ts";
import { indexPage, type NavEntry, problemPage, type ProblemPageData } from "./page.ts";
import { claimSources, findClaimLines } from "./source_index.ts";
import { type ProblemRun, runProblem } from "./verify_run.ts";

const ROOT = new URL("../", import.meta.url);
const PROBLEMS = new URL("problems/", ROOT);
const OUT = new URL("out/book/", ROOT);
/** The browser side of the "Run the checks here" panel, bundled with the problems' claims. */
const WORKER_ENTRY = "book/browser/claims_worker.ts";
const PANEL_ENTRY = "book/browser/panel.ts";
/** The page script of the interactive figures (each figure's code is a chunk it loads). */
const LIVE_ENTRY = "book/browser/live_figures.ts";
/** A message only `shared/tf/mod.ts` holds: the bundled file that has it starts tfjs. */
const TF_MARKER = "tfjs could not start its wasm backend";

async function readText(url: URL): Promise<string | null> {
  try {
    return await Deno.readTextFile(url);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

async function listDir(url: URL): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(url)) out.push(e);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The source files a page shows, in reading order: `mod.ts` and the folder's files it
 * imports, then `claims.ts` and its helpers (`claims_*.ts`), then the tests. Files nothing imports (scratch work) are left out.
 */
async function codeFileOrder(dir: URL, names: string[]): Promise<string[]> {
  const roots = ["mod.ts", "claims.ts", "mod_test.ts"].filter((n) => names.includes(n));
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = (await readText(new URL(file, dir))) ?? "";
    for (const m of text.matchAll(/from\s+["']\.\/([\w.-]+\.ts)["']/g)) {
      if (names.includes(m[1]!) && !seen.has(m[1]!)) queue.push(m[1]!);
    }
  }
  const isTest = (n: string) => n.endsWith("_test.ts") || n.endsWith("_bench.ts");
  // claims.ts and its helpers (claims_*.ts: oracles, comparisons), in that order
  const isCheck = (n: string) => /^claims(_.+)?\.ts$/.test(n);
  const impl = [...seen].filter((n) => !isTest(n) && !isCheck(n))
    .sort((a, b) => (a === "mod.ts" ? -1 : b === "mod.ts" ? 1 : a.localeCompare(b)));
  const checks = [...seen].filter(isCheck)
    .sort((a, b) => (a === "claims.ts" ? -1 : b === "claims.ts" ? 1 : a.localeCompare(b)));
  const tests = [...seen].filter(isTest)
    .sort((a, b) => (a === "mod_test.ts" ? -1 : b === "mod_test.ts" ? 1 : a.localeCompare(b)));
  return [...impl, ...checks, ...tests];
}

/** Where a link in a problem's README points in the book (null: not a book page). */
function linkResolver(folder: string, codeFiles: string[]) {
  return (href: string): string | null => {
    const [path = "", hash] = href.split("#");
    const clean = path.replace(/^\.\//, "");
    if (clean === "" && hash) return `#${hash}`;
    if (codeFiles.includes(clean)) return `#${clean}`;
    const other =
      /(?:^|\/)problems\/(\d\d_[a-z0-9_]+)\/?(?:README\.md)?$|^\.\.\/(\d\d_[a-z0-9_]+)\/?(?:README\.md)?$/
        .exec(clean);
    const target = other?.[1] ?? other?.[2];
    if (target) return `${target}.html`;
    if (/^(\.\.\/)+README\.md$/.test(clean) || clean === "../..") return "index.html";
    if (clean === "README.md" || clean === "") return `${folder}.html`;
    return null;
  };
}

async function copyDir(from: URL, to: URL, keep: (name: string) => boolean): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for (const e of await listDir(from)) {
    if (e.isFile && keep(e.name)) await Deno.copyFile(new URL(e.name, from), new URL(e.name, to));
  }
}

/** Builds the book; returns the number of pages written. */
async function build(onlyText: string | undefined): Promise<number> {
  const t0 = performance.now();
  const log = (line: string) => console.error(line);
  const only = onlyText === undefined ? undefined : parseOnly(onlyText);
  const folders = (await listDir(PROBLEMS)).filter((e) => e.isDirectory).map((e) => e.name);
  const catalog: CatalogEntry[] = mergeCatalog(
    parseCatalog((await readText(new URL("README.md", ROOT))) ?? ""),
    folders,
  );

  // 1. read every problem folder that exists, render its README (all formulas checked)
  const mathErrors: MathRenderError[] = [];
  const damaged: string[] = []; // raw math or cut table rows, found after rendering
  const pages: (ProblemPageData & { codeText: Map<string, string> })[] = [];
  for (const c of catalog) {
    const dir = new URL(`${c.folder}/`, PROBLEMS);
    const names = folders.includes(c.folder)
      ? (await listDir(dir)).filter((e) => e.isFile).map((e) => e.name)
      : [];
    const readme = names.includes("README.md") ? await readText(new URL("README.md", dir)) : null;
    const codeFiles = await codeFileOrder(dir, names);
    const codeText = new Map<string, string>();
    for (const f of codeFiles) codeText.set(f, (await readText(new URL(f, dir))) ?? "");
    let readmeHtml: string | undefined;
    let title = c.topic;
    if (readme !== null) {
      try {
        const r = renderMarkdown(
          readme,
          `problems/${c.folder}/README.md`,
          linkResolver(c.folder, codeFiles),
        );
        readmeHtml = r.html;
        title = r.title ?? title;
        for (const d of [...findRawMath(r.html), ...findCutTableRows(readme)]) {
          damaged.push(`problems/${c.folder}/README.md: ${d.kind}: ${d.excerpt}`);
        }
      } catch (e) {
        if (e instanceof MathRenderError) mathErrors.push(e);
        else throw e;
      }
    }
    const entry: NavEntry = {
      ...c,
      href: `${c.folder}.html`,
      status: readme === null ? "not-built" : "no-claims",
      title,
    };
    pages.push({ entry, readmeHtml, sources: new Map(), code: [], figures: [], codeText });
  }
  if (mathErrors.length > 0) {
    for (const e of mathErrors) console.error(`error: ${e.message}`);
    throw new Error(`${mathErrors.length} formula(s) KaTeX cannot render; the book was not built`);
  }
  if (damaged.length > 0) {
    for (const d of damaged) console.error(`error: ${d}`);
    throw new Error(
      `${damaged.length} place(s) where markdown broke a formula or a table row; the book was not built`,
    );
  }

  // 2. a fresh verify run, problem by problem
  const runs = new Map<number, ProblemRun>();
  const verifyStart = performance.now();
  for (const p of pages) {
    if (p.entry.status === "not-built" || !p.codeText.has("claims.ts")) continue;
    if (only && !only.has(p.entry.number)) {
      runs.set(p.entry.number, { number: p.entry.number, state: "skipped", results: [], ms: 0 });
      continue;
    }
    const run = await runProblem(PROBLEMS, p.entry.number, log);
    runs.set(p.entry.number, run);
  }
  const suiteMs = performance.now() - verifyStart;

  // 3. sources, anchors and figures per page
  const ctx = figureContext(ROOT, { trainMissing: true, log });
  for (const p of pages) {
    const run = runs.get(p.entry.number);
    p.run = run;
    if (run) p.entry.status = run.state;
    if (p.entry.status === "not-built") continue;
    const text = (f: string) => p.codeText.get(f) ?? "";
    const implFiles = [...p.codeText.keys()].filter((f) =>
      f !== "claims.ts" && !f.endsWith("_test.ts") && !f.endsWith("_bench.ts")
    );
    const defs = new Map<string, { file: string; line: number }>();
    for (const f of implFiles) {
      for (const e of exportedNames(text(f))) {
        if (!defs.has(e.name)) defs.set(e.name, { file: f, line: e.docLine });
      }
    }
    const ids = run?.results.map((r) => r.id) ?? [...findClaimLines(text("claims.ts")).keys()];
    p.sources = claimSources(ids, {
      claims: text("claims.ts"),
      test: text("mod_test.ts"),
      mod: implFiles.map(text).join("\n"),
    });
    // the "uses" lines must point into the right file: re-anchor by name
    const claimLines = findClaimLines(text("claims.ts"));
    p.code = [...p.codeText.keys()].map((file) => {
      const lineIds = new Map<number, string[]>();
      const add = (line: number, id: string) =>
        lineIds.set(line, [...(lineIds.get(line) ?? []), id]);
      for (const [name, d] of defs) if (d.file === file) add(d.line, `def-${name}`);
      if (file === "claims.ts") { for (const [id, line] of claimLines) add(line, `claim-${id}`); }
      return { file, html: renderCodeBlock(text(file), { anchorPrefix: file, lineIds }) };
    });
    p.figures = await figuresFor(p.entry.number, ctx);
  }

  // 4. write the site
  await Deno.remove(OUT, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  await Deno.mkdir(OUT, { recursive: true });
  const seed = verifySeed();

  // 4a. the code the pages run in the reader's browser: each problem's own claims.ts, the
  // worker that runs them and the panel's script, bundled together (shared chunks)
  const runnable = pages.filter((p) => (p.run?.results.length ?? 0) > 0);
  const browserEntries = [WORKER_ENTRY, PANEL_ENTRY, LIVE_ENTRY];
  const claimsEntry = (folder: string) => `problems/${folder}/claims.ts`;
  const bundle = await bundleForBrowser(ROOT, [
    ...browserEntries,
    ...runnable.map((p) => claimsEntry(p.entry.folder)),
  ], new URL("assets/", OUT));
  const asset = (entry: string) => `assets/${bundledPath(entry)}`;
  // which claims start tfjs when they load (the worker then keeps tfjs off WebGL first)
  const assetsDir = new URL("assets/", OUT);
  const readAsset = (path: string) => Deno.readTextFileSync(new URL(path, assetsDir));
  const tfChunks = bundle.files.filter((f) => readAsset(f.path).includes(TF_MARKER));
  for (const p of runnable) {
    const closure = staticClosure(readAsset, bundledPath(claimsEntry(p.entry.folder)));
    p.browser = {
      tfjs: tfChunks.some((f) => closure.has(f.path)),
      claims: asset(claimsEntry(p.entry.folder)),
      worker: asset(WORKER_ENTRY),
      script: asset(PANEL_ENTRY),
      seed,
    };
  }
  for (const p of pages) {
    const live = liveFiguresOf(p.entry.number);
    if (live.length > 0 && p.entry.status !== "not-built") {
      p.live = { figures: live, script: asset(LIVE_ENTRY) };
    }
  }
  const bundleBytes = bundle.files.reduce((a, f) => a + f.bytes, 0);
  log(
    `book: bundled ${runnable.length} claims files for the browser in ${
      (bundle.ms / 1000).toFixed(1)
    } s: ${(bundleBytes / 1e6).toFixed(1)} MB in ${bundle.files.length} files (largest ${
      bundle.files[0]?.path
    } ${((bundle.files[0]?.bytes ?? 0) / 1e6).toFixed(1)} MB)`,
  );

  const nav = pages.map((p) => p.entry);
  const write = (name: string, html: string) => Deno.writeTextFile(new URL(name, OUT), html);
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i]!;
    await write(p.entry.href, problemPage(p, nav, { prev: nav[i - 1], next: nav[i + 1] }));
  }
  const builtAt = new Date().toISOString().replace(/\.\d+Z$/, " UTC").replace("T", " ");
  const scores = await readText(new URL("tools/mutate/scores.json", ROOT));
  const mutation = scores === null ? undefined : JSON.parse(scores);
  await write(
    "index.html",
    indexPage(nav, runs, { seed, suiteMs, builtAt, only: onlyText, mutation }),
  );
  const katexDist = new URL("node_modules/katex/dist/", ROOT);
  await copyDir(katexDist, new URL("katex/", OUT), (n) => n === "katex.min.css");
  await copyDir(new URL("fonts/", katexDist), new URL("katex/fonts/", OUT), () => true);
  await Deno.copyFile(
    new URL("node_modules/highlight.js/styles/github.css", ROOT),
    new URL("highlight.css", OUT),
  );
  await Deno.copyFile(new URL("style.css", import.meta.url), new URL("style.css", OUT));
  await write("bundle.json", JSON.stringify(bundle, null, 2));
  await write(
    "verify.json",
    JSON.stringify({ seed, suiteMs, builtAt, problems: [...runs.values()] }, null, 2),
  );
  const results = [...runs.values()].flatMap((r) => r.results);
  const ok = results.filter((r) => r.verdict === "pass" && r.negativeControl === "rejected");
  console.error(
    `book: ${pages.length + 1} pages in out/book/ (${
      nav.filter((e) => e.status !== "not-built").length
    } of ${nav.length} problems built; ${ok.length} of ${results.length} claims verified; ` +
      `VERIFY_SEED=${seed}; verify ${(suiteMs / 1000).toFixed(1)} s; build ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s)`,
  );
  return pages.length + 1;
}

const USAGE = "usage: deno task book [--only 04|01..05|01,07]";

/**
 * Reads the book's command line, refusing what it does not take before anything is built.
 *
 * @param args the command-line arguments
 * @param available the problem numbers that exist
 * @returns the `--only` filter as given, if any
 * @throws UsageError naming the bad argument, its value and what is allowed (a bad
 *   `VERIFY_SEED` too)
 * @example
 * ```ts
 * import { readBookArgs } from "./build.ts";
 * if (readBookArgs(["--only", "01..05"], [1, 2, 3, 4, 5]) !== "01..05") throw new Error();
 * let message = "";
 * try { readBookArgs(["--only", "7"], [1, 2]); } catch (e) { message = (e as Error).message; }
 * if (message !== "--only 7: no problem 07; the problems are 01–02") throw new Error(message);
 * ```
 */
export function readBookArgs(args: readonly string[], available: number[]): string | undefined {
  const { flags, positional } = parseArgs(args, { only: "value" }, USAGE);
  if (positional.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}; ${USAGE}`);
  }
  verifySeed();
  const only = flags.get("only");
  if (typeof only !== "string") return undefined;
  parseOnly(only, available);
  return only;
}

if (import.meta.main) {
  await runCommand("book", async () => {
    const only = readBookArgs(Deno.args, await problemNumbers(PROBLEMS));
    try {
      await build(only);
    } catch (e) {
      console.error(`book: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
    return 0;
  });
}
