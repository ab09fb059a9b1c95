/**
 * What a crash leaves: a run's state writes commit with its audit entry or not at all, and a run cut off
 * by `kill -9` is in the audit trail as interrupted, with the write it had sent marked `unknown`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { assertBuilt, runCli, type ServerProcess, startServer } from './support/cli.ts';

const spec = {
  openapi: '3.0.3',
  info: { title: 'orders', version: '1' },
  paths: {
    '/orders': {
      post: { operationId: 'createOrder', responses: { '201': { description: 'created' } } },
    },
    '/payments': {
      post: { operationId: 'charge', responses: { '200': { description: 'charged' } } },
    },
  },
};

let dir: string;
let upstreamUrl: string;
const held: ServerResponse[] = [];
let charged: () => void;
const chargeArrived = new Promise<void>((resolve) => (charged = resolve));
const upstream = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/payments') {
      // Never answered: the server is killed while this write is in flight.
      held.push(res);
      charged();
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"o1"}');
  });
});
const servers: ServerProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'duet-crash-'));
  await writeFile(join(dir, 'orders.json'), JSON.stringify(spec));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null) await server.stop('SIGKILL');
  for (const res of held) res.destroy();
  await new Promise((resolve) => upstream.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const serve = async () => {
  const server = await startServer([
    '--data',
    join(dir, 'data'),
    '--spec',
    `orders=${join(dir, 'orders.json')}`,
    '--base-url',
    `orders=${upstreamUrl}`,
  ]);
  servers.push(server);
  return server;
};

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('a run killed mid-way (kill -9)', () => {
  it('keeps none of its state writes and is recorded as interrupted with the calls it sent', async () => {
    const first = await serve();
    const code = [
      "await state.put('cart', ['book']);",
      'const order = await orders.createOrder();',
      "await state.put('order', order.id);",
      'await orders.charge();',
      "return 'paid';",
    ].join('\n');
    const pending = post(`${first.url}/v1/execute`, { code, session: 'c1', typecheck: false }).catch(
      () => undefined,
    );
    await chargeArrived;
    await first.stop('SIGKILL');
    await pending;

    // Before the session runs again, `duet audit` (read only) already shows the cut-off run.
    const cli = await runCli(['audit', 'c1', '--data', join(dir, 'data'), '--json']);
    expect(cli.code).toBe(0);
    const printed = JSON.parse(cli.stdout) as {
      entries: { seq: number; errorKind?: string; code: string }[];
    };
    expect(printed.entries).toEqual([expect.objectContaining({ seq: 1, errorKind: 'interrupted', code })]);

    const second = await serve();
    const state = await fetch(`${second.url}/v1/sessions/c1/state`);
    // The session exists (its audit does), but nothing the cut-off run wrote was kept.
    expect(state.status).toBe(200);
    expect(((await state.json()) as { state: unknown }).state).toEqual({});

    const audit = (await (await fetch(`${second.url}/v1/sessions/c1/audit`)).json()) as {
      entries: {
        ok: boolean;
        errorKind?: string;
        code: string;
        calls: { name: string; outcome: string; status: number }[];
      }[];
    };
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ ok: false, errorKind: 'interrupted', code });
    expect(audit.entries[0]!.calls.map(({ name, outcome, status }) => ({ name, outcome, status }))).toEqual([
      { name: 'createOrder', outcome: 'applied', status: 201 },
      { name: 'charge', outcome: 'unknown', status: 0 },
    ]);

    // The session goes on: the next run sees none of the lost writes and is audited after the interruption.
    const next = await post(`${second.url}/v1/execute`, {
      code: "return [await state.get('cart'), await state.get('order')]",
      session: 'c1',
    });
    expect(((await next.json()) as { result: unknown }).result).toEqual([null, null]);
    const after = (await (await fetch(`${second.url}/v1/sessions/c1/audit`)).json()) as {
      entries: { seq: number; ok: boolean }[];
    };
    expect(after.entries.map((entry) => [entry.seq, entry.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    await second.stop();
  });
});

describe('state writes commit with the run', () => {
  const sandbox = createQuickJSSandbox();
  const duet = createDuet({ sandbox });
  afterAll(() => sandbox.close());

  it('keeps the writes of a run that succeeds, none of one that fails, and audits both', async () => {
    const ok = await duet.executor.execute({ code: "await state.put('a', 1); return 'ok'", session: 's' });
    expect(ok.ok).toBe(true);
    const failed = await duet.executor.execute({
      code: "await state.put('b', 2); await state.delete('a'); throw new Error('changed my mind')",
      session: 's',
    });
    expect(failed).toMatchObject({ ok: false, error: { kind: 'runtime' } });
    // Inside a run, its own writes are visible.
    const read = await duet.executor.execute({
      code: "await state.put('c', 3); return [await state.get('a'), await state.get('b'), await state.get('c'), Object.keys(await state.list())]",
      session: 's',
    });
    expect(read.result).toEqual([1, null, 3, ['a', 'c']]);
    expect(await duet.sessions.snapshot('s')).toEqual({ a: 1, c: 3 });
  });
});
