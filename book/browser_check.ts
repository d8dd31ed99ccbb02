/**
 * The book in a real browser: headless Chromium (Debian's package) driven by
 * playwright-core loads every page of `out/book/` (build it first with `deno task book`),
 * and checks that nothing logs an error, no formula became a KaTeX error node, KaTeX's
 * fonts loaded, and each built problem page has its math, code and claims table, while a
 * problem not yet built says so and shows no verdict. Screenshots of the index and of one
 * problem page go to `out/book/screenshots/`.
 *
 * Run with `deno task book:test` (not part of `deno task test`: it needs the browser).
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Browser, chromium, type Page } from "playwright-core";
import type { ClaimResult } from "../shared/testing/mod.ts";
import { compareRuns, EXACT, type RunTolerance } from "./compare_runs.ts";
import { serveFolder } from "./serve.ts";

const OUT = new URL("../out/book/", import.meta.url);
const SHOTS = new URL("screenshots/", OUT);
const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
// the network is closed: no sandbox (root in a container), no GPU, no background traffic
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];
// playwright keeps pipes and timers open across tests; the browser is closed in the last test
const opts = { sanitizeResources: false, sanitizeOps: false };

interface VerifyFile {
  seed: number;
  problems: { number: number; state: string; results: ClaimResult[] }[];
}

const pages: string[] = [];
for (const e of Deno.readDirSync(OUT)) {
  if (e.isFile && /^(\d\d_[a-z0-9_]+|index)\.html$/.test(e.name)) pages.push(e.name);
}
pages.sort();
assert.ok(pages.includes("index.html"), "out/book/index.html is missing: run `deno task book`");
const verify = JSON.parse(Deno.readTextFileSync(new URL("verify.json", OUT))) as VerifyFile;
const runs = new Map(verify.problems.map((p) => [p.number, p]));

const server = serveFolder(OUT);
let browser: Browser | undefined;

/** Opens a page, collecting console errors, page errors and failed requests. */
async function open(name: string, viewport = { width: 1280, height: 900 }) {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const page: Page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(server.url + name, { waitUntil: "load" });
  assert.equal(response?.status(), 200, `${name} was not served`);
  // the DOM is not in Deno's type library: browser-side code is passed as text
  await page.evaluate("document.fonts.ready.then(() => true)");
  return { page, errors };
}

/**
 * Browser-side: the README's own text runs (outside KaTeX output and code) that hold a `$`, a
 * TeX command or a stray backtick, i.e. a formula or a code span that markdown broke apart.
 */
const RAW_MARKUP = `(() => {
  const root = document.querySelector("article.readme");
  if (!root) return [];
  const copy = root.cloneNode(true);
  copy.querySelectorAll(".katex, .katex-display, pre, code").forEach((e) => e.remove());
  const found = [];
  copy.querySelectorAll("p, li, td, th, h1, h2, h3, h4, h5, h6, blockquote").forEach((el) => {
    let own = "";
    el.childNodes.forEach((n) => { if (n.nodeType === 3) own += n.textContent; });
    if (own.includes("$") || own.includes("\x60") || /\\\\[A-Za-z]{2,}/.test(own)) {
      found.push(own.trim().slice(0, 80));
    }
  });
  return found;
})()`;

/** Counts elements matching a selector. */
function count(page: Page, selector: string): Promise<number> {
  return page.locator(selector).count();
}

Deno.test(
  "book index lists every problem with its verdicts, the suite time and the seed",
  opts,
  async () => {
    const { page, errors } = await open("index.html");
    const rows = await count(page, "table.index-table tbody tr");
    assert.equal(rows, pages.length - 1, "one index row per problem page");
    const summary = await page.locator(".summary").innerText();
    assert.match(summary, /suite time\s+[\d.]+ s/i);
    assert.match(summary, /VERIFY_SEED=\d+/);
    // a problem that has no run must never show a verdict chip
    for (const tr of await page.locator("table.index-table tbody tr").all()) {
      const num = Number(await tr.locator("td.num").innerText());
      const chips = await tr.locator(".chip.v-ok").count();
      if (!runs.has(num)) {
        assert.equal(chips, 0, `problem ${num} is not run but shows a passing chip`);
        assert.match(await tr.innerText(), /not yet built|no claims yet/);
      }
    }
    await Deno.mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: new URL("index.png", SHOTS).pathname, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  },
);

