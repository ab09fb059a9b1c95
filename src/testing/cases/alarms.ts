/** Alarms: persisted, multiplexed on one wake-up, fire after a restart, at-least-once, retried with backoff. */
import { isScheduleKey } from '../../actor/keyspace.ts';
import { assert, equal } from '../assert.ts';
import { Pinger } from '../fixtures.ts';
import type { ConformanceCase } from './case.ts';

export const alarmCases: ConformanceCase[] = [
  {
    name: 'alarms: schedules fire in time order and are multiplexed onto one wake-up',
    feature: 'alarms',
    async run(ctx) {
      const driver = await ctx.openFaulty();
      const system = ctx.system(driver, { pingers: Pinger });
      await system.ready;
      const t0 = ctx.clock.now();
      const pingers = system.namespace('pingers');
      await pingers.get('p1').plan({ c: 3000, a: 1000 });
      await pingers.get('p2').plan({ b: 2000 });
      equal(driver.alarms.at(-1), t0 + 1000, 'the wake-up is the earliest schedule');
      await ctx.clock.advance(1000);
      equal(await pingers.get('p1').log(), ['a'], 'first schedule fired');
      equal(driver.alarms.at(-1), t0 + 2000, 're-armed for the next schedule of any actor');
      await ctx.clock.advance(1000);
      equal(await pingers.get('p2').log(), ['b'], 'the other actor fired');
      await ctx.clock.advance(5000);
      equal(await pingers.get('p1').log(), ['a', 'c'], 'all fired once, in order');
      equal(driver.alarms.at(-1), null, 'nothing left: wake-up cleared');
      const id = await pingers.run('p3', (p) => p.schedule.after(500, 'ping', 'never'));
      equal(await pingers.run('p3', (p) => p.schedule.cancel(id)), true, 'cancel');
      await ctx.clock.advance(1000);
      equal(await pingers.get('p3').log(), [], 'a cancelled schedule does not fire');
      equal(ctx.errors, [], 'no errors');
    },
  },
  {
    name: 'alarms: fire after a restart, none lost across repeated restarts',
    feature: 'alarms',
    async run(ctx) {
      const delays: Record<string, number> = {};
      for (let i = 0; i < 12; i++) delays[`t${String(i).padStart(2, '0')}`] = 1000 * (i + 1);
      let system = ctx.system(await ctx.open(), { pingers: Pinger });
      for (const name of ['a', 'b', 'c']) await system.namespace('pingers').get(name).plan(delays);
      // Restart every 2.5 s of clock time: some schedules come due while "down", some while up.
      for (let round = 0; round < 6; round++) {
        await ctx.shutdown();
        await ctx.clock.advance(1500);
        system = ctx.system(await ctx.open(), { pingers: Pinger });
        await system.ready;
        await ctx.clock.advance(1000);
      }
      await ctx.clock.advance(20_000);
      for (const name of ['a', 'b', 'c']) {
        equal(
          await system.namespace('pingers').get(name).log(),
          Object.keys(delays),
          `every schedule of ${name} fired once, in order`,
        );
        equal(
          await system.namespace('pingers').run(name, (p) => p.schedule.list()),
          [],
          `no schedule of ${name} left`,
        );
      }
    },
  },
  {
    name: 'alarms: a crash before the acknowledgement runs the handler again after restart (at-least-once)',
    feature: 'alarms',
    async run(ctx) {
      // The acknowledgement is the write that deletes the schedule record.
      const driver = await ctx.openFaulty({
        crashWhen: (entries) => entries.some(([key, value]) => isScheduleKey(key) && value === null),
      });
      const system = ctx.system(driver, { pingers: Pinger });
      await system.namespace('pingers').get('p').plan({ once: 1000 });
      await ctx.clock.advance(1000);
      assert(driver.crashed, 'the acknowledgement write crashed');
      await ctx.shutdown();
      const restarted = ctx.system(await ctx.open(), { pingers: Pinger });
      await restarted.ready;
      equal(await restarted.runDueAlarms(), 1, 'the unacknowledged schedule is still due');
      equal(await restarted.namespace('pingers').get('p').log(), ['once', 'once'], 'the handler ran again');
      equal(await restarted.runDueAlarms(), 0, 'acknowledged now');
    },
  },
  {
    name: 'alarms: a failing handler is retried with exponential backoff, then dropped',
    feature: 'alarms',
    async run(ctx) {
      const system = ctx.system(
        await ctx.open(),
        { pingers: Pinger },
        { retry: { baseMs: 1000, maxMs: 4000, maxAttempts: 5 } },
      );
      const pingers = system.namespace('pingers');
      const t0 = ctx.clock.now();
      await pingers.run('p', (p) => p.schedule.after(0, 'flaky', 'twice', 2));
      await pingers.run('p', (p) => p.schedule.after(0, 'flaky', 'always', 99));
      await ctx.clock.advance(0);
      const pending = await pingers.run('p', (p) => p.schedule.list());
      equal(
        pending.map((s) => [s.args[0], s.attempt, s.at - t0]).sort(),
        [
          ['always', 1, 1000],
          ['twice', 1, 1000],
        ],
        'first retries 1 s later',
      );
      await ctx.clock.advance(1000);
      equal(
        (await pingers.run('p', (p) => p.schedule.list())).map((s) => s.at - t0),
        [3000, 3000],
        'second retry 2 s later',
      );
      await ctx.clock.advance(2000);
      equal(await pingers.get('p').log(), ['twice'], 'succeeded on the third run');
      await ctx.clock.advance(4000);
      await ctx.clock.advance(4000);
      equal(await pingers.run('p', (p) => p.schedule.list()), [], 'dropped after maxAttempts');
      equal(await pingers.run('p', (p) => p.storage.get('runs:always')), 5, 'ran maxAttempts times');
      assert(
        ctx.errors.some((e) => /dropped after 5 attempts/.test(e)),
        `the drop was reported: ${ctx.errors.join('; ')}`,
      );
    },
  },
  {
    name: 'host-wake: the driver takes the next wake-up time',
    feature: 'host-wake',
    async run(ctx) {
      const driver = await ctx.open();
      assert(typeof driver.setAlarm === 'function', `${driver.name} declares host-wake but has no setAlarm`);
      await driver.setAlarm(ctx.clock.now() + 60_000);
      await driver.setAlarm(null);
    },
  },
];
