/**
 * Loading with some files read in small pieces (adapters/node/small-reads.ts): the loaders get the same
 * text, only for the files named and only while loading, and the real `fs` functions come back whatever
 * the load does.
 */
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importWithSmallReads, readTextInPieces } from '../adapters/node/small-reads.ts';

const dir = mkdtempSync(join(tmpdir(), 'duet-small-reads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Multi-byte characters across the 64 KiB piece boundaries: a decoder that is not streaming breaks them.
const text = `${'é€😀 abc\n'.repeat(40_000)}end`;
const big = join(dir, 'big.js');
const other = join(dir, 'other.txt');
writeFileSync(big, `module.exports = ${JSON.stringify(text)};`);
writeFileSync(other, 'other');

describe('small reads', () => {
  it('decodes a file read in pieces exactly as a whole read does', () => {
    expect(readTextInPieces(big)).toBe(fs.readFileSync(big, 'utf8'));
    const compiler = createRequire(import.meta.url).resolve('typescript');
    expect(readTextInPieces(compiler)).toBe(fs.readFileSync(compiler, 'utf8'));
  });

  it('gives the named file as text to the loaders while loading, and nothing else changes', async () => {
    const { readFileSync } = fs;
    const { readFile } = fs.promises;
    const seen = await importWithSmallReads([big], async () => ({
      asText: fs.readFileSync(big, 'utf8'),
      asUrl: fs.readFileSync(pathToFileURL(big), { encoding: 'utf-8' }),
      bytes: fs.readFileSync(big),
      promised: await fs.promises.readFile(pathToFileURL(big).href),
      other: fs.readFileSync(other, 'utf8'),
      required: createRequire(import.meta.url)(big) as string,
      patched: fs.readFileSync !== readFileSync && fs.promises.readFile !== readFile,
    }));
    const whole = readFileSync(big, 'utf8');
    expect(seen.patched).toBe(true);
    expect(seen.asText).toBe(whole);
    expect(seen.asUrl).toBe(whole);
    expect(Buffer.isBuffer(seen.bytes)).toBe(true);
    expect(seen.bytes.toString('utf8')).toBe(whole);
    expect(seen.promised).toBe(whole);
    expect(seen.other).toBe('other');
    expect(seen.required).toBe(text);
    expect(fs.readFileSync).toBe(readFileSync);
    expect(fs.promises.readFile).toBe(readFile);
  });

  it('puts the real functions back when the load fails', async () => {
    const { readFileSync } = fs;
    const { readFile } = fs.promises;
    await expect(
      importWithSmallReads([big], async () => {
        throw new Error('load failed');
      }),
    ).rejects.toThrow('load failed');
    expect(fs.readFileSync).toBe(readFileSync);
    expect(fs.promises.readFile).toBe(readFile);
  });
});
