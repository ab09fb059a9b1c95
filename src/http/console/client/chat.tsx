/**
 * The conversation with the session's agent: history from GET /messages, a turn streamed from POST /messages
 * (AI SDK UI message stream), resumed from GET /stream after a reload, and stopped by POST /stop.
 */
import { useEffect, useRef, useState } from 'hono/jsx/dom';
import {
  ApiError,
  type ExecuteResponse,
  getJson,
  type PlannedCall,
  request,
  type SearchResult,
  sessionPath,
} from './api.ts';
import { Code } from './highlight.tsx';
import { JsonView } from './json-view.tsx';
import { PlannedCalls, RunResult } from './run-result.tsx';
import { applyChunk, fromUIMessage, type Message, type Part, readChunks } from './ui-stream.ts';

const isRun = (value: unknown): value is ExecuteResponse =>
  typeof value === 'object' &&
  value !== null &&
  'ok' in value &&
  Array.isArray((value as ExecuteResponse).calls);

const isSearch = (value: unknown): value is { results: SearchResult[] } =>
  typeof value === 'object' && value !== null && Array.isArray((value as { results?: unknown }).results);

function ToolPart({ part }: { part: Extract<Part, { type: 'tool' }> }) {
  const input = part.input as { code?: unknown; query?: unknown } | undefined;
  const code = typeof input?.code === 'string' ? input.code : undefined;
  const running = part.state === 'input-streaming' || part.state === 'input-available';
  return (
    <div class={`tool-call tool-${part.state}`} data-tool={part.toolName}>
      <div class="tool-head">
        <span class="badge badge-mode">{part.toolName}</span>
        {running ? (
          <span class="muted">{part.state === 'input-streaming' ? 'writing…' : 'running…'}</span>
        ) : null}
        {part.state === 'output-error' ? <span class="badge badge-error">error</span> : null}
      </div>
      {code !== undefined ? (
        <Code code={code} label={`${part.toolName} code`} />
      ) : typeof input?.query === 'string' ? (
        <p class="tool-query">“{input.query}”</p>
      ) : part.state === 'input-streaming' ? (
        <pre class="code">{part.inputText}</pre>
      ) : input !== undefined ? (
        <JsonView value={input} label={`${part.toolName} input`} />
      ) : null}
      {running && part.liveLogs?.length ? <pre class="logs">{part.liveLogs.join('\n')}</pre> : null}
      {part.state === 'output-error' ? <p class="error-message">{part.errorText}</p> : null}
      {part.state === 'output-available' ? (
        isRun(part.output) ? (
          <RunResult response={part.output} />
        ) : isSearch(part.output) ? (
          <ul class="tool-results">
            {part.output.results.map((result) => (
              <li>
                <code>
                  {result.api}.{result.name}
                </code>{' '}
                <span class="muted">{result.summary}</span>
              </li>
            ))}
          </ul>
        ) : (
          <JsonView value={part.output} label={`${part.toolName} output`} />
        )
      ) : null}
    </div>
  );
}

function DataPart({ part, session }: { part: Extract<Part, { type: 'data' }>; session: string }) {
  const data = part.data as any;
  if (/log/.test(part.name)) {
    const lines: string[] = Array.isArray(data)
      ? data
      : Array.isArray(data?.logs)
        ? data.logs
        : [String(data?.line ?? data)];
    return (
      <pre class="logs" data-part={part.name}>
        {lines.join('\n')}
      </pre>
    );
  }
  if (/approv|plan/.test(part.name)) {
    // duet's agent sends {plan: id, status, calls} when a snippet's writes wait for a person.
    const id: string | undefined = typeof data?.plan === 'string' ? data.plan : (data?.plan?.id ?? data?.id);
    const calls: PlannedCall[] | undefined = Array.isArray(data?.calls) ? data.calls : data?.plan?.calls;
    const status: string = data?.status ?? 'pending';
    return (
      <div class={`approval-part approval-${status}`} data-part={part.name} data-status={status}>
        <p>
          {status === 'pending' ? 'These writes wait for approval' : `Plan ${status}`}
          {id ? (
            <>
              {' '}
              (<code>{id.slice(0, 8)}</code>)
            </>
          ) : null}
          .{' '}
          {status === 'pending' ? (
            <a href={`#/sessions/${encodeURIComponent(session)}/approvals`}>Review them</a>
          ) : null}
        </p>
        {calls ? <PlannedCalls calls={calls} /> : null}
      </div>
    );
  }
  return (
    <div data-part={part.name}>
      <JsonView value={data} label={part.name} />
    </div>
  );
}

