/**
 * HTML templates of the book: the common layout with the problem list beside the text,
 * a problem page, and the index.
 *
 * @module
 */
import type { ClaimResult } from "../shared/testing/mod.ts";
import type { CatalogEntry } from "./catalog.ts";
import type { Figure } from "./figures/types.ts";
import type { LiveFigure } from "./browser/live/registry.ts";
import { escapeHtml as esc } from "./highlight.ts";
import { formatMargin, formatMs } from "./browser/format.ts";
import type { ClaimSources } from "./source_index.ts";
import { isVerified, type ProblemRun } from "./verify_run.ts";

/** The state of one problem as the book shows it. */
export type ProblemStatus = ProblemRun["state"] | "not-built";

/** A problem as listed in the navigation and on the index. */
export interface NavEntry extends CatalogEntry {
  /** Its page, e.g. `01_bellman.html`. */
  href: string;
  /** Its state in this build. */
  status: ProblemStatus;
  /** Its title (the README's first heading, else the topic). */
  title: string;
}

/** Everything one problem page shows. */
export interface ProblemPageData {
  /** The problem. */
  entry: NavEntry;
  /** The README rendered to HTML (absent when the folder has none yet). */
  readmeHtml?: string;
  /** The fresh verify run of its claims. */
  run?: ProblemRun;
  /** Where each claim is registered, tested, and what it uses. */
  sources: Map<string, ClaimSources>;
  /** Highlighted source files: name and rendered block, in display order. */
  code: { file: string; html: string }[];
  /** The problem's pictures. */
  figures: Figure[];
  /** The claims bundled for the browser, when they were (the page then gets the run panel). */
  browser?: BrowserRun;
  /** Interactive figures and the bundled script that draws them. */
  live?: { figures: readonly LiveFigure[]; script: string };
}

/** Where a page finds what its "Run the checks here" panel runs, relative to the page. */
export interface BrowserRun {
  /** The problem's bundled `claims.ts`. */
  claims: string;
  /** The bundled worker that runs them. */
  worker: string;
  /** The bundled page script of the panel. */
  script: string;
  /** The book's seed: the seed field's default. */
  seed: number;
  /** Whether the claims start tfjs when they load. */
  tfjs: boolean;
}

/** Summary of the whole build for the index. */
export interface BookSummary {
  /** The value of `VERIFY_SEED` used. */
  seed: number;
  /** Wall time of the whole verify run, in milliseconds. */
  suiteMs: number;
  /** When the book was built (ISO time). */
  builtAt: string;
  /** The `--only` filter of this build, if any. */
  only?: string;
  /**
   * Mutation scores by group (`"04"`, `"shared/mdp"`, `"all"`) from the committed table of
   * `deno task mutate:record`, and when it was recorded; absent if there is none.
   */
  mutation?: { recorded: string; groups: Record<string, MutationScore> };
}

/** A group's mutation score: mutants judged and the fractions killed. */
export interface MutationScore {
  /** Non-equivalent, valid mutants judged. */
  judged: number;
  /** Fraction killed by the whole suite (claims, unit tests, doc blocks). */
  suite: number;
  /** Fraction killed by the claims alone. */
  claims: number;
}

/** `93% / 88% of 40`, or an empty string when the group has no judged mutants. */
function mutationCell(score: MutationScore | undefined): string {
  if (!score || score.judged === 0) return "";
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  return `${pct(score.suite)} / ${pct(score.claims)} <span class="of">of ${score.judged}</span>`;
}

const STATUS_LABEL: Record<ProblemStatus, string> = {
  "verified": "verified",
  "failing": "failing",
  "no-claims": "no claims yet",
  "load-error": "claims do not load",
  "skipped": "not run in this build",
  "not-built": "not yet built",
};

/**
 * The label the book prints for a problem's state.
 *
 * @param status the state
 * @returns its label
 * @example
 * ```ts
 * import { statusLabel } from "./page.ts";
 * if (statusLabel("not-built") !== "not yet built") throw new Error();
 * ```
 */
export function statusLabel(status: ProblemStatus): string {
  return STATUS_LABEL[status];
}

/**
 * The whole HTML document around a page's main content.
 *
 * @param title the page title
 * @param nav all problems, for the side list
 * @param current the href of this page (marked in the list)
 * @param main the page's main HTML
 * @returns the document
 * @example
 * ```ts
 * import { layout } from "./page.ts";
 * const html = layout("T", [], "index.html", "<p>x</p>");
 * if (!html.startsWith("<!doctype html>") || !html.includes("katex.min.css")) throw new Error();
 * ```
 */
