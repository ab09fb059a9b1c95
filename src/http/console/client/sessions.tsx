/** The tenant's sessions, most recently active first, filtered by id and paged. */
import { useEffect, useRef, useState } from 'hono/jsx/dom';
import { ApiError, getJson, type SessionRow } from './api.ts';
import { ago, clock } from './format.ts';

interface Page {
  sessions: SessionRow[];
  next?: string;
}

const PAGE = 25;

function query(q: string, cursor?: string): string {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (q) params.set('q', q);
  if (cursor) params.set('cursor', cursor);
  return `v1/sessions?${params}`;
}

export function Sessions({ navigate }: { navigate(hash: string): void }) {
  const [filter, setFilter] = useState('');
  const [rows, setRows] = useState<SessionRow[] | undefined>(undefined);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [error, setError] = useState<{ status: number; message: string } | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState('');
  const seq = useRef(0);

  const load = async (q: string, cursor?: string) => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await getJson<Page>(query(q, cursor));
      if (mine !== seq.current) return;
      setRows((previous) => (cursor ? [...(previous ?? []), ...page.sessions] : page.sessions));
      setNext(page.next);
      setError(undefined);
    } catch (e) {
      if (mine !== seq.current) return;
      setError({ status: e instanceof ApiError ? e.status : 0, message: (e as Error).message });
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  };

  useEffect(() => {
    const timer = setTimeout(() => load(filter.trim()), filter ? 250 : 0);
    return () => clearTimeout(timer);
  }, [filter]);

  const openById = (event: Event) => {
    event.preventDefault();
    if (open.trim()) navigate(`#/sessions/${encodeURIComponent(open.trim())}`);
  };

  return (
    <div class="page sessions">
      <div class="page-head">
        <div>
          <h1 tabindex={-1} class="page-title">
            Sessions
          </h1>
          <p class="muted page-lead">
            Each session keeps its state and an audit trail of every run. Most recent first.
          </p>
        </div>
        <a class="button button-primary" href="#/playground">
          New run
        </a>
      </div>
      <div class="toolbar">
        <div class="field grow">
          <label class="field-label" for="session-filter">
            Filter by id
          </label>
          <input
            id="session-filter"
            type="search"
            placeholder="part of a session id"
            value={filter}
            onInput={(e: Event) => setFilter((e.target as HTMLInputElement).value)}
          />
        </div>
        <form class="field open-form" onSubmit={openById}>
          <label class="field-label" for="session-open">
            Open by id
          </label>
          <div class="input-row">
            <input
              id="session-open"
              type="text"
              placeholder="session id"
              value={open}
              onInput={(e: Event) => setOpen((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="button">
              Open
            </button>
          </div>
        </form>
      </div>
      {error?.status === 501 ? (
        <p class="notice">
          This server cannot list its sessions (they are Durable Objects); open one by its id.
        </p>
      ) : error ? (
        <p class="error-message" role="alert">
          {error.message}
        </p>
      ) : null}
      {rows && rows.length === 0 ? (
        <div class="empty">
          <p>{filter ? `No session id contains “${filter}”.` : 'No sessions yet.'}</p>
          <p class="muted">
            A session starts with its first run that names it: in the <a href="#/playground">Playground</a>,
            fill in a session id.
          </p>
        </div>
      ) : null}
      {rows && rows.length > 0 ? (
        <div class="table-scroll">
          <table class="sessions-table">
            <caption class="visually-hidden">Sessions, most recently active first</caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Last activity</th>
                <th scope="col" class="num">
                  Runs
                </th>
                <th scope="col" class="num">
                  Pending approvals
                </th>
              </tr>
            </thead>
            <tbody aria-busy={loading ? 'true' : 'false'}>
              {rows.map((row) => (
                <tr data-session={row.session}>
                  <th scope="row">
                    <a href={`#/sessions/${encodeURIComponent(row.session)}`} class="session-link">
                      {row.session}
                    </a>
                  </th>
                  <td data-label="Last activity">
                    {row.lastActivity ? (
                      <time datetime={row.lastActivity} title={clock(row.lastActivity)}>
                        {ago(row.lastActivity)}
                      </time>
                    ) : (
                      <span class="muted">no runs</span>
                    )}
                  </td>
                  <td class="num" data-label="Runs">
                    {row.runs}
                  </td>
                  <td class="num" data-label="Pending approvals">
                    {row.pendingApprovals ? (
                      <a
                        class="badge badge-warn"
                        href={`#/sessions/${encodeURIComponent(row.session)}/approvals`}
                        aria-label={`${row.pendingApprovals} pending approvals in ${row.session}`}
                      >
                        {row.pendingApprovals}
                      </a>
                    ) : (
                      <span class="muted">0</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next ? (
        <button
          type="button"
          class="button more"
          disabled={loading}
          onClick={() => load(filter.trim(), next)}
        >
          {loading ? 'Loading…' : 'More sessions'}
        </button>
      ) : null}
      {!rows && loading ? <p class="muted">Loading…</p> : null}
    </div>
  );
}