function Bubble({ message, session }: { message: Message; session: string }) {
  return (
    <li class={`message message-${message.role}`} data-role={message.role}>
      <span class="visually-hidden">{message.role === 'user' ? 'You' : 'Agent'}:</span>
      {message.parts.map((part) =>
        part.type === 'text' ? (
          <p class="message-text">{part.text}</p>
        ) : part.type === 'reasoning' ? (
          <p class="message-reasoning muted">{part.text}</p>
        ) : part.type === 'tool' ? (
          <ToolPart part={part} />
        ) : part.type === 'data' ? (
          <DataPart part={part} session={session} />
        ) : part.type === 'error' ? (
          <p class="error-message" role="alert">
            {part.text}
          </p>
        ) : null,
      )}
      {message.aborted ? <p class="muted stopped">Stopped.</p> : null}
    </li>
  );
}

export function Chat({ session, onTurnEnd }: { session: string; onTurnEnd(): void }) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [draft, setDraft] = useState('');
  const [streaming, setStreaming] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState('');
  const list = useRef<HTMLOListElement>(null);

  /** Streams an assistant message into the list, from a POST (a turn) or a GET (resume). */
  const follow = async (response: Response) => {
    if (!response.body) return;
    const open = new Map<string, Part>();
    let current: Message = { id: `m${Date.now()}`, role: 'assistant', parts: [] };
    setMessages((shown) => [...shown, current]);
    setStreaming(true);
    try {
      await readChunks(response.body, (chunk) => {
        const previous = current;
        current = applyChunk(current, chunk, open);
        setMessages((shown) => shown.map((m) => (m === previous ? current : m)));
      });
    } finally {
      setStreaming(false);
      setStopping(false);
      onTurnEnd();
    }
  };

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const history = await getJson<{ messages: any[] } | any[]>(sessionPath(session, 'messages'));
        const raw = Array.isArray(history) ? history : history.messages;
        if (cancelled) return;
        setMessages((raw ?? []).map(fromUIMessage));
        // A turn still running (another tab, or before a reload): follow it.
        const resumed = await request(sessionPath(session, 'stream'), {
          headers: { accept: 'text/event-stream' },
        });
        if (!cancelled && resumed.status === 200) await follow(resumed);
      } catch (e) {
        if (!cancelled && !(e instanceof ApiError && (e.status === 404 || e.status === 401)))
          setError((e as Error).message);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [session]);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const send = async (event: Event) => {
    event.preventDefault();
    const content = draft.trim();
    if (!content || streaming) return;
    setDraft('');
    setError('');
    setMessages((shown) => [
      ...shown,
      { id: `u${Date.now()}`, role: 'user', parts: [{ type: 'text', text: content }] },
    ]);
    try {
      const response = await request(sessionPath(session, 'messages'), {
        method: 'POST',
        headers: { accept: 'text/event-stream' },
        body: JSON.stringify({ content }),
      });
      await follow(response);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError((e as Error).message);
    }
  };

  const stop = async () => {
    setStopping(true);
    try {
      await request(sessionPath(session, 'stop'), { method: 'POST', body: '{}' });
    } catch (e) {
      setStopping(false);
      setError((e as Error).message);
    }
  };

  return (
    <div class="chat">
      <ol class="messages" ref={list} aria-live="polite" aria-busy={streaming ? 'true' : 'false'}>
        {messages.length === 0 ? (
          <li class="muted empty-chat">Ask the agent to do something with the APIs.</li>
        ) : null}
        {messages.map((message) => (
          <Bubble key={message.id} message={message} session={session} />
        ))}
      </ol>
      {error ? (
        <p class="error-message" role="alert">
          {error}
        </p>
      ) : null}
      <form class="composer" onSubmit={send}>
        <label class="visually-hidden" for="chat-input">
          Message to the agent
        </label>
        <textarea
          id="chat-input"
          rows={2}
          placeholder="Message the agent (Enter sends, Shift+Enter for a new line)"
          value={draft}
          onInput={(e: Event) => setDraft((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              (e.target as HTMLTextAreaElement).form?.requestSubmit();
            }
          }}
        />
        {streaming ? (
          <button type="button" class="button button-danger" onClick={stop} disabled={stopping}>
            {stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button type="submit" class="button button-primary" disabled={!draft.trim()}>
            Send
          </button>
        )}
      </form>
    </div>
  );
}
