/**
 * Checking a snippet with the type checker of an earlier program over the same declarations.
 *
 * A new snippet means a new `ts.Program`, and a new program a new checker, which resolves the lib's and
 * the API's types again from nothing: ~3 ms of a ~4 ms check of a three-line snippet (profiled in the
 * checker thread), while the snippet itself is a few dozen nodes. The wrapped snippet declares nothing
 * global (its code is the body of an arrow function), so the checker of a program holding the same lib
 * and declaration files can bind and check it as one more file, with every type it resolved before kept.
 *
 * This uses three TypeScript internals (`ts.bindSourceFile`, the checker's `getDiagnostics(file)`, and
 * the diagnostics a source file carries); when any is missing, or the snippet is one this path does not
 * cover, the caller builds a program as before.
 */
import ts from '#typescript';

interface InternalSourceFile extends ts.SourceFile {
  parseDiagnostics?: readonly ts.Diagnostic[];
  bindDiagnostics?: readonly ts.Diagnostic[];
  jsDocDiagnostics?: readonly ts.Diagnostic[];
  commentDirectives?: readonly unknown[];
  checkJsDirective?: unknown;
  externalModuleIndicator?: unknown;
  locals?: ts.SymbolTable;
  commonJsModuleIndicator?: unknown;
  scriptKind?: ts.ScriptKind;
}

interface InternalChecker extends ts.TypeChecker {
  getDiagnostics?(file: ts.SourceFile): readonly ts.Diagnostic[];
}

const bindSourceFile = (
  ts as unknown as { bindSourceFile?: (file: ts.SourceFile, options: ts.CompilerOptions) => void }
).bindSourceFile;

/** A program kept after a check: its declaration files, and how many snippets its checker has seen. */
export interface ReusableProgram {
  declarations: readonly ts.SourceFile[];
  program: ts.Program;
  checks: number;
}

/**
 * A checker keeps what each snippet made it resolve (types, links): after this many snippets (the
 * default) the next check builds a new program, so what one program holds stays bounded.
 */
export const CHECKS_PER_PROGRAM = 100;

/** Whether the snippet can be checked by an earlier checker: no syntax errors, no `@ts-` directives. */
export function reusableSnippet(snippet: ts.SourceFile): boolean {
  const file = snippet as InternalSourceFile;
  return (
    bindSourceFile !== undefined &&
    (file.parseDiagnostics?.length ?? 0) === 0 &&
    (file.commentDirectives?.length ?? 0) === 0 &&
    file.checkJsDirective === undefined &&
    file.externalModuleIndicator === undefined
  );
}

/** Whether two programs' declarations are the same files, in the same order. */
export function sameFiles(a: readonly ts.SourceFile[], b: readonly ts.SourceFile[]): boolean {
  return a.length === b.length && a.every((file, i) => file === b[i]);
}

/** The kept program whose checker may check a snippet over `declarations`: the same files, snippets to spare. */
export function keptFitting(
  kept: readonly ReusableProgram[],
  limit: number,
  declarations: readonly ts.SourceFile[],
): ReusableProgram | undefined {
  return kept.find((k) => k.checks < limit && sameFiles(k.declarations, declarations));
}

/**
 * The snippet's diagnostics from the checker of `kept` (which `keptFitting` found), as `getSyntacticDiagnostics` +
 * `getSemanticDiagnostics` of a program built for it would give them; undefined when the snippet is not
 * one this path covers (see `reusableSnippet`) or declares something global once bound (code closing the
 * wrapper). `snippet` must have a file name of its own: the checker files diagnostics by name.
 */
export function checkWithKept(
  kept: ReusableProgram,
  snippet: ts.SourceFile,
  options: ts.CompilerOptions,
): ts.Diagnostic[] | undefined {
  const checker = kept.program.getTypeChecker() as InternalChecker;
  if (checker.getDiagnostics === undefined || !reusableSnippet(snippet)) return undefined;
  const file = snippet as InternalSourceFile;
  bindSourceFile!(snippet, options);
  if ((file.locals?.size ?? 0) > 0 || file.commonJsModuleIndicator !== undefined) return undefined;
  kept.checks++;
  const isJs = file.scriptKind === ts.ScriptKind.JS;
  return [
    ...(file.bindDiagnostics ?? []),
    ...checker.getDiagnostics(snippet),
    ...(isJs ? (file.jsDocDiagnostics ?? []) : []),
  ];
}
