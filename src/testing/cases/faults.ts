/** Fault injection: crash at every write of a multi-batch commit, reopen, find all-old or all-new. */
import type { ActorStorage } from '../../actor/actor-storage.ts';
import { assert, equal } from '../assert.ts';
import type { CaseContext } from '../context.ts';
import { InjectedCrash, TINY_LIMITS } from '../faulty-driver.ts';
import { Box } from '../fixtures.ts';
import type { ConformanceCase } from './case.ts';

interface Sweep {
  setup(s: ActorStorage): Promise<void>;
  write(s: ActorStorage): Promise<void>;
}

/**
 * For crash point k = 1, 2, ...: run `setup`, then `write` on a driver that crashes at the k-th
 * write of it, reopen, and require the state to be exactly the state before or after. Returns the
 * outcome per crash point.
 */
async function crashSweep(ctx: CaseContext, sweep: Sweep): Promise<('old' | 'new')[]> {
  const expected = async (name: string, steps: ((s: ActorStorage) => Promise<void>)[]) => {
    const system = ctx.system(await ctx.openFaulty({ limits: TINY_LIMITS }), { boxes: Box });
    return system.namespace('boxes').run(name, async (actor) => {
      for (const stepFn of steps) await stepFn(actor.storage);
      return actor.storage.list();
    });
  };
  const before = await expected('expect-old', [sweep.setup]);
  const after = await expected('expect-new', [sweep.setup, sweep.write]);
  await ctx.shutdown();
  const outcomes: ('old' | 'new')[] = [];
  for (let k = 1; k < 200; k++) {
    let armed = false;
    let count = 0;
    const driver = await ctx.openFaulty({ limits: TINY_LIMITS, crashWhen: () => armed && ++count === k });
    const boxes = ctx.system(driver, { boxes: Box }).namespace('boxes');
    await boxes.run(`k${k}`, (actor) => sweep.setup(actor.storage));
    armed = true;
    let crashed = false;
    await boxes
      .run(`k${k}`, (actor) => sweep.write(actor.storage))
      .catch((error) => {
        if (!(error instanceof InjectedCrash)) throw error;
        crashed = true;
      });
    await ctx.shutdown();
    const reopened = ctx
      .system(await ctx.openFaulty({ limits: TINY_LIMITS }), { boxes: Box })
      .namespace('boxes');
    const state = await reopened.run(`k${k}`, (actor) => actor.storage.list());
    const outcome = sameState(state, after) ? 'new' : 'old';
    equal(
      state,
      outcome === 'new' ? after : before,
      `crash at write ${k}: state is neither all-old nor all-new`,
    );
    if (!crashed) {
      equal(outcome, 'new', 'a write that resolved is visible');
      return outcomes;
    }
    outcomes.push(outcome);
    await ctx.shutdown();
  }
  throw new Error('the write never finished without a crash in 200 attempts');
}

function sameState(a: Map<string, unknown>, b: Map<string, unknown>): boolean {
  try {
    equal(a, b);
    return true;
  } catch {
    return false;
  }
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

export const faultCases: ConformanceCase[] = [
  {
    name: 'faults: a crash at any write of a multi-batch transaction leaves all-old or all-new',
    feature: 'atomic-batch',
    async run(ctx) {
      const outcomes = await crashSweep(ctx, {
        async setup(s) {
          await s.putMany({ a: 'old-a', b: 'old-b', big: bytes(10_000, 1) });
          await s.putMany(Array.from({ length: 10 }, (_, i) => [`k${i}`, `old-${i}`] as const));
        },
        async write(s) {
          await s.transaction(async (tx) => {
            await tx.put('a', 'new-a');
            await tx.delete('b');
            await tx.put('big', bytes(20_000, 2));
            for (let i = 0; i < 10; i++) await tx.put(`k${i}`, { i, at: new Date(i) });
            await tx.put('c', 'new-c');
          });
        },
      });
      assert(
        outcomes.length >= 4,
        `the transaction should span several batches, it crashed at ${outcomes.length} points`,
      );
      assert(
        outcomes.includes('old') && outcomes.includes('new'),
        `both sides of the commit point were hit: ${outcomes.join(',')}`,
      );
    },
  },
  {
    name: 'faults: a crash while writing a chunked value leaves the old value readable',
    feature: 'large-values',
    async run(ctx) {
      const outcomes = await crashSweep(ctx, {
        setup: (s) => s.put('big', bytes(9_000, 1)),
        write: (s) => s.put('big', bytes(30_000, 2)),
      });
      assert(
        outcomes.length >= 2,
        `the value should span several batches, it crashed at ${outcomes.length} points`,
      );
    },
  },
];
