/** Red-team cases that take more than one request: isolation between runs and sessions, and hostile load. */
import { expect } from 'vitest';

export interface Server {
  execute(body: Record<string, unknown>): Promise<{ status: number; retryAfter: string | null; body: any }>;
  health(): Promise<number>;
}

export interface RedTeamScenario {
  name: string;
  group: 'isolation' | 'load';
  run(server: Server): Promise<void>;
}

const loop = (i: number) =>
  i % 2 ? 'while (true) {}' : 'return Array.prototype.includes.call({ length: 2 ** 40 }, 1);';

export const scenarios: RedTeamScenario[] = [
  {
    name: "one run's prototype pollution and globals are invisible to the next",
    group: 'isolation',
    async run(server) {
      const first = await server.execute({
        code: `Object.prototype.polluted = 1; globalThis.leak = 1; Array.prototype.push = null;
          echo.getItem = null; JSON.stringify = () => 'hijacked'; return 'done';`,
      });
      expect(first.body).toMatchObject({ ok: true, result: 'done' });
      const second = await server.execute({
        code: 'return [({}).polluted, typeof leak, typeof [].push, typeof echo.getItem, JSON.stringify({ a: 1 })];',
      });
      expect(second.body).toMatchObject({
        ok: true,
        result: [null, 'undefined', 'function', 'function', '{"a":1}'],
      });
    },
  },
  {
    name: "a session's state reaches only that session",
    group: 'isolation',
    async run(server) {
      const put = await server.execute({
        code: "await state.put('secret', 's3cr3t'); return 1;",
        session: 'red-a',
      });
      expect(put.body).toMatchObject({ ok: true, result: 1 });
      const other = await server.execute({
        code: "return [await state.get('secret') ?? null, await state.list()];",
        session: 'red-b',
      });
      expect(other.body).toMatchObject({ ok: true, result: [null, {}] });
      const none = await server.execute({ code: "return (await state.get('secret')) ?? null;" });
      expect(none.body).toMatchObject({ ok: true, result: null });
      const same = await server.execute({ code: "return await state.get('secret');", session: 'red-a' });
      expect(same.body).toMatchObject({ ok: true, result: 's3cr3t' });
    },
  },
  {
    name: 'a normal run and /healthz answer while eight infinite loops run',
    group: 'load',
    async run(server) {
      let settled = 0;
      const loops = Array.from({ length: 8 }, (_, i) =>
        server.execute({ code: loop(i), timeoutMs: 4000 }).finally(() => settled++),
      );
      expect(await server.health()).toBe(200);
      const normal = await server.execute({ code: "return 'beside the loops';", timeoutMs: 4000 });
      expect(normal.body).toMatchObject({ ok: true, result: 'beside the loops' });
      expect(await server.health()).toBe(200);
      // Order, not time: both answers came while every loop was still running.
      expect(settled).toBe(0);
      const results = await Promise.all(loops);
      expect(results.map((r) => r.body.error?.kind)).toEqual(Array(8).fill('timeout'));
    },
  },
  {
    name: 'a full pool and queue answer 503 with Retry-After, then recover',
    group: 'load',
    async run(server) {
      // The server runs 10 workers and a queue of 2: of 14 loops sent at once, 2 cannot be admitted.
      const answers = await Promise.all(
        Array.from({ length: 14 }, (_, i) => server.execute({ code: loop(i), timeoutMs: 1500 })),
      );
      const refused = answers.filter((a) => a.status === 503);
      expect(answers.filter((a) => a.status === 200).map((a) => a.body.error?.kind)).toEqual(
        Array(12).fill('timeout'),
      );
      expect(refused).toHaveLength(2);
      for (const answer of refused) {
        expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(answer.body).toMatchObject({
          ok: false,
          error: {
            kind: 'overloaded',
            message: /^sandbox pool is full: 10 workers and 2 queue places are taken/,
          },
        });
      }
      expect((await server.execute({ code: 'return 1 + 1;' })).body).toMatchObject({ ok: true, result: 2 });
    },
  },
];
