/** Values of 1 MiB and more on every backend, natively or chunked by the core. */
import type { ActorStorage } from '../../actor/actor-storage.ts';
import { equal } from '../assert.ts';
import { DENO_KV_LIMITS } from '../faulty-driver.ts';
import { Box } from '../fixtures.ts';
import type { ConformanceCase } from './case.ts';
import { inBox } from './storage.ts';

const keysOf = (map: Map<string, unknown>) => [...map.keys()];

export const largeValueCases: ConformanceCase[] = [
  {
    name: 'storage: 1 MiB values (bytes, text, structured) round trip, overwrite and delete',
    feature: 'large-values',
    async run(ctx) {
      await inBox(ctx, async (s) => largeValues(s));
    },
  },
  {
    name: 'storage: 1 MiB values under Deno KV limits (core chunking on this backend)',
    feature: 'large-values',
    async run(ctx) {
      const system = ctx.system(await ctx.openFaulty({ limits: DENO_KV_LIMITS }), { boxes: Box });
      await system.namespace('boxes').run('box', (actor) => largeValues(actor.storage));
      await ctx.shutdown();
      // Read back through a driver without the limits: the same records, resolved from chunks.
      const again = ctx.system(await ctx.openFaulty({ limits: DENO_KV_LIMITS }), { boxes: Box });
      await again.namespace('boxes').run('box', async (actor) => {
        equal((await actor.storage.get<Uint8Array>('bytes'))?.length, 1 << 20, 'chunked value after restart');
      });
    },
  },
];

async function largeValues(s: ActorStorage): Promise<void> {
  const mib = 1 << 20;
  const bytes = new Uint8Array(mib).map((_, i) => (i * 31) % 256);
  const text = `${'x'.repeat(mib - 1)}é`;
  const structured = {
    rows: Array.from({ length: 16_384 }, (_, i) => ({ i, at: new Date(i), tag: `row-${i}` })),
    blob: bytes.subarray(0, 4096),
  };
  await s.put('bytes', bytes);
  await s.putMany({ text, structured });
  equal(await s.get('bytes'), bytes, '1 MiB of bytes');
  equal(await s.get('text'), text, '1 MiB of text');
  equal(await s.get('structured'), structured, 'a large structured value');
  equal(keysOf(await s.list()), ['bytes', 'structured', 'text'], 'list of large values');
  equal((await s.list<Uint8Array>({ prefix: 'bytes' })).get('bytes'), bytes, 'list returns the whole value');
  await s.put('bytes', new Uint8Array([1]));
  equal(await s.get('bytes'), new Uint8Array([1]), 'overwrite a large value with a small one');
  await s.put('bytes', bytes);
  await s.transaction(async (tx) => {
    await tx.put('text', `${text}!`);
    await tx.delete('structured');
  });
  equal((await s.get<string>('text'))?.length, mib + 1, 'large value written in a transaction');
  equal(await s.get('structured'), undefined, 'large value deleted in a transaction');
}
