/** Type-checks snippets against a catalog with the TypeScript compiler API, reusing parsed files between checks. */
import ts from '#typescript';
import type { Catalog } from '../catalog/catalog.ts';
import type { Api } from '../catalog/types.ts';
import type { Diagnostic, TypeChecker, TypeCheckOptions } from '../execute/types.ts';
import { apiGlobals, typedMethods, typedNamedTypes } from './api-declarations.ts';
import {
  CHECKS_PER_PROGRAM,
  checkWithKept,
  keptFitting,
  type ReusableProgram,
  sameFiles,
} from './checker-reuse.ts';
import { compilerOptions } from './compiler-options.ts';
import { toDiagnostic } from './diagnostics.ts';
import { type LibFiles, libSourceFile, SANDBOX_LIB_FILE, sandboxLibModules } from './lib-files.ts';
import { referencedOperations } from './referenced.ts';
import { SANDBOX_GLOBALS, SANDBOX_GLOBALS_WITH_FETCH } from './sandbox-globals.ts';
import { parseSnippetText } from './snippet-language.ts';
import { isTolerated } from './tolerated.ts';

export interface TypeCheckerOptions {
  libFiles: LibFiles;
  /** Default for `check`'s `fetch` option (the executor passes its own). */
  fetch?: boolean;
  /** Method-declaration files kept for reuse, one per distinct set of referenced operations. */
  cacheSize?: number;
  /**
   * Bound on the text of the named-type files kept for reuse, least recently used out first (default
   * 600 K characters, ~20 MiB of syntax trees). A file holds the types a set of operations reaches in
   * one API and serves every set reaching the same types: all Stripe operations reach the same ~280 K.
   */
  cacheChars?: number;
  /**
   * Snippets one program's checker checks (default 100; 1 builds a program for every snippet): a snippet
   * over the same declarations as the one before is checked by the kept checker, which has resolved the
   * lib's and the API's types already (checker-reuse.ts).
   */
  checksPerProgram?: number;
  /**
   * Programs kept, each serving the snippets over its own declarations (default 8, least recently used
   * out first): a server whose agents alternate between a few sets of operations (one session lists,
   * another creates) keeps a warm checker for each instead of building a program for every switch.
   */
  keptPrograms?: number;
}

/** The named types a set of operations reaches in one API; `key` names the file declaring them. */
interface ReachedTypes {
  api: Api;
  names: string[];
  key: string;
}

export interface SyncTypeChecker extends TypeChecker {
  check(code: string, options?: TypeCheckOptions): Diagnostic[];
  /** Checks made, and programs built for them (the other checks used a kept checker). */
  stats(): { checks: number; programs: number };
}

const LIB_DIR = '/lib/';
const LIB = `${LIB_DIR}${SANDBOX_LIB_FILE}`;
const GLOBALS = '/duet-globals.d.ts';
const APIS = '/duet-apis.d.ts';
const TYPED = '/duet-typed.d.ts';
const TYPES_DIR = '/duet-types/';
const SNIPPET = '/snippet';
// The sandbox runs the snippet as the body of this same arrow function.
const PREFIX = '(async () => {\n';
const SUFFIX = '\n})();\n';

function parse(path: string, text: string, kind?: ts.ScriptKind): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, false, kind);
}

