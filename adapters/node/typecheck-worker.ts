/**
 * Worker-thread entry of the Node type-checker (typecheck-thread.ts): the TypeScript compiler, the lib
 * files and the declarations live here, so loading the compiler (~0.5 s) and each check never block the
 * server's event loop, and the garbage checks leave behind stays in a heap of bounded size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Catalog } from '../../src/catalog/catalog.ts';
import type { Api } from '../../src/catalog/types.ts';
import { createTypeChecker, type SyncTypeChecker } from '../../src/typecheck/index.ts';
import { startHeapTrimmer } from './heap-trim.ts';
import { nodeLibFiles } from './typecheck-libs.ts';
import type { CheckerInit, FromChecker, ToChecker } from './typecheck-protocol.ts';

const port = parentPort;
if (!port) throw new Error('typecheck-worker.js must run in a worker thread');
const init = workerData as CheckerInit;
let checker: SyncTypeChecker = createTypeChecker(new Catalog(), { libFiles: nodeLibFiles, ...init });

// Checks allocate tens of MB of syntax trees and types each; between bursts the thread gives them back.
let checks = 0;
let lastCheckAt = performance.now();
startHeapTrimmer(() => ({ busy: false, count: checks, lastAt: lastCheckAt }));

port.on('message', (message: ToChecker) => {
  checks++;
  if (message.type === 'apis') {
    checker = createTypeChecker(new Catalog(message.apis as Api[]), { libFiles: nodeLibFiles, ...init });
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
});
port.postMessage({ type: 'ready' } satisfies FromChecker);
