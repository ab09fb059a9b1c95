/** A session's dry-run plans: the writes each would make, approve or reject, and what became of each write. */
import { useState } from 'hono/jsx/dom';
import { ApiError, type ExecuteResponse, type Plan, postJson, sessionPath } from './api.ts';
import { clock, plural } from './format.ts';
import { Code } from './highlight.tsx';
import { JsonView } from './json-view.tsx';
import { Outcome, PlannedCalls } from './run-result.tsx';

function PlanCard({ session, plan, onChanged }: { session: string; plan: Plan; onChanged(): void }) {
  const [busy, setBusy] = useState<'approve' | 'reject' | undefined>(undefined);
  const [error, setError] = useState('');
  const [answer, setAnswer] = useState<ExecuteResponse | undefined>(undefined);
  const short = plan.id.slice(0, 8);

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(decision);
    setError('');
    try {
      if (decision === 'approve') {
        setAnswer(await postJson<ExecuteResponse>(sessionPath(session, 'approvals'), { plan: plan.id }));
      } else {
        await postJson(sessionPath(session, 'rejections'), { plan: plan.id });
      }
      onChanged();
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  const outcome = answer ?? plan.response;
  return (
    <article class={`plan plan-${plan.status}`} data-plan={plan.id} aria-labelledby={`plan-${plan.id}`}>
      <header class="plan-head">
        <h3 id={`plan-${plan.id}`}>
          Plan <code>{short}</code>
        </h3>
        <span class={`chip plan-status status-${plan.status}`}>{plan.status}</span>
        <span class="muted">
          {plural(plan.calls.length, 'write')} · planned{' '}
          <time datetime={plan.created}>{clock(plan.created)}</time>
        </span>
      </header>
      <PlannedCalls calls={plan.calls} />
      <details class="plan-code">
        <summary>Snippet</summary>
        <Code code={plan.code} label={`snippet of plan ${short}`} />
      </details>
      {error ? (
        <p class="error-message" role="alert">
          {error}
        </p>
      ) : null}
      {outcome ? (
        <div class="plan-outcome" aria-live="polite">
          <span class="field-label">Outcome</span>{' '}
          <Outcome ok={outcome.ok} kind={outcome.error?.kind} rule={outcome.error?.rule} />
          {outcome.error ? <span class="error-message"> {outcome.error.message}</span> : null}
          {outcome.ok && outcome.result !== undefined ? (
            <JsonView value={outcome.result} label="result" />
          ) : null}
        </div>
      ) : null}
      {plan.status === 'pending' ? (
        <div class="actions">
          <button
            type="button"
            class="button button-primary"
            disabled={busy !== undefined}
            onClick={() => decide('approve')}
          >
            {busy === 'approve' ? 'Applying…' : `Approve and apply ${plural(plan.calls.length, 'write')}`}
          </button>
          <button
            type="button"
            class="button button-danger"
            disabled={busy !== undefined}
            onClick={() => decide('reject')}
          >
            {busy === 'reject' ? 'Rejecting…' : 'Reject'}
          </button>
        </div>
      ) : null}
    </article>
  );
}

export function Approvals({
  session,
  plans,
  onChanged,
}: {
  session: string;
  plans: Plan[];
  onChanged(): void;
}) {
  if (plans.length === 0) {
    return (
      <p class="muted">
        No dry runs in this session. A dry run (Playground, “Dry run”) plans writes for approval here.
      </p>
    );
  }
  const pending = plans.filter((plan) => plan.status === 'pending');
  const decided = plans.filter((plan) => plan.status !== 'pending');
  return (
    <div class="approvals">
      <h3 class="section-title">Pending ({pending.length})</h3>
      {pending.length ? (
        pending.map((plan) => <PlanCard key={plan.id} session={session} plan={plan} onChanged={onChanged} />)
      ) : (
        <p class="muted">Nothing waits for approval.</p>
      )}
      {decided.length ? (
        <>
          <h3 class="section-title">Decided</h3>
          {decided.map((plan) => (
            <PlanCard key={plan.id} session={session} plan={plan} onChanged={onChanged} />
          ))}
        </>
      ) : null}
    </div>
  );
}
