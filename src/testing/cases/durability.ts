/** Durability: kill -9 a writer mid-stream, reopen, and find every acknowledged write. */

import { WRITE_BYTES, WRITERS } from '../ack-writer.ts';
import { assert, equal } from '../assert.ts';
import { AckWriter } from '../fixtures.ts';
import type { ConformanceCase } from './case.ts';

const ACKS = 200;

export const durabilityCases: ConformanceCase[] = [
  {
    name: 'durability: every acknowledged write survives SIGKILL mid-stream',
    feature: 'durability',
    needs: 'spawn',
    async run(ctx) {
      const writer = ctx.target.spawnWriter!(ctx.place);
      const acked: number[] = [];
      let ready = false;
      try {
        for await (const line of writer.lines) {
          if (line === 'ready') ready = true;
          else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
          if (acked.length >= ACKS) break;
        }
      } finally {
        await writer.kill();
      }
      assert(
        ready && acked.length >= ACKS,
        `the writer stopped after ${acked.length} acks: ${writer.stderr().slice(-2000)}`,
      );
      const system = ctx.system(await ctx.open(), { writers: AckWriter });
      const byActor = new Map<string, number[]>();
      for (const n of acked) byActor.set(`w${n % WRITERS}`, [...(byActor.get(`w${n % WRITERS}`) ?? []), n]);
      for (const [name, numbers] of byActor) {
        await system.namespace('writers').run(name, async (actor) => {
          const stored = await actor.storage.list<{ i: number; data: Uint8Array }>({ prefix: 'k' });
          for (const n of numbers) {
            const value = stored.get(`k${String(n).padStart(8, '0')}`);
            assert(value !== undefined, `acknowledged write ${n} of ${name} is missing after SIGKILL`);
            equal(value.data.length, WRITE_BYTES, `write ${n} is whole`);
          }
          // Each write put its key and `last` in one transaction: `last` must name a stored key.
          const last = await actor.storage.get<number>('last');
          assert(
            last !== undefined && stored.has(`k${String(last).padStart(8, '0')}`),
            `${name}: 'last' is ${last}, a write that is not stored`,
          );
          assert(
            last >= Math.max(...numbers),
            `${name}: 'last' ${last} is older than acknowledged write ${Math.max(...numbers)}`,
          );
        });
      }
    },
  },
];
