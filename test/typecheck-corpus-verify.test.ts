/**
 * The type-check corpus (test/fixtures/typecheck-corpus) is only useful if its "correct" snippets really
 * are correct: each must run to `ok: true` with type-checking off. Demo snippets run against the bundled
 * demo API; GitHub snippets against a local stand-in that answers every operation of GitHub's spec with a
 * sample body generated from that operation's response schema.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLowerCamel } from '../src/catalog/index.ts';
import { createDuet, type Duet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { githubApi, githubSpecPath } from './support/github.ts';

interface Entry {
  id: string;
  api: 'demo' | 'github';
  code: string;
  habit?: string;
  mistake?: string;
  /**
   * Wrong snippets only: what happens when one runs unchecked here. `fails`: the run ends in an error;
   * `runs-wrong`: it runs, but the result is wrong or meaningless (an undefined field, a promise read as a
   * value) or the real service would refuse the request (the stand-in does not validate bodies or enums);
   * `runs-harmless`: a type error the request serialisation happens to absorb (`per_page: '50'`).
   */
  runtime?: 'fails' | 'runs-wrong' | 'runs-harmless';
}

const corpusDir = new URL('./fixtures/typecheck-corpus/', import.meta.url);
const readCorpus = (name: string): Entry[] => JSON.parse(readFileSync(new URL(name, corpusDir), 'utf8'));
const correct = readCorpus('correct.json');
const wrong = readCorpus('wrong.json');

// ---------------------------------------------------------------------------------------------------------
// Schema → sample body
// ---------------------------------------------------------------------------------------------------------

type Schema = Record<string, any>;

const spec: Schema = JSON.parse(readFileSync(githubSpecPath, 'utf8'));

