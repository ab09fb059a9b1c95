/** The declarations a check compiles against: each API global (stable per catalog), referenced operations typed. */
import ts from '#typescript';
import { namedTypeDeclaration, operationDeclarations } from '../catalog/declarations.ts';
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
 * The named operations as members of the API's interface (interface merging adds them to the global's
 * type), and the names of the named types they reach, declared apart by `typedNamedTypes`: operations
 * of one API often reach the very same types (every Stripe operation reaches the same 484 types, ~280 K
 * characters), which are then parsed once for all of them.
 */
export function typedMethods(api: Api, operations: readonly string[]): { text: string; types: string[] } {
  const { methods, types } = operationDeclarations(api, operations);
  return { text: unknownAsAny(`interface ${apiInterface(api.name)} {\n${methods}\n}\n`), types };
}

/** Named types in the API's namespace (`github.Issue`), which merges with the API's global. */
export function typedNamedTypes(api: Api, names: readonly string[]): string {
  const types = names.map((name) => namedTypeDeclaration(api, name)).join('\n');
  return unknownAsAny(`declare namespace ${api.name} {\n${types}\n}\n`);
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
