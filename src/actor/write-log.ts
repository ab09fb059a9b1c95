/** A redo log that makes a write atomic when it does not fit one driver batch (Deno KV: 1,000 keys). */
import { chunkSize, concat, slices, splitBatches, writeInBatches } from './batches.ts';
import { decodeValue, encodeValue } from './codec.ts';
import type { StorageDriver, WriteEntry } from './driver.ts';
import { prefixEnd, utf8Length } from './key-order.ts';
import { logKey, logPrefix, newId } from './keyspace.ts';

/**
 * Stores the whole write as log pieces, then commits one marker entry (the commit point), then
 * applies the write in batches and removes the log. A crash before the marker leaves nothing
 * visible; after it, `recoverLog` finishes the write before the actor next reads.
 */
export async function writeThroughLog(
  driver: StorageDriver,
  actor: string,
  entries: readonly WriteEntry[],
): Promise<void> {
  const txid = newId();
  const pieces = slices(encodeValue(entries), chunkSize(driver.limits, utf8Length(logKey(actor, txid, 0))));
  await writeInBatches(
    driver,
    pieces.map((piece, i) => [logKey(actor, txid, i), piece]),
  );
  await driver.write([[logKey(actor, txid), encodeValue(pieces.length)]]);
  await finish(driver, actor, txid, entries, pieces.length);
}

async function finish(
  driver: StorageDriver,
  actor: string,
  txid: string,
  entries: readonly WriteEntry[],
  count: number,
) {
  await writeInBatches(driver, entries);
  // The marker goes in the first batch: pieces left by a crash after it are swept by recoverLog.
  const cleanup: WriteEntry[] = [[logKey(actor, txid), null]];
  for (let i = 0; i < count; i++) cleanup.push([logKey(actor, txid, i), null]);
  for (const batch of splitBatches(cleanup, driver.limits)) await driver.write(batch);
}

/** Finishes committed log writes of `actor` and drops pieces of uncommitted ones. Idempotent. */
export async function recoverLog(driver: StorageDriver, actor: string): Promise<number> {
  const prefix = logPrefix(actor);
  const rows = await driver.list({ start: prefix, end: prefixEnd(prefix) });
  if (rows.length === 0) return 0;
  const byTx = new Map<string, { marker?: Uint8Array; pieces: Uint8Array[]; keys: string[] }>();
  for (const [key, value] of rows) {
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    const txid = slash < 0 ? rest : rest.slice(0, slash);
    const tx = byTx.get(txid) ?? { pieces: [], keys: [] };
    byTx.set(txid, tx);
    if (slash < 0) tx.marker = value;
    else tx.pieces.push(value);
    tx.keys.push(key);
  }
  let replayed = 0;
  for (const [txid, tx] of byTx) {
    const count = tx.marker ? (decodeValue(tx.marker) as number) : 0;
    if (tx.marker && tx.pieces.length === count) {
      await finish(driver, actor, txid, decodeValue(concat(tx.pieces)) as WriteEntry[], count);
      replayed++;
    } else if (tx.marker) {
      throw new Error(
        `duet actor storage (${driver.name}): redo log ${txid} has ${tx.pieces.length} of ${count} pieces; the store was changed outside duet`,
      );
    } else {
      await writeInBatches(
        driver,
        tx.keys.map((key) => [key, null]),
      );
    }
  }
  return replayed;
}
