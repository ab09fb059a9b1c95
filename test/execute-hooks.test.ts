/**
 * What a caller of execute can follow and do while a run goes on (ExecuteContext): its console lines as
 * they are written, stopping it, and records committed atomically with its audit entry.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createWorkerSandbox } from '../adapters/node/sandbox-pool.ts';
import { defineApi, defineFunction } from '../src/catalog/define-api.ts';
import { createDuet } from '../src/duet.ts';
import { memorySessions } from '../src/execute/state.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import type { Sandbox } from '../src/sandbox/types.ts';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** An API whose one operation waits until the test opens the gate: the run is provably still going. */
function gateApi() {
  let gate = deferred<string>();
  const api = defineApi({
    name: 'gate',
    operations: {
      wait: defineFunction({
        summary: 'Wait for the gate',
        input: z.object({}),
        output: z.string(),
        run: () => gate.promise,
      }),
    },
  });
  return {
    api,
    open: (value: string) => gate.resolve(value),
    reset: () => {
      gate = deferred<string>();
    },
  };
}

const sandboxes: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
});

describe.each([
  ['worker threads (the pool)', () => createWorkerSandbox({ size: 2 })],
  ['in process (QuickJS on this thread)', () => createQuickJSSandbox()],
])('execute hooks on %s', (_name, makeSandbox) => {
  const sandbox = makeSandbox();
  sandboxes.push(sandbox);
  const gate = gateApi();
  const duet = createDuet({ apis: [gate.api], sandbox, sessions: memorySessions() });

  it('streams console lines while the run is still going', async () => {
    gate.reset();
    const lines: string[] = [];
    const first = deferred();
    const pending = duet.executor.execute(
      { code: `console.log('before'); const r = await gate.wait({}); console.warn('after', r); return r;` },
      {
        onLog: (line) => {
          lines.push(line);
          first.resolve();
        },
      },
    );
    await first.promise;
    // The run is held at the gate: only the first line can have been written.
    expect(lines).toEqual(['before']);
    gate.open('open');
    const response = await pending;
    expect(response).toMatchObject({ ok: true, result: 'open' });
    expect(lines).toEqual(['before', '[warn] after open']);
    expect(response.logs).toEqual(lines);
  });

  it('stops a run waiting on a host call', async () => {
    gate.reset();
    const stop = new AbortController();
    const waiting = deferred();
    const pending = duet.executor.execute(
      { code: `console.log('waiting'); await gate.wait({}); return 'not stopped';`, timeoutMs: 55_000 },
      { onLog: () => waiting.resolve(), signal: stop.signal },
    );
    await waiting.promise;
    stop.abort();
    const response = await pending;
    expect(response.ok).toBe(false);
    expect(response.error).toMatchObject({ kind: 'runtime', message: expect.stringContaining('stopped') });
    gate.open('late');
  });

  it('commits the caller’s records with the audit entry of a run in a session', async () => {
    const seen: unknown[] = [];
    const response = await duet.executor.execute(
      { code: `await state.put('k', 1); return 42;`, session: 'hooks' },
      {
        commitWith: async (outcome, records) => {
          seen.push(outcome.result, await records.get('caller/answer'));
          return { records: { 'caller/answer': outcome.result } };
        },
      },
    );
    expect(response.result).toBe(42);
    expect(seen).toEqual([42, undefined]);
    const kept = await duet.sessions.inspect!('hooks', async (turn) => [
      await turn.records.get('caller/answer'),
      await turn.state.get('k'),
    ]);
    expect(kept).toEqual([42, 1]);
  });
});

describe('stopping a run that never yields', () => {
  it('ends its worker: a spinning snippet is stopped well before its time limit', async () => {
    const sandbox = createWorkerSandbox({ size: 1 });
    sandboxes.push(sandbox);
    const duet = createDuet({ apis: [gateApi().api], sandbox });
    const stop = new AbortController();
    const spinning = deferred();
    const pending = duet.executor.execute(
      { code: `console.log('spinning'); for (;;) {}`, timeoutMs: 55_000 },
      { onLog: () => spinning.resolve(), signal: stop.signal },
    );
    await spinning.promise;
    stop.abort();
    const response = await pending;
    expect(response.error).toMatchObject({ kind: 'runtime', message: expect.stringContaining('stopped') });
    // The pool replaced the worker: the next run works.
    expect(await duet.executor.execute({ code: 'return 1 + 1' })).toMatchObject({ ok: true, result: 2 });
  });
});
