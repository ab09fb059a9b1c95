/**
 * Leases and fencing on a real PostgreSQL server: several "nodes" (drivers with their own node id) on
 * one schema; a takeover fences the old owner's in-flight write; schedules survive a SIGKILL; versions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresDriver, postgresDriver } from '../../adapters/postgres/driver.ts';
import { Actor } from '../../src/actor/actor.ts';
import { type ActorSystem, createActorSystem } from '../../src/actor/actor-system.ts';
import { actorKey, dataPrefix } from '../../src/actor/keyspace.ts';
import { isOwnershipError } from '../../src/actor/ownership.ts';
import { Pinger } from '../../src/testing/fixtures.ts';
import { tsArgs } from '../runtimes/node/target.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres.ts';

/** Reads `n`, waits until the test opens the gate, then writes `n + 1`: a turn in flight across a takeover. */
class Slow extends Actor {
  static gate: Promise<void> = Promise.resolve();
  static reading: () => void = () => undefined;

  async bump(): Promise<number> {
    const n = ((await this.storage.get<number>('n')) ?? 0) + 1;
    Slow.reading();
    await Slow.gate;
    await this.storage.put('n', n);
    return n;
  }

  async read(): Promise<number | undefined> {
    return this.storage.get<number>('n');
  }
}

const unavailable = postgresUnavailable();
const writerScript = fileURLToPath(new URL('./postgres-writer.ts', import.meta.url));

