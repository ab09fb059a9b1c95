/** Bundles a Worker for workerd with esbuild the way wrangler does: ESM, workerd export conditions, WASM and data as modules. */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

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
}

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

function moduleRules(root: string, found: WorkerModule[]): Plugin {
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
function browserFieldDisabled(): Plugin {
  const maps = new Map<string, Promise<Record<string, unknown> | undefined>>();
  const browserMap = (dir: string): Promise<Record<string, unknown> | undefined> => {
    let map = maps.get(dir);
    if (!map) {
      map = readFile(join(dir, 'package.json'), 'utf8').then(
        (text) => {
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

export interface BundleOptions {
  /** As wrangler's `minify` (the checker Worker's config sets it). */
  minify?: boolean;
}

export async function bundleWorker(entry: string, options: BundleOptions = {}): Promise<WorkerBundle> {
  const modulesRoot = dirname(entry);
  const modules: WorkerModule[] = [];
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
    // The runtime's own modules (`cloudflare:workers`, `cloudflare:sockets`) are workerd built-ins.
    external: ['cloudflare:*'],
    minify: options.minify ?? false,
    logLevel: 'silent',
    plugins: [moduleRules(modulesRoot, modules), browserFieldDisabled()],
  });
  const [script] = result.outputFiles;
  return {
    modulesRoot,
    modules: [{ type: 'ESModule', path: script.path, contents: script.text }, ...modules],
  };
}
