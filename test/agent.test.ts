/**
 * The agent end to end in one process: a real duet HTTP server (Node), scripted model servers speaking
 * OpenAI's and Anthropic's streaming APIs, the GitHub stand-in upstream, and the AI SDK's own client
 * (DefaultChatTransport + readUIMessageStream) reading duet's stream.
 */
import type { UIMessage, UIMessageChunk } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeServer, serveNode } from '../adapters/node/serve.ts';
import { createModel, ModelError } from '../src/agent/model/index.ts';
import { Catalog } from '../src/catalog/index.ts';
import { createDuet, type Duet, type DuetConfig } from '../src/duet.ts';
import { memorySessions } from '../src/execute/state.ts';
import { duetTools } from '../src/http/tools.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import {
  chatTransport,
  issueScript,
  parseChunks,
  readAll,
  readUntil,
  send,
  TASK,
  untilExecuteOutput,
} from './support/agent-scenario.ts';
import { githubApi } from './support/github.ts';
import { gate, type Provider, type ScriptedModel, startScriptedModel } from './support/scripted-model.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

const sandbox = createQuickJSSandbox();
let upstream: Upstream;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  closers.push(() => upstream.close());
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await sandbox.close();
});

async function serve(
  model: ScriptedModel | undefined,
  extra: Partial<DuetConfig> = {},
): Promise<{ duet: Duet; url: string }> {
  const duet = createDuet({
    apis: [await githubApi()],
    sandbox,
    upstreams: { github: { baseUrl: upstream.url } },
    ...(model && { model: { provider: model.provider, url: model.url, model: 'scripted-1' } }),
    ...extra,
  });
  const server: NodeServer = await serveNode(duet, { port: 0, host: '127.0.0.1', signals: false });
  closers.push(() => server.close());
  return { duet, url: server.url };
}

const posts = (repo: string) =>
  upstream.received.filter((r) => r.method === 'POST' && r.url === `/repos/octo/${repo}/issues`).length;
const types = (chunks: UIMessageChunk[]) => chunks.map((c) => c.type);

/** A part without the fields that only say how far the stream had got. */
const shape = (part: any) => {
  const { state, providerExecuted, title, toolMetadata, callProviderMetadata, ...rest } = part;
  return { ...rest, ...(state && state !== 'done' && state !== 'streaming' && { state }) };
};

describe.each<Provider>(['openai', 'anthropic'])('a turn with a scripted %s model', (provider) => {
  it('searches, executes once against the upstream and answers; the history matches the stream', async () => {
    const model = await startScriptedModel(provider, issueScript());
    closers.push(() => model.close());
    const { url } = await serve(model);
    const before = posts('hello');
    const { chunks, message } = await readAll(
      await send(chatTransport(url, `turn-${provider}`), `turn-${provider}`, TASK),
    );

    expect(types(chunks)[0]).toBe('start');
    expect(types(chunks).slice(-1)).toEqual(['finish']);
    for (const kind of [
      'start-step',
      'text-start',
      'text-delta',
      'text-end',
      'tool-input-start',
      'tool-input-delta',
      'tool-input-available',
      'tool-output-available',
      'finish-step',
    ])
      expect(types(chunks)).toContain(kind);
    expect(chunks.filter((c) => c.type === 'start-step')).toHaveLength(3);
    expect(posts('hello') - before).toBe(1);
    expect(model.requests).toHaveLength(3);

    const parts = message!.parts as any[];
    const search = parts.find((p) => p.type === 'tool-search');
    const execute = parts.find((p) => p.type === 'tool-execute');
    expect(search).toMatchObject({ state: 'output-available', input: { query: 'create an issue' } });
    expect(search.output.results.map((r: any) => r.name)).toContain('issuesCreate');
    expect(execute).toMatchObject({
      state: 'output-available',
      output: { ok: true, result: { title: 'Hello from duet' } },
    });
    const number = execute.output.result.number;
    expect(parts.filter((p) => p.type === 'text').at(-1).text).toBe(`Created issue #${number}.`);

    // Each round trip offered exactly the MCP tools, with their descriptions and input schemas.
    const catalog = new Catalog();
    catalog.add(await githubApi());
    const mcp = duetTools(catalog);
    for (const request of model.requests) {
      expect(request.tools).toEqual(['search', 'execute']);
      const sent = request.toolDefinitions.map((t: any) => ({
        name: t.function?.name ?? t.name,
        description: t.function?.description ?? t.description,
        inputSchema: t.function?.parameters ?? t.input_schema,
      }));
      expect(sent).toEqual(mcp);
      expect(request.system).toMatch(/github: .*\(\d+ operations\)/);
    }
    // The model's last request carries the execute's result as the tool message.
    expect(model.requests[2].messages.at(-1)).toMatchObject({ role: 'tool' });

    const history = (await (await fetch(`${url}/v1/sessions/turn-${provider}/messages`)).json()) as any;
    expect(history.messages.map((m: any) => m.role)).toEqual(['user', 'assistant']);
    expect(history.messages[0].parts).toEqual([{ type: 'text', text: TASK }]);
    expect(history.messages[1].parts.map(shape)).toEqual(message!.parts.map(shape));
    expect(history.turn).toMatchObject({
      status: 'done',
      steps: 3,
      usage: { modelCalls: 3, inputTokens: 900 + 2400 + 2600 },
    });
    expect(history.messages[1].metadata).toMatchObject({ status: 'done' });
    // Nothing runs now.
    expect((await fetch(`${url}/v1/sessions/turn-${provider}/stream`)).status).toBe(204);
  });
});

