/** Atomic writes of records of any size on any driver: chunking and, past one batch, a redo log. */
import { chunkSize, concat, fitsOneBatch, slices, unlimited, writeInBatches } from './batches.ts';
import { CHUNKED } from './codec.ts';
import type { StorageDriver, WriteEntry } from './driver.ts';
import { utf8Length } from './key-order.ts';
import { chunkKey, newId } from './keyspace.ts';
import { writeThroughLog } from './write-log.ts';

interface Manifest {
  version: string;
  count: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function manifestRecord(manifest: Manifest): Uint8Array {
  const json = encoder.encode(JSON.stringify(manifest));
  const out = new Uint8Array(json.length + 1);
  out[0] = CHUNKED;
  out.set(json, 1);
  return out;
}

function readManifest(record: Uint8Array | undefined): Manifest | undefined {
  return record?.[0] === CHUNKED ? (JSON.parse(decoder.decode(record.subarray(1))) as Manifest) : undefined;
}

/**
 * Writes `entries` (data keys of `actor` to records or null) all-or-nothing. Values larger than the
 * driver takes are stored as chunks under a fresh version, written first and invisible until the
 * head entry that points at them commits; old chunks go in the same commit.
 */
export async function commitRecords(
  driver: StorageDriver,
  actor: string,
  entries: readonly WriteEntry[],
): Promise<void> {
  const limits = driver.limits;
  if (unlimited(limits)) return driver.write(entries);
  // Values that are never chunked leave no manifest to clean up: no need to read the old records first.
  const chunks = Number.isFinite(limits.maxValueBytes) || Number.isFinite(limits.maxEntryBytes);
  const previous = chunks ? await driver.get(entries.map(([key]) => key)) : [];
  const staged: WriteEntry[] = [];
  const finals: WriteEntry[] = [];
  entries.forEach(([key, record], i) => {
    const keyBytes = utf8Length(key);
    if (keyBytes > limits.maxKeyBytes) throw keyTooLong(driver, key, keyBytes);
    const old = readManifest(previous[i]);
    if (old) for (let c = 0; c < old.count; c++) finals.push([chunkKey(actor, old.version, c), null]);
    if (
      record === null ||
      (record.length <= limits.maxValueBytes && keyBytes + record.length <= limits.maxEntryBytes)
    ) {
      finals.push([key, record]);
      return;
    }
    const version = newId();
    const pieces = slices(record, chunkSize(limits, utf8Length(chunkKey(actor, version, 0))));
    pieces.forEach((piece, c) => {
      staged.push([chunkKey(actor, version, c), piece]);
    });
    finals.push([key, manifestRecord({ version, count: pieces.length })]);
  });
  const all = staged.length === 0 ? finals : [...staged, ...finals];
  if (fitsOneBatch(all, limits)) return driver.write(all);
  await writeInBatches(driver, staged);
  if (fitsOneBatch(finals, limits)) return driver.write(finals);
  await writeThroughLog(driver, actor, finals);
}

export function hasManifest(records: readonly (Uint8Array | undefined)[]): boolean {
  for (const record of records) if (record?.[0] === CHUNKED) return true;
  return false;
}

/** Replaces chunk manifests among `records` with the values they point at. */
export async function resolveRecords(
  driver: StorageDriver,
  actor: string,
  records: (Uint8Array | undefined)[],
): Promise<(Uint8Array | undefined)[]> {
  for (let i = 0; i < records.length; i++) {
    const manifest = readManifest(records[i]);
    if (!manifest) continue;
    const keys = Array.from({ length: manifest.count }, (_, c) => chunkKey(actor, manifest.version, c));
    const pieces = await driver.get(keys);
    const missing = pieces.indexOf(undefined);
    if (missing >= 0) {
      throw new Error(
        `duet actor storage (${driver.name}): chunk ${keys[missing]} of a large value is missing; the store was changed outside duet`,
      );
    }
    records[i] = concat(pieces as Uint8Array[]);
  }
  return records;
}

function keyTooLong(driver: StorageDriver, key: string, bytes: number): Error {
  return new RangeError(
    `duet actor storage (${driver.name}): key '${key.slice(0, 80)}' is ${bytes} UTF-8 bytes with its actor prefix, over the driver's ${driver.limits.maxKeyBytes}; use shorter keys or actor names`,
  );
}
