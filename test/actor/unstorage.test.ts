/**
 * adapters/unstorage: the conformance suite in-process over unstorage's memory and fs drivers (the
 * fs SIGKILL case runs a writer child on this Node), plus the key encoding and torn-write repair.
 */
import { mkdir, mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createStorage } from 'unstorage';
import { afterEach, describe, expect, it } from 'vitest';
import { rangePrefix, unstorageDriver } from '../../adapters/unstorage/driver.ts';
import { decodeKey, encodeBase, encodeKey } from '../../adapters/unstorage/keys.ts';
import { compareKeys, prefixEnd } from '../../src/actor/key-order.ts';
import { conformanceCases, defineConformanceTests, planCase } from '../../src/testing/index.ts';
import { openFsStorage, unstorageFsTarget, unstorageMemoryTarget } from '../runtimes/unstorage/target.ts';

const memory = unstorageMemoryTarget();
describe(memory.name, () => {
  // The memory driver cannot give durability, a core guarantee: the suite fails that case and it
  // stays visible here as an expected failure (it.fails turns red if the case ever passes).
  const expectedFailures = new Set(
    conformanceCases.filter((c) => 'fail' in planCase(memory, c)).map((c) => c.name),
  );
  it('fails exactly the durability case (a core guarantee the memory driver cannot give)', () => {
    expect([...expectedFailures]).toEqual([
      'durability: every acknowledged write survives SIGKILL mid-stream',
    ]);
  });
  defineConformanceTests({
    target: memory,
    test: (name, fn) =>
      expectedFailures.has(name)
        ? it.fails(
            `${name} [expected failure: nothing outlives the process in unstorage's memory driver]`,
            fn,
          )
        : it(name, fn),
    skip: (name, fn) => it.skip(name, fn),
  });
});

const fs = unstorageFsTarget();
describe(fs.name, () => {
  defineConformanceTests({
    target: fs,
    test: (name, fn) => it(name, fn),
    skip: (name, fn) => it.skip(name, fn),
  });
});

describe('unstorage keys', () => {
  const samples = [
    '',
    '\0',
    'a',
    'a/',
    '/',
    '//',
    'a//b',
    'a:b::c:',
    ':',
    '?x#y',
    'A/B\\C',
    'q0000001700000000/acme/sessions/s1/sched',
    'dacme/sessions/s1/user/key/with/slashes',
    'd/sessions/s%2F1/',
    '.',
    '..',
    'a/../b',
    'é😀🫠\uFFFF\uE000',
    '😀/😀',
    `d${'x'.repeat(700)}/${'Ü'.repeat(300)}`,
    'CON',
    'nul',
    'a$',
  ];

  it('round-trips every key through unstorage unchanged, memory and fs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'duet-unstorage-keys-'));
    try {
      for (const storage of [createStorage(), openFsStorage(dir)]) {
        for (const key of samples) {
          const stored = encodeKey(key);
          expect(decodeKey(stored)).toBe(key);
          await storage.setItemRaw(stored, new Uint8Array([1]));
        }
        const listed = (await storage.getKeys()).map(
          (stored) => decodeKey(stored) ?? `undecodable ${stored}`,
        );
        expect(listed.sort(compareKeys)).toEqual([...samples].sort(compareKeys));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps segments short, lowercase and free of characters drivers rewrite', () => {
    for (const key of samples) {
      for (const segment of encodeKey(key).split(':')) {
        expect(segment).toMatch(/^[klmn][a-z0-9_-]{0,200}$/);
      }
    }
    expect(decodeKey('KABC:l')).toBeUndefined();
    expect(decodeKey('k61')).toBeUndefined();
    expect(decodeKey('w:k61:l')).toBeUndefined();
    expect(decodeKey('k61:l_4')).toBeUndefined();
  });

  it('narrows a range to the directory of its actor', () => {
    const actor = 'dacme/sessions/s1/';
    expect(rangePrefix({ start: actor, end: prefixEnd(actor) })).toBe(actor);
    expect(rangePrefix({ start: `${actor}a`, end: `${actor}b` })).toBe(`${actor}a`);
    expect(rangePrefix({ start: `${actor}a`, end: `${actor}c` })).toBe(actor);
    expect(rangePrefix({ start: 'q', end: 'r' })).toBe('q');
    expect(rangePrefix({ start: 'a' })).toBe('');
    expect(encodeBase(actor)).toBe(encodeKey(`${actor}x`).split(':').slice(0, -1).join(':'));
    expect(encodeKey('q0000000000000005/acme/s/x').startsWith(`${encodeBase('q')}:`)).toBe(true);
    expect(rangePrefix({ start: 'x\ud83d\ude00', end: 'x\ud83d\ude01' })).toBe('x\ud83d\ude00');
    expect(rangePrefix({ start: 'x\ud83d\ude00', end: 'x\ud83d\ude02' })).toBe('x');
  });
});

describe('unstorage fs: torn writes', () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('repairs a value torn mid-overwrite from its sidecar and reads a torn new key as absent', async () => {
    dir = await mkdtemp(join(tmpdir(), 'duet-unstorage-torn-'));
    const first = unstorageDriver(openFsStorage(dir));
    expect(first.name).toBe('unstorage (fs)');
    await first.write([['kept', new Uint8Array([1, 2, 3])]]);
    await first.write([['fresh', new Uint8Array([4])]]);
    await first.close();
    // A crash in the middle of overwriting `kept` with [9, 9]: sidecar whole, file truncated.
    const keptPath = join(dir, ...encodeKey('kept').split(':'));
    const sidecar = join(dir, 'w', ...encodeKey('kept').split(':'));
    await mkdir(dirname(sidecar), { recursive: true });
    await writeFile(sidecar, Uint8Array.from([0xd5, 1, 2, 0, 0, 0, 9, 9]));
    await truncate(keptPath, 3);
    // A crash while creating `fresh`: the file exists but is empty.
    await truncate(join(dir, ...encodeKey('fresh').split(':')), 0);
    const second = unstorageDriver(openFsStorage(dir));
    expect(await second.get(['kept', 'fresh'])).toEqual([new Uint8Array([9, 9]), undefined]);
    expect(await second.list({})).toEqual([['kept', new Uint8Array([9, 9])]]);
    // The sidecar is gone: only (empty) directories are left under w/.
    const left = await readdir(join(dir, 'w'), { recursive: true, withFileTypes: true });
    expect(left.filter((entry) => entry.isFile())).toEqual([]);
    await second.close();
  });

  it('refuses values it did not write', async () => {
    dir = await mkdtemp(join(tmpdir(), 'duet-unstorage-foreign-'));
    const storage = openFsStorage(dir);
    await storage.setItem(encodeKey('x'), 'hello');
    const driver = unstorageDriver(storage);
    await expect(driver.get(['x'])).rejects.toThrow(/not written by duet/);
    await driver.close();
  });
});
