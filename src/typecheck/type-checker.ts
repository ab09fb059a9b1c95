/** Type-checks snippets against a catalog with the TypeScript compiler API, reusing parsed files between checks. */
import ts from 'typescript';
import type { Catalog } from '../catalog/catalog.ts';
import type { Api } from '../catalog/types.ts';
import type { Diagnostic, TypeChecker, TypeCheckOptions } from '../execute/types.ts';
import { apiGlobals, typedDeclarations } from './api-declarations.ts';
import { compilerOptions } from './compiler-options.ts';
import { toDiagnostic } from './diagnostics.ts';
import { type LibFiles, libSourceFile, SANDBOX_LIB_FILE, sandboxLibModules } from './lib-files.ts';
import { referencedOperations } from './referenced.ts';
import { SANDBOX_GLOBALS, SANDBOX_GLOBALS_WITH_FETCH } from './sandbox-globals.ts';
import { usesTypeScriptSyntax } from './snippet-language.ts';
import { isTolerated } from './tolerated.ts';

export interface TypeCheckerOptions {
  libFiles: LibFiles;
  /** Default for `check`'s `fetch` option (the executor passes its own). */
  fetch?: boolean;
  /** Typed-declaration files kept for reuse, one per distinct set of referenced operations. */
  cacheSize?: number;
  /**
   * Bound on the declaration text those files hold together (default 1.5 M characters): one Stripe
   * operation brings ~285 K characters of types, so 32 of them kept ~100 MB of syntax trees alive.
   */
  cacheChars?: number;
}

export interface SyncTypeChecker extends TypeChecker {
  check(code: string, options?: TypeCheckOptions): Diagnostic[];
}

const LIB_DIR = '/lib/';
const LIB = `${LIB_DIR}${SANDBOX_LIB_FILE}`;
const GLOBALS = '/duet-globals.d.ts';
const APIS = '/duet-apis.d.ts';
const TYPED = '/duet-typed.d.ts';
const SNIPPET_TS = '/snippet.ts';
const SNIPPET_JS = '/snippet.js';
// The sandbox runs the snippet as the body of this same arrow function.
const PREFIX = '(async () => {\n';
const SUFFIX = '\n})();\n';

function parse(path: string, text: string, kind?: ts.ScriptKind): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, false, kind);
}

export function createTypeChecker(catalog: Catalog, options: TypeCheckerOptions): SyncTypeChecker {
  const { libFiles } = options;
  const cacheSize = options.cacheSize ?? 32;
  const cacheChars = options.cacheChars ?? 1_500_000;
  let typedChars = 0;
  const globals = new Map<boolean, ts.SourceFile>();
  const typedFiles = new Map<string, ts.SourceFile>();
  let globalApis: { apis: Api[]; file: ts.SourceFile; byName: Map<string, Api> } | undefined;
  let current = new Map<string, ts.SourceFile>();
  let oldProgram: ts.Program | undefined;
  const libModules = sandboxLibModules(libFiles).map((name) => `${LIB_DIR}${name}`);

  // `resolveLibrary` is a host hook TypeScript's public typings leave out; without `libReplacement` it
  // is never called, and providing it spares the library resolution cache too.
  const host: ts.CompilerHost & { resolveLibrary(): { resolvedModule: undefined } } = {
    getSourceFile: (path) =>
      current.get(path) ??
      (path.startsWith(LIB_DIR) ? libSourceFile(libFiles, path, path.slice(LIB_DIR.length)) : undefined),
    getDefaultLibFileName: () => LIB,
    getDefaultLibLocation: () => LIB_DIR.slice(0, -1),
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (path) => path,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (path) => host.getSourceFile(path, ts.ScriptTarget.ES2022) !== undefined,
    readFile: () => undefined,
    // Nothing here can be imported (`noResolve`): answering "not found" ourselves spares `createProgram`
    // the resolution caches it builds for every check (~0.1 ms each time, profiled), same diagnostics.
    resolveModuleNameLiterals: (names) => names.map(() => ({ resolvedModule: undefined })),
    resolveTypeReferenceDirectiveReferences: (names) =>
      names.map(() => ({ resolvedTypeReferenceDirective: undefined })),
    resolveLibrary: () => ({ resolvedModule: undefined }),
  };

  /** The API globals follow the catalog, which may gain APIs after the checker was made. */
  function apisFor(apis: Api[]) {
    const known = globalApis;
    if (
      known === undefined ||
      known.apis.length !== apis.length ||
      known.apis.some((a, i) => a !== apis[i])
    ) {
      globalApis = {
        apis,
        file: parse(APIS, apiGlobals(apis)),
        byName: new Map(apis.map((api) => [api.name, api])),
      };
      typedFiles.clear();
      typedChars = 0;
    }
    return globalApis!;
  }

  function typedFile(referenced: Map<Api, string[]>): ts.SourceFile {
    const key = [...referenced].map(([api, names]) => `${api.name}:${names.join(',')}`).join(';');
    let file = typedFiles.get(key);
    if (file === undefined) {
      const text = [...referenced].map(([api, names]) => typedDeclarations(api, names)).join('\n');
      file = parse(TYPED, text);
      // Least recently used first out, until both the count and the text fit.
      for (const [oldest, old] of typedFiles) {
        if (typedFiles.size < cacheSize && typedChars + text.length <= cacheChars) break;
        typedFiles.delete(oldest);
        typedChars -= old.text.length;
      }
      typedChars += text.length;
    } else typedFiles.delete(key);
    // Re-inserted: the map's order is least recently used first.
    typedFiles.set(key, file);
    return file;
  }

  function globalsFile(fetch: boolean): ts.SourceFile {
    let file = globals.get(fetch);
    if (file === undefined) {
      file = parse(GLOBALS, fetch ? SANDBOX_GLOBALS_WITH_FETCH : SANDBOX_GLOBALS);
      globals.set(fetch, file);
    }
    return file;
  }

  function check(code: string, checkOptions: TypeCheckOptions = {}): Diagnostic[] {
    const fetch = checkOptions.fetch ?? options.fetch ?? false;
    const { apis, file: apisFile, byName } = apisFor(catalog.apis);
    // Plain JavaScript is checked as JavaScript (checkJs), TypeScript as TypeScript.
    const asTypeScript = parse(SNIPPET_TS, PREFIX + code + SUFFIX);
    const snippet = usesTypeScriptSyntax(asTypeScript)
      ? asTypeScript
      : parse(SNIPPET_JS, PREFIX + code + SUFFIX, ts.ScriptKind.JS);
    current = new Map([
      [GLOBALS, globalsFile(fetch)],
      [APIS, apisFile],
      [TYPED, typedFile(referencedOperations(code, apis))],
      [snippet.fileName, snippet],
    ]);
    const program = ts.createProgram({
      rootNames: [...libModules, ...current.keys()],
      options: compilerOptions,
      host,
      oldProgram,
    });
    oldProgram = program;
    const found = [...program.getSyntacticDiagnostics(snippet), ...program.getSemanticDiagnostics(snippet)];
    const checker = () => program.getTypeChecker();
    const context = { file: snippet, lines: code.split('\n').length, apis: byName, fetch, checker };
    return found
      .filter((d) => d.category === ts.DiagnosticCategory.Error && !isTolerated(d, snippet, checker))
      .sort((a, b) => (a.start ?? 0) - (b.start ?? 0))
      .map((d) => toDiagnostic(d, context));
  }

  return { check };
}
