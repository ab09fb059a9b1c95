/** Search results name types (`Promise<demo.Task>`); the types' fields must reach the agent in every channel. */
import { afterAll, describe, expect, it } from 'vitest';
import { readSource } from '../adapters/node/read-source.ts';
import { Catalog, loadSpec, operationSignature, referencedTypes } from '../src/catalog/index.ts';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { createSearchIndex } from '../src/search/index.ts';

const sandbox = createQuickJSSandbox();
const { app } = createDuet({ sandbox });
afterAll(() => sandbox.close());

const search = async (body: unknown) => {
  const res = await app.request('/v1/search', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { results: { name: string; declaration: string }[]; types: string };
};

describe('types referenced by search results', () => {
  it('declares the demo types a result names, with their fields', async () => {
    const { results, types } = await search({ query: 'add a new task', limit: 2 });
    expect(results[0]!.declaration).toMatch(
      /createTask\(args: \{ body: demo\.NewTask \}\): Promise<demo\.Task>/,
    );
    expect(types).toMatch(/^declare namespace demo \{/);
    expect(types).toMatch(/type NewTask = \{ title: string;/);
    expect(types).toMatch(/type Task = \{ id: string; title: string;/);
    // Each type once, however many results use it.
    expect(types.match(/type Task = /g)).toHaveLength(1);
  });

  it('code search: catalog.declaration gives every type an operation reaches, with JSDoc', async () => {
    const { results } = await search({
      code: `const d = await catalog.declaration({ api: 'demo', name: 'createTask' });
        if (!/type Task = \\{[\\s\\S]*title: string/.test(d.types)) throw new Error('no Task fields: ' + d.types);
        return [d];`,
    });
    expect(results[0]!.name).toBe('createTask');
  });

  it('stays within its budget on GitHub and names what it leaves out', async () => {
    const github = await loadSpec('node_modules/@octokit/openapi/generated/api.github.com.json', readSource, {
      name: 'github',
    });
    const catalog = new Catalog();
    catalog.add(github);
    const hits = createSearchIndex(catalog.operations).search('get a repository', { limit: 10 });
    const types = referencedTypes(
      catalog,
      hits.map((hit) => hit.operation),
      { maxChars: 3_000 },
    );
    expect(types.length).toBeLessThan(3_500);
    expect(types).toMatch(/Not shown here[^\n]*: [A-Z]/);
    // Whatever a signature names is either declared or listed as not shown.
    const shown = new Set([...types.matchAll(/type (\w+) = /g)].map((m) => m[1]));
    const listed = new Set(
      (types.match(/Not shown here.*?\): ([^\n]*)/)?.[1] ?? '').split(', ').filter(Boolean),
    );
    for (const hit of hits) {
      for (const [, name] of operationSignature(github, hit.operation).matchAll(/github\.(\w+)/g)) {
        expect(shown.has(name) || listed.has(name), name).toBe(true);
      }
    }
  });
});

describe('the library entry', () => {
  it('reads naturally: duet.search(...) and duet.execute(...), and logs each search', async () => {
    const records: Record<string, unknown>[] = [];
    const duet = createDuet({ sandbox, log: (record) => records.push(record) });
    const found = await duet.search('add a new task', { limit: 2 });
    expect(found.ok && found.results[0]!.name).toBe('createTask');
    expect(found.ok && found.types).toContain('type NewTask = {');
    expect(await duet.execute('return 6 * 7')).toMatchObject({ ok: true, result: 42 });
    expect(records.find((r) => r.msg === 'search')).toMatchObject({
      level: 'info',
      mode: 'query',
      query: 'add a new task',
      results: 2,
      top: 'demo.createTask',
    });
    const byCode = await duet.search({ code: 'return 1' });
    expect(byCode.ok).toBe(false);
    expect(records.at(-1)).toMatchObject({ msg: 'search', mode: 'code', ok: false, level: 'warn' });
  });
});
