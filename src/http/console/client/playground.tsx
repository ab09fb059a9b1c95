/** The playground: search the catalog (results, declarations, types), write a snippet checked as you type, run it. */
import { useEffect, useRef, useState } from 'hono/jsx/dom';
import {
  ApiError,
  type Diagnostic,
  type ExecuteResponse,
  execute,
  type Info,
  postJson,
  type SearchResult,
} from './api.ts';
import { Editor } from './editor.tsx';
import { Code } from './highlight.tsx';
import { RunResult } from './run-result.tsx';

const SNIPPET_KEY = 'duet.console.snippet';

function starter(info: Info | undefined): string {
  if (info?.apis.some((api) => api.name === 'demo')) {
    return "const task = await demo.createTask({ body: { title: 'Try duet' } });\nconst open = await demo.listTasks({ done: 'false' });\nreturn { created: task.id, open: open.length };\n";
  }
  const api = info?.apis[0]?.name;
  return api ? `// Search above, then call ${api}.<operation>({ ... })\nreturn 1 + 1;\n` : 'return 1 + 1;\n';
}

/** A call to paste into the editor: the declaration's method with its required argument shape left to fill. */
function callOf(result: SearchResult): string {
  return `const ${result.name}Result = await ${result.api}.${result.name}({});\n`;
}

type CheckState = {
  state: 'idle' | 'checking' | 'done' | 'failed';
  checked?: 'types' | 'syntax';
  message?: string;
};

