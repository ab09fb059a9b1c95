/**
 * `duet chat [MESSAGE]`: the agent in the terminal, as a client of a running `duet serve` (the conversation
 * lives in the server's session, so the terminal, the console and any AI SDK client share it). It reads
 * the same UI message stream `useChat` reads and prints the model's text, each tool call, the code it
 * runs, the execute's console lines as they come, results and pending approvals.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { readSse } from '../../../src/agent/model/sse.ts';
import { UsageError } from '../../../src/config/options.ts';
import { SESSION_PATTERN, SESSION_RULE } from '../../../src/execute/session-id.ts';
import { type Command, HELP_FLAG } from './options.ts';

const DEFAULT_URL = 'http://127.0.0.1:8787';
const DEFAULT_SESSION = 'chat';

const help = `Usage: duet chat [MESSAGE] [options]

Talk to the agent of a running duet serve (started with --llm-url and --llm-model): MESSAGE is sent as one
turn and its stream printed (model text, each search and execute with its code, console lines, results);
without MESSAGE, an interactive chat. The conversation is kept by the server in the session, so it can be
continued later, from here or from any other client (GET /v1/sessions/ID/messages).

  --session ID                the conversation (default '${DEFAULT_SESSION}'): ${SESSION_RULE}
  --url URL                   the server (default env DUET_URL, else ${DEFAULT_URL})
  --token SECRET              a tenant's bearer token, when the server has tokens (or env DUET_TOKEN)
  --approve PLAN              approve the plan a turn waits for, then follow the turn
  --reject PLAN               reject it (nothing is sent), then follow the turn
  --stop                      stop the running turn

In the interactive chat: /stop stops the running turn (Ctrl-C too; a disconnect does not stop it),
/exit or Ctrl-D leaves; a plan waiting for approval is shown with a y/n prompt.${HELP_FLAG}`;

interface Chat {
  base: string;
  session: string;
  headers: Record<string, string>;
}

/** How a turn's stream ended, as far as this client saw. */
interface Ending {
  status: 'done' | 'awaiting-approval' | 'stopped' | 'failed' | 'cut';
  plan?: string;
}

