/**
 * OpenTelemetry spans through `@opentelemetry/api` only: without an SDK registered by the application they
 * cost next to nothing. Also the structured JSON log lines servers print.
 */
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('duet');

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

function clean(attributes: SpanAttributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

/** Runs `fn` in an active span that ends with it; a throw marks the span as an error. */
export function inSpan<T>(
  name: string,
  attributes: SpanAttributes,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes: clean(attributes), kind }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The synchronous twin of `inSpan` (search). */
export function inSpanSync<T>(name: string, attributes: SpanAttributes, fn: (span: Span) => T): T {
  return tracer().startActiveSpan(name, { attributes: clean(attributes) }, (span) => {
    try {
      return fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

export function setAttributes(span: Span, attributes: SpanAttributes): void {
  span.setAttributes(clean(attributes));
}

/** Adds the active trace context (`traceparent`, ...) to an upstream request's headers, where a propagator is set. */
export function injectTraceContext(headers: Headers): void {
  propagation.inject(context.active(), headers, {
    set: (carrier, key, value) => {
      if (!carrier.has(key)) carrier.set(key, value);
    },
  });
}

export { SpanKind, SpanStatusCode };

/** One structured log record; servers print them as JSON lines. */
export type LogRecord = { level: 'debug' | 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;
export type Logger = (record: LogRecord) => void;

/** A logger printing one JSON object per line (with `time`), to standard error by default. */
export function jsonLogger(write: (line: string) => void = (line) => console.error(line)): Logger {
  return (record) => {
    const span = trace.getActiveSpan()?.spanContext();
    const traced =
      span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
    write(JSON.stringify({ time: new Date().toISOString(), ...record, ...traced }));
  };
}

export const silentLogger: Logger = () => {};
