/**
 * PostgreSQL actor storage: per-operation latency through duet (actor storage over adapters/postgres,
 * leases and fencing on) against the same statements sent raw with postgres.js, and the takeover time
 * after kill -9 of the node holding an actor. Prints markdown tables.
 *
 *   node bench/postgres-storage.ts [--url postgres://...] [--n 2000] [--lease 2000] [--takeovers 3] [--fsync off]
 *
 * Without --url (or DUET_DATABASE_URL) it starts a throwaway server with test/support/postgres.ts
 * (fsync on, as a production server; --fsync off to see the cost without the disk flush).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { postgresDriver } from '../adapters/postgres/driver.ts';
import { Actor, createActorSystem, encodeValue } from '../src/actor/index.ts';
import { ms, type Stats, sample, table } from './stats.ts';

class Bench extends Actor {
  async put(k: string, v: unknown): Promise<void> {
    await this.storage.put(k, v);
  }
}

const KEYS = 1000;
const key = (i: number) => `item:${String(i % KEYS).padStart(6, '0')}`;
const value = (i: number) => ({ n: i, name: `item ${i}`, tags: ['a', 'b'], done: i % 2 === 0 });

const { values: flags } = parseArgs({
  options: {
    url: { type: 'string' },
    n: { type: 'string', default: '2000' },
    lease: { type: 'string', default: '2000' },
    takeovers: { type: 'string', default: '3' },
    fsync: { type: 'string', default: 'on' },
    hold: { type: 'string' },
  },
});

/** Child mode: take actor `victim`'s lease, say so, and wait to be killed. */
if (flags.hold) {
  const driver = await postgresDriver({ url: flags.url!, schema: flags.hold, leaseMs: Number(flags.lease) });
  const system = createActorSystem({ driver, actors: { bench: Bench } });
  await system.namespace('bench').get('victim').put('k', 1);
  process.stdout.write('held\n');
  setInterval(() => undefined, 60_000);
} else {
  await main();
}

