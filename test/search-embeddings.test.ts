/**
 * Semantic search plumbing against a real HTTP embeddings server written here: a deterministic toy model
 * (hashed bag of words, with a few words sharing a meaning) answering the OpenAI-compatible
 * `POST /v1/embeddings`. Checks fusion, the durable vector cache across restarts, and the fallback.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileVectorCache, vectorCachePath } from '../adapters/node/vector-cache.ts';
import { buildApi } from '../src/catalog/index.ts';
import { createDuet } from '../src/duet.ts';
import { memoryVectorCache, openAiEmbeddings } from '../src/search/embeddings.ts';
import { createFusedSearch } from '../src/search/semantic.ts';
import { assertBuilt, runCli } from './support/cli.ts';

const DIMENSIONS = 64;
/** The toy model's whole "understanding": these words mean the same thing. */
const MEANINGS: Record<string, string> = {
  undo: 'refund',
  reverse: 'refund',
  refund: 'refund',
  money: 'refund',
};

function toyEmbedding(text: string): number[] {
  const vector = new Array(DIMENSIONS).fill(0);
  for (const raw of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const word = MEANINGS[raw] ?? raw.replace(/s$/, '');
    let hash = 2166136261;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619);
    vector[(hash >>> 0) % DIMENSIONS] += 1;
  }
  return vector;
}

interface Received {
  model: string;
  input: string[];
  authorization?: string;
}

let server: Server;
let url: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/embeddings') {
        response.writeHead(404).end('{"error":"not found"}');
        return;
      }
      const { model, input } = JSON.parse(body) as { model: string; input: string[] };
      received.push({ model, input, authorization: request.headers.authorization });
      if (model === 'missing') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"model not found"}');
        return;
      }
      const data = input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: toyEmbedding(text),
      }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data, model }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const PAYMENTS = {
  openapi: '3.0.0',
  info: { title: 'Payments', version: '1' },
  paths: {
    '/payments': {
      get: { operationId: 'listPayments', summary: 'List payments' },
      post: { operationId: 'createPayment', summary: 'Create a payment' },
    },
    '/payments/{id}': {
      get: { operationId: 'getPayment', summary: 'Get a payment' },
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    },
    '/payments/{id}/capture': {
      post: { operationId: 'capturePayment', summary: 'Capture a payment' },
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    },
    '/refunds': {
      post: {
        operationId: 'createRefund',
        summary: 'Create a refund',
        description: 'Returns the money of a charge to the customer.',
      },
    },
    '/customers': { get: { operationId: 'listCustomers', summary: 'List customers' } },
  },
};

function paymentsApi() {
  return buildApi(structuredClone(PAYMENTS), { source: 'payments.json', name: 'payments' });
}

const noSandbox = { run: () => Promise.reject(new Error('no code here')), close: async () => {} };

function names(results: { api: string; name: string }[]): string[] {
  return results.map((r) => `${r.api}.${r.name}`);
}

function since(start: number): Received[] {
  return received.slice(start);
}

