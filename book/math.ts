/**
 * Server-side math for the book: a markdown-it plugin that lifts `$...$` (inline) and
 * `$$...$$` (display) out of the markdown before any other inline rule can touch them
 * (so `_`, `*` and `\\` inside formulas stay TeX), and renders them with KaTeX.
 *
 * KaTeX runs with `throwOnError: true`: a formula it cannot render fails the build with a
 * {@link MathRenderError} naming the file and the formula, instead of leaving red text.
 *
 * @module
 */
import katex from "katex";
import type { MarkdownIt, StateBlock, StateInline } from "markdown-it";

/** A formula that KaTeX cannot render, with the file it came from. */
export class MathRenderError extends Error {
  /**
   * @param file the markdown file the formula is in
   * @param formula the TeX source of the formula
   * @param reason KaTeX's message
   */
  constructor(readonly file: string, readonly formula: string, reason: string) {
    super(`${file}: KaTeX cannot render the formula $${formula}$ (${reason})`);
    this.name = "MathRenderError";
  }
}

/**
 * Renders one formula with KaTeX to HTML (with MathML for screen readers).
 *
 * @param tex the TeX source, without dollar signs
 * @param display true for a display (block) formula
 * @param file the file the formula is in, for the error message
 * @returns the KaTeX HTML
 * @throws MathRenderError if KaTeX rejects the formula
 * @example
 * ```ts
 * import { renderMath } from "./math.ts";
 * if (!renderMath("\\gamma^2", false, "x.md").includes('class="katex"')) throw new Error();
 * let message = "";
 * try { renderMath("\\frac{1}{", true, "x.md"); } catch (e) { message = String(e); }
 * if (!message.includes("x.md") || !message.includes("$\\frac{1}{$")) throw new Error(message);
 * ```
 */
export function renderMath(tex: string, display: boolean, file: string): string {
  try {
    return katex.renderToString(tex, {
      displayMode: display,
      throwOnError: true,
      // unicode letters such as γ in formulas are fine for us; do not print warnings
      strict: "ignore",
      output: "htmlAndMathml",
    });
  } catch (e) {
    throw new MathRenderError(file, tex, e instanceof Error ? e.message : String(e));
  }
}

/** The environment passed to `md.render`: the file being rendered, for error messages. */
export interface MathEnv {
  /** Path of the markdown file, as shown in errors. */
  file?: string;
}

/**
 * The markdown-it plugin: registers the inline rule `math_inline` (before `escape`) and
 * the block rule `math_block` (before `fence`, allowed to interrupt a paragraph), and
 * their renderers.
 *
 * @param md the markdown-it instance
 * @example
 * ```ts
 * import MarkdownIt from "markdown-it";
 * import { mathPlugin } from "./math.ts";
 * const md = new MarkdownIt().use(mathPlugin);
 * const html = md.render("a $x_1 * y_2$ b", { file: "x.md" });
 * if (!html.includes("katex") || html.includes("<em>")) throw new Error(html);
 * ```
 */
export function mathPlugin(md: MarkdownIt): void {
  md.inline.ruler.before("escape", "math_inline", mathInline);
  md.block.ruler.before("fence", "math_block", mathBlock, {
    alt: ["paragraph", "reference", "blockquote", "list"],
  });
  const fileOf = (env: unknown) => (env as MathEnv | undefined)?.file ?? "<markdown>";
  md.renderer.rules.math_inline = (tokens, idx, _o, env) =>
    renderMath(tokens[idx]!.content, false, fileOf(env));
  md.renderer.rules.math_inline_display = (tokens, idx, _o, env) =>
    renderMath(tokens[idx]!.content, true, fileOf(env));
  md.renderer.rules.math_block = (tokens, idx, _o, env) =>
    `<div class="math-display">${renderMath(tokens[idx]!.content, true, fileOf(env))}</div>\n`;
}

const SPACE = /\s/;

/** Index of the closing delimiter at or after `from`, skipping `\x` escapes; -1 if none. */
function findClosing(src: string, from: number, end: number, delim: "$" | "$$"): number {
  for (let i = from; i < end; i++) {
    const c = src[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c !== "$") continue;
    if (delim === "$$") {
      if (src[i + 1] === "$") return i;
      continue;
    }
    // a single `$` closes inline math (a space before it is allowed: `$X = $ value` reads as
    // GitHub shows it); `$$` inside inline math is not ours
    if (src[i + 1] === "$") return -1;
    return i;
  }
  return -1;
}

/** Inline rule: `$tex$` (no space just inside the dollars) and `$$tex$$` within a line. */
function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src[start] !== "$") return false;
  const display = src[start + 1] === "$";
  const open = display ? start + 2 : start + 1;
  if (!display && SPACE.test(src[open] ?? " ")) return false;
  const close = findClosing(src, open, state.posMax, display ? "$$" : "$");
  if (close < 0 || close === open) return false;
  if (!silent) {
    const token = state.push(display ? "math_inline_display" : "math_inline", "math", 0);
    token.content = src.slice(open, close).trim();
    token.markup = display ? "$$" : "$";
  }
  state.pos = close + (display ? 2 : 1);
  return true;
}

/** Block rule: a line starting with `$$`, up to the first line ending in `$$`. */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean) {
  const lineText = (line: number) =>
    state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!);
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false; // indented code
  const first = lineText(startLine).trim();
  if (!first.startsWith("$$")) return false;
  let body = first.slice(2);
  let last = startLine;
  let closed = false;
  if (body.trim().endsWith("$$")) {
    body = body.trim().slice(0, -2);
    closed = true;
  } else {
    const parts = [body];
    for (let line = startLine + 1; line < endLine; line++) {
      const text = lineText(line).trim();
      if (text.endsWith("$$")) {
        parts.push(text.slice(0, -2));
        last = line;
        closed = true;
        break;
      }
      parts.push(text);
    }
    body = parts.join("\n");
  }
  if (!closed) return false;
  if (silent) return true;
  const token = state.push("math_block", "math", 0);
  token.block = true;
  token.content = body.trim();
  token.map = [startLine, last + 1];
  token.markup = "$$";
  state.line = last + 1;
  return true;
}