for (const name of pages.filter((p) => p !== "index.html")) {
  const number = Number(name.slice(0, 2));
  Deno.test(
    `book page ${name} renders its math, code and claims without errors`,
    opts,
    async () => {
      const { page, errors } = await open(name);
      assert.equal(await count(page, ".katex-error"), 0, "KaTeX error nodes");
      // ids are unique (a README heading must not shadow the book's own sections)
      const ids = await page.locator("[id]").evaluateAll((els) => els.map((e) => e.id));
      const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
      assert.deepEqual([...new Set(dup)], [], "duplicate ids");
      const run = runs.get(number);
      if (!run) {
        // not yet built (or no claims file): it says so, and shows no verdict
        assert.match(
          await page.locator(".problem-head").innerText(),
          /not yet built|no claims yet/,
        );
        assert.equal(
          await count(page, ".chip.v-ok, .badge.v-ok"),
          0,
          "a verdict on an unbuilt page",
        );
      } else {
        assert.ok((await count(page, "article.readme .katex")) > 0, "no rendered math");
        assert.deepEqual(await page.evaluate(RAW_MARKUP), [], "raw math or a cut code span");
        assert.ok(await page.evaluate('document.fonts.check("16px KaTeX_Main")'), "KaTeX font");
        assert.ok((await count(page, "pre.code-file .line")) > 0, "no highlighted code");
        assert.ok(
          (await count(page, "pre.code-file .hljs-keyword")) > 0,
          "code is not highlighted",
        );
        if (run.results.length > 0) {
          const rows = await count(page, "table.claims-table tbody tr");
          assert.equal(rows, run.results.length, "one claims-table row per claim");
          // the run panel: its script loaded (it enables Run), one row per claim
          await page.waitForSelector("section.run-here[data-state=ready]", { timeout: 10_000 });
          assert.equal(await count(page, "table.run-table tbody tr"), run.results.length);
          assert.equal(
            await page.locator("section.run-here input[name=seed]").inputValue(),
            String(verify.seed),
            "the seed field starts at the book's seed",
          );
          // every link from a claim to its check, tests and definitions lands on an element
          for (const link of await page.locator("table.claims-table .links a").all()) {
            const hash = (await link.getAttribute("href")) ?? "";
            const id = decodeURIComponent(hash.slice(1));
            assert.equal(await count(page, `[id="${id}"]`), 1, `link ${hash} has no target`);
          }
        }
      }
      // figures: either an inline SVG or a note saying how to get the data
      for (const fig of await page.locator("figure.plot").all()) {
        const hasSvg = (await fig.locator("svg").count()) > 0;
        const note = await fig.locator(".missing-note").count();
        assert.ok(hasSvg || note > 0, "a figure with neither picture nor note");
      }
      assert.deepEqual(errors, []);
      await page.close();
    },
  );
}

// ---- the "Run the checks here" panel, compared with the command line ----

/**
 * tfjs claims: the browser's wasm backend may run another binary than Deno's (SIMD without
 * threads unless the page is cross-origin isolated), whose float32 kernels may sum in another
 * order; a worst margin may then move by float32 rounding accumulated over training, far
 * below 1e-3 of its size. Texts with numbers in them are not compared; everything else is.
 */
const TFJS: RunTolerance = { margin: 1e-3, sameText: false };

/** One problem of each kind of check, compared exactly unless its backend may differ. */
const PANEL_RUNS: { number: number; kind: string; tolerance: RunTolerance }[] = [
  { number: 4, kind: "exact enumeration and rationals", tolerance: EXACT },
  { number: 23, kind: "Monte Carlo", tolerance: EXACT },
  { number: 2, kind: "fast-check properties", tolerance: EXACT },
  { number: 12, kind: "tfjs training", tolerance: TFJS },
];
/** The seed of the run that is not the book's: `BOOK_TEST_SEED`, else 123456. */
const OTHER_SEED = Number(Deno.env.get("BOOK_TEST_SEED") ?? 123456);
/** `BOOK_TEST_ALL=1`: every problem's panel, compared with one command-line run of the suite. */
const ALL = Deno.env.get("BOOK_TEST_ALL") === "1";
const ROOT = new URL("../", import.meta.url);
const browserTimes: Record<string, { seed: number; ms: number; claims: number }> = {};

