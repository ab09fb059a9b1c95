/** Bundles a Worker for workerd with esbuild the way wrangler does: ESM, workerd export conditions, WASM and data as modules. */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

export interface WorkerModule {
  type: 'ESModule' | 'CompiledWasm' | 'Data';
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
 * workerd must receive as WebAssembly.Module (it refuses to compile bytes at run time), and the /docs
 * explorer's files as ArrayBuffers (see docs-assets.ts).
 */
const MODULE_RULES: { filter: RegExp; type: WorkerModule['type'] }[] = [
  { filter: /(\.wasm|quickjs-wasmfile-release-sync\/wasm)$/, type: 'CompiledWasm' },
  { filter: /^swagger-ui-dist\/(swagger-ui-bundle\.js|swagger-ui\.css)$/, type: 'Data' },
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
            module = {
              type,
              path: join(root, basename(resolved.path)),
              contents: await readFile(resolved.path),
            };
            found.push(module);
          }
          return { path: `./${basename(module.path)}`, external: true };
        });
      }
    },
  };
}

export async function bundleWorker(entry: string): Promise<WorkerBundle> {
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
    logLevel: 'silent',
    plugins: [moduleRules(modulesRoot, modules)],
  });
  const [script] = result.outputFiles;
  return {
    modulesRoot,
    modules: [{ type: 'ESModule', path: script.path, contents: script.text }, ...modules],
  };
}
