/** Per-run bookkeeping behind the guest's native functions: host calls in flight, logs, and why to stop. */
import type {
  QuickJSContext,
  QuickJSDeferredPromise,
  QuickJSHandle,
  VmCallResult,
} from 'quickjs-emscripten-core';
import type { ApiIndex } from './api-index.ts';
import {
  callLimitFailure,
  concurrentCallFailure,
  type Failure,
  logBytesFailure,
  logLinesFailure,
} from './failure-messages.ts';
import type { HostReply } from './host-reply.ts';
import { LogBuffer } from './log-buffer.ts';
import { unknownOperationMessage } from './operation-suggestion.ts';
import type { SandboxLimits } from './types.ts';

/** Sends one guest call (JSON text) to whoever answers host calls: a HostFunction, or a worker's parent. */
export type RawHost = (callJson: string) => Promise<HostReply>;

export class RunSession {
  /** Set once the run must end whatever the guest does; the interrupt handler then stops the guest. */
  stop: Failure | undefined;
  /** A host-side exception while feeding the guest: the module can no longer be trusted. */
  fault: { error: unknown } | undefined;
  ended = false;
  readonly logs: LogBuffer;
  private calls = 0;
  private readonly pending = new Set<QuickJSDeferredPromise>();
  private wake: (() => void) | undefined;

  constructor(
    private readonly context: QuickJSContext,
    private readonly limits: SandboxLimits,
    private readonly host: RawHost,
    private readonly apis: ApiIndex,
    onLog?: (line: string) => void,
  ) {
    this.logs = new LogBuffer(limits.maxLogLines, limits.maxLogBytes, onLog);
  }

  /** Ends the run from outside: the guest stops at its next poll, or now if it waits for a host call. */
  halt(failure: Failure): void {
    if (this.ended) return;
    this.stop ??= failure;
    this.wake?.();
  }

  get callsInFlight(): number {
    return this.pending.size;
  }

  /** The guest's `call(requestJson)`: returns a guest promise settled when the host answers. */
  onCall(request: QuickJSHandle): QuickJSHandle | VmCallResult<QuickJSHandle> {
    const { context } = this;
    const over =
      this.calls >= this.limits.maxCalls
        ? callLimitFailure(this.limits)
        : this.pending.size >= this.limits.maxConcurrentCalls
          ? concurrentCallFailure(this.limits)
          : undefined;
    if (over) {
      this.stop ??= over;
      return { error: context.newError(over.message) };
    }
    this.calls++;
    const json = context.getString(request);
    const deferred = context.newPromise();
    this.pending.add(deferred);
    this.host(json).then(
      (reply) => this.settle(deferred, reply),
      (error) => this.settle(deferred, { ok: false, errorJson: JSON.stringify({ message: String(error) }) }),
    );
    // The native-function wrapper disposes this handle after handing the guest its own reference.
    return deferred.handle;
  }

  /**
   * The guest's `log(level, text)`. Past a log budget the run ends (the interrupt handler stops the guest
   * at its next poll); false meanwhile tells the guest to stop formatting output nobody keeps.
   */
  onLog(level: QuickJSHandle, text: QuickJSHandle): QuickJSHandle {
    const kept = this.logs.push(this.context.getNumber(level), this.context.getString(text));
    if (kept) return this.context.true;
    this.stop ??=
      this.logs.exceeded === 'lines' ? logLinesFailure(this.limits) : logBytesFailure(this.limits);
    return this.context.false;
  }

  /**
   * The guest's `lookup(api, name)`: whether the method exists; without a name, all of them as JSON; with
   * `words` (JSON), the error message for calling `api.words...`, which is no method.
   */
  onLookup(api: QuickJSHandle, name: QuickJSHandle | undefined, words?: QuickJSHandle): QuickJSHandle {
    const { context } = this;
    const methods = this.apis.get(context.getString(api));
    if (words !== undefined && context.typeof(words) === 'string') {
      const said = JSON.parse(context.getString(words)) as string[];
      return context.newString(unknownOperationMessage(context.getString(api), [...(methods ?? [])], said));
    }
    // Arguments the guest left out arrive as no handle at all.
    if (name === undefined || context.typeof(name) !== 'string')
      return context.newString(JSON.stringify(methods ? [...methods] : []));
    return methods?.has(context.getString(name)) ? context.true : context.false;
  }

  /** Resolves at the next host answer, so the driver can run the guest's continuation. */
  nextSettlement(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Drops the guest promises of calls still in flight; their late answers are ignored. */
  end(): void {
    this.ended = true;
    for (const deferred of this.pending) deferred.dispose();
    this.pending.clear();
    this.wake = undefined;
  }

  private settle(deferred: QuickJSDeferredPromise, reply: HostReply): void {
    if (this.ended) return;
    this.pending.delete(deferred);
    try {
      if (!reply.ok && reply.fatal) this.stop ??= reply.fatal;
      else if (reply.ok) this.resolveWith(deferred.resolve, reply.json);
      else this.resolveWith(deferred.reject, reply.errorJson);
    } catch (error) {
      this.fault ??= { error };
    } finally {
      deferred.dispose();
    }
    this.wake?.();
  }

  private resolveWith(settle: (value?: QuickJSHandle) => void, text: string | undefined): void {
    if (text === undefined) {
      settle();
      return;
    }
    const handle = this.context.newString(text);
    try {
      settle(handle);
    } finally {
      handle.dispose();
    }
  }
}
