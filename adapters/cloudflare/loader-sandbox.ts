/**
 * The Dynamic Worker Loader sandbox: each run in a fresh V8 isolate of its own, without network
 * (`globalOutbound: null`), its host calls answered by this Worker over RPC so credentials never enter it.
 */
import {
  callLimitFailure,
  concurrentCallFailure,
  type Failure,
  logBytesFailure,
  logLinesFailure,
  memoryFailure,
  timeoutFailure,
} from '../../src/sandbox/failure-messages.ts';
import { answerHostCall, type HostReply } from '../../src/sandbox/host-reply.ts';
import { LogBuffer } from '../../src/sandbox/log-buffer.ts';
import { checkResultJson } from '../../src/sandbox/result-limits.ts';
import type { RunResult, Sandbox, SandboxLimits } from '../../src/sandbox/types.ts';
import { toRunResult, type WireRunResult } from '../../src/sandbox/wire-result.ts';
import {
  MAX_ERROR_CHARS,
  RUNNER_MODULE,
  RUNNER_SOURCE,
  type RunnerConfig,
  type RunnerOutcome,
  SNIPPET_MODULE,
  snippetModule,
} from './loader-runner.ts';

/** The `worker_loaders` binding (`env.LOADER`), as far as duet uses it. */
export interface WorkerLoader {
  /** A fresh Worker, never cached (newer runtimes). */
  load?(code: WorkerLoaderCode): WorkerLoaderStub;
  /** A Worker cached by id; duet gives every run a new id. */
  get(id: string, getCode: () => WorkerLoaderCode | Promise<WorkerLoaderCode>): WorkerLoaderStub;
}

export interface WorkerLoaderCode {
  compatibilityDate: string;
  compatibilityFlags?: string[];
  mainModule: string;
  modules: Record<string, string>;
  /** `null`: every `fetch()` and `connect()` of the loaded Worker throws. */
  globalOutbound: null;
  env: Record<string, unknown>;
  /** Enforced by Cloudflare; local workerd ignores it. */
  limits?: { cpuMs?: number; subRequests?: number };
}

export interface WorkerLoaderStub {
  getEntrypoint(name?: string | null): RunnerStub;
}

/** A function passed over RPC becomes a stub in the loaded Worker that calls back into this one. */
type HostRpc = (requestJson: string, logs: [number, string][]) => Promise<HostReply>;

interface RunnerStub {
  run(configJson: string, host: HostRpc): Promise<RunnerOutcome>;
}

export interface LoaderSandboxOptions {
  /** The loaded Workers' compatibility date (default: the duet Worker's, from wrangler.jsonc). */
  compatibilityDate?: string;
}

export const LOADER_COMPATIBILITY_DATE = '2026-04-01';

/** The memory of a Workers isolate, which is what bounds a loaded Worker (`memoryBytes` cannot be set). */
export const ISOLATE_MEMORY_BYTES = 128 * 1024 * 1024;

/**
 * V8 and workerd word some common errors differently from QuickJS; the run's error gives QuickJS's
 * words, so an agent meets one vocabulary whichever sandbox ran its snippet.
 */
const REWORDED: [RegExp, string][] = [
  [/^ReferenceError: ([\p{L}\p{N}_$]+) is not defined/u, "ReferenceError: '$1' is not defined"],
  [
    // V8's detail lines end where the prelude's ` (line N)` begins.
    /^TypeError: Converting circular structure to JSON(?:\n\s+(?:-->|\||---)(?:(?! \(line \d+\)$)[^\n])*)*/,
    'TypeError: circular reference',
  ],
  [/^RangeError: Invalid string length/, 'RangeError: string too long'],
  [/^Error: No such module "([^"]*)"\./, "Error: could not load module '$1'"],
];

const STACK_OVERFLOW = /^RangeError: Maximum call stack size exceeded\b/;

/** Classifies the runner's description of an uncaught guest exception. */
export function describeV8Failure(description: string): Failure {
  description = description.slice(0, MAX_ERROR_CHARS);
  if (STACK_OVERFLOW.test(description)) {
    return {
      kind: 'limit',
      message: `exceeded the isolate's stack limit (${description}: runaway recursion or too deeply nested data)`,
    };
  }
  let text = description;
  for (const [pattern, words] of REWORDED) text = text.replace(pattern, words);
  return { kind: 'runtime', message: text };
}

