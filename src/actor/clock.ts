/** Time for the actor system: the real clock, or a manual one that tests move by hand. */

export interface Clock {
  now(): number;
  /** Calls `fn` once at or after epoch ms `at`; returns a function that cancels it. */
  setTimer(at: number, fn: () => unknown): () => void;
}

// setTimeout takes at most 2^31-1 ms; longer waits re-arm.
const MAX_DELAY = 2 ** 31 - 1;

/** Real time. Its timers do not keep a Node or Bun process alive: a server does, and `close()` ends them. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(at, fn) {
    let handle: ReturnType<typeof setTimeout>;
    const arm = () => {
      const delay = at - Date.now();
      handle = setTimeout(delay > MAX_DELAY ? arm : fn, Math.min(Math.max(0, delay), MAX_DELAY));
      // Node and Bun: a pending alarm or eviction sweep alone does not keep the process alive.
      (handle as { unref?: () => void }).unref?.();
    };
    arm();
    return () => clearTimeout(handle);
  },
};

export interface ManualClock extends Clock {
  /** Moves time forward and runs the timers that came due, in time order, awaiting each. */
  advance(ms: number): Promise<void>;
  /** Moves time to `at` (never backwards) and runs due timers. */
  set(at: number): Promise<void>;
  /** Timers waiting. */
  readonly pending: number;
}

/** A clock that only moves when told to; timers set in the past run at the next `advance`/`set`. */
export function manualClock(start: number = Date.UTC(2030, 0, 1)): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => unknown }>();
  async function runDue(): Promise<void> {
    for (;;) {
      let next: [number, { at: number; fn: () => unknown }] | undefined;
      for (const entry of timers) if (entry[1].at <= now && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) return;
      timers.delete(next[0]);
      await next[1].fn();
    }
  }
  return {
    now: () => now,
    setTimer(at, fn) {
      const id = seq++;
      timers.set(id, { at, fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      now += ms;
      return runDue();
    },
    set(at) {
      now = Math.max(now, at);
      return runDue();
    },
    get pending() {
      return timers.size;
    },
  };
}
