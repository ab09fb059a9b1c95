import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startServer } from './support/cli.ts';

beforeAll(assertBuilt);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function execute(url: string, code: string, session?: string): Promise<any> {
  const res = await fetch(`${url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, session, timeoutMs: 20_000 }),
  });
  return res.json();
}

// The acceptance scenario of durable sessions, against the real server on each runtime.
describe.each(['node', 'bun', 'deno', 'workerd'])(
  'duet serve --runtime %s keeps sessions durable',
  (runtime) => {
    it('40 concurrent increments, isolation, a 1 MiB value, and everything after kill -9', async () => {
      const data = mkdtempSync(join(tmpdir(), `duet-serve-${runtime}-`));
      dirs.push(data);
      const flags = ['--runtime', runtime, '--data', data];
      const first = await startServer(flags);
      try {
        const increment = `const n = (await state.get('n')) ?? 0; await state.put('n', n + 1); return n + 1;`;
        const results = await Promise.all(
          Array.from({ length: 40 }, () => execute(first.url, increment, 'counter')),
        );
        expect(results.every((r) => r.ok)).toBe(true);
        expect(results.map((r) => r.result).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 40 }, (_, i) => i + 1),
        );
        const big = await execute(
          first.url,
          `await state.put('big', 'x'.repeat(1 << 20)); return 'stored';`,
          'counter',
        );
        expect(big).toMatchObject({ ok: true, result: 'stored' });
        const other = await execute(
          first.url,
          `return [await state.get('n'), Object.keys(await state.list())];`,
          'other',
        );
        // undefined inside an array crosses the boundary as null, as JSON.stringify gives it.
        expect(other.result).toEqual([null, []]);
      } finally {
        await first.stop('SIGKILL');
      }
      const second = await startServer(flags);
      try {
        const after = await execute(
          second.url,
          `const big = await state.get('big'); return [await state.get('n'), big.length];`,
          'counter',
        );
        expect(after).toMatchObject({ ok: true, result: [40, 1 << 20] });
        const state = (await (await fetch(`${second.url}/v1/sessions/counter/state`)).json()) as any;
        expect(state.state.n).toBe(40);
      } finally {
        expect(await second.stop('SIGTERM')).toBe(0);
      }
    });
  },
);