/** `deno task verify --json` (as the task runs it) with a seed, for the given problems. */
async function cliRun(seed: number, only?: number[]): Promise<ClaimResult[]> {
  const args = ["run", "--allow-read", "--allow-env", "main.ts", "--json"];
  if (only) args.push("--only", only.map((n) => String(n).padStart(2, "0")).join(","));
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { VERIFY_SEED: String(seed) },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(text.trim().startsWith("["), `verify --json printed no JSON: ${text.slice(0, 200)}`);
  return JSON.parse(text) as ClaimResult[];
}

function pageOf(number: number): string {
  const name = pages.find((p) => p.startsWith(`${String(number).padStart(2, "0")}_`));
  assert.ok(name, `no page for problem ${number}`);
  return name;
}

/** Runs a page's panel with a seed to the end; returns its JSON results and the time. */
async function runPanel(number: number, seed: number) {
  const { page, errors } = await open(pageOf(number));
  const panel = page.locator("section.run-here");
  await page.waitForSelector("section.run-here[data-state=ready]", { timeout: 10_000 });
  await panel.locator("input[name=seed]").fill(String(seed));
  const t0 = performance.now();
  await panel.locator("button.run").click();
  await page.waitForSelector(
    "section.run-here[data-state=done], section.run-here[data-state=error]",
    { timeout: 300_000 },
  );
  const ms = performance.now() - t0;
  assert.equal(
    await panel.getAttribute("data-state"),
    "done",
    await panel.locator(".run-status").innerText(),
  );
  const results = JSON.parse(
    (await panel.locator(".run-json pre").textContent()) ?? "[]",
  ) as ClaimResult[];
  browserTimes[String(number).padStart(2, "0")] = { seed, ms, claims: results.length };
  return { page, errors, panel, results, ms };
}

/** Asserts the browser's results are the command line's, within the tolerance. */
function assertSameRun(
  what: string,
  cli: ClaimResult[],
  browser: ClaimResult[],
  tolerance: RunTolerance,
) {
  assert.ok(cli.length > 0, `${what}: the command line ran no claims`);
  assert.deepEqual(compareRuns(cli, browser, tolerance), [], what);
}

for (const { number, kind, tolerance } of ALL ? [] : PANEL_RUNS) {
  Deno.test(
    `book panel of problem ${number} (${kind}) gives the command line's verdicts, cases and margins`,
    opts,
    async () => {
      const seed = verify.seed;
      // one after the other, so that the browser's time is its own
      const cli = await cliRun(seed, [number]);
      const run = await runPanel(number, seed);
      assertSameRun(`problem ${number}, seed ${seed}`, cli, run.results, tolerance);
      // what the reader sees: a verdict, evidence and a rejection in every row
      const rows = run.panel.locator("table.run-table tbody tr");
      assert.equal(await rows.count(), cli.length);
      for (const tr of await rows.all()) {
        assert.match(await tr.locator("td.state").innerText(), /^(pass|FAIL)$/);
        assert.match(await tr.locator("td.evidence").innerText(), /\bcases?\b|Error/);
        assert.ok((await tr.locator("td.control pre.rejection").innerText()).length > 0);
      }
      assert.match(await run.panel.locator(".run-status").innerText(), /claims verified in/);
      if (number === PANEL_RUNS[0]!.number) {
        await Deno.mkdir(SHOTS, { recursive: true });
        await run.panel.screenshot({ path: new URL("panel.png", SHOTS).pathname });
      }
      assert.deepEqual(run.errors, []);
      await run.page.close();
    },
  );
}

Deno.test(
  "book panel with a seed other than the book's gives the command line's results for that seed",
  opts,
  async () => {
    const seed = OTHER_SEED === verify.seed ? OTHER_SEED + 1 : OTHER_SEED;
    const cli = await cliRun(seed, [3]);
    const run = await runPanel(3, seed);
    assertSameRun(`problem 3, seed ${seed}`, cli, run.results, EXACT);
    // a different seed means different cases: the claim seeds are not the book's
    const book = runs.get(3)!.results;
    assert.notEqual(run.results[0]!.seed, book[0]!.seed, "the seed field did not reach the claims");
    assert.match(await run.panel.locator(".run-status").innerText(), new RegExp(`^Seed ${seed}:`));
    assert.deepEqual(run.errors, []);
    await run.page.close();
  },
);

