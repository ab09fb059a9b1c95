/**
 * Background work a Node server does once it listens, out of the way of its requests: the search ranking
 * is built when the server has gone quiet, then a full garbage collection returns what parsing the specs
 * left behind (~70 MB for GitHub + Stripe + Slack + Jira). The type-checker's thread is not started here
 * but by the first search (snippets follow searches) or check: a server nobody uses holds ~50-80 MiB
 * less. Whenever the server goes quiet after some work, the heap it grew is given back (heap-trim.ts):
 * the young generation V8 grew to its maximum, and old-generation pages it keeps until the process is
 * short of memory.
 */
import type { Duet } from '../../src/duet.ts';
import { collectGarbage, startHeapTrimmer, type TrimOptions, type TrimState } from './heap-trim.ts';
import type { NodeServer } from './serve.ts';

/** Starts the background work; returns a function that stops the trimming. */
export function backgroundWork(
  duet: Pick<Duet, 'warm'>,
  server: Pick<NodeServer, 'whenQuiet' | 'activity'>,
  options: TrimOptions = {},
): () => void {
  let stopped = false;
  let stop = () => {
    stopped = true;
  };
  const activity = () => {
    const { inFlight, requests, lastActivity } = server.activity();
    return { busy: inFlight > 0, count: requests, lastAt: lastActivity };
  };
  void (async () => {
    await server.whenQuiet(100);
    await duet.warm({ typeChecker: false });
    await server.whenQuiet(100);
    if (stopped) return;
    collectGarbage();
    // That collection counts as the first: parsing the specs grew the young generation, and the second
    // collection, once the server has been quiet a while, gives it back.
    const state: TrimState = { seen: activity().count, firstAt: performance.now() };
    stop = startHeapTrimmer(activity, { ...options, state });
  })();
  return () => stop();
}