export function layout(title: string, nav: NavEntry[], current: string, main: string): string {
  const items = nav.map((e) =>
    `<li class="st-${e.status}${e.href === current ? " current" : ""}"><a href="${
      esc(e.href)
    }" title="${
      esc(`${e.title} (${statusLabel(e.status)})`)
    }"><span class="dot"></span><span class="num">${e.number}</span> ${esc(e.topic)}</a></li>`
  ).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<link rel="stylesheet" href="katex/katex.min.css">
<link rel="stylesheet" href="highlight.css">
<link rel="stylesheet" href="style.css">
</head>
<body>
<nav class="side"><a class="home${
    current === "index.html" ? " current" : ""
  }" href="index.html">RL for language models, verified</a>
<ol>
${items}
</ol></nav>
<main>
${main}
</main>
</body>
</html>
`;
}

/** Chips of one problem's claim verdicts (for the index and page headers). */
function verdictChips(entry: NavEntry, run: ProblemRun | undefined): string {
  if (!run || run.results.length === 0) {
    return `<span class="chip st-${entry.status}">${esc(statusLabel(entry.status))}</span>`;
  }
  return run.results.map((r) => {
    const kind = isVerified(r) ? "ok" : r.verdict === "fail" ? "fail" : "control";
    const what = kind === "ok"
      ? "holds; negative control rejected"
      : kind === "fail"
      ? "FAILS"
      : "holds, but its negative control was accepted";
    return `<a class="chip v-${kind}" href="${esc(entry.href)}#result-${esc(r.id)}" title="${
      esc(`${r.id}: ${r.statement} (${what})`)
    }">${esc(r.id)} ${kind === "ok" ? "✓" : "✗"}</a>`;
  }).join(" ");
}

/** Shortens a long message to its first lines, keeping the whole text in a title. */
function shortMessage(text: string, max = 260): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat;
  return `<span title="${esc(flat)}">${esc(cut)}</span>`;
}

/** One claim's row of the claims table. */
function claimRow(r: ClaimResult, src: ClaimSources | undefined): string {
  const verdict = r.verdict === "pass"
    ? `<span class="badge v-ok">pass</span>`
    : `<span class="badge v-fail">FAIL</span>`;
  const control = r.negativeControl === "rejected"
    ? `<span class="badge v-ok">rejected</span>`
    : `<span class="badge v-control">ACCEPTED</span>`;
  const e = r.evidence;
  const evidence = "error" in e ? `<span class="error">${shortMessage(e.error, 400)}</span>` : [
    `<b>${e.cases}</b> case${e.cases === 1 ? "" : "s"}`,
    e.worstMargin !== undefined ? `worst margin <b>${formatMargin(e.worstMargin)}</b>` : "",
    e.note ? esc(e.note) : "",
    `<span class="over">over ${esc(e.over)}</span>`,
  ].filter((x) => x !== "").join("; ");
  const links: string[] = [];
  if (src?.claimLine !== undefined) {
    links.push(`check: <a href="#claims.ts-L${src.claimLine}">claims.ts:${src.claimLine}</a>`);
  }
  if (src?.registeredAt !== undefined) {
    links.push(
      `test: <a href="#mod_test.ts-L${src.registeredAt}" title="${
        esc(`Deno test "${r.id} ${r.statement}", registered here by registerClaimTests`)
      }">mod_test.ts:${src.registeredAt}</a>`,
    );
  }
  if (src && src.tests.length > 0) {
    links.push(
      `${src.registeredAt !== undefined ? "more tests" : "tests"}: ${
        src.tests.map((t) =>
          `<a href="#mod_test.ts-L${t.line}" title="${esc(t.name)}">mod_test.ts:${t.line}</a>`
        ).join(", ")
      }`,
    );
  }
  if (src && src.uses.length > 0) {
    links.push(
      `uses: ${
        src.uses.map((u) => `<a href="#def-${esc(u.name)}"><code>${esc(u.name)}</code></a>`).join(
          ", ",
        )
      }`,
    );
  }
  return `<tr id="result-${esc(r.id)}" class="${isVerified(r) ? "row-ok" : "row-bad"}">
<td class="id"><a href="#result-${esc(r.id)}">${esc(r.id)}</a></td>
<td class="statement">${esc(r.statement)}${
    links.length ? `<div class="links">${links.join(" · ")}</div>` : ""
  }</td>
<td>${verdict}</td>
<td class="evidence">${evidence}</td>
<td class="control">${control} ${esc(r.control.variant)}<details class="rejection"><summary>${
    r.negativeControl === "rejected" ? "how it was rejected" : "what happened"
  }</summary>${esc(r.control.rejection)}</details></td>
<td class="time">${formatMs(r.ms)}</td>
</tr>`;
}

