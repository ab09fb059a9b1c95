/** Bundles a Worker for workerd with esbuild the way wrangler does: ESM, workerd export conditions, WASM and data as modules. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
// Types only: esbuild is loaded when a bundle is made, not by a start that finds its bundles built.
import type { Loader, Plugin } from 'esbuild';

export interface WorkerModule {
  type: 'ESModule' | 'CompiledWasm' | 'Data' | 'Text';
  /** Absolute; module names are these paths relative to `modulesRoot`. */
  path: string;
  contents: string | Uint8Array;
}

export interface WorkerBundle {
  modulesRoot: string;
  /** The entry first, as Miniflare wants it. */
  modules: WorkerModule[];
  /**
   * Every file the bundle was made from, by absolute path, with the SHA-256 of the content that went into
   * it: the sources, the files that became modules of their own, and the package.json of each package
   * they are in (its `browser`, `exports`). bundle-cache.ts checks these to know whether a bundle made
   * before is still current.
   */
  inputs: Record<string, string>;
}

/** Path to SHA-256 of what was read. */
type Inputs = Map<string, string>;

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Imports that become modules of their own, as the `rules` of wrangler.jsonc make them for deploys: WASM
 * workerd must receive as WebAssembly.Module (it refuses to compile bytes at run time), the /docs
 * explorer's files as ArrayBuffers (see docs-assets.ts), and the checker Worker's TypeScript lib files as
 * strings (see typecheck/lib-texts.js).
 */
const MODULE_RULES: { filter: RegExp; type: WorkerModule['type'] }[] = [
  { filter: /(\.wasm|quickjs-wasmfile-release-sync\/wasm)$/, type: 'CompiledWasm' },
  { filter: /^swagger-ui-dist\/(swagger-ui-bundle\.js|swagger-ui\.css)$/, type: 'Data' },
  { filter: /^typescript\/lib\/lib\.[\w.]+\.d\.ts$/, type: 'Text' },
];
const RESOLVING = Symbol('resolving module');

function moduleRules(root: string, found: WorkerModule[], read: Inputs): Plugin {
  return {
    name: 'duet-workerd-modules',
    setup(esbuild) {
      for (const { filter, type } of MODULE_RULES) {
        esbuild.onResolve({ filter }, async (args) => {
          if (args.pluginData === RESOLVING) return undefined;
          const resolved = await esbuild.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            pluginData: RESOLVING,
          });
          if (resolved.errors.length) return { errors: resolved.errors };
          let module = found.find((m) => m.type === type && m.path.endsWith(basename(resolved.path)));
          if (!module) {
            const bytes = await readFile(resolved.path);
            read.set(resolved.path, sha256(bytes));
            module = {
              type,
              path: join(root, basename(resolved.path)),
              contents: type === 'Text' ? bytes.toString('utf8') : bytes,
            };
            found.push(module);
          }
          return { path: `./${basename(module.path)}`, external: true };
        });
      }
    },
  };
}

/**
 * `require`s a package's `browser` field maps to `false` become empty modules, as wrangler's bundler makes
 * them: TypeScript requires `fs`, `path`, `os`... only inside its Node system, which it never builds
 * without a Node `require`.
 */
function browserFieldDisabled(read: Inputs): Plugin {
  const maps = new Map<string, Promise<Record<string, unknown> | undefined>>();
  const browserMap = (dir: string): Promise<Record<string, unknown> | undefined> => {
    let map = maps.get(dir);
    if (!map) {
      map = readFile(join(dir, 'package.json'), 'utf8').then(
        (text) => {
          read.set(join(dir, 'package.json'), sha256(text));
          const pkg = JSON.parse(text) as { name?: string; browser?: unknown };
          if (pkg.name === undefined) return dirname(dir) === dir ? undefined : browserMap(dirname(dir));
          return typeof pkg.browser === 'object' ? (pkg.browser as Record<string, unknown>) : undefined;
        },
        () => (dirname(dir) === dir ? undefined : browserMap(dirname(dir))),
      );
      maps.set(dir, map);
    }
    return map;
  };
  return {
    name: 'duet-browser-field-disabled',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.kind !== 'require-call' || !args.importer.includes('/node_modules/')) return undefined;
        const map = await browserMap(dirname(args.importer));
        return map?.[args.path] === false ? { path: args.path, namespace: 'duet-disabled' } : undefined;
      });
      esbuild.onLoad({ filter: /.*/, namespace: 'duet-disabled' }, () => ({
        contents: 'module.exports = {};',
        loader: 'js',
      }));
    },
  };
}

/** The loaders esbuild picks by extension, for the files `hashedSources` reads in its place. */
const LOADERS: Record<string, Loader> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.jsx': 'jsx',
  '.json': 'json',
  '.css': 'css',
  '.txt': 'text',
};

/**
 * Every source file is read here rather than by esbuild, so the hash kept is of exactly the content that
 * went into the bundle: a file saved while esbuild runs makes the bundle stale, never wrongly current.
 */
function hashedSources(read: Inputs): Plugin {
  return {
    name: 'duet-hashed-sources',
    setup(esbuild) {
      esbuild.onLoad({ filter: /.*/, namespace: 'file' }, async (args) => {
        const contents = await readFile(args.path);
        read.set(args.path, sha256(contents));
        return { contents, loader: LOADERS[extname(args.path)] ?? 'js' };
      });
    },
  };
}

export interface BundleOptions {
  /** As wrangler's `minify` (the checker Worker's config sets it). */
  minify?: boolean;
}

export async function bundleWorker(entry: string, options: BundleOptions = {}): Promise<WorkerBundle> {
  const { build } = await import('esbuild');
  const modulesRoot = dirname(entry);
  const modules: WorkerModule[] = [];
  const read: Inputs = new Map();
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    outfile: join(modulesRoot, 'worker.js'),
    // Paths in the bundle's comments are relative to the entry's directory, whatever the cwd.
    absWorkingDir: modulesRoot,
    // The runtime's own modules (`cloudflare:workers`, `cloudflare:sockets`) are workerd built-ins.
    external: ['cloudflare:*'],
    minify: options.minify ?? false,
    logLevel: 'silent',
    plugins: [moduleRules(modulesRoot, modules, read), browserFieldDisabled(read), hashedSources(read)],
  });
  const [script] = result.outputFiles;
  // esbuild's resolver read the package.json of each package a file came from (`exports`, `browser`).
  for (const path of [...read.keys()]) {
    const pkg = packageJsonOf(path);
    if (pkg && !read.has(pkg)) {
      const text = await readFile(pkg).catch(() => undefined);
      if (text) read.set(pkg, sha256(text));
    }
  }
  return {
    modulesRoot,
    // In a fixed order: esbuild resolves in parallel, so the order they were found in varies.
    modules: [
      { type: 'ESModule', path: script.path, contents: script.text },
      ...modules.sort((a, b) => (a.path < b.path ? -1 : 1)),
    ],
    inputs: Object.fromEntries([...read].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** The package.json of the package a file under node_modules/ is in. */
function packageJsonOf(path: string): string | undefined {
  const match = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(path);
  return match ? join(match[1]!, 'package.json') : undefined;
}