function resolve<T extends Schema>(node: T | undefined): T | undefined {
  let current: Schema | undefined = node;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 20; hops++) {
    const pointer = current.$ref.replace(/^#\//, '').split('/');
    current = pointer.reduce<any>((at, part) => at?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return current as T | undefined;
}

const maxDepth = 7;
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A sample string for a property, plausible for its name and format; `seed` tells array items apart. */
function sampleString(schema: Schema, name: string, seed: number): string {
  const n = seed + 1;
  const key = name.toLowerCase();
  if (Array.isArray(schema.enum) && schema.enum.length) return String(schema.enum[0]);
  if (schema.format === 'date-time' || /_at$|_on$/.test(key))
    return new Date(Date.UTC(2024, 0, n, 12)).toISOString();
  if (schema.format === 'date') return `2024-01-${String(n).padStart(2, '0')}`;
  if (schema.format === 'email' || key === 'email') return `user${n}@example.com`;
  if (schema.format === 'uri' || key === 'url' || key.endsWith('_url') || key === 'href')
    return `https://example.com/${key || 'resource'}/${n}`;
  if (key === 'sha' || key.endsWith('_sha') || key === 'commit_id') return `${n}`.repeat(40).slice(0, 40);
  if (key === 'login') return ['octocat', 'hubot', 'monalisa'][seed % 3]!;
  if (key === 'content') return base64(`# Sample file ${n}\n\nHello from the stand-in upstream.\n`);
  if (key === 'encoding') return 'base64';
  if (key === 'ref') return 'refs/heads/main';
  if (key === 'state') return 'open';
  if (key === 'body' || key === 'description' || key === 'message') return `Sample ${key} ${n}.`;
  if (key === 'color') return 'ededed';
  return `${key || 'value'}-${n}`;
}

function sample(node: Schema | undefined, name = '', seed = 0, depth = 0): unknown {
  const schema = resolve(node);
  if (!schema || typeof schema !== 'object') return null;
  if (Array.isArray(schema.allOf) && schema.allOf.length) {
    const parts = schema.allOf.map((part: Schema) => sample(part, name, seed, depth));
    if (parts.every((part: unknown) => part && typeof part === 'object' && !Array.isArray(part)))
      return Object.assign({}, ...parts);
    return parts[0];
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(schema[key]) && schema[key].length) return sample(schema[key][0], name, seed, depth);
  }
  if (schema.example !== undefined && (typeof schema.example !== 'object' || schema.example === null)) {
    // Scalar examples from the spec are the most plausible values there are.
    if (schema.type === 'string' && typeof schema.example === 'string' && !schema.enum) {
      if (!/_at$|_on$|^sha$|^login$|^content$|^id$/.test(name) && seed === 0) return schema.example;
    }
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t: string) => t !== 'null') ?? 'null';
  if (!type) type = schema.properties ? 'object' : schema.items ? 'array' : 'string';
  switch (type) {
    case 'object': {
      if (depth >= maxDepth) return {};
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries<Schema>(schema.properties ?? {}))
        out[key] = sample(value, key, seed, depth + 1);
      if (
        !schema.properties &&
        schema.additionalProperties &&
        typeof schema.additionalProperties === 'object'
      ) {
        out[`${name || 'key'}-1`] = sample(schema.additionalProperties, '', 0, depth + 1);
        out[`${name || 'key'}-2`] = sample(schema.additionalProperties, '', 1, depth + 1);
      }
      return out;
    }
    case 'array':
      if (depth >= maxDepth) return [];
      return [0, 1].map((i) => sample(schema.items, name, i, depth + 1));
    case 'integer':
      return /count|size|total|additions|deletions|changes|contributions/.test(name)
        ? (seed + 1) * 5
        : seed + 1;
    case 'number':
      return (seed + 1) * 1.5;
    case 'boolean':
      return seed % 2 === 1;
    case 'null':
      return null;
    default:
      return sampleString(schema, name, seed);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Routing requests to operations
// ---------------------------------------------------------------------------------------------------------

interface Route {
  method: string;
  pattern: RegExp;
  literals: number;
  /** Characters outside parameters: breaks ties such as `/compare/{base}...{head}` vs `/compare/{basehead}`. */
  literalChars: number;
  operationId: string;
  operation: Schema;
}

const routes: Route[] = [];
for (const [path, item] of Object.entries<Schema>(spec.paths)) {
  for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head']) {
    const operation = item[method];
    if (!operation) continue;
    // Parameters GitHub lets span segments (`{path}`, `{ref}`) are sent with their slashes.
    const multiSegment = new Set(
      [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .map((parameter: Schema) => resolve(parameter))
        .filter((parameter) => parameter?.['x-multi-segment'])
        .map((parameter) => parameter!.name),
    );
    const segments = path.split('/');
    const source = segments
      .map((segment) =>
        segment
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\{([^}]+)\}/g, (_, name: string) => (multiSegment.has(name) ? '(.+?)' : '([^/]+)')),
      )
      .join('/');
    routes.push({
      method: method.toUpperCase(),
      pattern: new RegExp(`^${source}$`),
      literals: segments.filter((segment) => segment && !segment.includes('{')).length,
      literalChars: path.replace(/\{[^}]+\}/g, '').length,
      operationId: operation.operationId,
      operation,
    });
  }
}
routes.sort((a, b) => b.literals - a.literals || b.literalChars - a.literalChars);

/** The first 2xx response's JSON schema, or undefined for an empty response. */
function successResponse(operation: Schema): { status: number; schema?: Schema } {
  const statuses = Object.keys(operation.responses ?? {})
    .filter((status) => /^2\d\d$/.test(status))
    .sort();
  const status = Number(statuses[0] ?? 200);
  const response = resolve(operation.responses?.[String(status)]);
  const content = response?.content ?? {};
  const media =
    content['application/json'] ??
    Object.entries<Schema>(content).find(([type]) => type.includes('json'))?.[1];
  return { status, schema: media?.schema };
}

/** Choices the generic generator cannot guess: a request for a file's contents should get a file. */
function pickVariant(operationId: string, path: string, schema: Schema | undefined): Schema | undefined {
  if (operationId === 'repos/get-content' && schema?.oneOf && /\.[a-z0-9]+$/i.test(path))
    return schema.oneOf[1];
  return schema;
}

interface Stub {
  url: string;
  received: { method: string; url: string; operationId?: string; body: string }[];
  close(): Promise<void>;
}