/**
 * The claims table of one problem from its verify run.
 *
 * @param run the problem's run (absent: not run)
 * @param sources where each claim lives
 * @returns a section with the table, or with a sentence saying why there is none
 * @example
 * ```ts
 * import { claimsTable } from "./page.ts";
 * if (!claimsTable(undefined, new Map()).includes("not yet built")) throw new Error();
 * ```
 */
export function claimsTable(run: ProblemRun | undefined, sources: Map<string, ClaimSources>) {
  const head = `<h2 id="book-claims">Claims, checked in this build</h2>`;
  if (!run) {
    return `<section class="claims">${head}<p class="status-note">This problem is not yet built: no claims have been run.</p></section>`;
  }
  if (run.state === "load-error") {
    return `<section class="claims">${head}<p class="status-note error">The claims file does not load: ${
      shortMessage(run.error ?? "", 600)
    }</p></section>`;
  }
  if (run.state === "skipped") {
    return `<section class="claims">${head}<p class="status-note">Not run in this build (<code>--only</code>).</p></section>`;
  }
  if (run.results.length === 0) {
    return `<section class="claims">${head}<p class="status-note">No claims are registered yet.</p></section>`;
  }
  const rows = run.results.map((r) => claimRow(r, sources.get(r.id))).join("\n");
  return `<section class="claims">${head}
<table class="claims-table">
<thead><tr><th>id</th><th>statement</th><th>verdict</th><th>evidence</th><th>negative control</th><th>time</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="table-note">Verdict: the claim's check passed. Negative control: the same check run on a deliberately false variant, which must be rejected. Time: claim plus control.</p>
</section>`;
}

/**
 * The "Run the checks here" panel: a seed field, Run and Cancel, and one row per claim that
 * the page script fills in as results arrive, beside the time each claim took in the book's
 * own run (so a reader knows what is slow before starting it).
 *
 * @param run the book's run of the problem (its claims and their times)
 * @param browser where the bundled claims, worker and script are
 * @returns the panel's section and its script tag, or "" when there are no claims to run
 * @example
 * ```ts
 * import { runPanel } from "./page.ts";
 * const html = runPanel(
 *   { number: 1, state: "verified", ms: 5, results: [{ id: "01a", statement: "s", ms: 3 } as never] },
 *   { claims: "c.js", worker: "w.js", script: "p.js", seed: 7, tfjs: false },
 * );
 * if (!html.includes('value="7"') || !html.includes('data-id="01a"')) throw new Error(html);
 * ```
 */
export function runPanel(run: ProblemRun | undefined, browser: BrowserRun): string {
  if (!run || run.results.length === 0) return "";
  const bookMs = Object.fromEntries(run.results.map((r) => [r.id, Math.round(r.ms)]));
  const heavy = run.results.filter((r) => r.ms > 1000).sort((a, b) => b.ms - a.ms)
    .map((r) => `${r.id} ${formatMs(r.ms)}`);
  const rows = run.results.map((r) =>
    `<tr data-id="${esc(r.id)}" data-phase="idle"><td class="id">${
      esc(r.id)
    }</td><td class="statement">${
      esc(r.statement)
    }</td><td class="state">not run</td><td class="evidence"></td><td class="control"></td><td class="time"></td><td class="book-time">${
      formatMs(r.ms)
    }</td></tr>`
  ).join("\n");
  return `<section class="run-here" data-claims="${esc(browser.claims)}" data-worker="${
    esc(browser.worker)
  }" data-book-ms="${esc(JSON.stringify(bookMs))}" data-tfjs="${browser.tfjs}" data-state="loading">
<h2 id="book-run">Run the checks here</h2>
<p>These are the problem's own claims (<code>claims.ts</code>, bundled when the book was built), run in your browser in a background worker with the seed you choose: the same seed gives the same cases as <code>VERIFY_SEED=<i>seed</i> deno task verify</code>. Nothing is downloaded from elsewhere.</p>
<form class="run-controls"><label>seed <input name="seed" inputmode="numeric" autocomplete="off" value="${browser.seed}"></label>
<button type="submit" class="run" disabled>Run</button> <button type="button" class="cancel" disabled>Cancel</button></form>
<p class="run-status" role="status">Not run yet. In the book's own run these ${run.results.length} claim${
    run.results.length === 1 ? "" : "s"
  } took ${formatMs(run.ms)}${heavy.length ? ` (the slowest: ${esc(heavy.join(", "))})` : ""}.</p>
<table class="run-table">
<thead><tr><th>id</th><th>statement</th><th>verdict</th><th>evidence</th><th>negative control and its rejection</th><th>time</th><th>in the book's run</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<details class="run-json" hidden><summary>This run as JSON, in the shape <code>deno task verify --json</code> prints</summary><pre></pre></details>
</section>
<script type="module" src="${esc(browser.script)}"></script>`;
}

