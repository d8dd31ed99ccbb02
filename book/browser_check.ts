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
  problems: { number: number; state: string; results: unknown[] }[];
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
