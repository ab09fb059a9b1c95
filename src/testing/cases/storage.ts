/** Storage semantics through ActorStorage: order, ranges, value types, large values, transactions, restart. */
import type { ActorStorage } from '../../actor/actor-storage.ts';
import { assert, equal, rejects } from '../assert.ts';
import type { CaseContext } from '../context.ts';
import { Box } from '../fixtures.ts';
import type { ConformanceCase } from './case.ts';

/** Runs `fn` in one turn of a fresh actor over the target's driver. */
export async function inBox<T>(
  ctx: CaseContext,
  fn: (storage: ActorStorage) => Promise<T>,
  name = 'box',
): Promise<T> {
  const system = ctx.system(await ctx.open(), { boxes: Box });
  return system.namespace('boxes').run(name, (actor) => fn(actor.storage));
}

// Code point order: U+E000 and U+FFFF sort before astral characters, unlike JS string `<`.
const ORDERED = ['', '\0', 'a', 'a\0', 'a/', 'ab', 'b', 'é', '\uE000', '\uFFFF', '😀', '🫠'];

const keysOf = (map: Map<string, unknown>) => [...map.keys()];

export const storageCases: ConformanceCase[] = [
  {
    name: 'storage: list is in code point order with prefix, start/end, limit and reverse',
    feature: 'ordered-kv',
    async run(ctx) {
      await inBox(ctx, async (s) => {
        const shuffled = [...ORDERED].reverse();
        await s.putMany(shuffled.map((k, i) => [k, i] as const));
        equal(keysOf(await s.list()), ORDERED, 'full list');
        equal(keysOf(await s.list({ reverse: true })), [...ORDERED].reverse(), 'reverse');
        equal(keysOf(await s.list({ prefix: 'a' })), ['a', 'a\0', 'a/', 'ab'], 'prefix a');
        equal(
          keysOf(await s.list({ start: 'a\0', end: 'b' })),
          ['a\0', 'a/', 'ab'],
          'start inclusive, end exclusive',
        );
        equal(
          keysOf(await s.list({ prefix: 'a', start: 'a/', limit: 1 })),
          ['a/'],
          'prefix and start intersect',
        );
        equal(keysOf(await s.list({ prefix: 'a', end: 'a/' })), ['a', 'a\0'], 'prefix and end intersect');
        equal(
          keysOf(await s.list({ limit: 3, reverse: true })),
          ['🫠', '😀', '\uFFFF'],
          'reverse limit takes the last keys',
        );
        equal(keysOf(await s.list({ start: 'é', limit: 2 })), ['é', '\uE000'], 'limit after start');
        equal(keysOf(await s.list({ limit: 0 })), [], 'limit 0');
        equal(keysOf(await s.list({ start: 'b', end: 'a' })), [], 'empty range');
        equal(keysOf(await s.list({ prefix: 'nothing' })), [], 'absent prefix');
        const valueAt = (key: string) => ORDERED.length - 1 - ORDERED.indexOf(key);
        equal(await s.get('\uFFFF'), valueAt('\uFFFF'), 'get');
        equal(
          await s.getMany(['b', 'nope', 'a']),
          new Map([
            ['b', valueAt('b')],
            ['a', valueAt('a')],
          ]),
          'getMany skips absent keys',
        );
        assert((await s.delete('a')) === true, 'delete of a present key says true');
        assert((await s.delete('a')) === false, 'delete of an absent key says false');
        equal(await s.deleteMany(['b', 'ab', 'none']), 2, 'deleteMany counts present keys');
        equal(keysOf(await s.list({ prefix: 'a' })), ['a\0', 'a/'], 'after deletes');
        await rejects(() => s.list({ limit: -1 }), /limit/, 'negative limit');
        await rejects(() => s.put('x', undefined), /delete/, 'put undefined');
        await rejects(() => s.get('\ud800'), /lone surrogate/, 'ill-formed key');
      });
    },
  },
  {
    name: 'storage: values round trip (JSON, Date, Uint8Array, Map, Set, bigint, undefined, NaN, -0)',
    feature: 'value-types',
    async run(ctx) {
      const value = {
        text: 'héllo \0 😀 \ud800 lone',
        n: [0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53],
        when: new Date(Date.UTC(2024, 1, 29, 12)),
        invalid: new Date(Number.NaN),
        bytes: new Uint8Array([0, 1, 255]),
        map: new Map<unknown, unknown>([
          [1, 'one'],
          [{ k: 1 }, new Date(0)],
        ]),
        set: new Set(['a', 2, null]),
        big: -(2n ** 70n),
        holes: [1, undefined, 3],
        missing: undefined,
        tagLike: { $t: 'date', v: 5 },
        ['__proto__']: { own: true },
        nested: { deeper: [{ bytes: new Uint8Array(3).fill(9) }] },
      };
      await inBox(ctx, async (s) => {
        const samples: [string, unknown][] = [
          ['object', value],
          ['bytes', new Uint8Array([1, 2, 3])],
          ['date', new Date(0)],
          ['string', 'plain'],
          ['null', null],
          ['false', false],
          ['zero', 0],
          ['array', [[], {}, '']],
          ['bigint', 12345678901234567890n],
        ];
        await s.putMany(samples);
        for (const [key, expected] of samples) equal(await s.get(key), expected, `round trip of ${key}`);
        const read = (await s.get<typeof value>('object'))!;
        assert(Object.hasOwn(read, '__proto__'), '__proto__ stays an own key');
        read.bytes[0] = 42;
        equal((await s.get<typeof value>('object'))!.bytes[0], 0, 'reads are copies');
        const bytes = new Uint8Array([7]);
        await s.put('copy', bytes);
        bytes[0] = 8;
        equal(await s.get('copy'), new Uint8Array([7]), 'puts copy the value');
        await rejects(() => s.put('fn', { f: () => 1 }), /cannot store a function at \$\.f/, 'function');
        await rejects(() => s.put('cls', new (class Point {})()), /cannot store a Point/, 'class instance');
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await rejects(() => s.put('cyclic', cyclic), /cyclic/, 'cycle');
        equal(await s.get('fn'), undefined, 'a rejected put stores nothing');
      });
    },
  },
  {
    name: 'transactions: a throw changes nothing; reads see own writes; nested and putMany are atomic',
    feature: 'transactions',
    async run(ctx) {
      await inBox(ctx, async (s) => {
        await s.putMany({ a: 1, b: 2, c: 3 });
        const before = await s.list();
        await rejects(
          () =>
            s.transaction(async (tx) => {
              await tx.put('a', 100);
              await tx.delete('b');
              await tx.put('d', 4);
              equal(await tx.get('a'), 100, 'tx reads its own put');
              equal(await tx.get('b'), undefined, 'tx reads its own delete');
              equal(keysOf(await tx.list()), ['a', 'c', 'd'], 'tx list merges its writes');
              equal(keysOf(await tx.list({ limit: 2 })), ['a', 'c'], 'tx list limit after a buffered delete');
              throw new Error('abort on purpose');
            }),
          /abort on purpose/,
          'the transaction error reaches the caller',
        );
        equal(await s.list(), before, 'nothing changed after the throw');
        await rejects(
          () =>
            s.putMany([
              ['ok', 1],
              ['bad', () => 0],
            ]),
          /function/,
          'putMany with a bad value',
        );
        equal(await s.get('ok'), undefined, 'putMany stored nothing');
        const result = await s.transaction(async (tx) => {
          await tx.put('a', 10);
          await rejects(
            () =>
              tx.transaction(async (inner) => {
                await inner.put('c', 30);
                throw new Error('inner abort');
              }),
            /inner abort/,
            'nested throw',
          );
          equal(await tx.get('c'), 3, 'a nested throw leaves the outer transaction as it was');
          await tx.transaction(async (inner) => inner.put('e', 5));
          return 'done';
        });
        equal(result, 'done', 'transaction returns fn result');
        equal(
          await s.list(),
          new Map<string, unknown>([
            ['a', 10],
            ['b', 2],
            ['c', 3],
            ['e', 5],
          ]),
          'committed',
        );
      });
    },
  },
  {
    name: 'restart: data survives closing and reopening the driver',
    feature: 'restart',
    async run(ctx) {
      await inBox(ctx, async (s) => s.putMany({ kept: { at: new Date(5) }, gone: 1 }));
      await inBox(ctx, async (s) => s.delete('gone'));
      await ctx.shutdown();
      const list = await inBox(ctx, async (s) => s.list());
      equal(list, new Map([['kept', { at: new Date(5) }]]), 'state after reopen');
    },
  },
];