if (ALL) {
  Deno.test("book panels of every problem give the command line's results", opts, async () => {
    const cli = await cliRun(verify.seed);
    const failures: string[] = [];
    for (const p of verify.problems.filter((p) => p.results.length > 0)) {
      const run = await runPanel(p.number, verify.seed);
      const tolerance = PANEL_RUNS.find((r) => r.number === p.number)?.tolerance ??
        (await run.panel.getAttribute("data-tfjs") === "true" ? TFJS : EXACT);
      failures.push(
        ...compareRuns(cli.filter((r) => r.problem === p.number), run.results, tolerance),
      );
      failures.push(...run.errors.map((e) => `problem ${p.number}: ${e}`));
      console.log(`problem ${p.number}: ${(run.ms / 1000).toFixed(1)} s in the browser`);
      await run.page.close();
    }
    assert.deepEqual(failures, []);
  });
}

Deno.test(
  "book panel refuses a malformed seed in one line and can be cancelled",
  opts,
  async () => {
    const { page, errors } = await open(pageOf(12));
    const panel = page.locator("section.run-here");
    await page.waitForSelector("section.run-here[data-state=ready]", { timeout: 10_000 });
    await panel.locator("input[name=seed]").fill("12x");
    await panel.locator("button.run").click();
    await page.waitForSelector("section.run-here[data-state=error]", { timeout: 30_000 });
    assert.equal(
      await panel.locator(".run-status").innerText(),
      'the seed field must be an integer from 0 to 4294967295, got "12x"',
    );
    await panel.locator("input[name=seed]").fill(String(verify.seed));
    await panel.locator("button.run").click();
    await page.waitForSelector("section.run-here tr[data-phase=running]", { timeout: 60_000 });
    await panel.locator("button.cancel").click();
    assert.equal(await panel.getAttribute("data-state"), "cancelled");
    assert.match(await panel.locator(".run-status").innerText(), /^Cancelled after /);
    assert.equal(await count(page, "section.run-here tr[data-phase=running]"), 0);
    assert.ok(await panel.locator("button.run").isEnabled(), "Run is available again");
    assert.deepEqual(errors, []);
    await page.close();
  },
);

// ---- interactive figures: move the control, the picture and its numbers follow ----

/** Each live figure, a value to move its slider to, and what its readout must then say. */
const LIVE_CHECKS: { problem: number; id: string; to: string; check(readout: string): void }[] = [
  {
    problem: 14,
    id: "14-clip",
    to: "0.5",
    check(readout) {
      assert.match(readout, /^ε = 0\.50: with A = 1 the objective is flat for ℓ > 1\.50; /);
      assert.match(readout, /with A = −1 it is flat for ℓ < 0\.50;/);
    },
  },
  {
    problem: 2,
    id: "02-contraction",
    to: "0.5",
    check(readout) {
      const m =
        /^γ = 0\.50: largest sup-norm ratio ([\d.]+) ≤ γ; largest 2-norm ratio ([\d.]+), (\d+) of/
          .exec(readout);
      assert.ok(m, readout);
      assert.ok(Number(m[1]) <= 0.5, `sup-norm ratio ${m[1]} above γ = 0.5`);
      // the funnel MDP's 2-norm ratio is γ√3 (shown to three decimals)
      assert.ok(Number(m[2]) >= 0.5 * Math.sqrt(3) - 5e-4, `2-norm ratio ${m[2]} below γ√3`);
      assert.ok(Number(m[3]) >= 1, "no 2-norm ratio above γ");
    },
  },
  {
    problem: 21,
    id: "21-logit-spread",
    to: "6",
    check(readout) {
      const m =
        /^d_K = 64: A₀₁ unscaled: sample std ([\d.]+) \(exact not enumerated\); A₀₁ \/ √d_K: sample std ([\d.]+)/
          .exec(readout);
      assert.ok(m, readout);
      // 1500 draws: the sample std is within a few percent of √d_K = 8 and of 1
      assert.ok(Math.abs(Number(m[1]) / 8 - 1) < 0.1, `unscaled std ${m[1]}, expected about 8`);
      assert.ok(Math.abs(Number(m[2]) - 1) < 0.1, `scaled std ${m[2]}, expected about 1`);
    },
  },
  {
    problem: 26,
    id: "26-octagon",
    to: "67.5",
    check(readout) {
      const m =
        /^v at 67\.5°, ‖v‖ = [\d.]+: ℓ1 distance to \(½, ½, 0, …\) ([\d.]+); sup distance to \(½, 0, ½, 0, …\) ([\d.]+)/
          .exec(readout);
      assert.ok(m, readout);
      assert.ok(Number(m[1]) <= 0.01, `ℓ1 distance ${m[1]} on the bisector, claimed ≤ ε = 0.01`);
      assert.ok(Number(m[2]) >= 0.25, `sup distance ${m[2]} below ¼`);
    },
  },
];

