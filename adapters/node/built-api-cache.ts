/**
 * Built APIs kept in the data directory between starts (BuiltApiCache): `catalog-cache/<code>/<key>.bin`,
 * where `<code>` fingerprints the code that builds them (duet's version and the catalog modules' text, so
 * a rebuilt checkout never reads what older code built) and `<key>` the document and build settings. A
 * local file is known by its path, device and inode, size and modification time (in nanoseconds), as
 * ESLint's cache knows files, so a start that finds its specs kept reads none of them (hashing GitHub's
 * 10 MB took 35-60 ms here); a URL's document is fetched and known by its text. Entries are written only
 * into a data directory that exists (a server creates it; `duet search` alone does not).
 * Entries are V8-serialised (the object graph as built, ~1.1x the size of its JSON, read in ~30 ms for
 * GitHub's spec), written whole under a temporary name and renamed. Older code's entries are removed, and
 * the least recently used beyond a size bound. Any failure (a read-only directory, a damaged entry) only
 * means the document is built again.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import {
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { type BuiltApi, type BuiltApiCache, isHttpUrl } from '../../src/catalog/load-spec.ts';
import { VERSION } from './package-info.ts';

/** The entries kept, newest first, until their sizes add up to this (GitHub's spec: ~2.7 MB). */
const KEPT_BYTES = 64 * 1024 * 1024;
/** A temporary file this old belongs to no writer still running. */
const STALE_TEMPORARY_MS = 10 * 60_000;

let fingerprint: string | undefined;

/** duet's version and the text of every module the catalog is built by (src/catalog, or its build). */
export function catalogCodeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const dir = fileURLToPath(new URL('../../src/catalog/', import.meta.url));
  const hash = createHash('sha256').update(VERSION);
  for (const name of readdirSync(dir)
    .filter((file) => /\.(ts|js)$/.test(file))
    .sort())
    hash.update(`\0${name}\0`).update(readFileSync(join(dir, name)));
  fingerprint = hash.digest('hex').slice(0, 16);
  return fingerprint;
}

const isDirectory = (path: string): Promise<boolean> =>
  stat(path).then(
    (found) => found.isDirectory(),
    () => false,
  );

function isBuiltApi(value: unknown): value is BuiltApi {
  const built = value as BuiltApi | undefined;
  return (
    typeof built?.api?.name === 'string' &&
    Array.isArray(built.api.operations) &&
    Array.isArray(built.warnings)
  );
}

export interface BuiltApiCacheOptions {
  /** The entries kept, newest first, until their sizes add up to this (default 64 MiB). */
  keptBytes?: number;
}

export function builtApiCache(dataDir: string, options: BuiltApiCacheOptions = {}): BuiltApiCache {
  const keptBytes = options.keptBytes ?? KEPT_BYTES;
  const root = join(dataDir, 'catalog-cache');
  // Fingerprinted on first use: a command given no spec reads none of the catalog's modules.
  const dir = () => join(root, catalogCodeFingerprint());
  const file = (key: string) => join(dir(), `${key}.bin`);
  return {
    async identify(source) {
      if (isHttpUrl(source)) return undefined;
      const path = await realpath(source);
      const info = await stat(path, { bigint: true });
      return `file ${JSON.stringify(path)} ${info.dev}:${info.ino} ${info.size} bytes, modified ${info.mtimeNs} ns`;
    },
    async get(key) {
      let bytes: Buffer;
      try {
        bytes = await readFile(file(key));
      } catch {
        return undefined;
      }
      let built: unknown;
      try {
        built = deserialize(bytes);
      } catch {
        built = undefined;
      }
      if (!isBuiltApi(built)) {
        await unlink(file(key)).catch(() => undefined);
        return undefined;
      }
      // Its time says it was used: pruning removes the least recently used.
      const now = new Date();
      await utimes(file(key), now, now).catch(() => undefined);
      return built;
    },
    async put(key, built) {
      // Commands that keep nothing (search, execute without a session) never create the data directory.
      if (!(await isDirectory(dataDir))) return;
      await mkdir(dir(), { recursive: true });
      const temporary = `${file(key)}.${process.pid}.${Date.now()}.tmp`;
      try {
        await writeFile(temporary, serialize(built));
        await rename(temporary, file(key));
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
      await prune(root, catalogCodeFingerprint(), keptBytes).catch(() => undefined);
    },
  };
}

/** Removes older code's entries, then this code's least recently used beyond `keptBytes`. */
async function prune(root: string, code: string, keptBytes: number): Promise<void> {
  for (const entry of await readdir(root))
    if (entry !== code) await rm(join(root, entry), { recursive: true, force: true });
  const dir = join(root, code);
  const entries = await Promise.all(
    (await readdir(dir)).map(async (name) => ({
      name,
      path: join(dir, name),
      ...(await stat(join(dir, name))),
    })),
  );
  // What a writer that was killed left behind.
  for (const entry of entries)
    if (entry.name.endsWith('.tmp') && Date.now() - entry.mtimeMs > STALE_TEMPORARY_MS)
      await unlink(entry.path).catch(() => undefined);
  const kept = entries.filter((entry) => entry.name.endsWith('.bin'));
  kept.sort((a, b) => b.mtimeMs - a.mtimeMs);
  let total = 0;
  for (const entry of kept) {
    total += entry.size;
    if (total > keptBytes) await unlink(entry.path).catch(() => undefined);
  }
}
