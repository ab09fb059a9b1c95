/**
 * Background work a Node server does once it listens, out of the way of its requests: the type-checker
 * loads when the server has gone quiet (loading the compiler blocks the event loop for ~0.5 s, so a
 * health check arriving then would wait), then a full garbage collection returns what parsing the specs
 * left behind (~70 MB for GitHub + Stripe + Slack + Jira). Later, whenever the server has been quiet for a
 * second after some work, heap V8 keeps but no longer uses is given back: type-checking against a large
 * API allocates ~100 MB for a moment, and V8 keeps those pages until the process is short of memory.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Duet } from '../../src/duet.ts';
import type { NodeServer } from './serve.ts';

/** A full, compacting collection now, with or without --expose-gc. */
export function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) {
    exposed();
    return;
  }
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  gc();
}

export interface BackgroundOptions {
  /** How long without requests counts as quiet for trimming (default 1 s). */
  quietMs?: number;
  /** Heap committed beyond what is used that is worth a collection (default 64 MiB). */
  slackBytes?: number;
}

/** Starts the background work; returns a function that stops the trimming. */
export function backgroundWork(
  duet: Pick<Duet, 'warm'>,
  server: Pick<NodeServer, 'whenQuiet' | 'activity'>,
  options: BackgroundOptions = {},
): () => void {
  const quietMs = options.quietMs ?? 1_000;
  const slackBytes = options.slackBytes ?? 64 * 2 ** 20;
  let warmed = false;
  void (async () => {
    await server.whenQuiet(100);
    await duet.warm();
    await server.whenQuiet(100);
    collectGarbage();
    warmed = true;
  })();
  let trimmedAt = server.activity().requests;
  const timer = setInterval(() => {
    const { inFlight, requests, lastActivity } = server.activity();
    if (!warmed || inFlight > 0 || requests === trimmedAt || performance.now() - lastActivity < quietMs)
      return;
    trimmedAt = requests;
    const heap = getHeapStatistics();
    if (heap.total_heap_size - heap.used_heap_size > slackBytes) collectGarbage();
  }, quietMs);
  timer.unref();
  return () => clearInterval(timer);
}
