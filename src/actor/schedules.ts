/** Persisted schedules of one actor: a record per schedule plus an entry in the shared due index. */
import type { ScheduleInfo, Schedules } from './actor.ts';
import type { Clock } from './clock.ts';
import { decodeValue, encodeValue } from './codec.ts';
import type { StorageDriver } from './driver.ts';
import { prefixEnd } from './key-order.ts';
import { type ActorAddress, dueKey, newId, scheduleKey, schedulePrefix } from './keyspace.ts';
import { isOwnershipError } from './ownership.ts';

export interface RetryPolicy {
  /** Delay before the first retry; doubles each attempt (default 1 s). */
  baseMs: number;
  /** Longest delay between retries (default 5 min). */
  maxMs: number;
  /** Runs before a schedule is dropped and reported through `onError` (default 10). */
  maxAttempts: number;
}

export const defaultRetry: RetryPolicy = { baseMs: 1000, maxMs: 300_000, maxAttempts: 10 };

export const backoff = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));

/** The value of a due-index entry: enough to find the actor after a restart. */
export interface DueEntry extends ActorAddress {
  id: string;
}

export interface ScheduleDeps {
  driver: StorageDriver;
  clock: Clock;
  address: ActorAddress;
  actor: string;
  /** Throws when the actor cannot run `method`, so mistakes surface when scheduling. */
  checkMethod(method: string): void;
  /** Tells the alarm loop a schedule is due at `at`. */
  scheduled(at: number): void;
}

export function actorSchedules(deps: ScheduleDeps): Schedules {
  const { driver, actor, address } = deps;
  return {
    async at(when, method, args) {
      deps.checkMethod(method);
      const at = when instanceof Date ? when.getTime() : when;
      if (!Number.isFinite(at))
        throw new TypeError(`duet schedule: '${method}' needs a finite time, got ${String(when)}`);
      const info: ScheduleInfo = { id: newId(), at, method, args, attempt: 0 };
      const record = encodeValue(info);
      if (record.length > driver.limits.maxValueBytes || record.length + 200 > driver.limits.maxBatchBytes) {
        throw new RangeError(
          `duet schedule: arguments of '${method}' take ${record.length} bytes, over what ${driver.name} stores in one entry; pass a storage key instead`,
        );
      }
      await driver.write([
        [scheduleKey(actor, info.id), record],
        [dueKey(at, actor, info.id), encodeValue({ ...address, id: info.id } satisfies DueEntry)],
      ]);
      deps.scheduled(at);
      return info.id;
    },
    async cancel(id) {
      const [record] = await driver.get([scheduleKey(actor, id)]);
      if (!record) return false;
      const info = decodeValue(record) as ScheduleInfo;
      await driver.write([
        [scheduleKey(actor, id), null],
        [dueKey(info.at, actor, id), null],
      ]);
      return true;
    },
    async list() {
      const prefix = schedulePrefix(actor);
      const rows = await driver.list({ start: prefix, end: prefixEnd(prefix) });
      return rows.map(([, record]) => decodeValue(record) as ScheduleInfo).sort((a, b) => a.at - b.at);
    },
  };
}

export interface FireDeps {
  driver: StorageDriver;
  clock: Clock;
  retry: RetryPolicy;
  onError(error: unknown, context: string): void;
  scheduled(at: number): void;
}

/**
 * Runs one due schedule through `invoke`. Success deletes it (the acknowledgement); a crash before
 * that runs it again after a restart, so handlers must tolerate running twice. A failure moves it
 * to `now + backoff` until `maxAttempts`.
 */
export async function fireSchedule(
  deps: FireDeps,
  due: DueEntry,
  actor: string,
  dueIndexKey: string,
  invoke: (method: string, args: unknown[]) => Promise<unknown>,
): Promise<void> {
  const { driver, clock } = deps;
  const key = scheduleKey(actor, due.id);
  const [record] = await driver.get([key]);
  const info = record && (decodeValue(record) as ScheduleInfo);
  // Cancelled, already acknowledged, or moved: the index entry is stale.
  if (!info || dueKey(info.at, actor, info.id) !== dueIndexKey) return driver.write([[dueIndexKey, null]]);
  try {
    await invoke(info.method, info.args);
  } catch (error) {
    // The lease moved to another process mid-run: not the handler's failure; the new owner runs it.
    if (isOwnershipError(error)) throw error;
    const attempt = info.attempt + 1;
    const where = `schedule ${info.id} ('${info.method}' on ${due.namespace}/${due.name}), attempt ${attempt}`;
    if (attempt >= deps.retry.maxAttempts) {
      deps.onError(error, `${where}: dropped after ${attempt} attempts`);
      return driver.write([
        [key, null],
        [dueIndexKey, null],
      ]);
    }
    deps.onError(error, `${where}: will retry`);
    const next: ScheduleInfo = { ...info, at: clock.now() + backoff(deps.retry, attempt), attempt };
    await driver.write([
      [dueIndexKey, null],
      [key, encodeValue(next)],
      [dueKey(next.at, actor, info.id), encodeValue(due)],
    ]);
    deps.scheduled(next.at);
    return;
  }
  await driver.write([
    [key, null],
    [dueIndexKey, null],
  ]);
}
