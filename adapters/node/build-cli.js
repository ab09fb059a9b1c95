/**
 * Bundles the built CLI (dist/adapters/node/cli.js and everything it imports) with esbuild into
 * dist/adapters/node/cli-bundle.js and its chunks, which adapters/node/bin.js loads instead, and the
 * worker threads' scripts likewise (sandbox-worker-bundle.js, typecheck-worker-bundle.js, which
 * worker-script.ts starts). Node reads,
 * resolves and links each ES module on its own, and `duet serve` imports ~400 of them (zod, hono and
 * @opentelemetry/api alone are ~200 files): ~310 ms of a ~780 ms start with GitHub's spec. From a few
 * chunk files the same start took ~640 ms (median of 8 alternated starts each). Commands stay lazy: each
 * is a chunk loaded when it runs.
 *
 * Left out, loaded from node_modules or dist/ as before: packages that read files beside themselves or are
 * native (better-sqlite3, typescript, the QuickJS WASM file, swagger-ui-dist's assets, postgres), other
 * adapters (imported by path at run time), `duet bench` (it finds its probes beside its own files) and every devDependency.
 * Plain JavaScript, run by `npm run build` after TypeScript has compiled dist/.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const outdir = fileURLToPath(new URL('../../dist/adapters/node/', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/** What bin.js loads (and the worker threads' scripts, by worker-script.ts); chunks are `cli-chunk-<hash>.js`. */
const ENTRIES = {
  'cli-bundle': 'cli.js',
  'sandbox-worker-bundle': 'sandbox-worker.js',
  'typecheck-worker-bundle': 'typecheck-worker.js',
};
const OUTPUT = new RegExp(`^(${Object.keys(ENTRIES).join('|')}|cli-chunk-[\\w-]+)\\.js$`);

const READ_BESIDE_THEMSELVES = [
  'better-sqlite3',
  'typescript',
  '#typescript',
  '@jitl/quickjs-wasmfile-release-sync',
  'swagger-ui-dist',
  'postgres',
];

/** Removes the bundle and its chunks: a stale bundle must never run newer code's dist/. */
function removeBundle() {
  for (const name of readdirSync(outdir)) {
    if (OUTPUT.test(name)) rmSync(`${outdir}${name}`);
  }
}

/** `duet bench` stays in dist/ (its import is kept as written: the chunk importing it is beside cli.js). */
const keepBenchOut = {
  name: 'keep-bench-out',
  setup(build) {
    build.onResolve({ filter: /^\.\/cli\/bench\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};

export async function buildCli() {
  const { build } = await import('esbuild');
  removeBundle();
  await build({
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([out, entry]) => [out, `${outdir}${entry}`]),
    ),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'cli-chunk-[hash]',
    external: [...READ_BESIDE_THEMSELVES, ...Object.keys(pkg.devDependencies ?? {})],
    plugins: [keepBenchOut],
    // CommonJS packages inside the bundle (yaml, sucrase) call require for Node's built-ins.
    banner: {
      js: "import { createRequire as __duetCreateRequire } from 'node:module'; const require = __duetCreateRequire(import.meta.url);",
    },
    // The licence notices of the bundled packages stay, at the end of each file.
    legalComments: 'eof',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildCli();
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    // An install without dev dependencies: bin.js loads the unbundled dist/ (slower to start, the same CLI).
    removeBundle();
    console.warn('duet build: esbuild is not installed; the CLI runs unbundled');
  }
}
