/**
 * Mutant generation: parse one TypeScript source with the compiler API, walk its syntax
 * tree, and propose single-point changes (mutants) as text edits. Only executable code is
 * touched: comments and JSDoc are not nodes of the tree, and import/export-from lines,
 * type annotations, string and template literals, `throw` statements (error messages)
 * and `console.*` calls are skipped whole.
 *
 * @module
 */
import ts from "typescript";

/** The kinds of change the runner makes. */
export type Operator =
  | "arithmetic"
  | "comparison-boundary"
  | "comparison-flip"
  | "equality"
  | "logical"
  | "math-max-min"
  | "math-floor-ceil"
  | "constant"
  | "boolean-literal"
  | "negate-condition"
  | "remove-negation"
  | "drop-term"
  | "unary-minus";

/** Every operator, in the order the help text lists them. */
export const OPERATORS: readonly Operator[] = [
  "arithmetic",
  "comparison-boundary",
  "comparison-flip",
  "equality",
  "logical",
  "math-max-min",
  "math-floor-ceil",
  "constant",
  "boolean-literal",
  "negate-condition",
  "remove-negation",
  "drop-term",
  "unary-minus",
];

/** One single-point change of one file. */
export interface Mutant {
  /** Path of the mutated file relative to the project root, with `/` separators. */
  file: string;
  /** 1-based line of the change. */
  line: number;
  /** 1-based column of the change. */
  column: number;
  /** The original source line, trimmed: the anchor for equivalent-mutant entries. */
  lineText: string;
  /** Which operator made it. */
  operator: Operator;
  /** The changed expression before the change (whitespace collapsed). */
  original: string;
  /** The same expression after the change (whitespace collapsed). */
  mutated: string;
  /**
   * 1 for the first mutant of its file with this line text, operator and change (in source
   * order), 2 for the second, …: it tells apart identical changes on identical lines.
   */
  occurrence: number;
  /** How many mutants of its file share its line text, operator and change (usually 1). */
  occurrences: number;
  /** The text edit: replace `source.slice(start, end)` by `replacement`. */
  edit: { start: number; end: number; replacement: string };
  /**
   * Whether the change is inside an input guard: the condition of an `if` whose only
   * effect is to throw (`if (bad) throw …`), or a `ConfigSpec` table of accepted ranges. A
   * claim's inputs meet its hypotheses, so a claim never takes the refusal path; the
   * bad-input unit tests are a guard's oracle.
   */
  guard: boolean;
}

const ARITHMETIC: Record<string, string> = { "+": "-", "-": "+", "*": "/", "/": "*", "%": "*" };
const COMPOUND: Record<string, string> = { "+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=" };
const BOUNDARY: Record<string, string> = { "<": "<=", "<=": "<", ">": ">=", ">=": ">" };
const FLIP: Record<string, string> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<" };
const EQUALITY: Record<string, string> = { "===": "!==", "!==": "===", "==": "!=", "!=": "==" };
const LOGICAL: Record<string, string> = { "&&": "||", "||": "&&" };
const MATH_SWAP: Record<string, [string, Operator]> = {
  max: ["min", "math-max-min"],
  min: ["max", "math-max-min"],
  floor: ["ceil", "math-floor-ceil"],
  ceil: ["floor", "math-floor-ceil"],
};

/**
 * All mutants of one source file, in source order.
 *
 * @param file the file's project-relative path (recorded in each mutant)
 * @param source the file's text
 * @returns the mutants; applying any one edit yields a syntactically valid program
 * @example
 * ```ts
 * import { applyMutant, generateMutants } from "./operators.ts";
 * const src = "export const f = (a: number, b: number) => a * b; // a + b in a comment";
 * const ms = generateMutants("x.ts", src).filter((m) => m.operator === "arithmetic");
 * if (ms.length !== 1 || !applyMutant(src, ms[0]!).includes("a / b")) throw new Error();
 * ```
 */
