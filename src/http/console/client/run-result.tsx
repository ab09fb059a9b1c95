/** What a run did: outcome, result, logs and calls; shared by the playground, the timeline, approvals and chat. */
import type { CallRecord, ExecuteResponse, PlannedCall } from './api.ts';
import { ms } from './format.ts';
import { JsonView } from './json-view.tsx';

export function Outcome({ ok, kind, rule }: { ok: boolean; kind?: string; rule?: string }) {
  return ok ? (
    <span class="badge badge-ok">ok</span>
  ) : (
    <span class="badge badge-error">
      {kind ?? 'error'}
      {rule ? <span class="badge-rule"> · {rule}</span> : null}
    </span>
  );
}

function statusClass(status: number): string {
  if (status === 0) return 'status-none';
  return status < 300 ? 'status-ok' : status < 500 ? 'status-warn' : 'status-error';
}

export function CallsTable({ calls, caption }: { calls: CallRecord[]; caption: string }) {
  if (calls.length === 0) return <p class="muted">No API calls.</p>;
  return (
    <div class="table-scroll">
      <table class="calls">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Operation</th>
            <th scope="col">Request</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {calls.map((call) => (
            <tr>
              <td>
                <code>
                  {call.api}.{call.name}
                </code>
              </td>
              <td>
                <span class={`method method-${call.method.toLowerCase()}`}>{call.method}</span>{' '}
                <code>{call.path}</code>
              </td>
              <td>
                <span class={`status ${statusClass(call.status)}`}>{call.status || '—'}</span>
                {call.outcome && call.outcome !== 'applied' ? (
                  <span class="chip"> {call.outcome}</span>
                ) : null}
                {call.rule ? <span class="chip chip-error">{call.rule}</span> : null}
              </td>
              <td class="num">{ms(call.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A plan's writes with their arguments and, once an approval ran, what became of each. */
export function PlannedCalls({ calls }: { calls: PlannedCall[] }) {
  if (calls.length === 0) return <p class="muted">The plan holds no writes.</p>;
  return (
    <ol class="planned">
      {calls.map((call) => (
        <li class="planned-call" data-outcome={call.outcome ?? 'planned'}>
          <div class="planned-head">
            <span class={`method method-${call.method.toLowerCase()}`}>{call.method}</span>
            <code class="planned-op">
              {call.api}.{call.name}
            </code>
            <code class="muted">{call.path}</code>
            {call.outcome ? (
              <span class={`chip outcome outcome-${call.outcome}`}>
                {call.outcome}
                {call.status ? ` · ${call.status}` : ''}
              </span>
            ) : null}
          </div>
          <JsonView value={call.args} label={`arguments of ${call.api}.${call.name}`} />
        </li>
      ))}
    </ol>
  );
}

export function RunResult({
  response,
  onOpenSession,
}: {
  response: ExecuteResponse;
  onOpenSession?: () => void;
}) {
  const { error } = response;
  return (
    <div class="run-result" aria-live="polite">
      <div class="run-head">
        <Outcome ok={response.ok} kind={error?.kind} rule={error?.rule} />
        <span class="muted">{ms(response.durationMs)}</span>
        {response.replayed ? <span class="chip">replayed</span> : null}
      </div>
      {error ? (
        <div class="error-box" role="alert">
          <p class="error-message">{error.message}</p>
          {error.diagnostics && error.diagnostics.length > 1 ? (
            <ul>
              {error.diagnostics.map((d) => (
                <li>
                  {d.line ? `Line ${d.line}: ` : ''}
                  {d.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {response.ok ? (
        <section class="result" aria-label="Result">
          <h4>Result</h4>
          {'result' in response && response.result !== undefined ? (
            <JsonView value={response.result} label="result" />
          ) : (
            <p class="muted">undefined (nothing returned)</p>
          )}
        </section>
      ) : null}
      {response.plan ? (
        <section aria-label="Plan">
          <h4>
            Plan <code>{response.plan.id.slice(0, 8)}</code> · {response.plan.status}
          </h4>
          <PlannedCalls calls={response.plan.calls} />
          {response.plan.status === 'pending' && onOpenSession ? (
            <button type="button" class="button" onClick={onOpenSession}>
              Review and approve in the session
            </button>
          ) : null}
        </section>
      ) : null}
      {response.logs.length ? (
        <section aria-label="Logs">
          <h4>Logs</h4>
          <pre class="logs">{response.logs.join('\n')}</pre>
        </section>
      ) : null}
      <section aria-label="Calls">
        <h4>Calls</h4>
        <CallsTable calls={response.calls} caption="API calls of the run" />
      </section>
    </div>
  );
}