/** Escapes text and shows its `backtick` spans as code. */
function withCode(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

/** An interactive figure's box: the page script puts a slider, the plot and a readout in it. */
function liveFigure(f: LiveFigure): string {
  return `<figure class="plot live" id="fig-${esc(f.id)}" data-live="${
    esc(f.id)
  }" data-state="loading">
<figcaption><b>${esc(f.title)}.</b> ${withCode(f.caption)}</figcaption>
<div class="live-body"><p class="missing-note">Drawn in your browser with the problem's own functions: it needs JavaScript.</p></div>
</figure>`;
}

/** The figures section of a page. */
function figuresSection(figures: Figure[], live: ProblemPageData["live"]): string {
  const liveItems = live && live.figures.length > 0
    ? `${live.figures.map(liveFigure).join("\n")}\n<script type="module" src="${
      esc(live.script)
    }"></script>`
    : "";
  if (figures.length === 0 && liveItems === "") return "";
  const items = figures.map((f) =>
    `<figure class="plot${f.svg ? "" : " missing"}" id="${esc(f.id)}">
<figcaption><b>${esc(f.title)}.</b> ${withCode(f.caption)}</figcaption>
${f.svg ?? `<p class="missing-note">${withCode(f.missing ?? "No data yet.")}</p>`}
</figure>`
  ).join("\n");
  return `<section class="figures"><h2 id="book-pictures">Pictures</h2>\n${liveItems}${items}\n</section>`;
}

/**
 * A problem's page: header, README (statement and proofs), pictures, the claims table
 * from this build, and the highlighted sources with line anchors.
 *
 * @param data what the page shows
 * @param nav all problems
 * @param neighbours the previous and next pages
 * @returns the page's HTML document
 * @example
 * ```ts
 * import { problemPage } from "./page.ts";
 * const entry = { number: 9, folder: "09_x", topic: "x", href: "09_x.html", status: "not-built" as const, title: "x" };
 * const html = problemPage({ entry, sources: new Map(), code: [], figures: [] }, [entry], {});
 * if (!html.includes("not yet built")) throw new Error();
 * ```
 */
export function problemPage(
  data: ProblemPageData,
  nav: NavEntry[],
  neighbours: { prev?: NavEntry; next?: NavEntry },
): string {
  const { entry } = data;
  const pager = `<div class="pager">${
    neighbours.prev
      ? `<a href="${esc(neighbours.prev.href)}">← ${neighbours.prev.number}. ${
        esc(neighbours.prev.topic)
      }</a>`
      : "<span></span>"
  }<a href="index.html">index</a>${
    neighbours.next
      ? `<a href="${esc(neighbours.next.href)}">${neighbours.next.number}. ${
        esc(neighbours.next.topic)
      } →</a>`
      : "<span></span>"
  }</div>`;
  const header = `<header class="problem-head">${pager}
<p class="kicker">Problem ${entry.number} · <code>problems/${
    esc(entry.folder)
  }/</code> · <span class="chip st-${entry.status}">${esc(statusLabel(entry.status))}</span></p>
<p class="chips">${verdictChips(entry, data.run)}</p>
${
    data.code.length > 0
      ? `<p class="toc"><a href="#book-claims">claims</a>${
        data.browser && data.run?.results.length ? ` · <a href="#book-run">run them here</a>` : ""
      }${
        data.figures.length || data.live?.figures.length
          ? ` · <a href="#book-pictures">pictures</a>`
          : ""
      } · ${data.code.map((c) => `<a href="#${esc(c.file)}">${esc(c.file)}</a>`).join(" · ")}</p>`
      : ""
  }
</header>`;
  const readme = data.readmeHtml
    ? `<article class="readme">${data.readmeHtml}</article>`
    : `<article class="readme"><h1>${entry.number}. ${
      esc(entry.topic)
    }</h1><p class="status-note">This problem is not yet built: <code>problems/${
      esc(entry.folder)
    }/README.md</code> does not exist yet.</p></article>`;
  const code = data.code.length
    ? `<section class="code"><h2 id="book-code">Code</h2>\n${
      data.code.map((c) => `<h3 id="${esc(c.file)}"><code>${esc(c.file)}</code></h3>\n${c.html}`)
        .join("\n")
    }</section>`
    : "";
  const main = `${header}
${readme}
${figuresSection(data.figures, data.live)}
${claimsTable(data.run, data.sources)}
${data.browser ? runPanel(data.run, data.browser) : ""}
${code}
${pager}`;
  const title = entry.title.startsWith(`Problem ${entry.number}`)
    ? entry.title
    : `${entry.number}. ${entry.title}`;
  return layout(title, nav, entry.href, main);
}

/** Below the index: what the mutation column means, and the shared modules' scores. */
function mutationNote(mutation: BookSummary["mutation"]): string {
  if (!mutation) {
    return `<p class="mutation-note">No mutation scores recorded: run <code>deno task mutate</code>, then <code>deno task mutate:record</code>.</p>`;
  }
  const shared = Object.entries(mutation.groups).filter(([g]) => g.startsWith("shared/"))
    .map(([g, sc]) => `<code>${esc(g)}</code> ${mutationCell(sc)}`).join("; ");
  return `<p class="mutation-note">Mutants killed: the fraction of single-operator changes to a problem's implementation that turn the suite red, and that the claims alone turn red (equivalent mutants excluded; for the claims, input guards and lines no claim executes excluded too), from <code>deno task mutate</code> runs recorded ${
    esc(mutation.recorded.slice(0, 10))
  } in <code>tools/mutate/scores.json</code>. All together: ${
    mutationCell(mutation.groups.all)
  }. Shared modules: ${shared || "none judged"}.</p>`;
}

/**
 * The index: every problem with its claim verdicts at a glance, the suite's time and seed.
 *
 * @param nav all problems
 * @param runs the verify run by problem number
 * @param summary seed, suite time, build time
 * @returns the index's HTML document
 * @example
 * ```ts
 * import { indexPage } from "./page.ts";
 * const html = indexPage([], new Map(), { seed: 1, suiteMs: 5, builtAt: "t" });
 * if (!html.includes("VERIFY_SEED=1")) throw new Error();
 * ```
 */
export function indexPage(
  nav: NavEntry[],
  runs: Map<number, ProblemRun>,
  summary: BookSummary,
): string {
  const results = [...runs.values()].flatMap((r) => r.results);
  const verified = results.filter(isVerified).length;
  const built = nav.filter((e) => e.status !== "not-built").length;
  const rows = nav.map((e) => {
    const run = runs.get(e.number);
    return `<tr class="st-${e.status}" id="problem-${e.number}">
<td class="num">${e.number}</td>
<td><a href="${esc(e.href)}">${esc(e.title)}</a><div class="folder"><code>${
      esc(e.folder)
    }</code></div></td>
<td class="chips">${verdictChips(e, run)}</td>
<td class="time">${run && run.results.length ? formatMs(run.ms) : ""}</td>
<td class="mutants">${
      mutationCell(summary.mutation?.groups[String(e.number).padStart(2, "0")])
    }</td>
</tr>`;
  }).join("\n");
  const main = `<header class="index-head">
<h1>RL for language models, verified</h1>
<p class="lede">Every proof beside its code and its evidence. Each claim below was checked while this book was built, together with its <em>negative control</em>: the same check on a deliberately false variant, which must be rejected. Every problem page can run its claims again in your browser, with a seed of your choice.</p>
<dl class="summary">
<div><dt>problems built</dt><dd>${built} of ${nav.length}</dd></div>
<div><dt>claims verified</dt><dd>${verified} of ${results.length}</dd></div>
<div><dt>suite time</dt><dd>${(summary.suiteMs / 1000).toFixed(1)} s</dd></div>
<div><dt>seed</dt><dd><code>VERIFY_SEED=${summary.seed}</code></dd></div>
</dl>
<p class="built">Built ${esc(summary.builtAt)}${
    summary.only ? ` with <code>--only ${esc(summary.only)}</code>` : ""
  }. Reproduce with <code>VERIFY_SEED=${summary.seed} deno task verify</code>.</p>
</header>
<table class="index-table">
<thead><tr><th>#</th><th>problem</th><th>claims (✓ holds and its negative control is rejected)</th><th>time</th><th>mutants killed: suite / claims</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${mutationNote(summary.mutation)}`;
  return layout("RL for language models, verified", nav, "index.html", main);
}
