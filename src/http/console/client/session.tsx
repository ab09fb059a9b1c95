/** One session: its runs (audit trail), state, dry-run plans and, with an agent, its conversation, as tabs. */
import { useEffect, useRef, useState } from 'hono/jsx/dom';
import { ApiError, getJson, type Info, request, type SessionSummary, sessionPath } from './api.ts';
import { Approvals } from './approvals.tsx';
import { Chat } from './chat.tsx';
import { ago, clock, plural } from './format.ts';
import { JsonView } from './json-view.tsx';
import { Timeline } from './timeline.tsx';

export type SessionTab = 'runs' | 'state' | 'approvals' | 'chat';

function StateView({ session, version }: { session: string; version: number }) {
  const [state, setState] = useState<Record<string, unknown> | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    getJson<{ state: Record<string, unknown> }>(sessionPath(session, 'state')).then(
      (answer) => live && setState(answer.state),
      (e) => live && setError((e as Error).message),
    );
    return () => {
      live = false;
    };
  }, [session, version]);
  if (error) return <p class="error-message">{error}</p>;
  if (!state) return <p class="muted">Loading…</p>;
  const keys = Object.keys(state);
  if (keys.length === 0)
    return <p class="muted">The state is empty: snippets write it with state.put(key, value).</p>;
  return (
    <div>
      <p class="muted">{plural(keys.length, 'key')}</p>
      <JsonView value={state} label="session state" />
    </div>
  );
}

/** The audit trail as JSON Lines, fetched with the token (a plain link could not send it) and saved. */
async function download(session: string): Promise<void> {
  const response = await request(`${sessionPath(session, 'audit')}?format=jsonl`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `${session}.audit.jsonl`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function Session({
  id,
  tab,
  info,
  navigate,
}: {
  id: string;
  tab: SessionTab;
  info?: Info;
  navigate(hash: string, replace?: boolean): void;
}) {
  const [loaded, setSummary] = useState<SessionSummary | undefined>(undefined);
  const [error, setError] = useState<{ status: number; message: string } | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);
  const shownId = useRef(id);

  useEffect(() => {
    // Another session: nothing of the one shown before stays; a late answer for it is dropped.
    if (shownId.current !== id) {
      shownId.current = id;
      setSummary(undefined);
      setError(undefined);
    }
    let live = true;
    getJson<SessionSummary>(sessionPath(id, 'summary')).then(
      (answer) => {
        if (!live) return;
        setSummary(answer);
        setError(undefined);
      },
      (e) =>
        live && setError({ status: e instanceof ApiError ? e.status : 0, message: (e as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [id, version]);

  // A session that has not run yet is empty, not missing: its first run (or chat turn) starts it.
  const summary: SessionSummary | undefined =
    loaded ?? (error?.status === 404 ? { session: id, runs: 0, pendingApprovals: 0, plans: [] } : undefined);

  const tabs: { id: SessionTab; label: string }[] = [
    { id: 'runs', label: `Runs${summary ? ` (${summary.runs})` : ''}` },
    { id: 'state', label: 'State' },
    {
      id: 'approvals',
      label: `Approvals${summary?.pendingApprovals ? ` (${summary.pendingApprovals})` : ''}`,
    },
    ...(info?.agent ? [{ id: 'chat' as const, label: 'Chat' }] : []),
  ];
  const current = tabs.some((t) => t.id === tab) ? tab : 'runs';
  const base = `#/sessions/${encodeURIComponent(id)}`;

  const onTabKey = (event: KeyboardEvent) => {
    const at = tabs.findIndex((t) => t.id === current);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    const target =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? tabs.length - 1
          : step
            ? (at + step + tabs.length) % tabs.length
            : -1;
    if (target < 0) return;
    event.preventDefault();
    navigate(`${base}/${tabs[target].id}`, true);
    requestAnimationFrame(() => document.getElementById(`tab-${tabs[target].id}`)?.focus());
  };

  return (
    <div class="page session">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href="#/sessions">Sessions</a> <span aria-hidden="true">/</span>
      </nav>
      <div class="session-head">
        <h1 tabindex={-1} class="page-title session-title">
          {id}
        </h1>
        <div class="session-actions">
          <button type="button" class="button" onClick={refresh}>
            Refresh
          </button>
          <button
            type="button"
            class="button"
            onClick={() => download(id).catch((e) => setError({ status: 0, message: e.message }))}
          >
            Download audit (JSONL)
          </button>
        </div>
      </div>
      {loaded ? (
        <p class="session-facts muted">
          {plural(loaded.runs, 'run')} · last activity{' '}
          {loaded.lastActivity ? (
            <time datetime={loaded.lastActivity} title={clock(loaded.lastActivity)}>
              {ago(loaded.lastActivity)}
            </time>
          ) : (
            'never'
          )}{' '}
          · {plural(loaded.pendingApprovals, 'pending approval')}
        </p>
      ) : null}
      {error ? (
        <p class={error.status === 404 ? 'notice' : 'error-message'} role="alert">
          {error.status === 404
            ? `No session “${id}” here yet: it starts with its first run.`
            : error.message}
        </p>
      ) : null}
      {summary ? (
        <>
          <div class="tabs" role="tablist" aria-label="Session views">
            {tabs.map((t) => (
              <button
                type="button"
                role="tab"
                id={`tab-${t.id}`}
                class="tab"
                aria-selected={t.id === current ? 'true' : 'false'}
                aria-controls={`panel-${t.id}`}
                tabindex={t.id === current ? 0 : -1}
                onClick={() => navigate(`${base}/${t.id}`, true)}
                onKeyDown={onTabKey}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div class="tab-panel" role="tabpanel" id={`panel-${current}`} aria-labelledby={`tab-${current}`}>
            {current === 'runs' ? <Timeline session={id} runs={summary.runs} /> : null}
            {current === 'state' ? <StateView session={id} version={version} /> : null}
            {current === 'approvals' ? (
              <Approvals session={id} plans={summary.plans} onChanged={refresh} />
            ) : null}
            {current === 'chat' ? <Chat session={id} onTurnEnd={refresh} /> : null}
          </div>
        </>
      ) : null}
    </div>
  );
}
