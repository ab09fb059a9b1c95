/** Dry-run plans kept in a session's records, and the state a dry run sees (its writes discarded). */

import type { SessionRecords, StateStore } from './state.ts';
import type { ExecuteResponse, PlannedCall } from './types.ts';

/** A dry run's plan as stored in its session; an approval applies it once. */
export interface StoredPlan {
  id: string;
  /** ISO time the dry run made it. */
  created: string;
  code: string;
  codeSha256: string;
  timeoutMs?: number;
  typecheck?: boolean;
  calls: PlannedCall[];
  /**
   * `applying`: an approval started it (a crash leaves it so, and it is never run again); `rejected`: a
   * person declined it, and an approval of it is refused.
   */
  status: 'pending' | 'applying' | 'applied' | 'rejected';
  /** ISO time it was rejected. */
  rejected?: string;
  /** The approved run's response, answered again to a retried approval. */
  response?: ExecuteResponse;
}

/** Progress of one planned call during an approved run, written before it is sent and after it is answered. */
export interface CallProgress {
  /** `not-sent`: refused before it left (bad arguments, a rate limit). */
  outcome: 'sending' | 'applied' | 'unknown' | 'not-sent';
  status?: number;
}

const planKey = (id: string) => `plan/${id}`;
const progressPrefix = (id: string) => `plan-progress/${id}/`;
const progressKey = (id: string, index: number) => progressPrefix(id) + String(index).padStart(6, '0');

export async function readPlan(records: SessionRecords, id: string): Promise<StoredPlan | undefined> {
  return (await records.get(planKey(id))) as StoredPlan | undefined;
}

/** Every plan of a session, newest first. */
export async function listPlans(records: SessionRecords): Promise<StoredPlan[]> {
  const rows = await records.list({ prefix: planKey('') });
  const plans = rows.map(([, value]) => value as StoredPlan);
  return plans.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
}

export function writePlan(records: SessionRecords, plan: StoredPlan): Promise<void> {
  return records.putMany(planWrites(plan));
}

/** The record that stores `plan`, for a caller that commits it together with more. */
export function planWrites(plan: StoredPlan): Record<string, unknown> {
  return { [planKey(plan.id)]: plan };
}

export function writeProgress(
  records: SessionRecords,
  id: string,
  index: number,
  progress: CallProgress,
): Promise<void> {
  return records.putMany({ [progressKey(id, index)]: progress });
}

export async function readProgress(records: SessionRecords, id: string): Promise<Map<number, CallProgress>> {
  const rows = await records.list({ prefix: progressPrefix(id) });
  return new Map(
    rows.map(([key, value]) => [Number(key.slice(progressPrefix(id).length)), value as CallProgress]),
  );
}

/** The planned calls with what became of each: an interrupted `sending` is `unknown`, never resent. */
export function withOutcomes(calls: PlannedCall[], progress: Map<number, CallProgress>): PlannedCall[] {
  return calls.map((call) => {
    const done = progress.get(call.index);
    if (!done || done.outcome === 'not-sent') return { ...call, outcome: 'not-sent' };
    if (done.outcome === 'applied') return { ...call, outcome: 'applied', status: done.status };
    return { ...call, outcome: 'unknown' };
  });
}

const DELETED = Symbol('deleted');

/** `state` whose writes stay in memory until the run ends: kept or thrown away whole. */
export interface OverlayState extends StateStore {
  /** The writes so far: keys put (with their values) and keys deleted. */
  changes(): { statePuts: [string, unknown][]; stateDeletes: string[] };
}

/**
 * `state` for a run: reads see the session's state and the run's own writes, writes stay in an overlay
 * that the run commits together with its audit entry when it succeeds (a dry run or a failed run throws
 * it away), so a crash mid-run never leaves half a run's writes behind.
 */
export function overlayState(base: StateStore): OverlayState {
  const changes = new Map<string, unknown>();
  return {
    changes() {
      const statePuts: [string, unknown][] = [];
      const stateDeletes: string[] = [];
      for (const [key, value] of changes) {
        if (value === DELETED) stateDeletes.push(key);
        else statePuts.push([key, value]);
      }
      return { statePuts, stateDeletes };
    },
    async get(key) {
      if (changes.has(key)) {
        const value = changes.get(key);
        return value === DELETED ? undefined : structuredClone(value);
      }
      return base.get(key);
    },
    async put(key, value) {
      changes.set(key, structuredClone(value));
    },
    async delete(key) {
      const existed = (await this.get(key)) !== undefined;
      changes.set(key, DELETED);
      return existed;
    },
    async list(options = {}) {
      const prefix = options.prefix ?? '';
      const merged: Record<string, unknown> = Object.create(null);
      Object.assign(merged, await base.list({ prefix }));
      for (const [key, value] of changes) {
        if (!key.startsWith(prefix)) continue;
        if (value === DELETED) delete merged[key];
        else merged[key] = structuredClone(value);
      }
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      const out: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(merged).sort().slice(0, Math.max(0, limit))) out[key] = merged[key];
      return out;
    },
  };
}
