/** The declarations a check compiles against: each API global (stable per catalog), referenced operations typed. */
import ts from 'typescript';
import { apiDeclaration } from '../catalog/declarations.ts';
import type { Api } from '../catalog/types.ts';

/** Interface behind an API global; messages show it as `typeof NAME`. */
export const apiInterface = (api: string): string => `${api}$Api`;

/**
 * Each API global as an empty interface the per-check declarations merge operations into. Only the
 * operations a snippet names get members (full types for a large API are hundreds of KB); any other name
 * is an unknown property, which is what a misspelling is, and gets our own "did you mean".
 */
export function apiGlobals(apis: readonly Api[]): string {
  return apis
    .map(
      (api) =>
        `interface ${apiInterface(api.name)} {}\ndeclare const ${api.name}: ${apiInterface(api.name)};\n`,
    )
    .join('');
}

/**
 * Full declarations of the named operations: the API's namespace of named types, and the API's interface
 * with those methods (interface merging adds them to the global's type).
 */
export function typedDeclarations(api: Api, operations: readonly string[]): string {
  const text = apiDeclaration(api, { operations });
  // The const is the one unindented `declare const` line; the namespace's contents are indented.
  const header = `declare const ${api.name}: {\n`;
  const newline = text.indexOf(`\n${header}`);
  const at = text.startsWith(header) ? 0 : newline < 0 ? -1 : newline + 1;
  if (at < 0) throw new Error(`duet: no declaration of ${api.name} found`);
  const methods = text.slice(at + header.length).replace(/\};\s*$/, '}\n');
  return unknownAsAny(`${text.slice(0, at)}interface ${apiInterface(api.name)} {\n${methods}`);
}

/**
 * `unknown` in a declaration means the spec says nothing (Jira and Zoom leave 100+ responses untyped):
 * as `any`, reading such a response is not an error, while everything the spec does say is still checked.
 * Tokens, not text: "unknown" in a comment, a string literal or as a property name stays.
 */
export function unknownAsAny(text: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, text);
  const at: number[] = [];
  let pending = -1;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const propertyName =
      kind === ts.SyntaxKind.ColonToken ||
      kind === ts.SyntaxKind.QuestionToken ||
      kind === ts.SyntaxKind.OpenParenToken;
    if (pending >= 0 && !propertyName) at.push(pending);
    pending = kind === ts.SyntaxKind.UnknownKeyword ? scanner.getTokenStart() : -1;
  }
  if (pending >= 0) at.push(pending);
  let out = '';
  let from = 0;
  for (const start of at) {
    out += `${text.slice(from, start)}any`;
    from = start + 'unknown'.length;
  }
  return out + text.slice(from);
}
