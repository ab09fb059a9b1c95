/**
 * A minimal chat page on duet's agent with `useChat` from `@ai-sdk/react` (npm i @ai-sdk/react ai react).
 * Serve it from the same origin as duet, e.g. Vite with `server.proxy: { '/v1': 'http://127.0.0.1:8787' }`
 * (duet sends no CORS headers).
 */
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { useState } from 'react';

const session = 'a1';
const transport = new DefaultChatTransport({
  api: `/v1/sessions/${session}/messages`,
  prepareReconnectToStreamRequest: () => ({ api: `/v1/sessions/${session}/stream` }),
});

export function Chat() {
  // resume: a reload (or a second tab) picks up the turn the server is still running.
  const { messages, setMessages, sendMessage, status, stop, resumeStream } = useChat({
    id: session,
    transport,
    resume: true,
  });
  /** An approval or rejection resumes the turn on the server; the page follows its stream again. */
  const decide = async (route: 'approvals' | 'rejections', plan: string) => {
    await fetch(`/v1/sessions/${session}/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plan }),
    });
    await resumeStream();
    // The turn may have finished before the stream was asked for (204): the history has it all.
    const history = await (await fetch(`/v1/sessions/${session}/messages`)).json();
    setMessages(history.messages);
  };
  const [input, setInput] = useState('');
  return (
    <div>
      {messages.map((message) => (
        <div key={message.id}>
          <b>{message.role}</b>
          {message.parts.map((part, i) => {
            if (part.type === 'text') return <p key={i}>{part.text}</p>;
            if (part.type === 'tool-search' || part.type === 'tool-execute')
              return (
                <pre key={i}>
                  {part.type.slice(5)} {JSON.stringify(part.input)}
                  {'\n'}
                  {part.state === 'output-available'
                    ? JSON.stringify(part.output).slice(0, 400)
                    : (part.errorText ?? '…')}
                </pre>
              );
            if (part.type === 'data-approval') {
              const { plan, status: decision } = part.data as { plan: string; status: string };
              return decision === 'pending' ? (
                <p key={i}>
                  Plan {plan} waits:{' '}
                  <button type="button" onClick={() => decide('approvals', plan)}>
                    approve
                  </button>{' '}
                  <button type="button" onClick={() => decide('rejections', plan)}>
                    reject
                  </button>
                </p>
              ) : (
                <p key={i}>
                  Plan {plan} {decision}
                </p>
              );
            }
            return null;
          })}
        </div>
      ))}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          sendMessage({ text: input });
          setInput('');
        }}
      >
        <input
          value={input}
          onChange={(event) => setInput(event.target.value)}
          disabled={status !== 'ready'}
        />
        {status === 'streaming' && (
          // A disconnect leaves the turn running on the server; stop ends it there.
          <button
            type="button"
            onClick={() => {
              stop();
              fetch(`/v1/sessions/${session}/stop`, { method: 'POST' });
            }}
          >
            stop
          </button>
        )}
      </form>
    </div>
  );
}
