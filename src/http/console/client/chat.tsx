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

/** Where an unfinished call stands: being written, running, waiting for a person, or cut off. */
type Pending = 'live' | 'approval' | 'ended';

function ToolPart({ part, pending }: { part: Extract<Part, { type: 'tool' }>; pending: Pending }) {
  const input = part.input as { code?: unknown; query?: unknown } | undefined;
  const code = typeof input?.code === 'string' ? input.code : undefined;
  const running = part.state === 'input-streaming' || part.state === 'input-available';
  const label =
    part.state === 'input-streaming'
      ? 'writing…'
      : pending === 'approval'
        ? 'waiting for approval'
        : pending === 'live'
          ? 'running…'
          : 'not finished';
  return (
    <div class={`tool-call tool-${part.state}`} data-tool={part.toolName}>
      <div class="tool-head">
        <span class="badge badge-mode">{part.toolName}</span>
        {running ? <span class="muted">{label}</span> : null}
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

function Bubble({ message, session, live }: { message: Message; session: string; live: boolean }) {
  // Calls whose plan waits for a person (duet's data-approval parts name the call).
  const awaiting = new Set(
    message.parts.flatMap((p) =>
      p.type === 'data' && (p.data as any)?.status === 'pending' ? [(p.data as any)?.toolCallId] : [],
    ),
  );
  return (
    <li class={`message message-${message.role}`} data-role={message.role}>
      <span class="visually-hidden">{message.role === 'user' ? 'You' : 'Agent'}:</span>
      {message.parts.map((part) =>
        part.type === 'text' ? (
          <p class="message-text">{part.text}</p>
        ) : part.type === 'reasoning' ? (
          <p class="message-reasoning muted">{part.text}</p>
        ) : part.type === 'tool' ? (
          <ToolPart
            part={part}
            pending={awaiting.has(part.toolCallId) ? 'approval' : live ? 'live' : 'ended'}
          />
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

interface History {
  messages: any[];
  turn?: {
    id: string;
    status: 'running' | 'awaiting-approval' | 'done' | 'stopped' | 'failed';
    error?: string;
  };
}

/**
 * The history's messages, with the latest turn's end shown on its answer: a turn stopped (or failed)
 * before a step completed has no assistant message of its own, so one is made to say so.
 */
function conversation(history: History): Message[] {
  const messages = (history.messages ?? []).map(fromUIMessage);
  const turn = history.turn;
  if (!turn || (turn.status !== 'stopped' && turn.status !== 'failed')) return messages;
  let answer = messages.findLast((m) => m.role === 'assistant' && m.id === turn.id);
  if (!answer) {
    answer = { id: turn.id, role: 'assistant', parts: [] };
    messages.push(answer);
  }
  const at = messages.indexOf(answer);
  messages[at] = {
    ...answer,
    aborted: turn.status === 'stopped',
    parts:
      turn.status === 'failed' && turn.error
        ? [...answer.parts, { type: 'error', text: turn.error }]
        : answer.parts,
  };
  return messages;
}

/** Puts the streamed message where its placeholder was, or over the history's copy of the same turn. */
function place(shown: Message[], previous: Message, next: Message): Message[] {
  const out = shown.filter((m) => m !== previous);
  const same = out.findIndex((m) => m.role === 'assistant' && m.id === next.id);
  if (same >= 0) {
    out[same] = next;
    return out;
  }
  const at = shown.indexOf(previous);
  out.splice(at >= 0 ? at : out.length, 0, next);
  return out;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export function Chat({ session, onTurnEnd }: { session: string; onTurnEnd(): void }) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [draft, setDraft] = useState('');
  const [streaming, setStreaming] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState('');
  const list = useRef<HTMLOListElement>(null);
  /** A stream is being read (a sent turn or a resumed one): the watch below leaves it alone. */
  const busy = useRef(false);
  /** Bumped when the session changes or the panel closes: a loop of an older one stops. */
  const generation = useRef(0);

  /** Streams an assistant message into the list, from a POST (a turn) or a GET (resume). */
  const follow = async (response: Response, mine: number) => {
    if (!response.body) return;
    const open = new Map<string, Part>();
    let current: Message = { id: `m${Date.now()}`, role: 'assistant', parts: [] };
    setMessages((shown) => [...shown, current]);
    setStreaming(true);
    try {
      await readChunks(response.body, (chunk) => {
        if (mine !== generation.current) return;
        const previous = current;
        current = applyChunk(current, chunk, open);
        setMessages((shown) => place(shown, previous, current));
      });
    } finally {
      setStreaming(false);
      setStopping(false);
      onTurnEnd();
    }
  };

  /** The conversation as the server keeps it (the source of truth once a stream ends). */
  const load = async (mine: number): Promise<History | undefined> => {
    const history = await getJson<History>(sessionPath(session, 'messages'));
    if (mine !== generation.current) return undefined;
    setMessages(conversation(history));
    setWaiting(history.turn?.status === 'awaiting-approval');
    return history;
  };

  /**
   * Follows the session's turn while one is running or waits for a person (approved from the Approvals
   * tab or elsewhere, it goes on): its stream while it runs, the history when it ends.
   */
  const watch = async (mine: number) => {
    while (mine === generation.current) {
      if (busy.current) return;
      const history = await load(mine);
      const status = history?.turn?.status;
      if (status !== 'running' && status !== 'awaiting-approval') return;
      const resumed = await request(sessionPath(session, 'stream'), {
        headers: { accept: 'text/event-stream' },
      });
      if (mine !== generation.current || busy.current) {
        await resumed.body?.cancel();
        return;
      }
      if (resumed.status === 200) {
        busy.current = true;
        try {
          await follow(resumed, mine);
        } finally {
          busy.current = false;
        }
      } else await sleep(status === 'running' ? 300 : 2000);
    }
  };

  useEffect(() => {
    const mine = ++generation.current;
    setMessages([]);
    watch(mine).catch((e) => {
      if (mine === generation.current && !(e instanceof ApiError && (e.status === 404 || e.status === 401)))
        setError((e as Error).message);
    });
    return () => {
      generation.current++;
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
    const mine = generation.current;
    busy.current = true;
    try {
      const response = await request(sessionPath(session, 'messages'), {
        method: 'POST',
        headers: { accept: 'text/event-stream' },
        body: JSON.stringify({ content }),
      });
      await follow(response, mine);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError((e as Error).message);
    } finally {
      busy.current = false;
    }
    // The turn ended or paused for an approval: the history has it whole, and a paused turn is watched.
    if (mine === generation.current) void watch(mine).catch(() => {});
  };

  const stop = async () => {
    setStopping(true);
    try {
      await request(sessionPath(session, 'stop'), { method: 'POST', body: '{}' });
      // A turn waiting for a decision has no stream to end: the history shows it stopped.
      if (!busy.current) await load(generation.current);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      if (!busy.current) setStopping(false);
    }
  };

  return (
    <div class="chat">
      <ol class="messages" ref={list} aria-live="polite" aria-busy={streaming ? 'true' : 'false'}>
        {messages.length === 0 ? (
          <li class="muted empty-chat">Ask the agent to do something with the APIs.</li>
        ) : null}
        {messages.map((message) => (
          <Bubble
            key={message.id}
            message={message}
            session={session}
            live={streaming && message === messages[messages.length - 1]}
          />
        ))}
      </ol>
      {error ? (
        <p class="error-message" role="alert">
          {error}
        </p>
      ) : null}
      {waiting && !streaming ? (
        <div class="notice waiting" role="status">
          The agent waits for a decision on its plan:{' '}
          <a href={`#/sessions/${encodeURIComponent(session)}/approvals`}>approve or reject it</a>, or{' '}
          <button type="button" class="link" onClick={stop}>
            stop the turn
          </button>
          .
        </div>
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
