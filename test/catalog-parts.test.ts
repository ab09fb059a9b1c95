/**
 * The catalog crossing to the Node type-checker thread in parts: put back together it is the catalog that
 * was sent (every operation and schema, in order), and no part is large enough to move glibc's trim
 * threshold the way the single 8 MiB message did.
 */
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { catalogAssembler, catalogParts, PART_ITEMS } from '../adapters/node/catalog-parts.ts';
import type { ApiData } from '../adapters/node/typecheck-protocol.ts';
import { githubApi } from './support/github.ts';

const dataOf = async (): Promise<ApiData[]> => {
  const { invoke: _invoke, ...github } = await githubApi();
  const empty: ApiData = { ...github, name: 'empty', operations: [], schemas: {} };
  const small: ApiData = {
    ...github,
    name: 'small',
    operations: github.operations.slice(0, 3),
    schemas: Object.fromEntries(Object.entries(github.schemas).slice(0, 2)),
  };
  return [github, empty, small];
};

function assemble(parts: ReturnType<typeof catalogParts>): ApiData[] {
  const assembler = catalogAssembler();
  for (const part of parts) {
    // Through the structured clone, as postMessage sends them.
    const sent = structuredClone(part);
    if (sent.type === 'apis-part') assembler.add(sent);
    else return assembler.end(sent.count);
  }
  throw new Error('no apis-end part');
}

describe('catalog parts', () => {
  it('put back together, are the APIs that were sent, in order', async () => {
    const apis = await dataOf();
    const parts = catalogParts(apis);
    expect(parts.length).toBeGreaterThan(Math.ceil(apis[0].operations.length / PART_ITEMS));
    const back = assemble(parts);
    expect(back.map((api) => api.name)).toEqual(['github', 'empty', 'small']);
    expect(back).toEqual(apis);
    expect(Object.keys(back[0].schemas)).toEqual(Object.keys(apis[0].schemas));
  });

  it('keep every message of a real spec far below the single message it replaces', async () => {
    const [github] = await dataOf();
    const whole = serialize(github).length;
    const largest = Math.max(...catalogParts([github]).map((part) => serialize(part).length));
    expect(whole).toBeGreaterThan(2 * 2 ** 20);
    expect(largest).toBeLessThan(512 * 1024);
  });

  it('refuse to end with an API missing', async () => {
    const parts = catalogParts(await dataOf());
    const assembler = catalogAssembler();
    for (const part of parts) if (part.type === 'apis-part' && part.index !== 1) assembler.add(part);
    expect(() => assembler.end(3)).toThrow(/API 1 of 3 did not arrive/);
  });
});
