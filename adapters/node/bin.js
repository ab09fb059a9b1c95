#!/usr/bin/env node
// Loads the built CLI: Node 20 cannot run the TypeScript sources directly. `npm install` builds dist/.
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const malloc = mallocEnv();
runOnUsersNode(malloc);
restartWithMallocEnv(malloc);
dropSqliteWarning();
stopWithNpx();

const dist = new URL('../../dist/adapters/node/', import.meta.url);
if (!existsSync(new URL('cli.js', dist))) {
  console.error(
    'duet: the build is missing (dist/). Run `npm install` or `npm run build` in the duet checkout.',
  );
  process.exit(1);
}
// The bundle starts ~150-200 ms sooner than the ~400 modules TypeScript compiled (adapters/node/build-cli.js).
// A dist/ built before bundles existed has neither: it runs as it was built.
const chooser = new URL('bundled-entry.js', dist);
const cli = existsSync(chooser)
  ? (await import(chooser.href)).bundledEntry(new URL('cli.js', dist), new URL('cli-bundle.js', dist))
  : new URL('cli.js', dist);
const { main } = await import(cli.href);
// serve and mcp never return; other commands exit even if a connection (an MCP source) is still open.
process.exit(await main(process.argv.slice(2)));

/**
 * The checkout's devDependency `node` (Node 22, for the tests) puts node_modules/.bin/node first on PATH
 * under `npx` and npm scripts, so `npx duet` would start on it rather than on the user's Node. When this
 * runs on that binary, replace the process (same pid, stdio and signals: nothing is left to orphan) with
 * the first `node` on PATH outside node_modules. Where process.execve is missing (Windows), stay.
 */
function runOnUsersNode(malloc) {
  if (process.env.DUET_NODE_REEXEC || typeof process.execve !== 'function') return;
  const bundled = fileURLToPath(new URL('../../node_modules/node/', import.meta.url));
  let self;
  try {
    self = realpathSync(process.execPath);
    if (!self.startsWith(realpathSync(bundled))) return;
  } catch {
    return;
  }
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || (basename(dir) === '.bin' && basename(dirname(dir)) === 'node_modules')) continue;
    const candidate = join(dir, exe);
    try {
      accessSync(candidate, constants.X_OK);
      if (realpathSync(candidate) === self) continue;
    } catch {
      continue;
    }
    // The marker stops a loop should that node lead back here.
    process.execve(candidate, [candidate, ...process.execArgv, ...process.argv.slice(1)], {
      ...process.env,
      ...malloc,
      DUET_NODE_REEXEC: '1',
    });
  }
}

/**
 * glibc's malloc raises its trim threshold (up to 64 MiB) each time a large block is freed, and keeps a
 * heap per thread: a server whose worker threads and V8's compiler threads each grew a heap then keeps
 * what they freed. The type-checker thread no longer frees such blocks (it reads the compiler in small
 * pieces and receives the catalog in parts: README, Performance), which brought Node 20 with four specs
 * after 2,000 type-checked runs from 352-421 to 277-293 MiB in most runs; the fixed threshold (which also
 * fixes the mmap threshold at glibc's 128 KiB) still keeps V8's own large frees from raising it (263-276
 * MiB before that change, throughput within this machine's noise). glibc reads it
 * only when a process starts, so the long-running commands restart themselves with it in place (same
 * pid) where Node can (process.execve, Node 22.15+; on Node 20, set it yourself: README). A user's own
 * malloc settings win; other C libraries ignore the variable.
 */
function mallocEnv() {
  const longRunning = ['serve', 'mcp'].includes(process.argv[2] ?? '');
  const env = process.env;
  if (process.platform !== 'linux' || !longRunning || typeof process.execve !== 'function') return {};
  const set = ['MALLOC_TRIM_THRESHOLD_', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_ARENA_MAX'].some((k) => k in env);
  if (set || /malloc/.test(env.GLIBC_TUNABLES ?? '')) return {};
  if (!process.report?.getReport().header?.glibcVersionRuntime) return {};
  return { MALLOC_TRIM_THRESHOLD_: '131072' };
}

function restartWithMallocEnv(malloc) {
  if (!Object.keys(malloc).length) return;
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  try {
    process.execve(process.execPath, argv, { ...process.env, ...malloc });
  } catch {
    // Not restarted (the binary could not be executed again): serve as it is.
  }
}

/**
 * Under `npx duet`, npm runs `sh -c duet ...` and passes a SIGTERM to that shell only, which dies without
 * passing it on: `duet serve` would live on, holding its port and --data. So under npx (only: a plain
 * `nohup duet serve &` must outlive its shell) losing the parent is taken as the SIGTERM it was meant as.
 */
function stopWithNpx() {
  if (process.env.npm_command !== 'exec') return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 250).unref();
}

/**
 * node:sqlite (Node 22) warns on every run that it is experimental; duet chose it knowingly and the
 * warning tells the user nothing they can act on. That one warning is dropped; every other still shows.
 */
function dropSqliteWarning() {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (warning, ...rest) {
    const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
    const name = typeof warning === 'string' ? type : (warning?.name ?? type);
    const message = typeof warning === 'string' ? warning : warning?.message;
    if (name === 'ExperimentalWarning' && /^SQLite is an experimental feature/.test(message ?? '')) return;
    return emitWarning.call(this, warning, ...rest);
  };
}