export function createTypeChecker(catalog: Catalog, options: TypeCheckerOptions): SyncTypeChecker {
  const { libFiles } = options;
  const cacheSize = options.cacheSize ?? 32;
  const cacheChars = options.cacheChars ?? 600_000;
  const checksPerProgram = options.checksPerProgram ?? CHECKS_PER_PROGRAM;
  const keptPrograms = Math.max(1, options.keptPrograms ?? 8);
  const globals = new Map<boolean, ts.SourceFile>();
  /** Per set of referenced operations, least recently used first: its methods and the types they reach. */
  const typedSets = new Map<string, { methods: ts.SourceFile; types: ReachedTypes[] }>();
  /** Named-type files by the types they declare, least recently used first, and their total length. */
  const typeFiles = new Map<string, ts.SourceFile>();
  let typeChars = 0;
  let globalApis: { apis: Api[]; file: ts.SourceFile; byName: Map<string, Api> } | undefined;
  let current = new Map<string, ts.SourceFile>();
  /** Programs built lately, least recently used first; each checker checks snippets over its declarations. */
  const kept: ReusableProgram[] = [];
  /** Snippets checked by a kept checker need names of their own: it files diagnostics by name. */
  let snippetCount = 0;
  let checks = 0;
  let programs = 0;
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
      typedSets.clear();
      typeFiles.clear();
      typeChars = 0;
    }
    return globalApis!;
  }

  /** The methods file of the referenced operations, then a file per API of the named types they reach. */
  function typedFiles(referenced: Map<Api, string[]>): ts.SourceFile[] {
    const key = [...referenced].map(([api, names]) => `${api.name}:${names.join(',')}`).join(';');
    let set = typedSets.get(key);
    if (set === undefined) {
      const parts = [...referenced].map(([api, names]) => ({ api, ...typedMethods(api, names) }));
      set = {
        methods: parse(TYPED, parts.map((part) => part.text).join('\n')),
        types: parts
          .filter(({ types }) => types.length > 0)
          .map(({ api, types }) => {
            // In one order whichever operation reached them first, so equal sets of types share a file.
            const names = types.toSorted();
            return { api, names, key: `${api.name}:${names.join(',')}` };
          }),
      };
      if (typedSets.size >= cacheSize) typedSets.delete(typedSets.keys().next().value!);
    } else typedSets.delete(key);
    // Re-inserted: the map's order is least recently used first.
    typedSets.set(key, set);
    const files = set.types.map(typesFile);
    evictTypeFiles(files);
    return [set.methods, ...files];
  }

  function typesFile(reached: ReachedTypes): ts.SourceFile {
    let file = typeFiles.get(reached.key);
    if (file === undefined) {
      file = parse(`${TYPES_DIR}${reached.api.name}.d.ts`, typedNamedTypes(reached.api, reached.names));
      typeChars += file.text.length;
    } else typeFiles.delete(reached.key);
    typeFiles.set(reached.key, file);
    return file;
  }

  /** Least recently used first, until the kept text fits; the files this check uses always stay. */
  function evictTypeFiles(inUse: ts.SourceFile[]): void {
    for (const [key, file] of typeFiles) {
      if (typeChars <= cacheChars) break;
      if (inUse.includes(file)) continue;
      typeFiles.delete(key);
      typeChars -= file.text.length;
    }
  }

  function globalsFile(fetch: boolean): ts.SourceFile {
    let file = globals.get(fetch);
    if (file === undefined) {
      file = parse(GLOBALS, fetch ? SANDBOX_GLOBALS_WITH_FETCH : SANDBOX_GLOBALS);
      globals.set(fetch, file);
    }
    return file;
  }

  function parseSnippet(code: string, name: string): ts.SourceFile {
    return parseSnippetText(PREFIX + code + SUFFIX, name, parse);
  }

  /**
   * `entry` as the most recently used kept program. It replaces the entry over the same declarations (itself
   * when reused, or one out of snippets to spare), and the least recently used goes when too many are kept.
   */
  function keep(entry: ReusableProgram): void {
    const same = kept.findIndex((k) => sameFiles(k.declarations, entry.declarations));
    if (same >= 0) kept.splice(same, 1);
    if (kept.length >= keptPrograms) kept.shift();
    kept.push(entry);
  }

  /** A program of the declarations and the snippet; kept, so that its checker serves the next snippets. */
  function checkInNewProgram(
    declarations: ts.SourceFile[],
    snippet: ts.SourceFile,
  ): { found: ts.Diagnostic[]; program: ts.Program } {
    current = new Map(
      [...declarations, snippet].map((file): [string, ts.SourceFile] => [file.fileName, file]),
    );
    const program = ts.createProgram({
      rootNames: [...libModules, ...current.keys()],
      options: compilerOptions,
      host,
      oldProgram: kept.at(-1)?.program,
    });
    keep({ declarations, program, checks: 1 });
    programs++;
    const found = [...program.getSyntacticDiagnostics(snippet), ...program.getSemanticDiagnostics(snippet)];
    return { found, program };
  }

  function check(code: string, checkOptions: TypeCheckOptions = {}): Diagnostic[] {
    const fetch = checkOptions.fetch ?? options.fetch ?? false;
    const { apis, file: apisFile, byName } = apisFor(catalog.apis);
    checks++;
    const declarations = [globalsFile(fetch), apisFile, ...typedFiles(referencedOperations(code, apis))];
    // A name of its own only when the kept checker will see it: a program built anew reuses the last
    // one's structure only when the root file names are the same.
    const fitting = keptFitting(kept, checksPerProgram, declarations);
    let snippet = parseSnippet(code, fitting ? `${SNIPPET}-${++snippetCount}` : SNIPPET);
    try {
      let found = fitting ? checkWithKept(fitting, snippet, compilerOptions) : undefined;
      let program: ts.Program;
      if (fitting && found) {
        keep(fitting);
        program = fitting.program;
      } else {
        // Rarely parsed twice: only a snippet the kept checker could not take (syntax errors, directives).
        if (fitting) snippet = parseSnippet(code, SNIPPET);
        ({ found, program } = checkInNewProgram(declarations, snippet));
      }
      const checker = () => program.getTypeChecker();
      const context = { file: snippet, lines: code.split('\n').length, apis: byName, fetch, checker };
      return found
        .filter((d) => d.category === ts.DiagnosticCategory.Error && !isTolerated(d, snippet, checker))
        .sort((a, b) => (a.start ?? 0) - (b.start ?? 0))
        .map((d) => toDiagnostic(d, context));
    } catch (error) {
      // A checker that threw part-way may hold half-made state: the next snippets get new programs.
      kept.length = 0;
      throw error;
    }
  }

  return { check, stats: () => ({ checks, programs }) };
}
