/** Bundles a Worker for workerd with esbuild the way wrangler does: ESM, workerd export conditions, WASM as compiled modules. */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

export interface WorkerModule {
  type: 'ESModule' | 'CompiledWasm';
  /** Absolute; module names are these paths relative to `modulesRoot`. */
  path: string;
  contents: string | Uint8Array;
}

export interface WorkerBundle {
  modulesRoot: string;
  /** The entry first, as Miniflare wants it. */
  modules: WorkerModule[];
}

/** Imports workerd must receive as WebAssembly.Module (it refuses to compile bytes at run time). */
const WASM_IMPORT = /(\.wasm|quickjs-wasmfile-release-sync\/wasm)$/;
const RESOLVING = Symbol('resolving wasm');

function wasmModules(root: string, found: WorkerModule[]): Plugin {
  return {
    name: 'duet-workerd-wasm',
    setup(esbuild) {
      esbuild.onResolve({ filter: WASM_IMPORT }, async (args) => {
        if (args.pluginData === RESOLVING) return undefined;
        const resolved = await esbuild.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: RESOLVING,
        });
        if (resolved.errors.length) return { errors: resolved.errors };
        let module = found.find((m) => m.type === 'CompiledWasm' && m.path.endsWith(basename(resolved.path)));
        if (!module) {
          module = {
            type: 'CompiledWasm',
            path: join(root, basename(resolved.path)),
            contents: await readFile(resolved.path),
          };
          found.push(module);
        }
        return { path: `./${basename(module.path)}`, external: true };
      });
    },
  };
}

export async function bundleWorker(entry: string): Promise<WorkerBundle> {
  const modulesRoot = dirname(entry);
  const wasm: WorkerModule[] = [];
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
    plugins: [wasmModules(modulesRoot, wasm)],
  });
  const [script] = result.outputFiles;
  return {
    modulesRoot,
    modules: [{ type: 'ESModule', path: script.path, contents: script.text }, ...wasm],
  };
}