export function Playground({ info, navigate }: { info?: Info; navigate(hash: string): void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResult[] | undefined>(undefined);
  const [types, setTypes] = useState('');
  const [searchError, setSearchError] = useState('');
  const [searching, setSearching] = useState(false);
  const [code, setCode] = useState(() => sessionStorage.getItem(SNIPPET_KEY) ?? starter(info));
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [check, setCheck] = useState<CheckState>({ state: 'idle' });
  const [session, setSession] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [running, setRunning] = useState(false);
  const [response, setResponse] = useState<ExecuteResponse | undefined>(undefined);
  const checkSeq = useRef(0);

  // Type-check a moment after typing stops; an answer to older text is dropped.
  useEffect(() => {
    sessionStorage.setItem(SNIPPET_KEY, code);
    if (!code.trim()) {
      setDiagnostics([]);
      setCheck({ state: 'idle' });
      return;
    }
    const seq = ++checkSeq.current;
    const timer = setTimeout(async () => {
      setCheck({ state: 'checking' });
      try {
        const answer = await postJson<{ diagnostics: Diagnostic[]; checked: 'types' | 'syntax' }>(
          'v1/check',
          {
            code,
          },
        );
        if (seq !== checkSeq.current) return;
        setDiagnostics(answer.diagnostics);
        setCheck({ state: 'done', checked: answer.checked });
      } catch (error) {
        if (seq !== checkSeq.current) return;
        setCheck({ state: 'failed', message: (error as Error).message });
      }
    }, 350);
    return () => clearTimeout(timer);
  }, [code]);

  const search = async (event: Event) => {
    event.preventDefault();
    if (!query.trim()) return;
    setSearching(true);
    setSearchError('');
    try {
      const answer = await postJson<{ results: SearchResult[]; types?: string }>('v1/search', {
        query,
        limit: 8,
      });
      setResults(answer.results);
      setTypes(answer.types ?? '');
    } catch (error) {
      setSearchError((error as Error).message);
    } finally {
      setSearching(false);
    }
  };

  const run = async () => {
    if (running || !code.trim()) return;
    setRunning(true);
    try {
      const answer = await execute({
        code,
        ...(session.trim() && { session: session.trim() }),
        ...(dryRun && session.trim() && { dryRun: true }),
      });
      setResponse(answer);
      if (answer.error?.kind === 'typecheck' && answer.error.diagnostics)
        setDiagnostics(answer.error.diagnostics);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401))
        setResponse({
          ok: false,
          error: { kind: 'network', message: (error as Error).message },
          logs: [],
          calls: [],
          durationMs: 0,
        });
    } finally {
      setRunning(false);
    }
  };

  const checkText =
    check.state === 'checking'
      ? 'Checking…'
      : check.state === 'failed'
        ? `Check failed: ${check.message}`
        : check.state === 'done'
          ? diagnostics.length
            ? `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}`
            : check.checked === 'types'
              ? 'No problems: type-checked against the catalog'
              : 'Syntax is fine (this server checks syntax only)'
          : '';

  return (
    <div class="page playground">
      <h1 tabindex={-1} class="page-title">
        Playground
      </h1>
      <div class="split">
        <section class="panel run-panel" aria-labelledby="snippet-title">
          <h2 id="snippet-title">Snippet</h2>
          <Editor
            id="snippet"
            label="TypeScript, the body of an async function (return gives the result)"
            value={code}
            onInput={setCode}
            diagnostics={diagnostics}
            onSubmit={run}
          />
          <p class="check-status" role="status">
            {checkText}
          </p>
          <div class="run-options">
            <div class="field">
              <label class="field-label" for="run-session">
                Session (optional)
              </label>
              <input
                id="run-session"
                type="text"
                placeholder="e.g. my-session"
                value={session}
                pattern="[A-Za-z0-9._:\-]{1,128}"
                onInput={(e: Event) => setSession((e.target as HTMLInputElement).value)}
              />
            </div>
            <label class="check">
              <input
                type="checkbox"
                checked={dryRun}
                disabled={!session.trim()}
                onChange={(e: Event) => setDryRun((e.target as HTMLInputElement).checked)}
              />{' '}
              Dry run: plan the writes for approval
            </label>
            <button type="button" class="button button-primary" onClick={run} disabled={running}>
              {running ? 'Running…' : dryRun && session.trim() ? 'Plan' : 'Run'}
            </button>
          </div>
          {response ? (
            <RunResult
              response={response}
              onOpenSession={
                session.trim()
                  ? () => navigate(`#/sessions/${encodeURIComponent(session.trim())}/approvals`)
                  : undefined
              }
            />
          ) : null}
        </section>
        <section class="panel search-panel" aria-labelledby="search-title">
          <h2 id="search-title">Search the catalog</h2>
          <search>
            <form class="search-form" onSubmit={search}>
              <label class="field-label" for="search-query">
                What should the snippet do?
              </label>
              <div class="input-row">
                <input
                  id="search-query"
                  type="search"
                  placeholder="e.g. create a task"
                  value={query}
                  onInput={(e: Event) => setQuery((e.target as HTMLInputElement).value)}
                />
                <button type="submit" class="button" disabled={searching}>
                  {searching ? 'Searching…' : 'Search'}
                </button>
              </div>
            </form>
          </search>
          {searchError ? (
            <p class="error-message" role="alert">
              {searchError}
            </p>
          ) : null}
          {results ? (
            <div aria-live="polite">
              <p class="muted">
                {results.length ? `${results.length} operations` : 'No operation matches; try other words.'}
              </p>
              <ol class="results">
                {results.map((result) => (
                  <li class="result-card">
                    <div class="result-head">
                      <span class={`method method-${result.method.toLowerCase()}`}>{result.method}</span>
                      <code class="result-name">
                        {result.api}.{result.name}
                      </code>
                      <button
                        type="button"
                        class="button button-small"
                        aria-label={`Insert ${result.api}.${result.name} into the snippet`}
                        onClick={() => setCode(callOf(result) + code)}
                      >
                        Insert
                      </button>
                    </div>
                    <p class="result-summary">{result.summary}</p>
                    <code class="muted result-path">{result.path}</code>
                    <Code code={result.declaration} label={`declaration of ${result.api}.${result.name}`} />
                  </li>
                ))}
              </ol>
              {types ? (
                <details class="types">
                  <summary>Types the results use</summary>
                  <Code code={types} label="type declarations" />
                </details>
              ) : null}
            </div>
          ) : (
            <p class="muted">Search by what you want done; each result is a method the snippet can call.</p>
          )}
        </section>
      </div>
    </div>
  );
}