async function startGithubStub(): Promise<Stub> {
  const received: Stub['received'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://stub');
      const send = (status: number, value?: unknown) => {
        res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
        res.end(value === undefined ? undefined : JSON.stringify(value));
      };
      const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
      received.push({ method: req.method!, url: req.url!, operationId: route?.operationId, body });
      // A conventional name for things that do not exist, so snippets can exercise their error paths.
      if (/(^|\/)(does-not-exist|missing-repo|nonexistent)(\/|$)/.test(decodeURIComponent(url.pathname)))
        return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      if (!route) return send(404, { message: `stub: no operation for ${req.method} ${url.pathname}` });
      const { status, schema } = successResponse(route.operation);
      if (status === 204 || !schema) return send(status);
      send(status, sample(pickVariant(route.operationId, url.pathname, schema)));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------

let stub: Stub;
let duet: Duet;
const sandbox = createQuickJSSandbox();

beforeAll(async () => {
  stub = await startGithubStub();
  duet = createDuet({
    apis: [await githubApi()],
    demo: true,
    sandbox,
    upstreams: { github: { baseUrl: stub.url } },
  });
});
afterAll(async () => {
  await stub?.close();
  await sandbox.close();
});

describe('type-check corpus: shape', () => {
  it('has enough entries, unique ids, and a label on each', () => {
    expect(correct.length).toBeGreaterThanOrEqual(110);
    expect(wrong.length).toBeGreaterThanOrEqual(55);
    const ids = [...correct, ...wrong].map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of correct) {
      expect(['demo', 'github']).toContain(entry.api);
      expect(entry.habit, entry.id).toBeTruthy();
    }
    for (const entry of wrong) {
      expect(['demo', 'github']).toContain(entry.api);
      expect(entry.mistake, entry.id).toBeTruthy();
      expect(['fails', 'runs-wrong', 'runs-harmless'], entry.id).toContain(entry.runtime);
    }
    expect(correct.filter((entry) => entry.api === 'demo').length).toBeGreaterThanOrEqual(35);
  });
});

describe('type-check corpus: every correct snippet runs (typecheck off)', () => {
  it.each(correct.map((entry) => [entry.id, entry] as const))('%s', async (_id, entry) => {
    const before = stub.received.length;
    // No session: each snippet gets a fresh, empty `state`.
    const response = await duet.executor.execute({ code: entry.code, typecheck: false });
    expect(
      response.error,
      `${entry.id}: ${JSON.stringify(response.error)}\nlogs: ${response.logs.join('\n')}`,
    ).toBeUndefined();
    expect(response.ok).toBe(true);
    expect(response.calls.length, 'a snippet calls its API at least once').toBeGreaterThan(0);
    for (const call of response.calls) expect(call.api).toBe(entry.api);
    // The stand-in answered each GitHub call as the operation that was called (its body fits that schema).
    const answeredAs = stub.received
      .slice(before)
      .map((r) => (r.operationId ? toLowerCamel(r.operationId) : '?'));
    const called = response.calls.filter((call) => call.api === 'github').map((call) => call.name);
    expect(answeredAs.sort()).toEqual(called.sort());
    if (process.env.CORPUS_DEBUG) console.log(entry.id, JSON.stringify(response.result));
  });
});

describe('type-check corpus: wrong snippets are valid syntax and do what their label says unchecked', () => {
  // With `typecheck: false` only the syntax check runs, so a `typecheck` error here would be a syntax error:
  // a wrong snippet must be refused for its mistake, never for a typo in the corpus.
  it.each(wrong.map((entry) => [entry.id, entry] as const))('%s', async (_id, entry) => {
    const response = await duet.executor.execute({ code: entry.code, typecheck: false });
    expect(response.error?.kind, JSON.stringify(response.error)).not.toBe('typecheck');
    expect(response.ok, JSON.stringify(response.error ?? response.result)).toBe(entry.runtime !== 'fails');
    if (process.env.CORPUS_DEBUG)
      console.log(entry.id, response.ok, JSON.stringify(response.error ?? response.result));
  });
});