for (const { problem, id, to, check } of LIVE_CHECKS) {
  Deno.test(
    `book figure ${id} redraws from the problem's functions when its control moves`,
    opts,
    async () => {
      const { page, errors } = await open(pageOf(problem));
      const figure = page.locator(`#fig-${id}`);
      await page.waitForSelector(`#fig-${id}[data-state=ready], #fig-${id}[data-state=error]`, {
        timeout: 60_000,
      });
      assert.equal(await figure.getAttribute("data-state"), "ready", await figure.innerText());
      const body = figure.locator(".live-body");
      const svgBefore = await body.locator("svg").last().evaluate((e) => e.outerHTML);
      const readoutBefore = await body.locator(".live-readout").innerText();
      const drawn = Number(await body.getAttribute("data-drawn"));
      await body.locator("input[type=range]").fill(to);
      await page.waitForSelector(`#fig-${id} .live-body[data-drawn="${drawn + 1}"]`, {
        timeout: 30_000,
      });
      const readout = await body.locator(".live-readout").innerText();
      assert.notEqual(readout, readoutBefore, "the readout did not change");
      assert.notEqual(
        await body.locator("svg").last().evaluate((e) => e.outerHTML),
        svgBefore,
        "the picture did not change",
      );
      check(readout);
      await Deno.mkdir(SHOTS, { recursive: true });
      await figure.screenshot({ path: new URL(`figure-${id}.png`, SHOTS).pathname });
      assert.deepEqual(errors, []);
      await page.close();
    },
  );
}

Deno.test("book panel times are saved", opts, async () => {
  await Deno.mkdir(SHOTS, { recursive: true });
  await Deno.writeTextFile(
    new URL("panel_times.json", SHOTS),
    JSON.stringify(browserTimes, null, 2),
  );
  for (const [n, t] of Object.entries(browserTimes)) {
    console.log(
      `problem ${n}: ${t.claims} claims in ${(t.ms / 1000).toFixed(1)} s (seed ${t.seed})`,
    );
  }
});

Deno.test("book screenshots of a problem page", opts, async () => {
  // prefer a page with pictures, else the first verified page
  const withFigures = [15, 19, 27, 10, 23, 16, 17, 18].find((n) =>
    runs.get(n)?.state === "verified"
  );
  const number = withFigures ?? [...runs.values()].find((r) => r.state === "verified")?.number ?? 1;
  const name = pages.find((p) => p.startsWith(String(number).padStart(2, "0")))!;
  const { page, errors } = await open(name);
  await page.screenshot({ path: new URL("problem.png", SHOTS).pathname });
  for (
    const [id, file] of [
      ["book-claims", "problem-claims.png"],
      ["book-pictures", "problem-figures.png"],
    ] as const
  ) {
    const section = page.locator(`section:has(> h2#${id})`);
    if ((await section.count()) > 0) {
      await section.screenshot({ path: new URL(file, SHOTS).pathname });
    }
  }
  await page.locator("#book-code").scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL("problem-code.png", SHOTS).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});

Deno.test("book browser closes", opts, async () => {
  await browser?.close();
  await server.close();
});
