/**
 * A run started beside its type-check (src/execute/run-beside-check.ts): it starts before the check ends,
 * nothing it asks of the host is done before the check passes, and a snippet the check refuses never
 * reaches the host and is stopped. The checker is the real one, its answers held until the test lets
 * them go; the sandboxes are the real ones, watched to see when a run starts and what it asks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createWorkerSandbox } from '../adapters/node/sandbox-pool.ts';
import { nodeLibFiles } from '../adapters/node/typecheck-libs.ts';
import type { Catalog } from '../src/catalog/catalog.ts';
import { defineApi, defineFunction } from '../src/catalog/define-api.ts';
import { createDuet, type Duet } from '../src/duet.ts';
import { memorySessions } from '../src/execute/state.ts';
import type { TypeChecker } from '../src/execute/types.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import type { RunResult, Sandbox } from '../src/sandbox/types.ts';
import { createTypeChecker } from '../src/typecheck/index.ts';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** An API whose one operation leaves a trace: a call the host made is in `added`. */
function notesApi(added: string[]) {
  return defineApi({
    name: 'notes',
    operations: {
      add: defineFunction({
        summary: 'Add a note',
        input: z.object({ text: z.string() }),
        output: z.number(),
        run: ({ text }) => added.push(text),
      }),
    },
  });
}

/** The real checker, each answer held until `release`; `idle` is what the executor asks of it. */
function heldChecker(catalog: Catalog) {
  const real = createTypeChecker(catalog, { libFiles: nodeLibFiles });
  let held = deferred();
  let asked = deferred();
  const state = { idle: true };
  const checker: TypeChecker = {
    async check(code, options) {
      asked.resolve();
      await held.promise;
      return real.check(code, options);
    },
    idle: () => state.idle,
  };
  return {
    checker,
    state,
    /** Resolves once a check has been asked for. */
    asked: () => asked.promise,
    release: () => held.resolve(),
    hold: () => {
      held = deferred();
      asked = deferred();
    },
  };
}

/** The sandbox, with a promise for each run's start, its first host call and its end. */
function watched(inner: Sandbox) {
  let started = deferred();
  let called = deferred();
  let ended = deferred<RunResult>();
  const sandbox: Sandbox = {
    run(request, host, hooks) {
      started.resolve();
      const run = inner.run(
        request,
        (call) => {
          called.resolve();
          return host(call);
        },
        hooks,
      );
      run.then(ended.resolve, () => undefined);
      return run;
    },
    offThread: inner.offThread,
    close: () => inner.close(),
  };
  return {
    sandbox,
    started: () => started.promise,
    called: () => called.promise,
    ended: () => ended.promise,
    /** Whether a run started: checked after the event loop has had its turns. */
    async startedYet() {
      let yes = false;
      void started.promise.then(() => (yes = true));
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      return yes;
    },
    reset() {
      started = deferred();
      called = deferred();
      ended = deferred<RunResult>();
    },
  };
}

const closing: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(closing.map((sandbox) => sandbox.close()));
});

/** An executor over the notes API, its checker held and its sandbox watched. */
function setUp(inner: Sandbox) {
  closing.push(inner);
  const added: string[] = [];
  const box = watched(inner);
  let held!: ReturnType<typeof heldChecker>;
  const duet = createDuet({
    apis: [notesApi(added)],
    sandbox: box.sandbox,
    sessions: memorySessions(),
    typeChecker: (catalog) => {
      held = heldChecker(catalog);
      return held.checker;
    },
  });
  const fresh = () => {
    added.length = 0;
    held.state.idle = true;
    held.hold();
    box.reset();
  };
  return { duet, box, added, held: () => held, fresh };
}

describe('a run beside its check, on worker threads (the pool)', () => {
  let duet: Duet;
  let box: ReturnType<typeof watched>;
  let added: string[];
  let held: ReturnType<typeof heldChecker>;
  let fresh: () => void;
  beforeAll(() => {
    const made = setUp(createWorkerSandbox({ size: 2 }));
    ({ duet, box, added, fresh } = made);
    held = made.held();
  });

  it('starts before the check ends, and the host does nothing for it until the check passes', async () => {
    fresh();
    const pending = duet.executor.execute({
      code: `const n = await notes.add({ text: 'kept' });\nreturn n;`,
    });
    await box.started();
    // The run has asked for the call: it waits at the gate, and the operation has not run.
    await box.called();
    await new Promise((r) => setTimeout(r, 20));
    expect(added).toEqual([]);
    held.release();
    expect(await pending).toMatchObject({ ok: true, result: 1 });
    expect(added).toEqual(['kept']);
  });

  it('answers a refused snippet as the check does, and its calls are never made', async () => {
    fresh();
    // The call itself is well-formed: only the check stands between it and the host.
    const pending = duet.executor.execute({
      code: `await notes.add({ text: 'lost' });\nconst n: number = 'not a number';\nreturn n;`,
    });
    await box.called();
    held.release();
    const response = await pending;
    expect(response).toMatchObject({ ok: false, error: { kind: 'typecheck' }, logs: [], calls: [] });
    expect(response.error?.diagnostics?.[0]).toMatchObject({ line: 2 });
    // The run ended on the refused call, not by its time limit.
    expect(await box.ended()).toMatchObject({
      ok: false,
      error: { kind: 'runtime', message: expect.stringContaining('did not pass its type-check') },
    });
    expect(added).toEqual([]);
  });

  it('stops a refused snippet that is still computing', async () => {
    fresh();
    const pending = duet.executor.execute({
      code: `const n: number = 'not a number';\nfor (;;) {}`,
      timeoutMs: 55_000,
    });
    await box.started();
    held.release();
    expect((await pending).error?.kind).toBe('typecheck');
    expect(await box.ended()).toMatchObject({
      ok: false,
      error: { kind: 'runtime', message: expect.stringContaining('stopped') },
    });
    // The sandbox takes the next run.
    held.state.idle = false;
    held.hold();
    held.release();
    expect(await duet.executor.execute({ code: 'return 1 + 1' })).toMatchObject({ ok: true, result: 2 });
  });

  it('runs after its check when the checker is busy, in a session, or unchecked', async () => {
    for (const [request, idle] of [
      [{ code: 'return 1;' }, false],
      [{ code: 'return 2;', session: 'beside' }, true],
    ] as const) {
      fresh();
      held.state.idle = idle;
      const pending = duet.executor.execute(request);
      await held.asked();
      expect(await box.startedYet()).toBe(false);
      held.release();
      expect((await pending).ok).toBe(true);
    }
    fresh();
    expect(await duet.executor.execute({ code: 'return 3;', typecheck: false })).toMatchObject({
      result: 3,
    });
  });
});

describe('a sandbox computing on this thread', () => {
  it('runs after its check: a refused snippet must never hold the thread', async () => {
    const { duet, box, held, fresh } = setUp(createQuickJSSandbox());
    fresh();
    const pending = duet.executor.execute({ code: 'return 1;' });
    await held().asked();
    expect(await box.startedYet()).toBe(false);
    held().release();
    expect(await pending).toMatchObject({ ok: true, result: 1 });
  });
});