export function generateMutants(file: string, source: string): Mutant[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Mutant[] = [];
  const text = (n: ts.Node) => source.slice(n.getStart(sf), n.end);
  const add = (
    operator: Operator,
    node: ts.Node,
    at: number,
    edit: { start: number; end: number; replacement: string },
  ) => {
    const nodeStart = node.getStart(sf);
    const before = source.slice(nodeStart, node.end);
    const after = source.slice(nodeStart, edit.start) + edit.replacement +
      source.slice(edit.end, node.end);
    const { line, character } = sf.getLineAndCharacterOfPosition(at);
    const lineStart = sf.getPositionOfLineAndCharacter(line, 0);
    const lineEnd = source.indexOf("\n", lineStart);
    out.push({
      file,
      line: line + 1,
      column: character + 1,
      lineText: source.slice(lineStart, lineEnd < 0 ? source.length : lineEnd).trim(),
      operator,
      original: collapse(before),
      mutated: collapse(after),
      edit,
      guard: isInGuard(node),
      occurrence: 1,
      occurrences: 1,
    });
  };
  const replaceNode = (operator: Operator, node: ts.Node, replacement: string) =>
    add(operator, node, node.getStart(sf), {
      start: node.getStart(sf),
      end: node.end,
      replacement,
    });
  const replaceToken = (operator: Operator, node: ts.Node, token: ts.Node, replacement: string) =>
    add(operator, node, token.getStart(sf), {
      start: token.getStart(sf),
      end: token.end,
      replacement,
    });

  const visit = (node: ts.Node): void => {
    if (isSkipped(node)) return;
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.getText(sf);
      const stringy = isStringy(node.left) || isStringy(node.right);
      if (ARITHMETIC[op] && !(op === "+" && stringy)) {
        replaceToken("arithmetic", node, node.operatorToken, ARITHMETIC[op]);
      }
      if (COMPOUND[op] && !(op === "+=" && stringy)) {
        replaceToken("arithmetic", node, node.operatorToken, COMPOUND[op]);
      }
      if ((op === "+" && !stringy) || op === "-") {
        // Dropping a term of a sum: a + b -> a, a + b -> b, a - b -> a.
        replaceNode("drop-term", node, text(node.left));
        if (op === "+") replaceNode("drop-term", node, text(node.right));
      }
      if (BOUNDARY[op]) replaceToken("comparison-boundary", node, node.operatorToken, BOUNDARY[op]);
      if (FLIP[op]) replaceToken("comparison-flip", node, node.operatorToken, FLIP[op]);
      if (EQUALITY[op]) replaceToken("equality", node, node.operatorToken, EQUALITY[op]);
      if (LOGICAL[op]) {
        // && binds tighter than ||, and ?? may not mix with either unparenthesised:
        // the swapped expression is wrapped so that it keeps its place in the tree.
        add("logical", node, node.operatorToken.getStart(sf), {
          start: node.getStart(sf),
          end: node.end,
          replacement: `(${text(node.left)} ${LOGICAL[op]} ${text(node.right)})`,
        });
      }
    } else if (ts.isPrefixUnaryExpression(node)) {
      if (node.operator === ts.SyntaxKind.ExclamationToken) {
        replaceNode("remove-negation", node, text(node.operand));
      } else if (node.operator === ts.SyntaxKind.MinusToken) {
        replaceNode("unary-minus", node, text(node.operand));
      }
    } else if (ts.isNumericLiteral(node) && !isPropertyName(node)) {
      const value = Number(node.text);
      if (Number.isFinite(value)) {
        for (const v of [value + 1, value - 1]) {
          // A negative result is parenthesised: `x-1` must not become `x--1`.
          replaceNode("constant", node, v < 0 ? `(${formatNumber(v)})` : formatNumber(v));
        }
      }
    } else if (
      node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword
    ) {
      replaceNode(
        "boolean-literal",
        node,
        node.kind === ts.SyntaxKind.TrueKeyword ? "false" : "true",
      );
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (
        ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) &&
        callee.expression.text === "Math" && MATH_SWAP[callee.name.text]
      ) {
        const [swapped, operator] = MATH_SWAP[callee.name.text]!;
        replaceToken(operator, node, callee.name, swapped);
      }
    }
    const condition = conditionOf(node);
    // A condition that is already a negation is covered by remove-negation.
    if (condition && !isSkipped(condition) && !isNegation(condition)) {
      replaceNode("negate-condition", condition, `!(${text(condition)})`);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  const seen = new Map<string, number>();
  for (const m of [...out].sort((a, b) => a.edit.start - b.edit.start)) {
    const key = JSON.stringify([m.lineText, m.operator, m.original, m.mutated]);
    m.occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, m.occurrence);
  }
  for (const m of out) {
    m.occurrences = seen.get(JSON.stringify([m.lineText, m.operator, m.original, m.mutated]))!;
  }
  return out;
}

