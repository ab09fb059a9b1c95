/**
 * Giving heap back when a Node thread goes quiet: when to collect (once per stretch of work, a second time
 * after a quiet settle so V8 shrinks the young generation), and that the young generation really shrinks.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  collectGarbage,
  type HeapSlack,
  SANDBOX_WORKER_TRIM,
  shouldCollect,
  startHeapTrimmer,
  type TrimState,
} from '../adapters/node/heap-trim.ts';

const MiB = 2 ** 20;
const run = promisify(execFile);
const big: HeapSlack = { youngBytes: 32 * MiB, unusedBytes: 4 * MiB };
const small: HeapSlack = { youngBytes: 2 * MiB, unusedBytes: 4 * MiB };
const slack: HeapSlack = { youngBytes: 2 * MiB, unusedBytes: 100 * MiB };
const activity = (count: number, lastAt: number, busy = false) => ({ busy, count, lastAt });

describe('shouldCollect', () => {
  it('waits for quiet, collects once per stretch of work, then once more after the settle', () => {
    const state: TrimState = { seen: 0 };
    expect(shouldCollect(state, activity(3, 0, true), () => big, 5_000)).toBe(false);
    expect(shouldCollect(state, activity(3, 4_500), () => big, 5_000)).toBe(false);
    expect(shouldCollect(state, activity(3, 0), () => big, 5_000)).toBe(true);
    expect(state).toEqual({ seen: 3, firstAt: 5_000 });
    expect(shouldCollect(state, activity(3, 0), () => big, 8_000)).toBe(false);
    expect(shouldCollect(state, activity(3, 0), () => big, 10_500)).toBe(true);
    expect(shouldCollect(state, activity(3, 0), () => big, 20_000)).toBe(false);
  });

  it('starts over when work arrives between the two collections', () => {
    const state: TrimState = { seen: 3, firstAt: 5_000 };
    expect(shouldCollect(state, activity(4, 9_000), () => big, 10_500)).toBe(true);
    expect(state.firstAt).toBe(10_500);
    expect(shouldCollect(state, activity(4, 9_000), () => big, 12_000)).toBe(false);
  });

  it('leaves a heap with little to give back alone, and collects old-generation slack once', () => {
    const quiet: TrimState = { seen: 0 };
    expect(shouldCollect(quiet, activity(1, 0), () => small, 5_000)).toBe(false);
    expect(shouldCollect(quiet, activity(1, 0), () => small, 50_000)).toBe(false);
    const loose: TrimState = { seen: 0 };
    expect(shouldCollect(loose, activity(1, 0), () => slack, 5_000)).toBe(true);
    expect(shouldCollect(loose, activity(1, 0), () => slack, 50_000)).toBe(false);
  });

  it("shrinks a sandbox worker's 8 MiB young generation, which the server thread's bar leaves", () => {
    // What a pool worker holds after a burst of runs (measured: young 8-16 MiB, ~6 MiB live).
    const worker: HeapSlack = { youngBytes: 8 * MiB, unusedBytes: 9 * MiB };
    const server: TrimState = { seen: 0 };
    expect(shouldCollect(server, activity(1, 0), () => worker, 5_000)).toBe(false);
    expect(shouldCollect(server, activity(1, 0), () => worker, 50_000)).toBe(false);
    const pool: TrimState = { seen: 0 };
    expect(shouldCollect(pool, activity(1, 0), () => worker, 5_000, SANDBOX_WORKER_TRIM)).toBe(true);
    expect(pool.firstAt).toBe(5_000);
    expect(shouldCollect(pool, activity(1, 0), () => worker, 10_500, SANDBOX_WORKER_TRIM)).toBe(true);
    expect(shouldCollect(pool, activity(1, 0), () => worker, 50_000, SANDBOX_WORKER_TRIM)).toBe(false);
  });
});

const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.physical_space_size;

describe('startHeapTrimmer', () => {
  it("gives this thread's grown young generation back once it has been quiet", async () => {
    // Objects that survive scavenges grow the young generation, as parsing a spec does.
    let kept: object[] = [];
    for (let i = 0; i < 1_500_000; i++) {
      kept.push({ i, s: `x${i}` });
      if (kept.length > 200_000) kept = kept.slice(100_000);
    }
    kept = [];
    collectGarbage();
    expect(young()).toBeGreaterThan(8 * MiB);
    const state: TrimState = { seen: 1, firstAt: performance.now() };
    const stop = startHeapTrimmer(() => activity(1, 0), { everyMs: 100, state });
    try {
      const deadline = performance.now() + 15_000;
      while (young() > 4 * MiB && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(young()).toBeLessThanOrEqual(4 * MiB);
      expect(state.firstAt).toBeUndefined();
    } finally {
      stop();
    }
  }, 20_000);
});

describe('collectGarbage on Node 22', () => {
  it('gives back the pages of a shrunken young generation when thorough (V8 12 pools them)', async () => {
    // Node 22's V8 keeps those pages resident after ordinary collections; the bundled Node 22 shows it.
    const script = `
      import { readFileSync } from 'node:fs';
      import { collectGarbage } from ${JSON.stringify(new URL('../dist/adapters/node/heap-trim.js', import.meta.url).href)};
      const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
      let kept = [];
      for (let i = 0; i < 3e6; i++) { kept.push({ a: i, b: [i] }); if (kept.length > 2e5) kept = []; }
      kept = null;
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 5500));
      collectGarbage();
      const plain = rss();
      collectGarbage(true);
      console.log(JSON.stringify({ plain, thorough: rss() }));`;
    const node22 = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
    const { stdout } = await run(node22, ['--input-type=module', '-e', script]);
    const { plain, thorough } = JSON.parse(stdout) as { plain: number; thorough: number };
    expect(plain - thorough).toBeGreaterThan(40 * MiB);
  }, 30_000);
});
