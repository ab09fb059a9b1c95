/**
 * The Node type-checker on a worker thread. Loading the compiler blocks for ~0.5 s and a check takes
 * milliseconds of CPU: on the server's thread both held up every request behind them, and the hundreds of
 * MB of short-lived syntax trees and types that checks allocate grew the server's own heap (RSS over
 * 600 MiB after 2,000 checks). Here they take the other core and a heap of bounded size.
 *
 * A check is a convenience, not a control (policy is): when the thread fails, runs out of memory or takes
 * longer than `timeoutMs`, the snippet runs with the syntax check the executor already made, the failure
 * is logged once, and the next check starts a new thread.
 */
import { Worker } from 'node:worker_threads';
import type { Catalog } from '../../src/catalog/catalog.ts';
import type { Api } from '../../src/catalog/types.ts';
import type { Diagnostic, TypeCheckOptions } from '../../src/execute/types.ts';
import { type LazyTypeChecker, lazyTypeChecker } from '../../src/typecheck/lazy-checker.ts';
import { catalogParts } from './catalog-parts.ts';
import { nodeLibFiles } from './typecheck-libs.ts';
import type { ApiData, CheckerInit, FromChecker, ToChecker } from './typecheck-protocol.ts';
import { builtWorkerScript } from './worker-script.ts';

export interface ThreadTypeCheckerOptions extends CheckerInit {
  /** A check taking longer ends the thread and the snippet runs unchecked (default 20 s). */
  timeoutMs?: number;
  /**
   * The thread ends after this long without checks (default 10 min), giving back the ~50-100 MiB the
   * compiler, the lib files and recent declarations hold; the next check, or `warm`, starts it again.
   */
  idleMs?: number;
  /** The thread's old-generation heap, in MiB (default 160): its garbage is collected within this. */
  heapMb?: number;
  /** Where the failure lines go (default `console.error`). */
  log?: (line: string) => void;
}

export interface ThreadTypeChecker extends LazyTypeChecker {
  /** Ends the thread; a later check starts another. */
  close(): Promise<void>;
  /** What the running thread's checker has done (undefined when no thread runs). */
  stats(): Promise<{ checks: number; programs: number } | undefined>;
  /** Whether the thread is running (started by a check or `warm`, not yet ended). */
  running(): boolean;
}

const dataOf = (apis: Api[]): ApiData[] => apis.map(({ invoke: _invoke, ...data }) => data);

interface Pending {
  resolve: (diagnostics: Diagnostic[]) => void;
  timer: ReturnType<typeof setTimeout>;
  /** `sent` when the check was asked: an answer over an older catalog says nothing of the current one. */
  over: Api[];
}

export function threadTypeChecker(
  catalog: Catalog,
  options: ThreadTypeCheckerOptions = {},
): ThreadTypeChecker {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const idleMs = options.idleMs ?? 10 * 60_000;
  const log = options.log ?? ((line: string) => console.error(line));
  const init: CheckerInit = {
    fetch: options.fetch,
    cacheSize: options.cacheSize,
    cacheChars: options.cacheChars,
    warmChecks: options.warmChecks,
  };
  let worker: Worker | undefined;
  let sent: Api[] = [];
  let nextId = 0;
  const pending = new Map<number, Pending>();
  const statsAsked = new Map<number, (stats: { checks: number; programs: number } | undefined) => void>();
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The thread has answered a check since it started or last got the catalog: its compiler is loaded. */
  let answered = false;
  /** This thread's checker, for a catalog that cannot cross to a thread (a schema holding a function). */
  let inProcess: LazyTypeChecker | undefined;

  /** Ends the thread: every check it still owes runs unchecked. */
  function stop(reason: string | undefined): void {
    clearTimeout(idleTimer);
    const ending = worker;
    worker = undefined;
    sent = [];
    answered = false;
    if (reason !== undefined && pending.size > 0)
      log(
        `duet: the type-checker thread ${reason}; ${pending.size} snippet(s) run with the syntax check only`,
      );
    for (const [, { resolve, timer }] of pending) {
      clearTimeout(timer);
      resolve([]);
    }
    pending.clear();
    for (const [, resolve] of statsAsked) resolve(undefined);
    statsAsked.clear();
    void ending?.terminate();
  }

  function start(): Worker {
    const thread = new Worker(builtWorkerScript('typecheck-worker.js', 'type-check'), {
      workerData: init,
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? 160, maxYoungGenerationSizeMb: 16 },
    });
    thread.unref();
    thread.on('message', (message: FromChecker) => {
      if (message.type === 'ready') return;
      if (message.type === 'stats') {
        statsAsked.get(message.id)?.({ checks: message.checks, programs: message.programs });
        statsAsked.delete(message.id);
        return;
      }
      const waiting = pending.get(message.id);
      if (!waiting) return;
      if (worker === thread && message.type === 'checked' && waiting.over === sent) answered = true;
      pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.type === 'failed')
        log(`duet: type-check failed, the snippet runs unchecked: ${message.message}`);
      waiting.resolve(message.type === 'checked' ? message.diagnostics : []);
      if (pending.size === 0) {
        thread.unref();
        idleTimer = setTimeout(() => {
          if (worker === thread && pending.size === 0) stop(undefined);
        }, idleMs);
        idleTimer.unref();
      }
    });
    thread.on('error', (error) => {
      if (worker === thread) stop(`failed (${error.message})`);
    });
    thread.on('exit', (code) => {
      if (worker === thread) stop(`exited (code ${code})`);
    });
    return thread;
  }

  function check(code: string, fetch: boolean): Promise<Diagnostic[]> {
    if (inProcess) return inProcess.check(code, { fetch });
    clearTimeout(idleTimer);
    worker ??= start();
    const thread = worker;
    // The catalog may have gained APIs since the thread was told: it gets them all again.
    const apis = catalog.apis;
    if (apis.length !== sent.length || apis.some((api, i) => api !== sent[i])) {
      try {
        answered = false;
        for (const part of catalogParts(dataOf(apis))) thread.postMessage(part satisfies ToChecker);
      } catch (error) {
        log(`duet: the catalog cannot cross to the type-checker thread (${String(error)}); checking here`);
        stop(undefined);
        inProcess = lazyTypeChecker(catalog, { libFiles: nodeLibFiles, ...init });
        return inProcess.check(code, { fetch });
      }
      sent = apis;
    }
    const id = nextId++;
    return new Promise<Diagnostic[]>((resolve) => {
      const timer = setTimeout(() => {
        if (worker === thread) stop(`took longer than ${timeoutMs} ms and was stopped`);
      }, timeoutMs);
      timer.unref();
      pending.set(id, { resolve, timer, over: sent });
      thread.ref();
      thread.postMessage({ type: 'check', id, code, fetch } satisfies ToChecker);
    });
  }

  return {
    check: (code: string, checkOptions: TypeCheckOptions = {}) =>
      check(code, checkOptions.fetch ?? options.fetch ?? false),
    async warm() {
      // A running thread is warm, or warming: its first check waits for the compiler.
      if (worker === undefined) await check('return 0;', false);
    },
    async close() {
      stop(undefined);
    },
    running: () => worker !== undefined,
    idle: () => inProcess === undefined && worker !== undefined && answered && pending.size === 0,
    async stats() {
      if (worker === undefined) return undefined;
      const id = nextId++;
      const thread = worker;
      return new Promise((resolve) => {
        statsAsked.set(id, resolve);
        thread.postMessage({ type: 'stats', id } satisfies ToChecker);
      });
    },
  };
}