describe.skipIf(unavailable)('postgres leases', () => {
  let server: PostgresServer;
  let admin: postgres.Sql;
  let schemas = 0;
  const open: { systems: ActorSystem<any>[]; drivers: PostgresDriver[]; children: ChildProcess[] } = {
    systems: [],
    drivers: [],
    children: [],
  };

  beforeAll(async () => {
    server = await startPostgres();
    admin = postgres(server.url, { onnotice: () => undefined, max: 2 });
  });
  afterEach(async () => {
    for (const child of open.children.splice(0)) child.kill('SIGKILL');
    for (const system of open.systems.splice(0)) await system.close().catch(() => undefined);
    for (const driver of open.drivers.splice(0)) await driver.close().catch(() => undefined);
  });
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });

  async function node(schema: string, id: string, leaseMs: number, options: { pollMs?: number } = {}) {
    const driver = await postgresDriver({ url: server.url, schema, node: id, leaseMs, ...options });
    open.drivers.push(driver);
    const system = createActorSystem({
      driver,
      actors: { slow: Slow, pingers: Pinger },
      onError: (error, context) => errors.push(`${id}: ${context}: ${(error as Error).message}`),
    });
    open.systems.push(system);
    return { driver, system };
  }
  const errors: string[] = [];
  const fresh = () => `leases_${++schemas}`;

  it('one node owns an actor; another is refused with the owner named, until the lease is released', async () => {
    const schema = fresh();
    const a = await node(schema, 'node-a', 60_000);
    const b = await node(schema, 'node-b', 60_000);
    expect(await a.system.namespace('slow').get('s').bump()).toBe(1);
    const refused = await b.system
      .namespace('slow')
      .get('s')
      .read()
      .catch((error) => error);
    expect(isOwnershipError(refused)).toBe(true);
    expect(refused.message).toMatch(/owned by node node-a at epoch 1/);
    // Eviction gives the lease back: the other node takes over at once, with the next epoch.
    expect(a.system.evictIdle()).toBe(0);
    await a.system.close();
    expect(await b.system.namespace('slow').get('s').read()).toBe(1);
    const [lease] = await admin.unsafe(`SELECT owner, epoch FROM "${schema}".duet_leases`);
    expect(lease).toEqual({ owner: 'node-b', epoch: '2' });
  });

  it('fences a paused owner: its in-flight write after a takeover is refused and never lands', async () => {
    const schema = fresh();
    // Long leases: no background renewal during the test; the lapse is made by hand below.
    const a = await node(schema, 'node-a', 60_000);
    const b = await node(schema, 'node-b', 60_000);
    expect(await a.system.namespace('slow').get('s').bump()).toBe(1);
    let open!: () => void;
    Slow.gate = new Promise((resolve) => {
      open = resolve;
    });
    const reading = new Promise<void>((resolve) => {
      Slow.reading = resolve;
    });
    // A reads n = 1 and will write 2 once the gate opens: "paused" mid-turn.
    const stale = a.system.namespace('slow').get('s').bump();
    await reading;
    // Its lease runs out (as if A stayed paused past it) and B takes the actor over and writes.
    await admin.unsafe(`UPDATE "${schema}".duet_leases SET expires_at = now() - interval '1 second'`);
    Slow.gate = Promise.resolve();
    expect(await b.system.namespace('slow').get('s').bump()).toBe(2);
    expect(await b.system.namespace('slow').get('s').bump()).toBe(3);
    // A resumes: its write is refused by the store (A still believed it held the lease).
    open();
    const error = await stale.catch((e) => e);
    expect(isOwnershipError(error)).toBe(true);
    expect(error.message).toMatch(
      /ownership lost: node node-a no longer holds actor \/slow\/s\/ \(epoch 1; node node-b holds it at epoch 2\)/,
    );
    // From storage: n is B's, written under B's epoch; nothing of epoch 1 landed after the takeover.
    const key = `${dataPrefix(actorKey({ tenant: '', namespace: 'slow', name: 's' }))}n`;
    const rows = await admin.unsafe(`SELECT epoch FROM "${schema}".duet_kv WHERE key = $1`, [key]);
    expect(rows).toEqual([{ epoch: '2' }]);
    expect(await b.system.namespace('slow').get('s').read()).toBe(3);
    // A dropped its cached activation: its next call asks the store again and is sent to B.
    const next = await a.system
      .namespace('slow')
      .get('s')
      .read()
      .catch((e) => e);
    expect(next.message).toMatch(/owned by node node-b at epoch 2/);
  });

  it('takes over an expired lease with the next epoch and reloads state from storage', async () => {
    const schema = fresh();
    const a = await node(schema, 'node-a', 60_000);
    const b = await node(schema, 'node-b', 60_000);
    await a.system.namespace('slow').get('s').bump();
    await admin.unsafe(`UPDATE "${schema}".duet_leases SET expires_at = now() - interval '1 second'`);
    expect(await b.system.namespace('slow').get('s').bump()).toBe(2);
    // A renews on its next turn, finds the lease gone, and neither runs the turn nor writes.
    const error = await a.system
      .namespace('slow')
      .get('s')
      .bump()
      .catch((e) => e);
    expect(isOwnershipError(error)).toBe(true);
    expect(await b.system.namespace('slow').get('s').read()).toBe(2);
  });

  it('a schedule of a node killed with SIGKILL fires on the node that takes its actor over (at least once)', async () => {
    const schema = fresh();
    const leaseMs = 600;
    const child = spawn(
      process.execPath,
      [...tsArgs(), writerScript, server.url, schema, String(leaseMs), 'schedule'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    open.children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for await (const line of createInterface({ input: child.stdout! })) if (line === 'scheduled') break;
    child.kill('SIGKILL');
    await exited;
    expect(stderr).toBe('');
    // The survivor polls the due index; the schedule comes due while the dead node's lease still runs.
    const b = await node(schema, 'node-b', leaseMs, { pollMs: 100 });
    const deadline = Date.now() + 15_000;
    let log: string[] = [];
    while (Date.now() < deadline) {
      log = await b.system
        .namespace('pingers')
        .get('p')
        .log()
        .catch(() => []);
      if (log.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(log).toEqual(['late']);
    expect(await b.system.namespace('pingers').run('p', (p) => p.schedule.list())).toEqual([]);
  });

  it('schedules fire on the owning node only', async () => {
    const schema = fresh();
    const a = await node(schema, 'node-a', 2000, { pollMs: 50 });
    const b = await node(schema, 'node-b', 2000, { pollMs: 50 });
    await a.system.namespace('pingers').get('p').plan({ x: 300 });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await a.system.namespace('pingers').get('p').log()).length === 0)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await a.system.namespace('pingers').get('p').log()).toEqual(['x']);
    // B saw the due schedule too (it polls every 50 ms) but left it to A: no errors, no second run.
    expect(errors.filter((e) => e.startsWith('node-b'))).toEqual([]);
    await b.system.runDueAlarms();
    expect(await a.system.namespace('pingers').get('p').log()).toEqual(['x']);
  });

  it('refuses a schema newer than this duet, and a database not in UTF8', async () => {
    const schema = fresh();
    (await postgresDriver({ url: server.url, schema })).close();
    await admin.unsafe(`UPDATE "${schema}".duet_schema SET version = 99`);
    await expect(postgresDriver({ url: server.url, schema })).rejects.toThrow(
      /has duet schema version 99, newer than this duet understands \(1\); upgrade duet on this node/,
    );
    await admin.unsafe(
      `CREATE DATABASE latin TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'`,
    );
    await expect(postgresDriver({ url: server.urlFor('latin') })).rejects.toThrow(
      /uses encoding LATIN1; duet needs UTF8/,
    );
    await expect(postgresDriver({ url: server.urlFor('missing') })).rejects.toThrow(
      /cannot connect .*database "missing" does not exist/,
    );
  });
});

if (unavailable) it.skip(`postgres: ${unavailable}`, () => undefined);
