/** Turns, isolation, eviction and sessions: what the core promises on top of any driver. */
import { actorSessions, SessionActor } from '../../session/index.ts';
import { assert, equal, rejects } from '../assert.ts';
import { Box, Counter, Gate } from '../fixtures.ts';
import type { ConformanceCase } from './case.ts';

/** Resolves with `promise`, or fails after `ms` with `message`: a liveness guard for would-be deadlocks. */
function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const actorCases: ConformanceCase[] = [
  {
    name: 'turns: 50 concurrent read-modify-write calls lose nothing',
    feature: 'turns',
    async run(ctx) {
      const system = ctx.system(await ctx.open(), { counters: Counter });
      const counter = system.namespace('counters').get('c');
      const results = await Promise.all(Array.from({ length: 50 }, () => counter.increment(1)));
      equal(
        [...results].sort((a, b) => a - b),
        Array.from({ length: 50 }, (_, i) => i + 1),
        'each turn saw the previous one',
      );
      await ctx.shutdown();
      const reopened = ctx.system(await ctx.open(), { counters: Counter });
      equal((await reopened.namespace('counters').get('c').read()).n, 50, 'count after reopen');
    },
  },
  {
    name: 'turns: calls to one actor never interleave; different actors run concurrently',
    feature: 'turns',
    async run(ctx) {
      Gate.events = [];
      Gate.gates.clear();
      const system = ctx.system(await ctx.open(), { gates: Gate });
      const gates = system.namespace('gates');
      const one = gates.get('one');
      await Promise.all(['a', 'b', 'c', 'd'].map((tag) => one.step(tag)));
      for (let i = 0; i < Gate.events.length; i += 2) {
        const tag = Gate.events[i].slice(6);
        equal(Gate.events.slice(i, i + 2), [`enter ${tag}`, `exit ${tag}`], 'a turn ran inside another');
      }
      // A waits for a gate only B opens: if actors shared one queue this would never finish.
      const waiting = gates.get('A').wait('g1');
      await gates.get('B').open('g1');
      equal(await within(waiting, 5000, 'actor A blocked actor B'), 'A passed g1', 'A finished');
      await rejects(
        () => (one as unknown as { nothing(): Promise<void> }).nothing(),
        /no callable method 'nothing'.*open, step, wait/,
        'unknown method',
      );
      await rejects(
        () => (one as unknown as { onLoad(): Promise<void> }).onLoad(),
        /no callable method/,
        'lifecycle hooks are not callable',
      );
    },
  },
  {
    name: 'isolation: actors, namespaces and tenants never see each other',
    feature: 'isolation',
    async run(ctx) {
      const system = ctx.system(await ctx.open(), { boxes: Box, others: Box });
      // Names chosen so naive "tenant/namespace/name" joining would collide.
      const places = [
        system.namespace('boxes').run('a', (a) => a.storage),
        system.namespace('boxes').run('b', (a) => a.storage),
        system.namespace('others').run('a', (a) => a.storage),
        system.namespace('boxes', { tenant: 't1' }).run('a', (a) => a.storage),
        system.namespace('boxes', { tenant: 't2' }).run('a', (a) => a.storage),
        system.namespace('boxes', { tenant: 'x/boxes' }).run('y', (a) => a.storage),
        system.namespace('boxes', { tenant: 'x' }).run('boxes/y', (a) => a.storage),
        system.namespace('boxes', { tenant: 'x%2Fboxes' }).run('y', (a) => a.storage),
      ];
      const storages = await Promise.all(places);
      await Promise.all(storages.map((s, i) => s.putMany({ id: i, [`only-${i}`]: true })));
      for (const [i, s] of storages.entries()) {
        equal(
          await s.list(),
          new Map<string, unknown>([
            ['id', i],
            [`only-${i}`, true],
          ]),
          `actor ${i} sees only its keys`,
        );
      }
      assert(await system.namespace('boxes', { tenant: 't1' }).exists('a'), 'exists after a turn');
      assert(
        !(await system.namespace('boxes', { tenant: 't3' }).exists('a')),
        'another tenant has no such actor',
      );
      await rejects(
        async () => system.namespace('nope' as 'boxes'),
        /no namespace 'nope'/,
        'unknown namespace',
      );
    },
  },
  {
    name: 'eviction: idle actors leave memory, reload state from storage, busy ones stay',
    feature: 'eviction',
    async run(ctx) {
      Gate.gates.clear();
      const system = ctx.system(await ctx.open(), { counters: Counter, gates: Gate }, { idleMs: 1000 });
      const counter = system.namespace('counters').get('c');
      await counter.increment(5);
      equal(await counter.read(), { n: 5, cached: 5, loads: 1 }, 'loaded once, field cached');
      const busy = system.namespace('gates').get('busy').wait('g2');
      await ctx.clock.advance(999);
      equal(system.active, 2, 'nothing evicted before idleMs');
      await ctx.clock.advance(1);
      equal(system.active, 1, 'the idle actor left memory; the busy one stayed');
      equal(
        await counter.read(),
        { n: 5, cached: undefined, loads: 2 },
        'reloaded: storage kept, fields reset',
      );
      await system.namespace('gates').get('opener').open('g2');
      await busy;
      await ctx.clock.advance(1000);
      equal(system.active, 0, 'everything idle is evicted');
    },
  },
  {
    name: 'sessions: each session an actor; turns serialise; state persists; snapshot',
    feature: 'sessions',
    async run(ctx) {
      const system = ctx.system(await ctx.open(), { sessions: SessionActor, counters: Counter });
      const sessions = actorSessions(system.namespace('sessions'));
      equal(await sessions.snapshot('s1'), undefined, 'no snapshot before the first run');
      const bump = () =>
        sessions.withSession('s1', async (state) => {
          const n = ((await state.get('n')) as number | undefined) ?? 0;
          await Promise.resolve();
          await state.put('n', n + 1);
          return n + 1;
        });
      await Promise.all(Array.from({ length: 40 }, bump));
      await sessions.withSession('s2', async (state) => state.put('other', { x: 1 }));
      equal(await sessions.snapshot('s1'), { n: 40 }, 'forty increments');
      equal(await sessions.snapshot('s2'), { other: { x: 1 } }, 'sessions are apart');
      await sessions.withSession('s1', async (state) => {
        await state.put('a:1', 1);
        await state.put('a:2', 2);
        equal(await state.list({ prefix: 'a:', limit: 1 }), { 'a:1': 1 }, 'state.list');
        equal(await state.delete('a:2'), true, 'state.delete');
      });
      // Over the whole system the store lists every tenant's sessions (and nothing of other namespaces).
      const listed = actorSessions(system);
      await listed.withSession('s0', async (state) => state.put('x', 1), { tenant: 'a/b' });
      await system.namespace('counters').get('not-a-session').increment();
      const all = [
        { tenant: '', session: 's1' },
        { tenant: '', session: 's2' },
        { tenant: 'a/b', session: 's0' },
      ];
      equal(await listed.list!(), all, 'sessions listed by tenant, then id');
      equal(await listed.list!({ after: all[0], limit: 1 }), [all[1]], 'a page after a session');
      equal(await listed.list!({ tenant: 'a/b' }), [all[2]], "one tenant's sessions");
      await ctx.shutdown();
      const again = actorSessions(
        ctx.system(await ctx.open(), { sessions: SessionActor }).namespace('sessions'),
      );
      equal(await again.snapshot('s1'), { 'a:1': 1, n: 40 }, 'session state after reopen');
    },
  },
];