describe('search fused with an embeddings provider', () => {
  it('without a provider, search is the lexical ranking, synchronous and unchanged', async () => {
    const duet = createDuet({ apis: [paymentsApi()], sandbox: noSandbox });
    expect(duet.index.searchAsync).toBeUndefined();
    const outcome = await duet.search('undo a payment', { limit: 5 });
    expect(outcome.ok && names(outcome.results)).toEqual(
      duet.index.search('undo a payment', { limit: 5 }).map((h) => `payments.${h.operation.name}`),
    );
  });

  it('brings up what only the meaning matches, and keeps what both rankings agree on', async () => {
    const start = received.length;
    const duet = createDuet({
      apis: [paymentsApi()],
      sandbox: noSandbox,
      embeddings: { url, model: 'toy', key: 'sk-test' },
    });
    const all = paymentsApi().operations.length;
    const lexical = duet.index
      .search('undo a payment', { limit: all })
      .map((h) => `payments.${h.operation.name}`);
    // The words alone do not lead to the refund: nothing in it says "undo" or "payment".
    expect(lexical).not.toContain('payments.createRefund');
    const outcome = await duet.search('undo a payment', { limit: all });
    if (!outcome.ok) throw new Error(outcome.error.message);
    // Reciprocal rank fusion: found by meaning alone, it joins the results, below what both rankings found.
    expect(names(outcome.results)).toContain('payments.createRefund');
    expect(names(outcome.results)[0]).toBe(lexical[0]);
    // A query both rankings answer keeps its answer first.
    const listed = await duet.search('list customers', { limit: 3 });
    expect(listed.ok && names(listed.results)[0]).toBe('payments.listCustomers');
    const requests = since(start);
    expect(requests.every((r) => r.model === 'toy' && r.authorization === 'Bearer sk-test')).toBe(true);
    // Every operation once, then one text per query.
    const texts = requests.flatMap((r) => r.input);
    expect(texts.filter((t) => t.includes('(payments.')).length).toBe(paymentsApi().operations.length);
    expect(texts.filter((t) => t === 'undo a payment').length).toBe(1);
  });

  it('keeps an operation named exactly on top, whatever the vectors say', async () => {
    const duet = createDuet({ apis: [paymentsApi()], sandbox: noSandbox, embeddings: { url, model: 'toy' } });
    const outcome = await duet.search('capturePayment', { limit: 3 });
    expect(outcome.ok && names(outcome.results)[0]).toBe('payments.capturePayment');
  });

  it('embeds operations in batches of the configured size', async () => {
    const start = received.length;
    const provider = openAiEmbeddings({ url, model: 'toy', batchSize: 2 });
    const api = paymentsApi();
    const fused = createFusedSearch(api.operations, createDuet({ apis: [api], sandbox: noSandbox }).index, {
      provider,
    });
    await fused.warm();
    const sizes = since(start).map((r) => r.input.length);
    expect(sizes).toEqual([2, 2, 2]);
  });

  it('keeps operation vectors on disk: a restart embeds only the query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duet-vectors-'));
    try {
      const path = vectorCachePath(dir);
      const first = createDuet({
        apis: [paymentsApi()],
        sandbox: noSandbox,
        embeddings: { url, model: 'toy' },
        embeddingCache: fileVectorCache(path),
      });
      let start = received.length;
      await first.search('undo a payment');
      expect(since(start).flatMap((r) => r.input).length).toBe(paymentsApi().operations.length + 1);

      // A new process: a new cache object over the same file, a new catalog object from the same spec.
      const second = createDuet({
        apis: [paymentsApi()],
        sandbox: noSandbox,
        embeddings: { url, model: 'toy' },
        embeddingCache: fileVectorCache(path),
      });
      start = received.length;
      const outcome = await second.search('reverse the charge');
      expect(since(start).map((r) => r.input)).toEqual([['reverse the charge']]);
      expect(outcome.ok && names(outcome.results).slice(0, 3)).toContain('payments.createRefund');

      // Another model never reads these vectors; a changed operation is embedded again, alone.
      const changed = structuredClone(PAYMENTS);
      changed.paths['/customers'].get.summary = 'List all customers of the account';
      const third = createDuet({
        apis: [buildApi(changed, { source: 'payments.json', name: 'payments' })],
        sandbox: noSandbox,
        embeddings: { url, model: 'toy' },
        embeddingCache: fileVectorCache(path),
      });
      start = received.length;
      await third.search('who are our customers');
      const inputs = since(start).flatMap((r) => r.input);
      expect(inputs).toHaveLength(2);
      expect(inputs.filter((text) => text.includes('List all customers of the account'))).toHaveLength(1);

      // A torn final record (a crash mid-write) is dropped, the records before it kept, and what is
      // written after it reads back.
      writeFileSync(path, Buffer.from([1, 2, 3]), { flag: 'a' });
      const restart = (model: string) =>
        createDuet({
          apis: [paymentsApi()],
          sandbox: noSandbox,
          embeddings: { url, model },
          embeddingCache: fileVectorCache(path),
        });
      start = received.length;
      await restart('toy').search('reverse the charge');
      expect(since(start).map((r) => r.input)).toEqual([['reverse the charge']]);
      start = received.length;
      await restart('toy2').search('reverse the charge');
      expect(since(start).flatMap((r) => r.input)).toHaveLength(paymentsApi().operations.length + 1);
      start = received.length;
      await restart('toy2').search('reverse the charge');
      expect(since(start).map((r) => r.input)).toEqual([['reverse the charge']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers with the lexical ranking when the provider fails, and says why in the log', async () => {
    const records: Record<string, unknown>[] = [];
    const duet = createDuet({
      apis: [paymentsApi()],
      sandbox: noSandbox,
      embeddings: { url, model: 'missing' },
      embeddingCache: memoryVectorCache(),
      log: (record) => records.push(record),
    });
    const outcome = await duet.search('list payments', { limit: 3 });
    expect(outcome.ok && names(outcome.results)).toEqual(
      duet.index.search('list payments', { limit: 3 }).map((h) => `payments.${h.operation.name}`),
    );
    const warning = records.find((r) => r.msg === 'embeddings');
    expect(String(warning?.error)).toMatch(/answered 404: .*model not found.*--embeddings-model/);
  });
});

describe('duet search --embeddings-url', () => {
  it('fuses the ranking with the server the flags name, with the key from DUET_EMBEDDINGS_KEY', async () => {
    assertBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'duet-embeddings-cli-'));
    try {
      const spec = join(dir, 'payments.json');
      writeFileSync(spec, JSON.stringify(PAYMENTS));
      const start = received.length;
      const env = { ...process.env, DUET_DATA: join(dir, 'data'), DUET_EMBEDDINGS_KEY: 'sk-cli' };
      const args = ['search', 'undo a payment', '--spec', spec, '--json', '--limit', '6'];
      const flags = ['--embeddings-url', url, '--embeddings-model', 'toy'];
      const lexical = await runCli(args, undefined, { env });
      expect(names(JSON.parse(lexical.stdout).results)).not.toContain('payments.createRefund');
      // No request of this run (its key is sk-cli); a late one from an earlier test may still land.
      expect(since(start).filter((r) => r.authorization === 'Bearer sk-cli')).toEqual([]);
      const { code, stdout, stderr } = await runCli([...args, ...flags], undefined, { env });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(names(JSON.parse(stdout).results)).toContain('payments.createRefund');
      // This run's requests carry its key (an earlier test's in-process duet may still embed in the
      // background: its requests carry another key).
      const ours = (from: number) => since(from).filter((r) => r.authorization === 'Bearer sk-cli');
      expect(ours(start).length).toBeGreaterThan(0);
      // The vectors stayed under the data directory: a second run embeds only the query.
      const again = received.length;
      expect((await runCli([...args, ...flags], undefined, { env })).code).toBe(0);
      expect(ours(again).map((r) => r.input)).toEqual([['undo a payment']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses half the flags, with the fix in the message', async () => {
    assertBuilt();
    const { code, stderr } = await runCli(['search', 'list payments', '--embeddings-url', url]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--embeddings-url and --embeddings-model go together');
  });
});
