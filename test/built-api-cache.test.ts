/**
 * Built APIs kept between starts: loadSpec with a cache (any BuiltApiCache), and the Node cache in the data
 * directory (adapters/node/built-api-cache.ts): what it reads back is what a build gives, a changed
 * document or setting is built again, a damaged entry or an unwritable directory only costs a build, and
 * `duet search` starts from it the second time.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { builtApiCache, catalogCodeFingerprint } from '../adapters/node/built-api-cache.ts';
import { readSource } from '../adapters/node/read-source.ts';
import { type BuiltApi, type BuiltApiCache, loadSpec, SpecError } from '../src/catalog/index.ts';
import { runCli } from './support/cli.ts';
import { githubSpecPath } from './support/github.ts';

const scratch = mkdtempSync(join(tmpdir(), 'duet-built-api-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let made = 0;
/** A data directory, made as a server makes it (the cache writes only into one that exists). */
const freshDir = (make = true) => {
  const dir = join(scratch, `d${++made}`);
  if (make) mkdirSync(dir);
  return dir;
};

/** A small spec with one path skipped (a path item whose $ref resolves to nothing): one warning. */
function specText(title: string): string {
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title, version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    paths: {
      '/pets': { get: { operationId: 'listPets', responses: { '200': { description: 'ok' } } } },
      '/pets/{id}': { $ref: '#/components/pathItems/Missing' },
    },
  });
}

function specFile(title: string): string {
  const path = join(scratch, `spec-${++made}.json`);
  writeFileSync(path, specText(title));
  return path;
}

/** A cache in memory, counting what reaches it. */
function memoryCache(): BuiltApiCache & { entries: Map<string, BuiltApi>; puts: number } {
  const entries = new Map<string, BuiltApi>();
  const cache = {
    entries,
    puts: 0,
    async get(key: string) {
      return entries.get(key);
    },
    async put(key: string, built: BuiltApi) {
      cache.puts++;
      entries.set(key, structuredClone(built));
    },
  };
  return cache;
}

describe('loadSpec with a cache', () => {
  it('reads back what it built, warnings included, and builds again for other text or settings', async () => {
    const cache = memoryCache();
    const warnings: string[] = [];
    const onWarning = (warning: string) => warnings.push(warning);
    const text = specText('Pets');
    const read = async () => text;
    const built = await loadSpec('pets.json', read, { name: 'pets', onWarning }, cache);
    expect(built.operations.map((op) => op.name)).toEqual(['listPets']);
    expect(warnings.length).toBe(1);
    const again = await loadSpec('pets.json', read, { name: 'pets', onWarning }, cache);
    expect(again).toEqual(built);
    expect(warnings).toEqual([warnings[0], warnings[0]]);
    expect(cache.puts).toBe(1);
    // Another name, base URL or text is another API.
    await loadSpec('pets.json', read, { name: 'animals' }, cache);
    await loadSpec('pets.json', read, { name: 'pets', baseUrl: 'http://localhost:1' }, cache);
    await loadSpec('pets.json', async () => specText('Pets 2'), { name: 'pets' }, cache);
    expect(cache.puts).toBe(4);
  });

  it('builds when the cache fails, and reports a broken document as without one', async () => {
    const failing: BuiltApiCache = {
      get: () => Promise.reject(new Error('disk on fire')),
      put: () => Promise.reject(new Error('disk on fire')),
    };
    const api = await loadSpec('pets.json', async () => specText('Pets'), { name: 'pets' }, failing);
    expect(api.title).toBe('Pets');
    await expect(loadSpec('broken.json', async () => '{"openapi":', {}, memoryCache())).rejects.toThrow(
      SpecError,
    );
    await expect(loadSpec('gone.json', readSource, {}, builtApiCache(freshDir()))).rejects.toThrow(
      /gone\.json: cannot read/,
    );
  });
});

