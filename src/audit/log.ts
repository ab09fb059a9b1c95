/** The audit trail: one entry per execution, appended to its session's records; paged by sequence number. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SessionRecords } from '../execute/state.ts';
import type { ErrorKind } from '../execute/types.ts';

/** What became of a call: sent and answered, refused before it left, planned (dry run), or lost mid-way. */
export type CallOutcome = 'applied' | 'refused' | 'not-sent' | 'unknown';

export interface AuditCall {
  api: string;
  name: string;
  method: string;
  /** The path only: query strings and headers (credentials) are never recorded. */
  path: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  durationMs: number;
  outcome: CallOutcome;
  /** The policy rule that refused it. */
  rule?: string;
}

export interface AuditEntry {
  /** 1, 2, 3, ... per session: the paging cursor. */
  seq: number;
  /** ISO 8601, when the execution started. */
  time: string;
  tenant: string;
  session: string;
  mode: 'run' | 'dry-run' | 'approval';
  /** The plan a dry run made or an approval applied. */
  plan?: string;
  code: string;
  /** SHA-256 of the code as sent, hex. */
  codeSha256: string;
  /** `passed`/`failed` by the type checker, `syntax` when only the syntax was checked, `skipped` on request. */
  typecheck: 'passed' | 'failed' | 'syntax' | 'skipped';
  calls: AuditCall[];
  ok: boolean;
  /** `interrupted`: the server stopped mid-run (see run-journal.ts); otherwise the run's error kind. */
  errorKind?: ErrorKind | 'interrupted';
  error?: string;
  /** The policy rule behind a `policy` error. */
  rule?: string;
  durationMs: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: number;
}

const PREFIX = 'audit/';
const SEQ = 'audit-seq';
const entryKey = (seq: number) => PREFIX + String(seq).padStart(12, '0');
/** Bounds what one entry keeps of long texts. */
const MAX_CODE = 100 * 1024;
const MAX_ERROR = 4 * 1024;

/** Appends in one atomic write (entry and counter); resolves once durable. */
export async function appendAudit(records: SessionRecords, entry: Omit<AuditEntry, 'seq'>): Promise<number> {
  const writes = await auditWrites(records, entry);
  await records.putMany(writes);
  return writes[SEQ] as number;
}

/** The records that append `entry` (the entry and the counter), for a caller that commits them with more. */
export async function auditWrites(
  records: SessionRecords,
  entry: Omit<AuditEntry, 'seq'>,
): Promise<Record<string, unknown>> {
  const seq = (((await records.get(SEQ)) as number | undefined) ?? 0) + 1;
  const stored: AuditEntry = {
    ...entry,
    seq,
    code: entry.code.slice(0, MAX_CODE),
    error: entry.error?.slice(0, MAX_ERROR),
  };
  if (stored.error === undefined) delete stored.error;
  return { [entryKey(seq)]: stored, [SEQ]: seq };
}

export async function readAudit(
  records: SessionRecords,
  { after = 0, limit = 100 }: { after?: number; limit?: number } = {},
): Promise<AuditPage> {
  const rows = await records.list({ prefix: PREFIX, start: entryKey(after + 1), limit: limit + 1 });
  const entries = rows.slice(0, limit).map(([, value]) => value as AuditEntry);
  return rows.length > limit ? { entries, next: entries[entries.length - 1].seq } : { entries };
}

/** How many runs a session's trail holds and its latest entry, without reading the rest. */
export async function auditSummary(records: SessionRecords): Promise<{ runs: number; last?: AuditEntry }> {
  const runs = ((await records.get(SEQ)) as number | undefined) ?? 0;
  const [latest] = await records.list({ prefix: PREFIX, reverse: true, limit: 1 });
  return latest ? { runs, last: latest[1] as AuditEntry } : { runs };
}

/**
 * SHA-256 in this thread: Web Crypto's digest is asynchronous and on Node goes through the thread pool,
 * ~0.1 ms per call on a busy machine against ~10 µs here for a snippet of a few KiB.
 */
export async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(sha256(new TextEncoder().encode(text)));
}

/**
 * Replaces every occurrence of a secret (configured header values, tokens) in every string of `value`,
 * so an upstream that echoes a credential into an error message cannot put it in the trail.
 */
export function redact<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
    return v;
  };
  return walk(value) as T;
}

/** The secrets worth redacting: long enough that replacing them cannot mangle ordinary text. */
export function secretsOf(values: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const value of values) {
    const trimmed = value.trim();
    if (trimmed.length >= 6) out.add(trimmed);
    // `Bearer abc...`: the credential alone too.
    const last = trimmed.split(/\s+/).pop();
    if (last && last.length >= 6) out.add(last);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}
