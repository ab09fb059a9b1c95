/** TypeScript's ES lib declarations, parsed once per source of lib text and shared by every checker. */
import ts from 'typescript';

/**
 * TypeScript's `lib.*.d.ts` texts by file name (`lib.es2022.d.ts`), or a function returning them. The
 * core cannot read files; each runtime's adapter reads them from the `typescript` package.
 */
export type LibFiles = Readonly<Record<string, string>> | ((fileName: string) => string | undefined);

/**
 * What QuickJS in the sandbox really has (probed): ES2024 (`toSorted`, `findLast`, `Object.groupBy`,
 * `Promise.withResolvers`) plus ES2025's Set methods and iterator helpers. No DOM or Node types: the
 * sandbox has neither.
 */
export const SANDBOX_LIBS: string[] = [
  'lib.es2024.d.ts',
  'lib.es2025.collection.d.ts',
  'lib.es2025.iterator.d.ts',
];
export const ROOT_LIB: string = SANDBOX_LIBS[0]!;

const parsed = new WeakMap<object, Map<string, ts.SourceFile | undefined>>();

function readLib(libFiles: LibFiles, fileName: string): string | undefined {
  if (typeof libFiles === 'function') return libFiles(fileName);
  return Object.hasOwn(libFiles, fileName) ? libFiles[fileName] : undefined;
}

/** The parsed lib file (binding happens once too: it is stored on the shared tree). */
export function libSourceFile(libFiles: LibFiles, path: string, fileName: string): ts.SourceFile | undefined {
  let cache = parsed.get(libFiles);
  if (cache === undefined) {
    cache = new Map();
    parsed.set(libFiles, cache);
  }
  if (!cache.has(fileName)) {
    const text = readLib(libFiles, fileName);
    cache.set(
      fileName,
      text === undefined ? undefined : ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, false),
    );
  }
  return cache.get(fileName);
}