/** Classifies a failure of the loaded Worker itself (the platform ended it, or it did not load). */
function platformFailure(error: unknown, limits: SandboxLimits): Failure {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (/exceeded (?:its )?CPU|CPU time limit/i.test(text)) return timeoutFailure(limits);
  if (/exceeded (?:its )?memory|memory limit|out of memory/i.test(text))
    return memoryFailure({ ...limits, memoryBytes: ISOLATE_MEMORY_BYTES });
  // A snippet that does not parse as a module fails the Worker's start-up.
  const syntax = /\b(SyntaxError: [^\n]*)(?:\n\s*at snippet\.js:(\d+))?/.exec(text);
  if (syntax) return { kind: 'runtime', message: syntax[1] + (syntax[2] ? ` (line ${syntax[2]})` : '') };
  return { kind: 'runtime', message: `sandbox fault: ${text}` };
}

let runs = 0;

/**
 * Every run loads a new Worker (about 5 ms), so nothing of one run reaches the next. Limits: the run's
 * deadline here and `limits.cpuMs` on Cloudflare (a loop in the loaded Worker holds its thread, and
 * only the platform can end it: local workerd enforces no CPU limit); calls, logs and the result are
 * counted by the runner inside and again here; memory is the isolate's (128 MB on Cloudflare), so
 * `memoryBytes` and `stackBytes` do not apply.
 */
