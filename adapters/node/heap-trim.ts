/**
 * Giving heap back when a thread goes quiet. V8 grows a thread's young generation to its maximum (~48 MiB
 * on the server's thread) whenever much survives a scavenge, as while specs are parsed or under load, and
 * shrinks it only in a full collection that finds allocation has been low since the previous full
 * collection, at least ~5 s before. Measured on Node 20: one collection after a burst keeps all 48 MiB; a
 * second one 5.5 s later, with nothing allocated in between, frees them (a four-spec server idles at
 * ~40 MiB less). So a quiet thread collects once after a second of quiet (which also returns the
 * old-generation slack checks leave behind) and again after 5.5 s more.
 */
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What a thread has done lately. */
export interface Activity {
  /** Work in progress: never collect then. */
  busy: boolean;
  /** Requests (or checks) so far: a change means there was work since the last look. */
  count: number;
  /** `performance.now()` of the last work. */
  lastAt: number;
}

/** What the heap holds beyond its live objects. */
export interface HeapSlack {
  /** Committed young generation (the part V8 only shrinks in the second, quiet collection). */
  youngBytes: number;
  /** Committed heap not in use. */
  unusedBytes: number;
}

export interface TrimOptions {
  /** Quiet this long before the first collection (default 1 s). */
  quietMs?: number;
  /** Between the first and the second collection, with no work in between (default 5.5 s). */
  settleMs?: number;
  /** A young generation above this is worth the two collections (default 8 MiB). */
  youngBytes?: number;
  /** Unused heap above this is worth the first collection alone (default 64 MiB). */
  unusedBytes?: number;
}

/**
 * A sandbox worker's heap is small (~6 MiB live), but its young generation grows to 8-16 MiB under load
 * and V8 shrinks it only in the second, quiet collection: with the server thread's 8 MiB bar for that
 * one, four workers kept 30-60 MiB after each burst (RSS 2,000 -> 4,000 checked runs: +10 to +23 MiB,
 * depending on which workers had passed the bar).
 */
export const SANDBOX_WORKER_TRIM: TrimOptions = { unusedBytes: 4 * 2 ** 20, youngBytes: 2 * 2 ** 20 };

export interface TrimState {
  /** `Activity.count` when the first collection was decided (or skipped) for the latest work. */
  seen: number;
  /** When the first collection ran, if the second is still due. */
  firstAt?: number;
}

/**
 * Whether to collect now. Once per stretch of work: the first collection after `quietMs` of quiet when
 * the heap holds enough to give back; then, if the young generation was large and nothing ran since,
 * the second after `settleMs`.
 */
export function shouldCollect(
  state: TrimState,
  activity: Activity,
  slack: () => HeapSlack,
  now: number,
  options: TrimOptions = {},
): boolean {
  const quietMs = options.quietMs ?? 1_000;
  if (activity.busy || now - activity.lastAt < quietMs) return false;
  if (activity.count !== state.seen) {
    state.seen = activity.count;
    const heap = slack();
    const youngLarge = heap.youngBytes > (options.youngBytes ?? 8 * 2 ** 20);
    state.firstAt = youngLarge ? now : undefined;
    return youngLarge || heap.unusedBytes > (options.unusedBytes ?? 64 * 2 ** 20);
  }
  if (state.firstAt === undefined || now - state.firstAt < (options.settleMs ?? 5_500)) return false;
  state.firstAt = undefined;
  return true;
}

/** This thread's heap slack, from V8's statistics. */
export function heapSlack(): HeapSlack {
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  const heap = getHeapStatistics();
  return {
    youngBytes: young?.physical_space_size ?? 0,
    unusedBytes: heap.total_heap_size - heap.used_heap_size,
  };
}

/**
 * A full, compacting collection of this thread's heap, with or without --expose-gc. The function is
 * taken once per thread: exposing it flips a process-wide flag, and another thread turning it off in
 * between leaves this one without it, so that attempt is skipped and the next one tries again.
 * `thorough` adds V8's last-resort collection: V8 12 (Node 22) keeps the pages of a young generation it
 * shrank in a pool, resident, until one (measured: 173 -> 57 MiB after a burst; on Node 20 no change).
 */
type Gc = (options?: { type: string; execution: string; flavor: string }) => void;
let exposedGc: Gc | undefined;
export function collectGarbage(thorough = false): void {
  exposedGc ??= (globalThis as { gc?: Gc }).gc ?? takeGc();
  exposedGc?.();
  if (thorough) exposedGc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

function takeGc(): Gc | undefined {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Gc;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/**
 * Polls `activity` every `everyMs` (default 500 ms) and collects when `shouldCollect` says so; `state`
 * lets the caller count a collection it made itself (after warming up) as the first. Returns `stop`.
 */
export function startHeapTrimmer(
  activity: () => Activity,
  options: TrimOptions & { everyMs?: number; state?: TrimState } = {},
): () => void {
  const state = options.state ?? { seen: activity().count };
  const timer = setInterval(() => {
    const current = activity();
    // The second collection of a quiet stretch (the first is pending and nothing ran since) is thorough.
    const second = state.firstAt !== undefined && current.count === state.seen;
    if (shouldCollect(state, current, heapSlack, performance.now(), options)) collectGarbage(second);
  }, options.everyMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
