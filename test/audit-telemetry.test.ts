/** Observability: OpenTelemetry spans through @opentelemetry/api (a recording provider stands in for an SDK), JSON logs. */
import { type Span, trace } from '@opentelemetry/api';
import { afterAll, expect, it } from 'vitest';
import { jsonLogger, type LogRecord } from '../src/audit/telemetry.ts';
import { createDuet } from '../src/duet.ts';
import type { TypeChecker } from '../src/execute/types.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';

interface Recorded {
  name: string;
  kind?: number;
  attributes: Record<string, unknown>;
  ended: boolean;
  error?: string;
}

const spans: Recorded[] = [];

function recordingSpan(record: Recorded): Span {
  const span = {
    spanContext: () => ({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    }),
    setAttribute: (key: string, value: unknown) => {
      record.attributes[key] = value;
      return span;
    },
    setAttributes: (attributes: Record<string, unknown>) => {
      Object.assign(record.attributes, attributes);
      return span;
    },
    addEvent: () => span,
    addLink: () => span,
    addLinks: () => span,
    setStatus: (status: { code: number; message?: string }) => {
      if (status.code === 2) record.error = status.message;
      return span;
    },
    updateName: () => span,
    end: () => {
      record.ended = true;
    },
    isRecording: () => true,
    recordException: () => {},
  };
  return span as unknown as Span;
}

trace.setGlobalTracerProvider({
  getTracer: () => ({
    startSpan: (name: string, options: { attributes?: Record<string, unknown>; kind?: number } = {}) => {
      const record: Recorded = {
        name,
        kind: options.kind,
        attributes: { ...options.attributes },
        ended: false,
      };
      spans.push(record);
      return recordingSpan(record);
    },
    startActiveSpan(name: string, options: any, fn: (span: Span) => unknown) {
      return fn(this.startSpan(name, options));
    },
  }),
} as never);

const sandbox = createQuickJSSandbox();
afterAll(() => {
  trace.disable();
  return sandbox.close();
});

it('makes spans for search, type-check, execute and each upstream call', async () => {
  const checker: TypeChecker = { check: () => [] };
  const logs: LogRecord[] = [];
  const duet = createDuet({ sandbox, typeChecker: checker, log: (record) => logs.push(record) });
  duet.index.search('add a task', { limit: 2 });
  const response = await duet.executor.execute(
    {
      code: `await demo.createTask({ body: { title: 'traced' } }); return (await demo.listTasks({})).length;`,
      session: 's',
    },
    { tenant: '' },
  );
  expect(response.ok).toBe(true);
  expect(spans.map((s) => s.name)).toEqual([
    'duet.search',
    'duet.execute',
    'duet.typecheck',
    'duet.call',
    'duet.call',
  ]);
  expect(spans.every((s) => s.ended)).toBe(true);
  const [search, execute, , create, list] = spans;
  expect(search.attributes).toMatchObject({ 'duet.results': 2 });
  expect(execute.attributes).toMatchObject({
    'duet.session': 's',
    'duet.mode': 'run',
    'duet.ok': true,
    'duet.calls': 2,
  });
  expect(create.attributes).toMatchObject({
    'duet.api': 'demo',
    'duet.operation': 'createTask',
    'http.request.method': 'POST',
    'url.template': '/tasks',
    'http.response.status_code': 201,
  });
  expect(create.kind).toBe(2); // SpanKind.CLIENT
  expect(list.attributes['http.response.status_code']).toBe(200);
  expect(logs).toEqual([
    expect.objectContaining({ level: 'info', msg: 'execute', tenant: '', session: 's', ok: true, calls: 2 }),
  ]);
});

it('marks a failed call span and writes JSON log lines', async () => {
  spans.length = 0;
  const duet = createDuet({ sandbox });
  await duet.executor.execute({ code: `return demo.getTask({ id: 'missing' })` });
  const call = spans.find((s) => s.name === 'duet.call')!;
  expect(call.attributes['http.response.status_code']).toBe(404);
  expect(call.error).toContain('404');
  const lines: string[] = [];
  jsonLogger((line) => lines.push(line))({ level: 'warn', msg: 'execute', ok: false });
  expect(JSON.parse(lines[0])).toEqual({
    time: expect.any(String),
    level: 'warn',
    msg: 'execute',
    ok: false,
  });
});
