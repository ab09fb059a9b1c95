/** How snippets are compiled: strict about API types, lenient where plain JavaScript habits are harmless. */
import ts from 'typescript';
import { ROOT_LIB } from './lib-files.ts';

export const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: [ROOT_LIB],
  libReplacement: false,
  types: [],
  noResolve: true,
  noEmit: true,
  skipLibCheck: true,
  skipDefaultLibCheck: true,
  strict: true,
  // An untyped helper `function pick(list, key)` runs fine; refusing it would only cost the agent a turn.
  noImplicitAny: false,
  // Errors from API calls carry `status` and `body`; `catch (e) { e.status }` is the documented pattern.
  useUnknownInCatchVariables: false,
  allowUnreachableCode: true,
  allowUnusedLabels: true,
};
