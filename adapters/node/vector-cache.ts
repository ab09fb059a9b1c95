/**
 * Operation vectors in a file under the data directory, so a restart does not embed the catalog again.
 * Append-only records (key, dimensions, float32 values): a write cut off by a crash leaves a short tail
 * that the next load cuts off, and a key written twice keeps its last value.
 */
import { appendFile, mkdir, readFile, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { VectorCache } from '../../src/search/embeddings.ts';

/** SHA-256 hex keys, stored as their 32 bytes. */
const KEY_BYTES = 32;
const HEADER_BYTES = KEY_BYTES + 4;

export function vectorCachePath(dataDir: string): string {
  return join(dataDir, 'embeddings', 'vectors.bin');
}

/** The records of the file, and how many bytes they take (less than the file after a torn write). */
function parse(buffer: Buffer): { map: Map<string, Float32Array>; valid: number } {
  const map = new Map<string, Float32Array>();
  let at = 0;
  while (at + HEADER_BYTES <= buffer.length) {
    const key = buffer.toString('hex', at, at + KEY_BYTES);
    const dimensions = buffer.readUInt32LE(at + KEY_BYTES);
    const end = at + HEADER_BYTES + dimensions * 4;
    if (end > buffer.length) break;
    const vector = new Float32Array(dimensions);
    for (let i = 0; i < dimensions; i++) vector[i] = buffer.readFloatLE(at + HEADER_BYTES + i * 4);
    map.set(key, vector);
    at = end;
  }
  return { map, valid: at };
}

function encode(entries: [string, Float32Array][]): Buffer {
  const size = entries.reduce((total, [, v]) => total + HEADER_BYTES + v.length * 4, 0);
  const buffer = Buffer.alloc(size);
  let at = 0;
  for (const [key, vector] of entries) {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`vector cache: key ${key} is not a SHA-256 hex digest`);
    buffer.write(key, at, KEY_BYTES, 'hex');
    buffer.writeUInt32LE(vector.length, at + KEY_BYTES);
    for (let i = 0; i < vector.length; i++) buffer.writeFloatLE(vector[i], at + HEADER_BYTES + i * 4);
    at += HEADER_BYTES + vector.length * 4;
  }
  return buffer;
}

/** The file is read once, on first use; writes append. */
export function fileVectorCache(path: string): VectorCache {
  let loaded: Promise<Map<string, Float32Array>> | undefined;
  let writes = Promise.resolve();
  const load = () => {
    loaded ??= readFile(path).then(
      async (buffer) => {
        const { map, valid } = parse(buffer);
        // Records appended after a torn one could never be read back: cut the tail off first.
        if (valid < buffer.length) await truncate(path, valid);
        return map;
      },
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return new Map<string, Float32Array>();
        throw error;
      },
    );
    return loaded;
  };
  return {
    async get(keys) {
      const map = await load();
      return keys.map((key) => map.get(key));
    },
    async set(entries) {
      const map = await load();
      for (const [key, vector] of entries) map.set(key, vector);
      // One append at a time, so records never interleave.
      writes = writes
        .catch(() => {})
        .then(async () => {
          await mkdir(dirname(path), { recursive: true });
          await appendFile(path, encode(entries));
        });
      await writes;
    },
  };
}
