/** Type-checking of snippets before they run (imports the TypeScript compiler: optional, see the adapters). */

export { editDistance, suggestOperations } from '../search/suggest-operations.ts';
export { type LibFiles, ROOT_LIB } from './lib-files.ts';
export { createTypeChecker, type SyncTypeChecker, type TypeCheckerOptions } from './type-checker.ts';