describe('the agent routes', () => {
  it('answer one JSON document with Accept: application/json, and keep the conversation for the next turn', async () => {
    const model = await startScriptedModel('openai', issueScript());
    closers.push(() => model.close());
    const { url } = await serve(model);
    const post = (content: string) =>
      fetch(`${url}/v1/sessions/json-1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ content }),
      });
    const first = await post(TASK);
    expect(first.status).toBe(200);
    const body = (await first.json()) as any;
    expect(body.turn).toMatchObject({ status: 'done', steps: 3 });
    expect(body.messages.map((m: any) => m.role)).toEqual(['user', 'assistant']);
    expect(body.messages[1].parts.at(-1).text).toMatch(/^Created issue #\d+\.$/);

    await (await post('And another one, please.')).json();
    // The second turn's first request has the whole first turn before the new message.
    const second = model.requests[3];
    expect(second.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    const history = (await (await fetch(`${url}/v1/sessions/json-1/messages`)).json()) as any;
    expect(history.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('refuse a second message while a turn runs, and stop it on request (a disconnect does not)', async () => {
    const hold = gate();
    const model = await startScriptedModel('openai', issueScript({ beforeAnswer: () => hold.promise }));
    closers.push(() => model.close());
    const { url } = await serve(model);
    const transport = chatTransport(url, 'stop-1');
    const seen = await readUntil(await send(transport, 'stop-1', TASK), untilExecuteOutput());
    expect(seen[0].type).toBe('start');
    // The client went away; the turn goes on (the model is asked for the answer, which the script holds).
    while (model.requests.length < 3) await new Promise((r) => setTimeout(r, 20));
    const again = await fetch(`${url}/v1/sessions/stop-1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'hello?' }),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error).toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('/stream'),
    });

    // Resume from the start: the stream replays what the client missed and waits on the held step.
    const resumed = await transport.reconnectToStream({ chatId: 'stop-1' });
    const reading = readAll(resumed!);
    const stopped = (await (await fetch(`${url}/v1/sessions/stop-1/stop`, { method: 'POST' })).json()) as any;
    expect(stopped).toMatchObject({ stopped: true, turn: { status: 'stopped' } });
    const { chunks } = await reading;
    expect(types(chunks)).toContain('tool-output-available');
    expect(chunks.at(-1)).toMatchObject({ type: 'abort' });
    while (model.aborted < 1) await new Promise((r) => setTimeout(r, 20));
    hold.open();
    expect((await fetch(`${url}/v1/sessions/stop-1/stream`)).status).toBe(204);
    const nothing = (await (await fetch(`${url}/v1/sessions/stop-1/stop`, { method: 'POST' })).json()) as any;
    expect(nothing.stopped).toBe(false);
    // A stopped turn leaves the session free for the next message.
    const next = await fetch(`${url}/v1/sessions/stop-1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ content: TASK }),
    });
    expect(next.status).toBe(200);
  });

  it('validate the chunks with the AI SDK schema, with SSE ids a client resumes from', async () => {
    const model = await startScriptedModel('anthropic', issueScript());
    closers.push(() => model.close());
    const { url } = await serve(model);
    const response = await fetch(`${url}/v1/sessions/raw-1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: TASK }),
    });
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const ids = [...text.matchAll(/^id: (\d+):(\d+)$/gm)].map((m) => Number(m[2]));
    expect(ids).toEqual(ids.map((_, i) => i));
    const chunks = await parseChunks(new Response(text));
    expect(chunks.length).toBe(ids.length);
    expect(chunks.find((c) => c.type === 'data-log')).toMatchObject({
      data: { line: 'filing the issue in hello' },
    });
  });

  it('resume a running turn after the chunk a client last saw (Last-Event-ID), or from its start', async () => {
    const hold = gate();
    const model = await startScriptedModel('openai', issueScript({ beforeAnswer: () => hold.promise }));
    closers.push(() => model.close());
    const { url } = await serve(model);
    const response = await fetch(`${url}/v1/sessions/resume-1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: TASK }),
    });
    // Read the raw events up to the execute's outcome, then go away.
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('"tool-output-available","toolCallId":"call_1_0"'))
      seen += (await reader.read()).value ?? '';
    await reader.cancel();
    // The event of the execute's outcome: resume right after it.
    const event = seen
      .split('\n\n')
      .find((e) => e.includes('"tool-output-available","toolCallId":"call_1_0"'))!;
    const last = /^id: (\d+:\d+)$/m.exec(event)![1];
    const [segment, seq] = last.split(':').map(Number);
    const rest = await fetch(`${url}/v1/sessions/resume-1/stream`, { headers: { 'last-event-id': last } });
    expect(rest.status).toBe(200);
    const restReader = rest.body!.pipeThrough(new TextDecoderStream()).getReader();
    let more = '';
    while (!/^id: /m.test(more)) more += (await restReader.read()).value ?? '';
    expect(/^id: (\d+:\d+)$/m.exec(more)![1]).toBe(`${segment}:${seq + 1}`);
    hold.open();
    while (!more.includes('[DONE]')) more += (await restReader.read()).value ?? '';
    // Every chunk after it, none twice, none missing, to the end of the turn.
    const restIds = [...more.matchAll(/^id: (\d+):(\d+)$/gm)].map((m) => Number(m[2]));
    expect(restIds).toEqual(restIds.map((_, i) => seq + 1 + i));
    expect(more).toContain('"type":"finish","finishReason":"stop"');
    // The turn has ended: nothing to resume.
    expect((await fetch(`${url}/v1/sessions/resume-1/stream`)).status).toBe(204);
  });

  it('answer 501 saying how to configure a model when none is, and 404 for an unknown session', async () => {
    const { url } = await serve(undefined);
    const response = await fetch(`${url}/v1/sessions/x/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'hi' }),
    });
    expect(response.status).toBe(501);
    expect(((await response.json()) as any).error.message).toContain('--llm-url');
    const model = await startScriptedModel('openai', issueScript());
    closers.push(() => model.close());
    const served = await serve(model);
    expect((await fetch(`${served.url}/v1/sessions/never/messages`)).status).toBe(404);
    const empty = await fetch(`${served.url}/v1/sessions/x/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [] }),
    });
    expect(empty.status).toBe(400);
    const doc = (await (await fetch(`${served.url}/openapi.json`)).json()) as any;
    for (const path of ['/v1/sessions/{id}/messages', '/v1/sessions/{id}/stream', '/v1/sessions/{id}/stop'])
      expect(doc.paths[path]).toBeDefined();
  });
});

describe('a turn cut off again and again', () => {
  it('is picked up a bounded number of times, then ends saying so: a failing model is not called forever', async () => {
    // Each "server" below shares the session store but not the process's live turns, as a restarted one
    // would; each is cut off while its model call hangs.
    const hang = gate();
    const model = await startScriptedModel('openai', async () => {
      await hang.promise;
      return { text: 'too late' };
    });
    closers.push(async () => {
      hang.open();
      await model.close();
    });
    const sessions = memorySessions();
    const make = () =>
      createDuet({
        apis: [],
        sandbox,
        sessions,
        model: { url: model.url, model: 'scripted-1', timeoutMs: 600_000 },
      });
    const first = make();
    const sent = await first.agent!.send('bound-1', { text: 'hello' });
    expect(sent.ok).toBe(true);
    while (model.requests.length < 1) await new Promise((r) => setTimeout(r, 10));
    for (let restart = 1; restart <= 3; restart++) {
      await make().agent!.resume('bound-1');
      while (model.requests.length < restart + 1) await new Promise((r) => setTimeout(r, 10));
    }
    const last = make();
    await last.agent!.resume('bound-1');
    const turn = await last.agent!.settled('bound-1');
    expect(turn).toMatchObject({ status: 'failed', error: expect.stringContaining('cut off 3 times') });
    expect(model.requests).toHaveLength(4);
    // The failure is part of the conversation a client reads.
    const history = await last.agent!.messages('bound-1');
    expect(history!.turn!.status).toBe('failed');
  });
});

describe('a write that needs approval', () => {
  const policy = {
    apis: { github: { requireApproval: [{ id: 'filing-needs-approval', operation: 'issuesCreate' }] } },
  };

  async function pause(url: string, session: string) {
    const { chunks, message } = await readAll(await send(chatTransport(url, session), session, TASK));
    const approval = chunks.find((c) => c.type === 'data-approval') as any;
    return { chunks, message: message!, approval };
  }

  it('pauses the turn with the plan; an approval from another client resumes it and the model hears the outcome', async () => {
    const model = await startScriptedModel('openai', issueScript());
    closers.push(() => model.close());
    const { url } = await serve(model, { policy });
    const before = posts('hello');
    const { chunks, message, approval } = await pause(url, 'approve-1');
    expect(approval.data).toMatchObject({
      status: 'pending',
      calls: [{ api: 'github', name: 'issuesCreate', method: 'POST' }],
    });
    expect(chunks.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'other',
      messageMetadata: { status: 'awaiting-approval' },
    });
    expect(posts('hello')).toBe(before);
    expect(model.requests).toHaveLength(2);
    expect((await fetch(`${url}/v1/sessions/approve-1/stream`)).status).toBe(204);
    const waiting = (await (await fetch(`${url}/v1/sessions/approve-1/messages`)).json()) as any;
    expect(waiting.turn.status).toBe('awaiting-approval');
    expect(waiting.messages[1].parts.find((p: any) => p.type === 'data-approval').data.status).toBe(
      'pending',
    );

    const approved = await fetch(`${url}/v1/sessions/approve-1/approvals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plan: approval.data.plan }),
    });
    expect(((await approved.json()) as any).ok).toBe(true);
    expect(posts('hello')).toBe(before + 1);
    // The approval route itself picks the turn up: the model is asked again without any other request.
    while (model.requests.length < 3) await new Promise((r) => setTimeout(r, 20));
    // The turn goes on in the background; a client picks up its stream and continues the same message.
    const transport = chatTransport(url, 'approve-1');
    let rest: { chunks: UIMessageChunk[]; message: UIMessage | undefined } | undefined;
    while (!rest) {
      const stream = await transport.reconnectToStream({ chatId: 'approve-1' });
      if (stream) rest = await readAll(stream);
      else {
        const now = (await (await fetch(`${url}/v1/sessions/approve-1/messages`)).json()) as any;
        if (now.turn.status === 'done') break;
      }
    }
    const final = (await (await fetch(`${url}/v1/sessions/approve-1/messages`)).json()) as any;
    expect(final.turn.status).toBe('done');
    const parts = final.messages[1].parts;
    expect(parts.find((p: any) => p.type === 'data-approval').data.status).toBe('approved');
    expect(parts.find((p: any) => p.type === 'tool-execute')).toMatchObject({
      state: 'output-available',
      output: { ok: true, plan: { status: 'applied' } },
    });
    expect(parts.at(-1).text).toMatch(/^Created issue #\d+\.$/);
    expect(posts('hello')).toBe(before + 1);
    expect(message.parts.some((p: any) => p.type === 'data-approval')).toBe(true);
  });

  it('tells the model when the plan is rejected, and nothing is sent', async () => {
    const model = await startScriptedModel('anthropic', issueScript());
    closers.push(() => model.close());
    const { url, duet } = await serve(model, { policy });
    const before = posts('hello');
    const { approval } = await pause(url, 'reject-1');
    const rejected = await fetch(`${url}/v1/sessions/reject-1/rejections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plan: approval.data.plan }),
    });
    expect(rejected.status).toBe(200);
    // The rejection route itself picks the turn up: the model is asked again without any other request.
    while (model.requests.length < 3) await new Promise((r) => setTimeout(r, 20));
    await duet.agent!.settled('reject-1');
    const final = (await (await fetch(`${url}/v1/sessions/reject-1/messages`)).json()) as any;
    expect(final.turn.status).toBe('done');
    const execute = final.messages[1].parts.find((p: any) => p.type === 'tool-execute');
    expect(execute).toMatchObject({ state: 'output-error', errorText: expect.stringContaining('rejected') });
    expect(model.requests.at(-1)!.messages.at(-1)).toMatchObject({ role: 'tool', isError: true });
    expect(posts('hello')).toBe(before);
  });
});

describe('model errors say what to fix', () => {
  const consume = async (provider: Provider, url: string, extra: Record<string, unknown> = {}) => {
    const client = createModel({ provider, url, model: 'tiny-1', retryBaseMs: 1, maxAttempts: 2, ...extra });
    for await (const _ of client.stream({
      system: 's',
      messages: [{ role: 'user', text: 'hi' }],
      tools: [],
    })) {
    }
  };
  const failing = async (
    provider: Provider,
    status: number,
    body: string,
    headers?: Record<string, string>,
  ) => {
    const model = await startScriptedModel(provider, () => ({ status, body, headers }));
    closers.push(() => model.close());
    return model;
  };

  it.each<Provider>(['openai', 'anthropic'])(
    '%s: a bad key, an unknown model, a model without tools',
    async (provider) => {
      const key = await failing(provider, 401, '{"error":{"message":"invalid api key"}}');
      await expect(consume(provider, key.url)).rejects.toThrow(/refused the key \(401.*set DUET_LLM_KEY/);
      const missing = await failing(
        provider,
        404,
        '{"error":{"message":"model \\"tiny-1\\" not found, try pulling it first"}}',
      );
      await expect(consume(provider, missing.url)).rejects.toThrow(`unknown model tiny-1 at ${missing.url}`);
      const tools = await failing(
        provider,
        400,
        '{"error":{"message":"registry.ollama.ai/library/tiny-1 does not support tools"}}',
      );
      await expect(consume(provider, tools.url)).rejects.toThrow('model tiny-1 does not support tools');
      expect(key.requests).toHaveLength(1);
    },
  );

  it('a server that is not there', async () => {
    const model = await startScriptedModel('openai', () => ({ text: 'x' }));
    const url = model.url;
    await model.close();
    const error = await consume('openai', url).catch((e) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toMatch(
      new RegExp(`^cannot reach ${url}/chat/completions .*is the model server running`),
    );
  });

  it('retries a 429 after Retry-After and a 503, then gives up saying so', async () => {
    let calls = 0;
    const flaky = await startScriptedModel('openai', () =>
      ++calls === 1 ? { status: 429, body: 'slow down', headers: { 'retry-after': '0' } } : { text: 'fine' },
    );
    closers.push(() => flaky.close());
    await consume('openai', flaky.url);
    expect(flaky.requests).toHaveLength(2);
    const down = await failing('anthropic', 503, 'overloaded');
    await expect(consume('anthropic', down.url, { maxAttempts: 3 })).rejects.toThrow(
      /failed \(503: overloaded\)/,
    );
    expect(down.requests).toHaveLength(3);
    const patient = await failing('openai', 429, 'later', { 'retry-after': '3600' });
    await expect(consume('openai', patient.url)).rejects.toThrow(
      /retry after 3600 s, longer than duet waits/,
    );
    expect(patient.requests).toHaveLength(1);
  });

  it('a failing model ends the turn with an error chunk, not a hang', async () => {
    const model = await failing('openai', 401, 'no');
    const { url } = await serve(model);
    const chunks = await parseChunks(
      await fetch(`${url}/v1/sessions/fail-1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: TASK }),
      }),
    );
    const error = chunks.find((c) => c.type === 'error') as any;
    expect(error.errorText).toContain('set DUET_LLM_KEY');
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'error' });
  });
});
