/** A session's executions from its audit trail, newest first, each expandable to its code and calls. */
import { useEffect, useRef, useState } from 'hono/jsx/dom';
import { type AuditEntry, getJson, sessionPath } from './api.ts';
import { clock, ms, plural } from './format.ts';
import { Code } from './highlight.tsx';
import { CallsTable, Outcome } from './run-result.tsx';

/** Entries per page. */
export const AUDIT_PAGE = 20;

/** The operations a run called, the first two by name: what it did, at a glance. */
function operations(entry: AuditEntry): string {
  const names = [...new Set(entry.calls.map((call) => `${call.api}.${call.name}`))];
  if (names.length === 0) return '';
  return `${names.slice(0, 2).join(', ')}${names.length > 2 ? ` +${names.length - 2}` : ''} · `;
}

function Entry({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const id = `run-${entry.seq}`;
  return (
    <li class={`timeline-entry${entry.ok ? '' : ' failed'}`} data-seq={entry.seq}>
      <button
        type="button"
        class="timeline-toggle"
        aria-expanded={open ? 'true' : 'false'}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        <span class="seq">#{entry.seq}</span>
        <span class={`badge badge-mode mode-${entry.mode}`}>{entry.mode}</span>
        <Outcome ok={entry.ok} kind={entry.errorKind} rule={entry.rule} />
        <span class="timeline-meta">
          {operations(entry)}
          {plural(entry.calls.length, 'call')} · {ms(entry.durationMs)}
        </span>
        <time class="timeline-time" datetime={entry.time}>
          {clock(entry.time)}
        </time>
      </button>
      {open ? (
        <div id={id} class="timeline-detail">
          {entry.error ? (
            <p class="error-message">
              <strong>{entry.errorKind}:</strong> {entry.error}
            </p>
          ) : null}
          <dl class="facts">
            <dt>Type-check</dt>
            <dd>{entry.typecheck}</dd>
            {entry.plan ? (
              <>
                <dt>Plan</dt>
                <dd>
                  <code>{entry.plan}</code>
                </dd>
              </>
            ) : null}
          </dl>
          <Code code={entry.code} label={`code of run ${entry.seq}`} />
          <CallsTable calls={entry.calls} caption={`API calls of run ${entry.seq}`} />
        </div>
      ) : null}
    </li>
  );
}

export function Timeline({ session, runs }: { session: string; runs: number }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [start, setStart] = useState(runs);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  // Answers for an earlier session (or run count) arrive late: they are dropped, not appended.
  const generation = useRef(0);

  const loadBefore = async (before: number, mine = generation.current) => {
    const after = Math.max(0, before - AUDIT_PAGE);
    setLoading(true);
    try {
      const page = await getJson<{ entries: AuditEntry[] }>(
        `${sessionPath(session, 'audit')}?after=${after}&limit=${Math.max(1, before - after)}`,
      );
      if (mine !== generation.current) return;
      setEntries((shown) => {
        const bySeq = new Map(shown.map((e) => [e.seq, e]));
        for (const entry of page.entries) if (entry.seq <= before) bySeq.set(entry.seq, entry);
        return [...bySeq.values()].sort((a, b) => b.seq - a.seq);
      });
      setStart(after);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    const mine = ++generation.current;
    setEntries([]);
    setStart(runs);
    if (runs > 0) void loadBefore(runs, mine);
  }, [session, runs]);

  if (runs === 0) return <p class="muted">No runs yet.</p>;
  return (
    <div class="timeline">
      {error ? (
        <p class="error-message" role="alert">
          {error}
        </p>
      ) : null}
      <p class="muted" aria-live="polite">
        Showing runs {start + 1}–{runs} of {runs}, newest first.
      </p>
      <ol class="timeline-list" reversed>
        {entries.map((entry) => (
          <Entry key={entry.seq} entry={entry} />
        ))}
      </ol>
      {start > 0 ? (
        <button type="button" class="button more" disabled={loading} onClick={() => loadBefore(start)}>
          {loading ? 'Loading…' : `Earlier runs (${start} more)`}
        </button>
      ) : null}
    </div>
  );
}
