// The GraphQL strings a TypeScript client file sends, read from its syntax (nothing is run): string and template
// literals whose text is a GraphQL operation. Interpolations are resolved when they name a `const` string (in the
// file or imported from a relative module) or call a local one-expression function with constant arguments
// (`stepMutation('recordGeneralSurvey')`), including string indexing and toUpperCase/toLowerCase/slice/trim on the way.
// A template whose holes are only known at run time (a loop variable, a value from an answer) is reported, not guessed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, print, type DocumentNode } from 'graphql';
import ts from 'typescript';

export interface SourceOperation {
  /** `<file> (<enclosing function>)`, relative to the root. */
  origin: string;
  /** The printed document (graphql's `print`). */
  document: string;
}

export interface SourceOperationsResult {
  operations: SourceOperation[];
  /** Templates that look like an operation but are built at run time: `<origin>: <text with ${…}>`. */
  dynamic: string[];
}

const OPERATION_START = /^\s*(query|mutation|subscription|fragment)\b|^\s*\{/;

/** Thrown inside the evaluator: `param` when a hole depends on a parameter of an enclosing function. */
class Unresolved extends Error {
  constructor(readonly param?: ts.Node) {
    super('unresolved');
  }
}

type Value = string | number | boolean | Fn;
interface Fn {
  kind: 'fn';
  node: ts.ArrowFunction | ts.FunctionDeclaration | ts.FunctionExpression;
}
type Env = Map<ts.Node, Value>;

const files = new Map<string, ts.SourceFile>();
function sourceFile(file: string): ts.SourceFile {
  let sf = files.get(file);
  if (!sf) {
    sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    files.set(file, sf);
  }
  return sf;
}

/** The statements of a scope that can declare a name. */
function scopeStatements(node: ts.Node): readonly ts.Statement[] | undefined {
  if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node)) return node.statements;
  return undefined;
}

/** The declaration a name refers to: a const, a function, a parameter, or an import; searched outwards. */
function declarationOf(name: string, from: ts.Node): ts.Node | undefined {
  for (let node: ts.Node | undefined = from; node; node = node.parent) {
    if (ts.isFunctionLike(node)) {
      for (const param of node.parameters) if (ts.isIdentifier(param.name) && param.name.text === name) return param;
    }
    const statements = scopeStatements(node);
    if (!statements) continue;
    for (const statement of statements) {
      if (ts.isVariableStatement(statement) && statement.declarationList.flags & ts.NodeFlags.Const) {
        for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name) && declaration.name.text === name) return declaration;
      }
      if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return statement;
      if (ts.isImportDeclaration(statement) && statement.importClause?.namedBindings && ts.isNamedImports(statement.importClause.namedBindings)) {
        for (const element of statement.importClause.namedBindings.elements) if (element.name.text === name) return element;
      }
    }
  }
  return undefined;
}

function importedDeclaration(element: ts.ImportSpecifier): ts.Node | undefined {
  const specifier = (element.parent.parent.parent as ts.ImportDeclaration).moduleSpecifier;
  if (!ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(element.getSourceFile().fileName), specifier.text);
  const file = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate));
  if (!file) return undefined;
  return declarationOf((element.propertyName ?? element.name).text, sourceFile(file));
}

function evaluate(node: ts.Expression, env: Env, depth = 0): Value {
  if (depth > 20) throw new Unresolved();
  const next = (n: ts.Expression) => evaluate(n, env, depth + 1);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return next(node.expression);
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const value = next(span.expression);
      if (typeof value === 'object') throw new Unresolved();
      text += String(value) + span.literal.text;
    }
    return text;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const [left, right] = [next(node.left), next(node.right)];
    if (typeof left === 'object' || typeof right === 'object') throw new Unresolved();
    return typeof left === 'number' && typeof right === 'number' ? left + right : `${left}${right}`;
  }
  if (ts.isIdentifier(node)) return valueOfName(node, env, depth);
  if (ts.isElementAccessExpression(node)) {
    const [target, index] = [next(node.expression), next(node.argumentExpression)];
    if (typeof target === 'string' && typeof index === 'number') return target[index] ?? '';
    throw new Unresolved();
  }
  if (ts.isCallExpression(node)) {
    const args = node.arguments.map(next);
    if (ts.isPropertyAccessExpression(node.expression)) {
      const target = next(node.expression.expression);
      const method = node.expression.name.text;
      if (typeof target === 'string') {
        if (method === 'toUpperCase') return target.toUpperCase();
        if (method === 'toLowerCase') return target.toLowerCase();
        if (method === 'trim') return target.trim();
        if (method === 'slice' && args.every((a) => typeof a === 'number')) return target.slice(...(args as number[]));
      }
      throw new Unresolved();
    }
    const callee = next(node.expression);
    if (typeof callee !== 'object') throw new Unresolved();
    return callFunction(callee, args, depth);
  }
  throw new Unresolved();
}

