#!/usr/bin/env node
/**
 * The AI SDK's own client against duet's agent, in a script: `DefaultChatTransport` (what `useChat` uses)
 * sends the message, `readUIMessageStream` builds the assistant message from duet's stream.
 *
 *   node examples/use-chat/chat.mjs "Which open issues report a crash?" [--url http://127.0.0.1:8787] [--session a1]
 *
 * Needs the `ai` package (a development dependency of this checkout; `npm i ai` elsewhere).
 */
import { parseArgs } from 'node:util';
import { DefaultChatTransport, readUIMessageStream } from 'ai';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
    session: { type: 'string', default: 'a1' },
  },
});
const text = positionals.join(' ') || 'What can you do?';
const routes = `${values.url}/v1/sessions/${values.session}`;
const transport = new DefaultChatTransport({
  api: `${routes}/messages`,
  // useChat's `resume: true` reconnects here (duet answers 204 when no turn runs).
  prepareReconnectToStreamRequest: () => ({ api: `${routes}/stream` }),
});

const stream = await transport.sendMessages({
  chatId: values.session,
  messages: [{ id: `u-${Date.now()}`, role: 'user', parts: [{ type: 'text', text }] }],
  trigger: 'submit-message',
  messageId: undefined,
  abortSignal: undefined,
});

let message;
for await (const update of readUIMessageStream({ stream })) message = update;
for (const part of message?.parts ?? []) {
  if (part.type === 'text') console.log(part.text);
  else if (part.type === 'tool-search')
    console.log(`[search] ${part.input?.query} -> ${part.output?.results?.length ?? 0} operations`);
  else if (part.type === 'tool-execute')
    console.log(
      `[execute] ${part.state === 'output-available' ? JSON.stringify(part.output.result) : part.errorText}`,
    );
  else if (part.type === 'data-approval')
    console.log(`[approval] plan ${part.data.plan}: ${part.data.status}`);
}
console.log(`(${message?.metadata?.status ?? 'unknown'}; ${JSON.stringify(message?.metadata?.usage ?? {})})`);
