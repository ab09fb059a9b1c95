/** The error kinds and messages a run can end with, worded for the agent that wrote the snippet. */
import type { SandboxErrorKind, SandboxLimits } from './types.ts';

export interface Failure {
  kind: SandboxErrorKind;
  message: string;
}

const mib = (bytes: number) => `${Number((bytes / 2 ** 20).toFixed(1))} MiB`;
const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

export const timeoutFailure = (limits: SandboxLimits): Failure => ({
  kind: 'timeout',
  message: `exceeded the ${limits.timeoutMs} ms time limit`,
});

export const memoryFailure = (limits: SandboxLimits): Failure => ({
  kind: 'memory',
  message: `exceeded the ${mib(limits.memoryBytes)} memory limit`,
});

export const callLimitFailure = (limits: SandboxLimits): Failure => ({
  kind: 'limit',
  message: `API call limit of ${limits.maxCalls} per run exceeded`,
});

export const concurrentCallFailure = (limits: SandboxLimits): Failure => ({
  kind: 'limit',
  message: `concurrent host call limit of ${limits.maxConcurrentCalls} exceeded (await some calls before starting more)`,
});

/** The caller ended the run (an agent's turn was stopped). */
export const stoppedFailure = (): Failure => ({
  kind: 'runtime',
  message: 'the run was stopped before it finished',
});

export const logLinesFailure = (limits: SandboxLimits): Failure => ({
  kind: 'limit',
  message: `log limit of ${limits.maxLogLines} lines exceeded`,
});

export const logBytesFailure = (limits: SandboxLimits): Failure => ({
  kind: 'limit',
  message: `log limit of ${limits.maxLogBytes} bytes exceeded`,
});

export const stackFailure = (stackBytes: number, detail = 'InternalError: stack overflow'): Failure => ({
  kind: 'limit',
  message: `exceeded the ${kib(stackBytes)} stack limit (${detail}: runaway recursion or too deeply nested data)`,
});

/** Classifies the description of an uncaught guest exception. */
export function guestFailure(description: string, limits: SandboxLimits, stackBytes: number): Failure {
  if (/^InternalError: out of memory\b/.test(description)) return memoryFailure(limits);
  if (/^\w*Error: stack overflow\b/.test(description)) return stackFailure(stackBytes, description);
  return { kind: 'runtime', message: description };
}

/** Classifies an exception thrown on the host side of the WASM boundary (the module is then discarded). */
export function hostFault(error: unknown, limits: SandboxLimits, stackBytes: number): Failure {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Some QuickJS paths use more native stack per guest frame than QuickJS accounts for.
  if (error instanceof RangeError && /call stack/i.test(error.message)) return stackFailure(stackBytes);
  if (/out of memory|\bOOM\b|Cannot enlarge memory|Array buffer allocation failed/i.test(text)) {
    return memoryFailure(limits);
  }
  return { kind: 'runtime', message: `sandbox fault: ${text}` };
}