function valueOfName(node: ts.Identifier, env: Env, depth: number): Value {
  let declaration = declarationOf(node.text, node);
  if (declaration && ts.isImportSpecifier(declaration)) declaration = importedDeclaration(declaration);
  if (!declaration) throw new Unresolved();
  if (ts.isParameter(declaration)) {
    if (env.has(declaration)) return env.get(declaration)!;
    throw new Unresolved(declaration);
  }
  if (ts.isFunctionDeclaration(declaration)) return { kind: 'fn', node: declaration };
  if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
    const init = declaration.initializer;
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return { kind: 'fn', node: init };
    return evaluate(init, env, depth + 1);
  }
  throw new Unresolved();
}

/** Functions whose templates were evaluated through a call with known arguments (their own holes are not reported). */
const calledFunctions = new Set<ts.Node>();

function callFunction(fn: Fn, args: Value[], depth: number): Value {
  const body = fn.node.body;
  let expression: ts.Expression | undefined;
  if (body && ts.isBlock(body)) {
    const only = body.statements.length === 1 ? body.statements[0] : undefined;
    if (only && ts.isReturnStatement(only)) expression = only.expression;
  } else expression = body as ts.Expression | undefined;
  if (!expression) throw new Unresolved();
  const env: Env = new Map();
  fn.node.parameters.forEach((param, i) => {
    if (i < args.length) env.set(param, args[i]);
  });
  const value = evaluate(expression, env, depth + 1);
  calledFunctions.add(fn.node);
  return value;
}

function enclosingFunctionName(node: ts.Node): string {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if (ts.isFunctionDeclaration(at) && at.name) return at.name.text;
    if ((ts.isArrowFunction(at) || ts.isFunctionExpression(at)) && ts.isVariableDeclaration(at.parent) && ts.isIdentifier(at.parent.name)) return at.parent.name.text;
    if ((ts.isArrowFunction(at) || ts.isFunctionExpression(at)) && ts.isCallExpression(at.parent)) {
      // it('does something', async () => ...) / describe(...): the test's title.
      const title = at.parent.arguments[0];
      if (title && (ts.isStringLiteral(title) || ts.isNoSubstitutionTemplateLiteral(title))) return title.text;
    }
  }
  return 'top level';
}

/** Inside a larger template or concatenation: the outer expression is the one sent. */
function isPartOfLargerString(node: ts.Node): boolean {
  const parent = node.parent;
  return ts.isTemplateSpan(parent) || (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.PlusToken);
}

function documentOf(text: string): DocumentNode | undefined {
  if (!OPERATION_START.test(text)) return undefined;
  try {
    const document = parse(text);
    return document.definitions.some((d) => d.kind === 'OperationDefinition') ? document : undefined;
  } catch {
    return undefined;
  }
}

/** The operations of some client files (absolute paths), in file order then source order, each text once. */
export function operationsInSources(root: string, filePaths: string[]): SourceOperationsResult {
  const operations: SourceOperation[] = [];
  const seen = new Set<string>();
  const pending: { origin: string; text: string; functions: ts.Node[] }[] = [];
  for (const file of filePaths) {
    const sf = sourceFile(file);
    const relative = path.relative(root, file).split(path.sep).join('/');
    const visit = (node: ts.Node): void => {
      const candidate = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node) || (ts.isCallExpression(node) && ts.isIdentifier(node.expression));
      if (candidate && !isPartOfLargerString(node)) {
        const origin = `${relative} (${enclosingFunctionName(node)})`;
        try {
          const value = evaluate(node as ts.Expression, new Map());
          const document = typeof value === 'string' ? documentOf(value) : undefined;
          if (document) {
            const printed = print(document);
            if (!seen.has(printed)) {
              seen.add(printed);
              operations.push({ origin, document: printed });
            }
          }
        } catch (error) {
          if (!(error instanceof Unresolved) || !ts.isTemplateExpression(node) || !OPERATION_START.test(node.head.text)) {
            // not an operation, or not a template: nothing to say
          } else {
            const functions: ts.Node[] = [];
            for (let at: ts.Node | undefined = node.parent; at; at = at.parent) if (ts.isFunctionLike(at)) functions.push(at);
            pending.push({ origin, text: node.getText(sf).replace(/\$\{[^}]*\}/g, '${…}').replace(/\s+/g, ' ').slice(0, 160), functions });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  const dynamic = pending.filter((p) => !p.functions.some((fn) => calledFunctions.has(fn))).map((p) => `${p.origin}: ${p.text}`);
  return { operations, dynamic };
}
