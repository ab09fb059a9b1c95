/** The actor conformance suite inside workerd: `GET /run` runs the cases against Durable Object storage and answers JSON. */
import type { DurableObjectNamespace } from '../../../adapters/cloudflare/workers-types.ts';
import {
  type ConformanceTarget,
  runAckWriter,
  runConformance,
  type WriterProcess,
} from '../../../src/testing/index.ts';
import { placeDriver } from './place-driver.ts';

export { Place } from './place-object.ts';

interface Env {
  PLACES: DurableObjectNamespace;
  /** The Node process that started this workerd: spawns and kills the durability case's writer. */
  NODE?: { fetch(input: string): Promise<Response> };
}

const TARGET_NAME = 'durable-object (sqlite) on workerd';

function workerdTarget(env: Env): ConformanceTarget {
  let places = 0;
  return {
    name: TARGET_NAME,
    support: {
      'ordered-kv': { level: 'native', reason: 'SQLite TEXT keys, BINARY collation' },
      'atomic-batch': { level: 'native', reason: 'one transactionSync per batch' },
      'large-values': {
        level: 'emulated',
        reason: 'rows cap at 2 MB; larger values are chunked by the core',
      },
      restart: { level: 'native', reason: 'the object is reset (ctx.abort) and reopened from storage' },
      durability: { level: 'native', reason: 'output gates hold replies until SQLite has the write' },
      'host-wake': { level: 'native', reason: 'Durable Object alarm' },
    },
    createPlace: async () => `place-${++places}-${crypto.randomUUID()}`,
    open: async (place) => placeDriver(env.PLACES, place),
    spawnWriter: env.NODE ? (place) => spawnWriter(env.NODE!, place) : undefined,
  };
}

function spawnWriter(node: NonNullable<Env['NODE']>, place: string): WriterProcess {
  const query = `place=${encodeURIComponent(place)}`;
  let stderr = '';
  async function* lines(): AsyncGenerator<string> {
    const response = await node.fetch(`http://node/spawn?${query}`);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffered += value;
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        yield* parts;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
  return {
    lines: lines(),
    async kill() {
      stderr = await (await node.fetch(`http://node/kill?${query}`)).text();
    },
    stderr: () => stderr,
  };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/run') {
      const only = url.searchParams.get('only');
      const target = workerdTarget(env);
      const results = await runConformance(target, {
        only: only ? (name) => name.includes(only) : undefined,
      });
      return Response.json({ target: target.name, results });
    }
    if (url.pathname === '/ack-writer') {
      // Streams `ready` and `ack <n>` lines until the process running this workerd is killed.
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      const writer = writable.getWriter();
      const encoder = new TextEncoder();
      const driver = placeDriver(env.PLACES, url.searchParams.get('place')!);
      runAckWriter(driver, (line) => void writer.write(encoder.encode(`${line}\n`))).catch((error) =>
        writer.abort(error),
      );
      return new Response(readable, { headers: { 'content-type': 'application/octet-stream' } });
    }
    return new Response('not found', { status: 404 });
  },
};
