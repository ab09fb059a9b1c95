/** Model-based cases: seeded random operations applied to the target and to the reference model. */
import type { ActorStorage, ListOptions } from '../../actor/actor-storage.ts';
import type { StorageDriver } from '../../actor/driver.ts';
import { equal, rejects } from '../assert.ts';
import { TINY_LIMITS } from '../faulty-driver.ts';
import { Box } from '../fixtures.ts';
import { type Random, randomKey, randomValue, seeded } from '../random.ts';
import { ReferenceModel } from '../reference-model.ts';
import type { ConformanceCase } from './case.ts';

const SEEDS = [1, 2, 3];

function randomList(random: Random): ListOptions {
  return {
    prefix: random.chance(0.4) ? Array.from(randomKey(random)).slice(0, 2).join('') : undefined,
    start: random.chance(0.3) ? randomKey(random) : undefined,
    end: random.chance(0.3) ? randomKey(random) : undefined,
    limit: random.chance(0.5) ? random.int(6) : undefined,
    reverse: random.chance(0.5),
  };
}

async function step(
  s: ActorStorage,
  model: ReferenceModel,
  random: Random,
  bigBytes: number,
  where: string,
): Promise<void> {
  const key = randomKey(random);
  switch (random.int(10)) {
    case 0:
    case 1: {
      const value = randomValue(random, bigBytes);
      await s.put(key, value);
      model.put(key, value);
      return;
    }
    case 2: {
      const entries = Array.from(
        { length: random.int(6) },
        () => [randomKey(random), randomValue(random, bigBytes)] as const,
      );
      await s.putMany(entries);
      for (const [k, v] of entries) model.put(k, v);
      return;
    }
    case 3:
      return equal(await s.delete(key), model.delete(key), `${where}: delete(${JSON.stringify(key)})`);
    case 4: {
      const keys = [...new Set(Array.from({ length: random.int(4) }, () => randomKey(random)))];
      const expected = keys.filter((k) => model.delete(k)).length;
      return equal(await s.deleteMany(keys), expected, `${where}: deleteMany`);
    }
    case 5:
      return equal(await s.get(key), model.get(key), `${where}: get(${JSON.stringify(key)})`);
    case 6: {
      const keys = Array.from({ length: random.int(4) }, () => randomKey(random));
      const expected = new Map(
        [...new Set(keys)].filter((k) => model.entries.has(k)).map((k) => [k, model.get(k)]),
      );
      return equal(await s.getMany(keys), expected, `${where}: getMany`);
    }
    case 7:
    case 8: {
      const options = randomList(random);
      return equal(await s.list(options), model.list(options), `${where}: list(${JSON.stringify(options)})`);
    }
    default: {
      const draft = model.clone();
      const abort = random.chance(0.3);
      const run = s.transaction(async (tx) => {
        for (let i = random.int(5); i >= 0; i--)
          await step(tx, draft, random, bigBytes, `${where} in transaction`);
        if (abort) throw new Error('abort on purpose');
      });
      if (abort) return void (await rejects(run, /abort on purpose/, `${where}: aborted transaction`));
      await run;
      for (const k of [...model.entries.keys()]) model.delete(k);
      for (const [k, v] of draft.entries) model.put(k, v);
    }
  }
}

async function compareWithModel(
  driver: StorageDriver,
  ctx: Parameters<ConformanceCase['run']>[0],
  bigBytes: number,
): Promise<void> {
  const system = ctx.system(driver, { boxes: Box });
  for (const seed of SEEDS) {
    const random = seeded(seed);
    const model = new ReferenceModel();
    await system.namespace('boxes').run(`seed-${seed}`, async (actor) => {
      for (let i = 0; i < 200; i++)
        await step(actor.storage, model, random, bigBytes, `seed ${seed} step ${i}`);
      equal(await actor.storage.list(), model.list(), `seed ${seed}: final state`);
    });
  }
}

export const modelCases: ConformanceCase[] = [
  {
    name: 'model: random storage operations match the reference model',
    feature: 'ordered-kv',
    async run(ctx) {
      await compareWithModel(await ctx.open(), ctx, 0);
    },
  },
  {
    name: 'model: random operations with tiny batch and value limits (chunks, redo log) match the model',
    feature: 'atomic-batch',
    async run(ctx) {
      await compareWithModel(await ctx.openFaulty({ limits: TINY_LIMITS }), ctx, 6000);
    },
  },
  {
    name: 'driver: random batches, gets and ranges match the model byte for byte',
    feature: 'ordered-kv',
    async run(ctx) {
      const driver = await ctx.open();
      const random = seeded(7);
      const model = new ReferenceModel<Uint8Array>();
      for (let i = 0; i < 300; i++) {
        const where = `step ${i}`;
        if (random.chance(0.5)) {
          const batch = new Map<string, Uint8Array | null>();
          for (let n = random.int(5); n >= 0; n--)
            batch.set(
              randomKey(random),
              random.chance(0.25) ? null : new Uint8Array([i & 255, random.int(256)]),
            );
          await driver.write([...batch]);
          for (const [k, v] of batch) v === null ? model.delete(k) : model.put(k, v);
        } else if (random.chance(0.3)) {
          const keys = Array.from({ length: 3 }, () => randomKey(random));
          equal(
            await driver.get(keys),
            keys.map((k) => model.get(k)),
            `${where}: get`,
          );
        } else {
          const { start, end, limit, reverse } = randomList(random);
          const rows = await driver.list({ start, end, limit, reverse });
          equal(
            rows,
            [...model.list({ start, end, limit, reverse })],
            `${where}: list(${JSON.stringify({ start, end, limit, reverse })})`,
          );
        }
      }
    },
  },
];