const tty = process.stdout.isTTY === true;
const paint = (code: number) => (text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
const dim = paint(2);
const bold = paint(1);
const red = paint(31);
const green = paint(32);
const yellow = paint(33);

async function request(chat: Chat, path: string, init: RequestInit = {}): Promise<Response> {
  const url = `${chat.base}/v1/sessions/${encodeURIComponent(chat.session)}${path}`;
  try {
    return await fetch(url, {
      ...init,
      headers: { ...chat.headers, ...(init.headers as Record<string, string>) },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new UsageError(
      `cannot reach ${chat.base} (${cause}): start the server with duet serve --llm-url URL --llm-model NAME, or pass --url`,
    );
  }
}

async function failure(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    return body.error?.message ?? text;
  } catch {
    return text || `${response.status} ${response.statusText}`;
  }
}

/** Prints one turn's stream; resolves with how it ended. */
class Printer {
  #atLineStart = true;
  #tools = new Map<string, string>();
  #ending: Ending = { status: 'cut' };

  #write(text: string): void {
    if (!text) return;
    process.stdout.write(text);
    this.#atLineStart = text.endsWith('\n');
  }

  #line(text: string): void {
    if (!this.#atLineStart) this.#write('\n');
    this.#write(`${text}\n`);
  }

  async print(response: Response): Promise<Ending> {
    for await (const event of readSse(response.body!)) {
      if (event.data === '[DONE]') break;
      let chunk: any;
      try {
        chunk = JSON.parse(event.data);
      } catch {
        continue;
      }
      this.#chunk(chunk);
    }
    if (!this.#atLineStart) this.#write('\n');
    return this.#ending;
  }

  /**
   * What a turn added after plan `plan` was decided, from the history: the turn may have finished before
   * this client asked for its stream. Shown as the stream would have shown it.
   */
  fromHistory(message: { parts: any[]; metadata?: any }, plan: string): Ending {
    const start = message.parts.findIndex((p) => p.type === 'data-approval' && p.id === plan);
    const approval = message.parts[start];
    // The call that waited comes before its approval in the message; its outcome is shown after it.
    const waited = message.parts.find(
      (p) => p.toolCallId !== undefined && p.toolCallId === approval?.data?.toolCallId,
    );
    const show = (part: any) => {
      if (part.type === 'data-approval') this.#chunk(part);
      else if (part.type === 'text') this.#chunk({ type: 'text-delta', delta: part.text });
      else if (
        part.type?.startsWith('tool-') &&
        (part.state === 'output-available' || part.state === 'output-error')
      ) {
        this.#chunk({ type: 'tool-input-start', toolCallId: part.toolCallId, toolName: part.type.slice(5) });
        if (part.state === 'output-available')
          this.#chunk({ type: 'tool-output-available', toolCallId: part.toolCallId, output: part.output });
        else
          this.#chunk({ type: 'tool-output-error', toolCallId: part.toolCallId, errorText: part.errorText });
      }
    };
    if (approval) show(approval);
    if (waited) show(waited);
    for (const part of message.parts.slice(start + 1)) show(part);
    const meta = message.metadata ?? {};
    this.#chunk({
      type: 'finish',
      finishReason: meta.status === 'failed' ? 'error' : 'stop',
      messageMetadata: meta,
    });
    if (!this.#atLineStart) this.#write('\n');
    return this.#ending;
  }

  #chunk(chunk: any): void {
    switch (chunk.type) {
      case 'text-delta':
        this.#write(chunk.delta);
        break;
      case 'tool-input-start':
        this.#tools.set(chunk.toolCallId, chunk.toolName);
        break;
      case 'tool-input-available':
        this.#toolCall(chunk.toolName, chunk.input);
        break;
      case 'tool-input-error':
        this.#line(red(`  ✗ ${chunk.toolName}: ${chunk.errorText}`));
        break;
      case 'data-log':
        this.#line(dim(`  · ${chunk.data?.line ?? ''}`));
        break;
      case 'tool-output-available':
        this.#output(this.#tools.get(chunk.toolCallId), chunk.output);
        break;
      case 'tool-output-error':
        this.#line(red(`  ✗ ${errorSummary(chunk.errorText)}`));
        break;
      case 'data-approval':
        this.#approval(chunk.data);
        break;
      case 'reset-step':
        this.#line(dim("(the model's answer was cut off; it is asked again)"));
        break;
      case 'error':
        this.#line(red(chunk.errorText));
        this.#ending = { status: 'failed' };
        break;
      case 'abort':
        this.#line(yellow('(stopped)'));
        this.#ending = { status: 'stopped' };
        break;
      case 'finish': {
        const meta = chunk.messageMetadata ?? {};
        if (meta.status === 'awaiting-approval')
          this.#ending = { status: 'awaiting-approval', plan: this.#ending.plan };
        else if (chunk.finishReason === 'error') this.#ending = { status: 'failed' };
        else this.#ending = { status: 'done' };
        const usage = meta.usage;
        if (usage)
          this.#line(
            dim(
              `[${usage.modelCalls} model call${usage.modelCalls === 1 ? '' : 's'} · ${usage.inputTokens.toLocaleString('en')} tokens in · ${usage.outputTokens.toLocaleString('en')} out${usage.estimated ? ' (estimated)' : ''}]`,
            ),
          );
        break;
      }
    }
  }

  #toolCall(name: string, input: any): void {
    if (name === 'search') {
      this.#line(bold(`› search ${JSON.stringify(input?.query ?? input?.code ?? '')}`));
      return;
    }
    if (name === 'execute' && typeof input?.code === 'string') {
      this.#line(bold('› execute'));
      for (const line of input.code.trimEnd().split('\n')) this.#line(dim(`  │ ${line}`));
      return;
    }
    this.#line(bold(`› ${name} ${JSON.stringify(input)}`));
  }

  #output(name: string | undefined, output: any): void {
    if (name === 'search') {
      const results = (output?.results ?? []) as { api: string; name: string }[];
      const names = results.slice(0, 5).map((r) => `${r.api}.${r.name}`);
      const more = results.length > 5 ? `, ${results.length - 5} more` : '';
      this.#line(
        green(
          `  ✓ ${results.length} operation${results.length === 1 ? '' : 's'}: ${names.join(', ')}${more}`,
        ),
      );
      return;
    }
    if (output && typeof output === 'object' && 'ok' in output) {
      for (const call of output.calls ?? [])
        this.#line(
          dim(
            `    ${call.method} ${call.api}.${call.name} ${call.path} -> ${call.status}${call.outcome ? ` (${call.outcome})` : ''}`,
          ),
        );
      const result = JSON.stringify(output.result) ?? 'undefined';
      this.#line(green(`  ✓ ${result.length > 400 ? `${result.slice(0, 400)}…` : result}`));
      return;
    }
    this.#line(green(`  ✓ ${JSON.stringify(output).slice(0, 400)}`));
  }

  #approval(data: any): void {
    if (data?.status === 'pending') {
      this.#ending = { status: 'awaiting-approval', plan: data.plan };
      this.#line(yellow(`⏸ plan ${data.plan} waits for approval; it would send:`));
      for (const call of data.calls ?? [])
        this.#line(
          yellow(`    ${call.method} ${call.api}.${call.name} ${call.path} ${JSON.stringify(call.args)}`),
        );
    } else this.#line(yellow(`  plan ${data?.plan} ${data?.status}`));
  }
}