export function createLoaderSandbox(loader: WorkerLoader, options: LoaderSandboxOptions = {}): Sandbox {
  const compatibilityDate = options.compatibilityDate ?? LOADER_COMPATIBILITY_DATE;
  let closed = false;

  return {
    async run(request, host): Promise<RunResult> {
      if (closed) throw new Error('sandbox is closed');
      const started = performance.now();
      const { limits, bindings } = request;
      const logs = new LogBuffer(limits.maxLogLines, limits.maxLogBytes);
      let stop: Failure | undefined;
      let ended = false;
      let calls = 0;
      let inFlight = 0;
      let halted: (failure: Failure) => void = () => {};
      const stopped = new Promise<Failure>((resolve) => {
        halted = resolve;
      });
      const halt = (failure: Failure) => {
        stop ??= failure;
        halted(stop);
      };
      const takeLogs = (lines: unknown) => {
        if (!Array.isArray(lines)) return;
        for (const line of lines as [unknown, unknown][]) {
          if (!Array.isArray(line) || typeof line[1] !== 'string') continue;
          if (!logs.push(typeof line[0] === 'number' ? line[0] : 0, line[1])) {
            halt(logs.exceeded === 'lines' ? logLinesFailure(limits) : logBytesFailure(limits));
            return;
          }
        }
      };
      const refuse = (failure: Failure): HostReply => {
        halt(failure);
        return { ok: false, errorJson: JSON.stringify({ message: failure.message }), fatal: failure };
      };

      // The loaded Worker's natives: answered only while the run lasts, counted whatever the runner says.
      const hostRpc: HostRpc = async (requestJson, lines) => {
        if (ended) return { ok: false, errorJson: JSON.stringify({ message: 'the run has ended' }) };
        takeLogs(lines);
        if (typeof requestJson !== 'string')
          return { ok: false, errorJson: JSON.stringify({ message: 'bad call' }) };
        if (calls >= limits.maxCalls) return refuse(callLimitFailure(limits));
        if (inFlight >= limits.maxConcurrentCalls) return refuse(concurrentCallFailure(limits));
        calls++;
        inFlight++;
        try {
          const reply = await answerHostCall(host, requestJson);
          if (!reply.ok && reply.fatal) halt(reply.fatal);
          return ended ? { ok: false, errorJson: JSON.stringify({ message: 'the run has ended' }) } : reply;
        } finally {
          inFlight--;
        }
      };

      const config: RunnerConfig = {
        apis: bindings.apis,
        state: bindings.state,
        fetch: bindings.fetch,
        maxResultBytes: limits.maxResultBytes,
        maxLogLines: limits.maxLogLines,
        maxLogBytes: limits.maxLogBytes,
        maxCalls: limits.maxCalls,
        maxConcurrentCalls: limits.maxConcurrentCalls,
        messages: {
          calls: callLimitFailure(limits).message,
          concurrent: concurrentCallFailure(limits).message,
          lines: logLinesFailure(limits).message,
          bytes: logBytesFailure(limits).message,
        },
      };
      const code: WorkerLoaderCode = {
        compatibilityDate,
        mainModule: RUNNER_MODULE,
        modules: { [RUNNER_MODULE]: RUNNER_SOURCE, [SNIPPET_MODULE]: snippetModule(request.code) },
        globalOutbound: null,
        env: {},
        limits: { cpuMs: Math.max(1, Math.ceil(limits.timeoutMs)) },
      };

      const timer = setTimeout(() => halt(timeoutFailure(limits)), limits.timeoutMs);
      type Settled = { outcome: RunnerOutcome } | { error: unknown } | { stop: Failure };
      let settled: Settled;
      try {
        const worker = loader.load
          ? loader.load(code)
          : loader.get(`duet-run-${++runs}-${started}`, () => code);
        const running = worker
          .getEntrypoint()
          .run(JSON.stringify(config), hostRpc)
          .then(
            (outcome): Settled => ({ outcome }),
            (error): Settled => ({ error }),
          );
        settled = await Promise.race([running, stopped.then((failure): Settled => ({ stop: failure }))]);
      } catch (error) {
        settled = { error };
      } finally {
        ended = true;
        clearTimeout(timer);
      }

      const finish = (outcome: Failure | { resultJson: string | undefined }): RunResult => {
        const durationMs = performance.now() - started;
        const wire: WireRunResult =
          'kind' in outcome
            ? { ok: false, error: outcome, logs: logs.finish(), durationMs }
            : { ok: true, resultJson: outcome.resultJson, logs: logs.finish(), durationMs };
        try {
          return toRunResult(wire);
        } catch {
          // Only a runner the snippet subverted answers with text that is not JSON.
          return {
            ok: false,
            error: { kind: 'runtime', message: 'result is not JSON' },
            logs: wire.logs,
            durationMs,
          };
        }
      };

      if ('stop' in settled) return finish(settled.stop);
      if ('error' in settled) return finish(stop ?? platformFailure(settled.error, limits));
      const outcome = plain(settled.outcome);
      takeLogs(outcome.logs);
      if (stop) return finish(stop);
      // The clock moved on while the isolate computed: a run that answered late still took too long.
      if (performance.now() - started > limits.timeoutMs) return finish(timeoutFailure(limits));
      return finish(judge(outcome, limits, logs));
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}

/**
 * The runner's answer reduced to strings and numbers: whatever else came over RPC (a stub in particular,
 * whose coercion would call back into the isolate) is dropped unread.
 */
function plain(raw: unknown): RunnerOutcome {
  const value = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const logs = Array.isArray(value.logs) ? (value.logs as [number, string][]) : [];
  switch (value.kind) {
    case 'result':
      return {
        kind: 'result',
        json: text(value.json),
        tooLong: typeof value.tooLong === 'number' ? value.tooLong : undefined,
        logs,
      };
    case 'error':
    case 'result-error':
      return { kind: value.kind, text: text(value.text) ?? 'Uncaught exception', logs };
    case 'stop': {
      const code = ['calls', 'concurrent', 'lines', 'bytes'].find((c) => c === value.code);
      return { kind: 'stop', code: (code ?? 'calls') as 'calls', logs };
    }
    case 'never':
      return { kind: 'never', logs };
    default:
      return { kind: 'error', text: 'sandbox fault: the runner answered nothing duet knows', logs };
  }
}

/** What a run that ended in the runner comes to, re-checked against the parent's own limits. */
function judge(
  outcome: RunnerOutcome,
  limits: SandboxLimits,
  logs: LogBuffer,
): Failure | { resultJson: string | undefined } {
  switch (outcome.kind) {
    case 'stop':
      if (outcome.code === 'calls') return callLimitFailure(limits);
      if (outcome.code === 'concurrent') return concurrentCallFailure(limits);
      return logs.exceeded === 'bytes' || outcome.code === 'bytes'
        ? logBytesFailure(limits)
        : logLinesFailure(limits);
    case 'never':
      return {
        kind: 'runtime',
        message: 'the snippet is awaiting a promise that can never settle (no host call is in flight)',
      };
    case 'error':
      return describeV8Failure(outcome.text);
    case 'result-error': {
      const failure = describeV8Failure(outcome.text);
      if (failure.kind !== 'runtime') return failure;
      return { kind: 'runtime', message: `result is not JSON-serialisable: ${failure.message}` };
    }
    case 'result': {
      const text = typeof outcome.json === 'string' ? outcome.json : undefined;
      return checkResultJson(text, outcome.tooLong ?? 0, limits);
    }
  }
}
