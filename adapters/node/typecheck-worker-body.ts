/**
 * The Node type-checker's worker thread (typecheck-thread.ts, entered through typecheck-worker.ts): the TypeScript compiler, the lib
 * files and the declarations live here, so loading the compiler (~0.5 s) and each check never block the
 * server's event loop, and the garbage checks leave behind stays in a heap of bounded size.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { Catalog } from '../../src/catalog/catalog.ts';
import type { Api } from '../../src/catalog/types.ts';
import { createTypeChecker, type SyncTypeChecker } from '../../src/typecheck/index.ts';
import { catalogAssembler } from './catalog-parts.ts';
import { startHeapTrimmer } from './heap-trim.ts';
import { nodeLibFiles } from './typecheck-libs.ts';
import type { CheckerInit, FromChecker, ToChecker } from './typecheck-protocol.ts';

const port = parentPort;
if (!port) throw new Error('typecheck-worker.js must run in a worker thread');

/**
 * V8's optimising compiler, optimising TypeScript's checker, took up to ~130 MiB of its own memory at once
 * (--trace-zone-stats: 118 MiB of it in the load-elimination pass, over one of the checker's large
 * functions), allocated on a V8 helper thread and freed. glibc keeps a thread heap that such a burst
 * filled: in about one server in three the leak check found a 64 MiB thread heap resident and free (its
 * top pinned by a 576-byte chunk), RSS 334-343 MiB after 2,000 checked runs against 273-290. Without that
 * pass the compiler's peak is ~32 MiB. The flag is process-wide (V8 has no per-isolate one), so the
 * server's and the sandbox workers' code optimised after this point goes without it too.
 */
setFlagsFromString('--no-turbo-load-elimination');
const init = workerData as CheckerInit;
const parts = catalogAssembler();
let checker: SyncTypeChecker = createTypeChecker(new Catalog(), { libFiles: nodeLibFiles, ...init });

// Checks allocate tens of MB of syntax trees and types each; between bursts the thread gives them back.
let checks = 0;
let lastCheckAt = performance.now();
startHeapTrimmer(() => ({ busy: false, count: checks, lastAt: lastCheckAt }));

/**
 * Until V8 has optimised the compiler's hot paths, a check takes 2-4x as long: its first few hundred
 * checks, which on a server that checks now and then is hours. So after the first snippet the thread
 * checks the latest snippets again while it has nothing else to do, one at a time (a check that
 * arrives waits for one at most), `warmChecks` times in all (400: ~0.5 s of this thread's CPU, once).
 */
let warmLeft = init.warmChecks ?? 400;
const recent: { code: string; fetch: boolean }[] = [];

function warmStep(): void {
  if (warmLeft <= 0) return;
  // Ten in a row: the later ones are checked by the kept checker, as a session's next snippets often are.
  const snippet = recent[Math.floor(warmLeft-- / 10) % recent.length]!;
  try {
    checker.check(snippet.code, { fetch: snippet.fetch });
  } catch {
    // Only snippets checked without error are kept; should one fail now, warming is not worth a retry.
    warmLeft = 0;
  }
  lastCheckAt = performance.now();
  setImmediate(warmStep);
}

function remember(code: string, fetch: boolean): void {
  if (warmLeft <= 0) return;
  recent.push({ code, fetch });
  if (recent.length > 8) recent.shift();
  if (recent.length === 1) setImmediate(warmStep);
}

port.on('message', (message: ToChecker) => {
  if (message.type === 'stats') {
    port.postMessage({ type: 'stats', id: message.id, ...checker.stats() } satisfies FromChecker);
    return;
  }
  if (message.type === 'apis-part') {
    parts.add(message);
    return;
  }
  checks++;
  if (message.type === 'apis-end') {
    const apis = parts.end(message.count) as Api[];
    checker = createTypeChecker(new Catalog(apis), { libFiles: nodeLibFiles, ...init });
    lastCheckAt = performance.now();
    return;
  }
  let answer: FromChecker;
  try {
    answer = {
      type: 'checked',
      id: message.id,
      diagnostics: checker.check(message.code, { fetch: message.fetch }),
    };
  } catch (error) {
    answer = { type: 'failed', id: message.id, message: String((error as Error)?.stack ?? error) };
  }
  lastCheckAt = performance.now();
  port.postMessage(answer);
  if (answer.type === 'checked') remember(message.code, message.fetch);
});
port.postMessage({ type: 'ready' } satisfies FromChecker);
