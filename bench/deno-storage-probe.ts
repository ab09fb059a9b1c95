/**
 * The storage benchmark on Deno: Deno KV used directly vs duet's Deno adapter (Deno KV through the
 * actor storage). `deno run -A --unstable-kv bench/deno-storage-probe.ts '{"ms":100,"rounds":5}'`
 * prints one JSON line. The adapter loads by computed specifier so `npm run build` skips it.
 */
import type { StorageDriver } from '../src/actor/index.ts';
import {
  duetContender,
  KEYS_END,
  key,
  measurePair,
  PROBE_MARKER,
  type ProbeOutput,
  timingFrom,
  value,
} from './storage-bench-core.ts';

type KvKey = readonly string[];
interface Kv {
  set(key: KvKey, value: unknown): Promise<unknown>;
  get(key: KvKey): Promise<{ value: unknown }>;
  list(
    selector: { start: KvKey; end: KvKey },
    options: { limit: number },
  ): AsyncIterable<{ key: KvKey; value: unknown }>;
  close(): void;
}
declare const Deno: {
  version: { deno: string };
  args: string[];
  openKv(path: string): Promise<Kv>;
  makeTempDir(options: { prefix: string }): Promise<string>;
  remove(path: string, options: { recursive: boolean }): Promise<void>;
};
const load = (specifier: string): Promise<unknown> => import(specifier);

const timing = timingFrom(Deno.args[0]);
const { denoKvDriver } = (await load(new URL('../adapters/deno/kv-driver.ts', import.meta.url).href)) as {
  denoKvDriver(options: { path: string }): Promise<StorageDriver>;
};
const dir = await Deno.makeTempDir({ prefix: 'duet-bench-deno-' });
const output: ProbeOutput = { rows: [], skipped: [] };
try {
  // What an application would write without duet: the object itself (Deno KV serialises it).
  const kv = await Deno.openKv(`${dir}/raw.kv`);
  const raw = {
    put: (i: number) => kv.set(['item', key(i)], value(i)),
    get: async (i: number) => (await kv.get(['item', key(i)])).value,
    list: async (i: number) => {
      const rows: [string, unknown][] = [];
      for await (const entry of kv.list({ start: ['item', key(i)], end: ['item', KEYS_END] }, { limit: 100 }))
        rows.push([entry.key[1], entry.value]);
      return rows;
    },
  };
  const duet = await duetContender(await denoKvDriver({ path: `${dir}/duet.kv` }));
  output.rows = await measurePair(
    {
      runtime: `Deno ${Deno.version.deno}`,
      adapter: 'adapters/deno (Deno KV)',
      raw: 'Deno KV, objects as values',
    },
    raw,
    duet,
    timing,
  );
  await duet.close?.();
  kv.close();
} finally {
  await Deno.remove(dir, { recursive: true });
}
console.log(PROBE_MARKER + JSON.stringify(output));
