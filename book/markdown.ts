/**
 * Markdown to HTML for the book's pages: markdown-it (CommonMark plus GitHub tables), math
 * through the KaTeX plugin of `math.ts`, code fences through highlight.js, heading ids, and
 * repository links rewritten to the book's own pages and anchors.
 *
 * @module
 */
import MarkdownIt, { type MarkdownIt as Markdown } from "markdown-it";
import { mathPlugin } from "./math.ts";
import { escapeHtml, highlight } from "./highlight.ts";

/** How a repository-relative link target becomes a link in the book. */
export type LinkResolver = (href: string) => string | null;

/** The result of rendering one markdown file. */
export interface RenderedMarkdown {
  /** The body HTML. */
  html: string;
  /** The text of the first level-1 heading, if any. */
  title?: string;
  /** The number of formulas rendered. */
  formulas: number;
}

/**
 * Turns heading text into an anchor id: lower case, letters, digits and dashes.
 *
 * @param text the heading's text
 * @returns the id
 * @example
 * ```ts
 * import { slugify } from "./markdown.ts";
 * if (slugify("Verified by") !== "verified-by") throw new Error();
 * ```
 */
export function slugify(text: string): string {
  return text.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "") || "section";
}

function createMarkdown(): Markdown {
  const md: Markdown = new MarkdownIt({
    html: false, // the READMEs are markdown; raw HTML is shown as text
    linkify: false,
    typographer: false,
    highlight: (code: string, lang: string) =>
      `<pre class="hljs fence"><code>${highlight(code, lang)}</code></pre>`,
  });
  md.use(mathPlugin);
  // ids on headings, unique within the page
  md.core.ruler.push("heading_ids", (state) => {
    const used = new Set<string>();
    state.tokens.forEach((token, i) => {
      if (token.type !== "heading_open") return;
      const base = slugify(state.tokens[i + 1]?.content ?? "");
      let id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
      token.attrSet("id", id);
    });
  });
  const defaultLinkOpen = md.renderer.rules.link_open ??
    ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const href = String(token.attrGet("href") ?? "");
    const resolve = (env as { linkFor?: LinkResolver } | undefined)?.linkFor;
    if (resolve && !/^[a-z]+:|^#/i.test(href)) {
      const to = resolve(href);
      if (to === null) {
        // a file the book does not show: keep the text, say where it lives
        token.attrs = [["class", "repo-path"], ["title", href]];
      } else token.attrSet("href", to);
    }
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
}

const md = createMarkdown();

/**
 * Renders markdown with math, highlighted fences and heading ids.
 *
 * @param source the markdown text
 * @param file the file's path, named in errors (e.g. a formula KaTeX rejects)
 * @param linkFor maps relative link targets to book links (`null`: not in the book)
 * @returns the HTML, the first `#` heading and the formula count
 * @throws MathRenderError for a formula KaTeX cannot render
 * @example
 * ```ts
 * import { renderMarkdown } from "./markdown.ts";
 * const r = renderMarkdown("# P — $\\gamma$\n\nSee [code](mod.ts).\n\n$$\na_{t}*b\n$$\n", "x.md",
 *   (href) => href === "mod.ts" ? "#mod.ts" : null);
 * if (r.formulas !== 2 || !r.html.includes('href="#mod.ts"')) throw new Error(r.html);
 * if (r.title !== "P — γ") throw new Error(r.title);
 * ```
 */
export function renderMarkdown(
  source: string,
  file: string,
  linkFor?: LinkResolver,
): RenderedMarkdown {
  const env = { file, linkFor };
  const tokens = md.parse(source, env);
  let title: string | undefined;
  let formulas = 0;
  tokens.forEach((token, i) => {
    if (token.type === "math_block") formulas++;
    for (const child of token.children ?? []) {
      if (child.type === "math_inline" || child.type === "math_inline_display") formulas++;
    }
    if (title === undefined && token.type === "heading_open" && token.tag === "h1") {
      title = plainText(tokens[i + 1]?.children ?? []);
    }
  });
  return { html: md.renderer.render(tokens, md.options, env), title, formulas };
}

/** The visible text of inline tokens, with formulas as their rendered characters. */
function plainText(children: { type: string; content: string }[]): string {
  return children.map((c) =>
    c.type.startsWith("math")
      ? texToPlain(c.content)
      : c.type === "text" || c.type === "code_inline"
      ? c.content
      : ""
  ).join("");
}

/** A rough plain-text form of a short formula, for page titles. */
function texToPlain(tex: string): string {
  const greek: Record<string, string> = {
    alpha: "α",
    beta: "β",
    gamma: "γ",
    delta: "δ",
    epsilon: "ε",
    varepsilon: "ε",
    lambda: "λ",
    mu: "μ",
    pi: "π",
    sigma: "σ",
    theta: "θ",
    phi: "φ",
    star: "*",
    sqrt: "√",
    cdot: "·",
    times: "×",
    le: "≤",
    leq: "≤",
    ge: "≥",
    geq: "≥",
    to: "→",
    infty: "∞",
    sum: "Σ",
    ell: "ℓ",
  };
  // known commands become their symbol; others (\mathcal, \hat, \operatorname) are dropped
  return tex.replace(/\\([A-Za-z]+)/g, (_m, name: string) => greek[name] ?? "")
    .replace(/[{}\\]/g, "").replace(/\s+/g, " ").trim();
}

/**
 * Escapes a value for use in an HTML attribute or text (re-exported for page templates).
 *
 * @param text any text
 * @returns escaped text
 * @example
 * ```ts
 * import { escapeText } from "./markdown.ts";
 * if (escapeText("a<b") !== "a&lt;b") throw new Error();
 * ```
 */
export function escapeText(text: string): string {
  return escapeHtml(text);
}
