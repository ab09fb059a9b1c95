// Actor state through RivetKit's file-system driver beside duet's Node adapter (SQLite), in one fresh
// process on npm's Node 22 (RivetKit needs >= 22):
//   node bench/peers/rivetkit-probe.mjs '{"ms":100,"rounds":5}'
// Each side is one actor with `put(key, value)` (durable before it answers: RivetKit saves its state
// immediately, duet's put is fenced and synchronous=FULL) and `get(key)`, called through the framework's
// own client/stub in this process. Alternating timed rounds, best round each; prints `DUET_PEER {json}`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARK = 'DUET_PEER ';
const options = { ms: 100, rounds: 5, ...JSON.parse(process.argv[2] ?? '{}') };
const dist = new URL('../../dist/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'duet-rivetkit-'));
const KEYS = 1000;
const key = (i) => `item:${String(i % KEYS).padStart(6, '0')}`;
const value = (i) => ({ n: i, name: `item ${i}`, tags: ['a', 'b'], done: i % 2 === 0 });

async function rivetkit() {
  const { actor, setup, createFileSystemDriver } = await import('rivetkit');
  const kv = actor({
    state: { items: {} },
    actions: {
      put: async (c, k, v) => {
        c.state.items[k] = v;
        await c.saveState({ immediate: true });
      },
      get: (c, k) => c.state.items[k],
    },
  });
  const registry = setup({ use: { kv } });
  const { client } = registry.start({
    driver: createFileSystemDriver({ path: join(dir, 'rivetkit') }),
    disableDefaultServer: true,
    noWelcome: true,
    logging: { level: 'error' },
  });
  const handle = client.kv.getOrCreate(['bench']);
  return {
    put: (i) => handle.put(key(i), value(i)),
    get: (i) => handle.get(key(i)),
    close: () => client.dispose?.(),
  };
}

async function duet() {
  const { Actor, createActorSystem } = await import(new URL('src/actor/index.js', dist).href);
  const { sqliteDriver } = await import(new URL('adapters/node/sqlite-driver.js', dist).href);
  class Kv extends Actor {
    async put(k, v) {
      await this.storage.put(k, v);
    }
    get(k) {
      return this.storage.get(k);
    }
  }
  const driver = await sqliteDriver({ dir: join(dir, 'duet') });
  const system = createActorSystem({ driver, actors: { kv: Kv } });
  const stub = system.namespace('kv').get('bench');
  return {
    put: (i) => stub.put(key(i), value(i)),
    get: (i) => stub.get(key(i)),
    async close() {
      await system.close();
      await driver.close();
    },
  };
}

async function opsPerSecond(fn, ms) {
  for (let i = 0; i < 20; i++) await fn(i);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) for (let j = 0; j < 10; j++) await fn(n++);
  return (n * 1000) / (performance.now() - start);
}

try {
  const sides = { rivetkit: await rivetkit(), duet: await duet() };
  for (let i = 0; i < 200; i++) for (const side of Object.values(sides)) await side.put(i);
  const rows = [];
  for (const op of ['put', 'get']) {
    const best = { rivetkit: 0, duet: 0 };
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 ? ['duet', 'rivetkit'] : ['rivetkit', 'duet'];
      for (const name of order)
        best[name] = Math.max(best[name], await opsPerSecond(sides[name][op], options.ms));
    }
    rows.push({ op, rivetkitOps: best.rivetkit, duetOps: best.duet });
  }
  for (const side of Object.values(sides)) await side.close();
  const { version } = JSON.parse(
    readFileSync(new URL('node_modules/rivetkit/package.json', import.meta.url), 'utf8'),
  );
  console.log(MARK + JSON.stringify({ peer: 'rivetkit', version, node: process.version, rows }));
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
} catch (error) {
  console.log(
    MARK +
      JSON.stringify({
        peer: 'rivetkit',
        error: String(error?.stack ?? error)
          .split('\n')
          .slice(0, 3)
          .join(' '),
      }),
  );
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
