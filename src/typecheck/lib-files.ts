/** TypeScript's ES lib declarations, parsed once per source of lib text and shared by every checker. */
import ts from '#typescript';

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

/** The one file the checker compiles against: every lib the sandbox needs, merged (see `sandboxLib`). */
export const SANDBOX_LIB_FILE = 'lib.duet-sandbox.d.ts';

const REFERENCE = /^\/\/\/\s*<reference\s+lib="([^"]+)"\s*\/>\s*$/gm;

/**
 * The sandbox's libs and everything they reference, in dependency order, as ONE declaration file.
 * TypeScript merges an interface declared in several files (`Array` is in eight lib files) anew in
 * every program, which is most of a warm check's cost; declared in one file, it is merged once when the
 * file is bound, and every later program reuses the bound file.
 */
function sandboxLibs(libFiles: LibFiles): { merged: string; modules: string[] } | undefined {
  const seen = new Set<string>();
  const parts: string[] = [];
  const modules: string[] = [];
  const visit = (fileName: string): boolean => {
    if (seen.has(fileName)) return true;
    seen.add(fileName);
    const text = readLib(libFiles, fileName);
    if (text === undefined) return false;
    for (const [, name] of text.matchAll(REFERENCE))
      if (!visit(`lib.${name!.toLowerCase()}.d.ts`)) return false;
    // A lib written as a module (`export {}` + `declare global`, as es2025.iterator) would make the merged
    // file a module: it stays a file of its own, its references already in the merged file.
    (MODULE.test(text) ? modules : parts).push(text.replace(REFERENCE, ''));
    return true;
  };
  return SANDBOX_LIBS.every(visit) ? { merged: parts.join('\n'), modules } : undefined;
}

const MODULE = /^export \{\};?\s*$/m;
const libsCache = new WeakMap<object, ReturnType<typeof sandboxLibs>>();

function cachedSandboxLibs(libFiles: LibFiles) {
  if (!libsCache.has(libFiles)) libsCache.set(libFiles, sandboxLibs(libFiles));
  return libsCache.get(libFiles);
}

/** Lib files that must stay separate (modules augmenting the globals): `lib.duet-sandbox-N.d.ts`. */
export function sandboxLibModules(libFiles: LibFiles): string[] {
  return (cachedSandboxLibs(libFiles)?.modules ?? []).map((_, i) => `lib.duet-sandbox-${i}.d.ts`);
}

function sandboxLibText(libFiles: LibFiles, fileName: string): string | undefined {
  const libs = cachedSandboxLibs(libFiles);
  if (fileName === SANDBOX_LIB_FILE) return libs?.merged;
  const index = Number(/^lib\.duet-sandbox-(\d+)\.d\.ts$/.exec(fileName)?.[1]);
  return Number.isInteger(index) ? libs?.modules[index] : undefined;
}

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
    const text = fileName.startsWith('lib.duet-sandbox')
      ? sandboxLibText(libFiles, fileName)
      : readLib(libFiles, fileName);
    cache.set(
      fileName,
      text === undefined ? undefined : ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, false),
    );
  }
  return cache.get(fileName);
}
