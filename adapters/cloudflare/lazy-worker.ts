/**
 * A bound Worker that workerd starts on its first call rather than at its own start: the local stand-in
 * for the checker Worker (`duet-typecheck`). The TypeScript compiler is 5 MB of JavaScript, and a Worker
 * in Miniflare's configuration is parsed by workerd at start and copied over and over while Miniflare
 * encodes that configuration (1.5-2 s with GitHub's spec on 2 cores). The stand-in is a few lines; on the
 * first call it fetches the real Worker's modules from the launcher (serve-local.ts) and runs them as a
 * Dynamic Worker through its own Worker Loader, then forwards every call to it. The duet Worker sees the
 * same binding and the same RPC methods as on a deploy.
 */
import { relative } from 'node:path';
import type { WorkerBundle } from './bundle-worker.ts';

/** What the stand-in's Worker Loader is given: the real Worker's code, as `LOADER.get` takes it. */
export interface LazyWorkerCode {
  compatibilityDate: string;
  compatibilityFlags: string[];
  mainModule: string;
  /** Module name to content: `js` and `text` as strings, `data` and `wasm` as base64 (decoded in the stand-in). */
  modules: Record<string, { js: string } | { text: string } | { data: string } | { wasm: string }>;
}

export function lazyWorkerCode(
  bundle: WorkerBundle,
  compatibilityDate: string,
  compatibilityFlags: string[],
): LazyWorkerCode {
  const modules: LazyWorkerCode['modules'] = {};
  for (const module of bundle.modules) {
    const name = relative(bundle.modulesRoot, module.path).split('\\').join('/');
    const { contents } = module;
    const text = typeof contents === 'string' ? contents : Buffer.from(contents).toString('utf8');
    const base64 = Buffer.from(contents).toString('base64');
    modules[name] =
      module.type === 'ESModule'
        ? { js: text }
        : module.type === 'Text'
          ? { text }
          : module.type === 'Data'
            ? { data: base64 }
            : { wasm: base64 };
  }
  const mainModule = relative(bundle.modulesRoot, bundle.modules[0]!.path).split('\\').join('/');
  return { compatibilityDate, compatibilityFlags, mainModule, modules };
}

/**
 * The stand-in's module. `CODE_URL` (a binding) is where the launcher serves the code; `methods` are the
 * RPC methods forwarded besides `fetch`. A failed load (the launcher could not bundle) is not kept: the
 * next call loads under a new id. The loaded Worker keeps the global outbound, so it fetches spec URLs.
 */
export function lazyWorkerSource(name: string, methods: string[]): string {
  for (const method of methods) {
    if (!/^[A-Za-z_$][\w$]*$/.test(method) || method === 'fetch' || method === 'constructor') {
      throw new Error(`lazy Worker ${name}: cannot forward a method named '${method}'`);
    }
  }
  const forwarded = methods
    .map(
      (method) =>
        `  ${method}(...args) {\n    return this.#call((worker) => worker.${method}(...args));\n  }`,
    )
    .join('\n');
  return `// The local stand-in for the Worker ${JSON.stringify(name)} (adapters/cloudflare/lazy-worker.ts).
import { WorkerEntrypoint } from 'cloudflare:workers';

let attempt = 0;

function decode(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return bytes.buffer;
}

async function code(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error('the launcher did not give the code of ' + ${JSON.stringify(name)} + ': ' + (await response.text()));
  const code = await response.json();
  for (const [name, module] of Object.entries(code.modules)) {
    if ('data' in module) code.modules[name] = { data: decode(module.data) };
    else if ('wasm' in module) code.modules[name] = { wasm: decode(module.wasm) };
  }
  return code;
}

export default class extends WorkerEntrypoint {
  #call(use) {
    const id = ${JSON.stringify(name)} + '-' + attempt;
    const worker = this.env.LOADER.get(id, () =>
      code(this.env.CODE_URL).catch((error) => {
        // Loaded under a new id next time, rather than the failure kept for this one.
        if (id === ${JSON.stringify(name)} + '-' + attempt) attempt++;
        throw error;
      }),
    );
    return use(worker.getEntrypoint());
  }

  fetch(request) {
    return this.#call((worker) => worker.fetch(request));
  }

${forwarded}
}
`;
}
