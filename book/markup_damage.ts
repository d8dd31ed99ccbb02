/**
 * Finds markdown that a parser broke, so the book build can refuse it:
 *
 * - math left as raw text: a `$` or a TeX command (`\frac`, `\mathbb`, …) in the rendered
 *   page outside KaTeX's output and outside code, which is what a formula cut by a line
 *   wrap or turned into a list item looks like;
 * - a table row cut by a `|` inside a code or math span: GitHub tables split cells at every
 *   unescaped `|`, so the row has more cells than its header, or a cell with an unclosed
 *   code or math span.
 *
 * @module
 */
import { parseHTML } from "linkedom";

/** One place where markup was damaged. */
export interface MarkupDamage {
  /** What is wrong. */
  kind: "raw math" | "table row";
  /** The text around it, for the message. */
  excerpt: string;
}

const TEX_COMMAND = /\\[A-Za-z]{2,}/;

/**
 * Finds math that reached the page as raw text.
 *
 * @param html a rendered page body
 * @returns each text run, outside KaTeX output, code and preformatted blocks, that holds a
 *   `$` or a TeX command
 * @example
 * ```ts
 * import { findRawMath } from "./markup_damage.ts";
 * if (findRawMath('<p>ok <span class="katex">\\frac{1}{2}</span> <code>$x</code></p>').length !== 0) throw new Error();
 * const found = findRawMath("<ul><li>\\lambda^{K+1}/(1-\\lambda)$ (differentiate</li></ul>");
 * if (found.length !== 1 || found[0]!.kind !== "raw math") throw new Error();
 * ```
 */
export function findRawMath(html: string): MarkupDamage[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  for (const el of document.querySelectorAll(".katex, .katex-display, pre, code, script, style")) {
    el.remove();
  }
  const out: MarkupDamage[] = [];
  for (const el of document.querySelectorAll("p, li, td, th, h1, h2, h3, h4, h5, h6, blockquote")) {
    // only the element's own text, so a paragraph inside a list item is reported once
    let own = "";
    for (const node of el.childNodes) if (node.nodeType === 3) own += node.textContent ?? "";
    if (own.includes("$") || TEX_COMMAND.test(own)) {
      out.push({ kind: "raw math", excerpt: own.trim().replace(/\s+/g, " ").slice(0, 100) });
    }
  }
  return out;
}

/**
 * Finds table rows of a markdown source that a `|` inside a code or math span cut apart.
 *
 * @param markdown the source
 * @returns each row with more cells than its table's header, or with a cell whose code
 *   (backtick) or math (`$`) spans do not close
 * @example
 * ```ts
 * import { findCutTableRows } from "./markup_damage.ts";
 * const ok = "| a | b |\n| - | - |\n| `x` | $\\lvert y \\rvert$ |";
 * if (findCutTableRows(ok).length !== 0) throw new Error();
 * const cut = "| a | b |\n| - | - |\n| `E[x | y]` | c |";
 * if (findCutTableRows(cut).length !== 1) throw new Error();
 * ```
 */
export function findCutTableRows(markdown: string): MarkupDamage[] {
  const out: MarkupDamage[] = [];
  let header: number | undefined;
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    const row = line.trim();
    if (inFence || !row.startsWith("|")) {
      header = undefined;
      continue;
    }
    const cells = row.split(/(?<!\\)\|/).slice(1, -1);
    const unclosed = cells.some((c) =>
      (c.match(/`/g)?.length ?? 0) % 2 === 1 ||
      (c.replace(/\\\$/g, "").match(/\$/g)?.length ?? 0) % 2 === 1
    );
    if (header === undefined) header = cells.length;
    if (cells.length > header || unclosed) {
      out.push({ kind: "table row", excerpt: row.slice(0, 100) });
    }
  }
  return out;
}
