/**
 * Whether a snippet is TypeScript or plain JavaScript. Models mostly write plain JavaScript, and TypeScript's
 * checks for JavaScript (checkJs) accept its habits (`const out = {}; out.total = 1`, `[]` filled by push,
 * `let best = null` assigned later, fields set in a constructor) while still checking every API call.
 */
import ts from '#typescript';

/** Syntax only TypeScript has, beside type nodes (annotations, generics, `satisfies` types). */
const TYPESCRIPT_ONLY = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.AsExpression,
  ts.SyntaxKind.SatisfiesExpression,
  ts.SyntaxKind.NonNullExpression,
  ts.SyntaxKind.TypeAssertionExpression,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.TypeParameter,
  ts.SyntaxKind.PublicKeyword,
  ts.SyntaxKind.PrivateKeyword,
  ts.SyntaxKind.ProtectedKeyword,
  ts.SyntaxKind.ReadonlyKeyword,
  ts.SyntaxKind.AbstractKeyword,
  ts.SyntaxKind.DeclareKeyword,
  ts.SyntaxKind.OverrideKeyword,
  ts.SyntaxKind.ImplementsKeyword,
]);

/** True when the parsed snippet uses any syntax that plain JavaScript does not have. */
export function usesTypeScriptSyntax(file: ts.SourceFile): boolean {
  const visit = (node: ts.Node): boolean => {
    if (ts.isTypeNode(node) || TYPESCRIPT_ONLY.has(node.kind)) return true;
    // `x?: T` on a parameter or class field, `x!: T` definite assignment.
    if (ts.isParameter(node) && node.questionToken) return true;
    if (ts.isPropertyDeclaration(node) && (node.questionToken || node.exclamationToken)) return true;
    if (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword) return true;
    return ts.forEachChild(node, visit) ?? false;
  };
  return ts.forEachChild(file, visit) ?? false;
}

/**
 * The wrapped snippet `text` parsed as TypeScript (`name.ts`), or as JavaScript (`name.js`, checkJs) when
 * it uses no TypeScript syntax, by `parse` (`ts.createSourceFile` with the checker's target).
 */
export function parseSnippetText(
  text: string,
  name: string,
  parse: (path: string, text: string, kind?: ts.ScriptKind) => ts.SourceFile,
): ts.SourceFile {
  // Most snippets are plain JavaScript: parsed as such first, they take one parse instead of two (a
  // parse is ~0.1 ms of a check whose code is cold in the cache). Only code with `<` parses otherwise
  // in a .js file (type arguments, `<T>x` and generic arrows become comparisons or JSX), so that goes
  // the way that decides on the TypeScript parse.
  if (!text.includes('<')) {
    const asJavaScript = parse(`${name}.js`, text, ts.ScriptKind.JS);
    if (!usesTypeScriptSyntax(asJavaScript)) return asJavaScript;
  }
  const asTypeScript = parse(`${name}.ts`, text);
  return usesTypeScriptSyntax(asTypeScript) ? asTypeScript : parse(`${name}.js`, text, ts.ScriptKind.JS);
}