describe('the Node cache in the data directory', () => {
  const entryFiles = (dir: string) =>
    readdirSync(join(dir, 'catalog-cache', catalogCodeFingerprint())).filter((name) => name.endsWith('.bin'));

  it("gives back GitHub's API exactly as built", async () => {
    const dir = freshDir();
    const path = githubSpecPath;
    const built = await loadSpec(path, readSource, { name: 'github' }, builtApiCache(dir));
    const kept = await loadSpec(path, readSource, { name: 'github' }, builtApiCache(dir));
    expect(kept).not.toBe(built);
    expect(kept).toEqual(await loadSpec(path, readSource, { name: 'github' }));
    expect(entryFiles(dir).length).toBe(1);
  }, 60_000);

  it('reads the kept entry for an unchanged file, and builds again once the file changes', async () => {
    const dir = freshDir();
    const path = specFile('Pets');
    await loadSpec(path, readSource, { name: 'pets' }, builtApiCache(dir));
    // The entry is what is read: altered, the next load gives the alteration.
    const [entry] = entryFiles(dir);
    const file = join(dir, 'catalog-cache', catalogCodeFingerprint(), entry);
    const altered = await loadSpec(path, readSource, { name: 'pets' });
    altered.title = 'Read from the cache';
    writeFileSync(file, serialize({ api: altered, warnings: [] } satisfies BuiltApi));
    expect((await loadSpec(path, readSource, { name: 'pets' }, builtApiCache(dir))).title).toBe(
      'Read from the cache',
    );
    // Same size, new content and modification time: built again.
    writeFileSync(path, specText('Pats'));
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    expect((await loadSpec(path, readSource, { name: 'pets' }, builtApiCache(dir))).title).toBe('Pats');
  });

  it('builds again over a damaged entry, and replaces it', async () => {
    const dir = freshDir();
    const path = specFile('Pets');
    await loadSpec(path, readSource, { name: 'pets' }, builtApiCache(dir));
    const file = join(dir, 'catalog-cache', catalogCodeFingerprint(), entryFiles(dir)[0]);
    for (const damage of [Buffer.from('not a v8 serialisation'), serialize({ api: 'nope' })]) {
      writeFileSync(file, damage);
      expect((await loadSpec(path, readSource, { name: 'pets' }, builtApiCache(dir))).title).toBe('Pets');
      expect(readFileSync(file).equals(damage)).toBe(false);
    }
  });

  it('works without a writable directory', async () => {
    const blocked = join(scratch, `file-${++made}`);
    writeFileSync(blocked, 'a file where the data directory would be');
    const path = specFile('Pets');
    for (let i = 0; i < 2; i++)
      expect((await loadSpec(path, readSource, { name: 'pets' }, builtApiCache(blocked))).title).toBe('Pets');
  });

  it("removes older code's entries and keeps the most recently used within its size bound", async () => {
    const dir = freshDir();
    await loadSpec(specFile('Pets'), readSource, { name: 'pets' }, builtApiCache(dir));
    const size = readFileSync(
      join(dir, 'catalog-cache', catalogCodeFingerprint(), entryFiles(dir)[0]),
    ).length;
    const older = join(dir, 'catalog-cache', 'older-code');
    mkdirSync(older);
    writeFileSync(join(older, 'entry.bin'), 'what older code built');
    // Room for two entries: the third load drops the least recently used (the first).
    const cache = () => builtApiCache(dir, { keptBytes: 2 * size + size / 2 });
    const pause = () => new Promise((r) => setTimeout(r, 20));
    await pause();
    await loadSpec(specFile('Two'), readSource, { name: 'pets' }, cache());
    await pause();
    await loadSpec(specFile('Three'), readSource, { name: 'pets' }, cache());
    expect(readdirSync(join(dir, 'catalog-cache'))).toEqual([catalogCodeFingerprint()]);
    const titles = [];
    for (const name of entryFiles(dir)) {
      const built = deserialize(
        readFileSync(join(dir, 'catalog-cache', catalogCodeFingerprint(), name)),
      ) as BuiltApi;
      titles.push(built.api.title);
    }
    expect(titles.sort()).toEqual(['Three', 'Two']);
  });
});

describe('duet search', () => {
  it('keeps the built spec in an existing data directory and answers the same from it', async () => {
    const env = { ...process.env, DUET_DATA: freshDir(false) };
    const path = specFile('Pets');
    const search = () =>
      runCli(['search', 'list pets', '--spec', `pets=${path}`, '--json'], undefined, { env });
    // Without a data directory it creates none.
    expect((await search()).code).toBe(0);
    expect(existsSync(env.DUET_DATA)).toBe(false);
    mkdirSync(env.DUET_DATA);
    const first = await search();
    expect(first.code).toBe(0);
    // The CLI runs the build (dist/), whose code has its own fingerprint: one directory, one entry.
    const [code, ...others] = readdirSync(join(env.DUET_DATA, 'catalog-cache'));
    expect(others).toEqual([]);
    expect(readdirSync(join(env.DUET_DATA, 'catalog-cache', code))).toHaveLength(1);
    const second = await search();
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toContain('listPets');
  });
});
