/** Sessions as actors behind the real executor: the SessionStore the lead swaps in for memorySessions(). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openActorSessions } from '../../adapters/node/actor-sessions.ts';
import { createDuet } from '../../src/duet.ts';
import { createQuickJSSandbox } from '../../src/sandbox/index.ts';

const sandbox = createQuickJSSandbox();
const dir = await mkdtemp(join(tmpdir(), 'duet-sessions-'));
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

async function open() {
  const { sessions, close } = await openActorSessions({ dir });
  return { duet: createDuet({ sandbox, sessions }), close };
}

it('runs concurrent executes of one session as turns and keeps state across a restart', async () => {
  const first = await open();
  const bump = `const n = (await state.get('n')) ?? 0; await state.put('n', n + 1); return n + 1;`;
  const results = await Promise.all(
    Array.from({ length: 20 }, () => first.duet.executor.execute({ code: bump, session: 's1' })),
  );
  expect(results.map((r) => r.error)).toEqual(Array(20).fill(undefined));
  expect(results.map((r) => r.result).sort((a, b) => (a as number) - (b as number))).toEqual(
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  await first.duet.executor.execute({ code: `await state.put('other', true)`, session: 's2' });
  await first.close();

  const second = await open();
  expect(await second.duet.sessions.snapshot('s1')).toEqual({ n: 20 });
  expect(await second.duet.sessions.snapshot('s2')).toEqual({ other: true });
  expect(await second.duet.sessions.snapshot('never')).toBeUndefined();
  const listed = await second.duet.executor.execute({
    code: `return state.list({ prefix: 'n' })`,
    session: 's1',
  });
  expect(listed.result).toEqual({ n: 20 });
  await second.close();
});