/** An execute's failure text is the whole response as JSON: show its kind and message. */
function errorSummary(text: string): string {
  try {
    const response = JSON.parse(text) as { error?: { kind?: string; message?: string } };
    if (response.error) return `${response.error.kind}: ${response.error.message}`;
  } catch {
    // Plain text.
  }
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

async function follow(chat: Chat): Promise<Ending | undefined> {
  const response = await request(chat, '/stream', { headers: { accept: 'text/event-stream' } });
  if (response.status === 204) return undefined;
  if (!response.ok) throw new Error(await failure(response));
  return new Printer().print(response);
}

async function send(chat: Chat, text: string): Promise<Ending> {
  const response = await request(chat, '/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ content: text }),
  });
  if (response.status === 409) {
    const body = (await response.json()) as { error: { message: string }; turn?: { status: string } };
    if (body.turn?.status === 'running') {
      // Another turn runs (from here earlier, or another client): follow it, then send.
      console.error(dim('(a turn is running in this session; following it first)'));
      await follow(chat);
      return send(chat, text);
    }
    throw new Error(body.error.message);
  }
  if (!response.ok) throw new Error(await failure(response));
  return new Printer().print(response);
}

async function decide(chat: Chat, plan: string, approve: boolean): Promise<Ending | undefined> {
  const response = await request(chat, approve ? '/approvals' : '/rejections', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ plan }),
  });
  if (!response.ok) throw new Error(await failure(response));
  await response.body?.cancel();
  const followed = await follow(chat);
  if (followed) return followed;
  // The turn went on and finished before this client asked for its stream: show it from the history.
  const history = await request(chat, '/messages');
  if (!history.ok) return undefined;
  const { messages } = (await history.json()) as {
    messages: { role: string; parts: any[]; metadata?: any }[];
  };
  const last = messages.findLast((m) => m.role === 'assistant');
  return last ? new Printer().fromHistory(last, plan) : undefined;
}

async function stop(chat: Chat): Promise<boolean> {
  const response = await request(chat, '/stop', { method: 'POST' });
  if (!response.ok) throw new Error(await failure(response));
  return ((await response.json()) as { stopped: boolean }).stopped;
}

async function interactive(chat: Chat): Promise<number> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
  });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | undefined> => {
    process.stdout.write(prompt);
    const next = await lines.next();
    return next.done ? undefined : next.value;
  };
  let turnRunning = false;
  rl.on('SIGINT', () => {
    if (turnRunning) void stop(chat).catch(() => {});
    else rl.close();
  });
  console.log(dim(`duet chat: session '${chat.session}' on ${chat.base}. /stop stops a turn, /exit leaves.`));
  try {
    let ending: Ending | undefined = await follow(chat);
    for (;;) {
      while (ending?.status === 'awaiting-approval' && ending.plan) {
        const answer = (await ask(yellow(`approve plan ${ending.plan}? [y/n] `)))?.trim().toLowerCase();
        if (answer === undefined) return 0;
        if (answer !== 'y' && answer !== 'n') continue;
        turnRunning = true;
        ending = await decide(chat, ending.plan, answer === 'y');
        turnRunning = false;
      }
      const text = await ask(bold('> '));
      if (text === undefined || text.trim() === '/exit') return 0;
      if (text.trim() === '') continue;
      if (text.trim() === '/stop') {
        console.log(dim((await stop(chat)) ? '(stopped)' : '(no turn was running)'));
        continue;
      }
      turnRunning = true;
      try {
        ending = await send(chat, text);
      } catch (error) {
        console.error(red(`duet chat: ${(error as Error).message}`));
        ending = undefined;
      } finally {
        turnRunning = false;
      }
    }
  } finally {
    rl.close();
  }
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      session: { type: 'string', default: DEFAULT_SESSION },
      url: { type: 'string' },
      token: { type: 'string' },
      approve: { type: 'string' },
      reject: { type: 'string' },
      stop: { type: 'boolean' },
    },
  });
  const session = values.session;
  if (!SESSION_PATTERN.test(session)) throw new UsageError(`--session ${session}: ${SESSION_RULE}`);
  const base = (values.url ?? process.env.DUET_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(base))
    throw new UsageError(`--url ${base}: the server's http(s) URL, e.g. ${DEFAULT_URL}`);
  const token = values.token ?? process.env.DUET_TOKEN;
  const chat: Chat = { base, session, headers: token ? { authorization: `Bearer ${token}` } : {} };
  const actions = [values.approve, values.reject, values.stop, positionals.length ? true : undefined].filter(
    Boolean,
  );
  if (actions.length > 1)
    throw new UsageError('duet chat: one of MESSAGE, --approve, --reject or --stop at a time');
  const exitCode = (ending: Ending | undefined) =>
    ending?.status === 'failed' || ending?.status === 'cut' ? 1 : 0;
  try {
    if (values.stop) {
      console.log((await stop(chat)) ? 'stopped' : 'no turn was running');
      return 0;
    }
    if (values.approve || values.reject)
      return exitCode(await decide(chat, (values.approve ?? values.reject)!, !!values.approve));
    if (positionals.length) {
      const ending = await send(chat, positionals.join(' '));
      if (ending.status === 'awaiting-approval' && ending.plan)
        console.log(
          yellow(`approve with: duet chat --session ${session} --approve ${ending.plan}   (or --reject)`),
        );
      return exitCode(ending);
    }
    return await interactive(chat);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    console.error(red(`duet chat: ${(error as Error).message}`));
    return 1;
  }
}

export const command: Command = { help, run };