/**
 * The source with one mutant's edit applied.
 *
 * @param source the original text
 * @param mutant a mutant generated from that text
 * @returns the mutated text
 * @example
 * ```ts
 * import { applyMutant } from "./operators.ts";
 * const m = { edit: { start: 2, end: 3, replacement: "-" } };
 * if (applyMutant("a + b", m) !== "a - b") throw new Error();
 * ```
 */
export function applyMutant(source: string, mutant: Pick<Mutant, "edit">): string {
  const { start, end, replacement } = mutant.edit;
  return source.slice(0, start) + replacement + source.slice(end);
}

/** Subtrees that never hold a mutation: declarations of modules and types, messages. */
function isSkipped(node: ts.Node): boolean {
  if (
    ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node) ||
    (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) ||
    ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) ||
    ts.isModuleDeclaration(node) || ts.isEnumDeclaration(node) ||
    ts.isThrowStatement(node) || ts.isTypeNode(node) ||
    ts.isTemplateExpression(node) || ts.isTaggedTemplateExpression(node) ||
    ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)
  ) {
    return true;
  }
  // console.* only reports; its arguments decide nothing.
  if (ts.isCallExpression(node)) {
    const callee = node.expression;
    return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) &&
      callee.expression.text === "console";
  }
  return false;
}

/**
 * Whether `node` lies in an input guard:
 *
 * - the condition of an `if` without `else` whose then-branch is a `throw` (alone or as the
 *   only statement of a block). The climb stops at the first statement, so a throw inside a
 *   callback of the condition does not count;
 * - or the initializer of a variable declared with the type `ConfigSpec<…>`: a training
 *   command's table of accepted ranges, which holds no defaults and whose only use is to
 *   refuse a configuration outside them.
 */
function isInGuard(node: ts.Node): boolean {
  if (isInConfigSpec(node)) return true;
  let child = node;
  for (let p = node.parent; p !== undefined; child = p, p = p.parent) {
    if (ts.isIfStatement(p)) {
      if (p.expression !== child || p.elseStatement !== undefined) return false;
      const then = p.thenStatement;
      return ts.isThrowStatement(then) ||
        (ts.isBlock(then) && then.statements.length === 1 &&
          ts.isThrowStatement(then.statements[0]!));
    }
    if (ts.isStatement(p) || ts.isFunctionLike(p)) return false;
  }
  return false;
}

/** Whether `node` lies in the initializer of a declaration typed `ConfigSpec<…>`. */
function isInConfigSpec(node: ts.Node): boolean {
  let child = node;
  for (let p = node.parent; p !== undefined; child = p, p = p.parent) {
    if (ts.isVariableDeclaration(p)) {
      const type = p.type;
      return p.initializer === child && type !== undefined && ts.isTypeReferenceNode(type) &&
        ts.isIdentifier(type.typeName) && type.typeName.text === "ConfigSpec";
    }
    if (ts.isFunctionLike(p)) return false;
  }
  return false;
}

/** The condition of an if, loop or conditional expression, if `node` has one. */
function conditionOf(node: ts.Node): ts.Expression | undefined {
  if (ts.isIfStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node)) {
    return node.expression;
  }
  if (ts.isForStatement(node)) return node.condition;
  if (ts.isConditionalExpression(node)) return node.condition;
  return undefined;
}

function isNegation(node: ts.Expression): boolean {
  return ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken;
}

/** Whether an expression evidently builds a string (so `+` is concatenation). */
function isStringy(node: ts.Expression): boolean {
  if (
    ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isTemplateExpression(node)
  ) {
    return true;
  }
  if (ts.isParenthesizedExpression(node)) return isStringy(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return isStringy(node.left) || isStringy(node.right);
  }
  if (ts.isCallExpression(node)) {
    const callee = node.expression;
    if (ts.isIdentifier(callee)) return callee.text === "String";
    if (ts.isPropertyAccessExpression(callee)) {
      return ["toFixed", "toPrecision", "toString", "join", "padStart", "padEnd"].includes(
        callee.name.text,
      );
    }
  }
  return false;
}

/** A numeric literal used as a property name (`{ 0: x }`) is a key, not a value. */
function isPropertyName(node: ts.NumericLiteral): boolean {
  const p = node.parent;
  return (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) ||
    ts.isMethodDeclaration(p) || ts.isPropertySignature(p)) && p.name === node;
}

function formatNumber(v: number): string {
  // Round away binary noise such as 0.1 + 1 = 1.1000000000000001.
  return String(Number(v.toPrecision(15)));
}

function collapse(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