async function main() {
  const n = Number(flags.n);
  const leaseMs = Number(flags.lease);
  let stop = async () => {};
  let url = flags.url ?? process.env.DUET_DATABASE_URL;
  if (!url) {
    // A variable specifier: the bench builds without the test helpers.
    const support = '../test/support/postgres.ts';
    const { startPostgres } = (await import(support)) as typeof import('../test/support/postgres.ts');
    const server = await startPostgres({ fsync: flags.fsync !== 'off' });
    url = server.url;
    stop = server.stop;
  }
  const schema = `bench_${process.pid}`;
  const sql = postgres(url, { onnotice: () => undefined });
  try {
    const driver = await postgresDriver({ url, schema, leaseMs });
    const unfenced = await postgresDriver({ url, schema: `${schema}_plain`, leases: false });
    await sql.unsafe(`CREATE TABLE "${schema}".raw (key text COLLATE "C" PRIMARY KEY, value bytea NOT NULL)`);
    const rawPut = `INSERT INTO "${schema}".raw (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
    const rawGet = `SELECT value FROM "${schema}".raw WHERE key = $1`;
    const bytes = (i: number) => encodeValue(value(i));

    const system = createActorSystem({ driver, actors: { bench: Bench } });
    const storage = await system.namespace('bench').run('b', (actor) => actor.storage);
    const stub = system.namespace('bench').get('b');
    const plainSystem = createActorSystem({ driver: unfenced, actors: { bench: Bench } });
    const plain = await plainSystem.namespace('bench').run('b', (actor) => actor.storage);
    for (let i = 0; i < KEYS; i++) {
      await sql.unsafe(rawPut, [key(i), bytes(i)], { prepare: true });
      await storage.put(key(i), value(i));
      await plain.put(key(i), value(i));
    }
    let i = 0;
    const next = () => i++;
    const rows: [string, string, Stats, Stats][] = [];
    const measure = async (op: string, raw: string, rawFn: () => unknown, duetFn: () => unknown) => {
      // Alternate twice and keep the better run of each side: the disk and the server warm up.
      let best: [Stats, Stats] | undefined;
      for (let round = 0; round < 2; round++) {
        const r = await sample(n, rawFn);
        const d = await sample(n, duetFn);
        best = best ? [r.p50 < best[0].p50 ? r : best[0], d.p50 < best[1].p50 ? d : best[1]] : [r, d];
      }
      rows.push([op, raw, ...best!]);
    };
    await measure(
      'get',
      'SELECT by key (prepared)',
      () => sql.unsafe(rawGet, [key(next())], { prepare: true }),
      () => storage.get(key(next())),
    );
    await measure(
      'put',
      'INSERT .. ON CONFLICT (prepared)',
      () => sql.unsafe(rawPut, [key(next()), bytes(i)], { prepare: true }),
      () => storage.put(key(next()), value(i)),
    );
    await measure(
      'put, leases off',
      'INSERT .. ON CONFLICT (prepared)',
      () => sql.unsafe(rawPut, [key(next()), bytes(i)], { prepare: true }),
      () => plain.put(key(next()), value(i)),
    );
    await measure(
      'put through a stub (one turn)',
      'INSERT .. ON CONFLICT (prepared)',
      () => sql.unsafe(rawPut, [key(next()), bytes(i)], { prepare: true }),
      () => stub.put(key(next()), value(i)),
    );
    await measure(
      'driver write (fenced, no codec)',
      'INSERT .. ON CONFLICT (prepared)',
      () => sql.unsafe(rawPut, [key(next()), bytes(i)], { prepare: true }),
      () => storageWrite(next()),
    );
    async function storageWrite(at: number) {
      const lease = await driver.leases!.acquire('/bench/raw/');
      await lease.driver.write([[`d/bench/raw/${key(at)}`, bytes(at)]]);
    }
    await system.close();
    await plainSystem.close();
    console.log(
      table(
        `PostgreSQL actor storage vs raw postgres.js, sequential, n = ${n} per side (best of 2 alternating runs), fsync ${flags.fsync}`,
        ['op', 'raw', 'raw p50', 'duet p50', 'duet / raw (p50)', 'raw mean', 'duet mean'],
        rows.map(([op, raw, r, d]) => [
          op,
          raw,
          ms(r.p50),
          ms(d.p50),
          `${(d.p50 / r.p50).toFixed(2)}x`,
          ms(r.mean),
          ms(d.mean),
        ]),
      ),
    );
    await driver.close();
    await unfenced.close();
    await takeovers(url, leaseMs, Number(flags.takeovers));
  } finally {
    await sql.end();
    await stop();
  }
}

/** kill -9 of a process holding an actor's lease, then the time until a write of that actor succeeds here. */
async function takeovers(url: string, leaseMs: number, count: number) {
  const rows: string[][] = [];
  const script = fileURLToPath(import.meta.url);
  for (let t = 0; t < count; t++) {
    const schema = `takeover_${process.pid}_${t}`;
    const child = spawn(
      process.execPath,
      [...process.execArgv, script, '--url', url, '--hold', schema, '--lease', String(leaseMs)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for await (const line of createInterface({ input: child.stdout! })) if (line === 'held') break;
    // Kill at a random point of the renewal cycle.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * (leaseMs / 3)));
    const driver = await postgresDriver({ url, schema, leaseMs });
    const system = createActorSystem({ driver, actors: { bench: Bench } });
    child.kill('SIGKILL');
    const killed = performance.now();
    await exited;
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        await system.namespace('bench').get('victim').put('k', 2);
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    rows.push([String(t + 1), `${leaseMs} ms`, ms(performance.now() - killed), String(attempts)]);
    await system.close();
    await driver.close();
  }
  console.log(
    table(
      'Takeover after kill -9 of the lease holder (kill to first successful write on another node, retrying every 10 ms)',
      ['run', 'lease', 'takeover', 'attempts'],
      rows,
    ),
  );
}
