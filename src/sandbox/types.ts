/** The Sandbox interface: run untrusted JavaScript with explicit bindings and hard limits. */

export interface SandboxLimits {
  /** Wall-clock budget for the whole run, host calls included. */
  timeoutMs: number;
  /**
   * Memory cap for the guest heap. The hard cap is the WASM memory of the sandbox's QuickJS module, sized
   * when the sandbox is created (its `memoryBytes` option); a smaller value here only reaches QuickJS's
   * own allocation limit, which does not bound everything a guest retains.
   */
  memoryBytes: number;
  /** Guest stack cap (at most 4 MiB: the QuickJS module's own C stack is 5 MiB). */
  stackBytes: number;
  /** Cap on the JSON-serialised result, in UTF-8 bytes. */
  maxResultBytes: number;
  maxLogLines: number;
  maxLogBytes: number;
  /** Cap on host calls (API, state, fetch) per run. */
  maxCalls: number;
  /** Cap on host calls awaiting an answer at the same time (a `Promise.all` of many calls counts each). */
  maxConcurrentCalls: number;
}

export const defaultLimits: SandboxLimits = {
  timeoutMs: 10_000,
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 512 * 1024,
  maxResultBytes: 1024 * 1024,
  maxLogLines: 1_000,
  maxLogBytes: 256 * 1024,
  maxCalls: 200,
  maxConcurrentCalls: 32,
};

/** What the guest sees: one global object per API with these method names, plus `state` and `console`. */
export interface SandboxBindings {
  /** API global name -> method names. Treated as immutable: sandboxes cache what they derive from it by identity. */
  apis: Record<string, string[]>;
  /** Install the `state` global (the session's key-value store). */
  state: boolean;
  /** Install a `fetch` global that goes through the host's egress check. */
  fetch: boolean;
}

export interface RunRequest {
  /** Plain JavaScript (types already stripped): the body of an async function. */
  code: string;
  bindings: SandboxBindings;
  limits: SandboxLimits;
}

/** A call from the guest to the host. Arguments and results are JSON values. */
export type HostCall =
  | { kind: 'api'; api: string; method: string; args: unknown }
  | { kind: 'state'; op: 'get' | 'put' | 'delete' | 'list'; args: unknown[] }
  | { kind: 'fetch'; url: string; init: unknown };

/** What the host answers to a `fetch` call; the guest wraps it in a minimal Response-like object. */
export interface HostFetchResponse {
  status: number;
  statusText?: string;
  /** Header names in any case (the guest's `headers.get` is case-insensitive). */
  headers: Record<string, string> | [string, string][];
  body: string;
  /** The final URL (after redirects). */
  url?: string;
}

/** Rejection a host call hands back to the guest; becomes an Error with these fields in the guest. */
export interface HostCallError {
  message: string;
  status?: number;
  body?: unknown;
  /** When set, the whole run ends with this error kind (e.g. `egress`, `limit`) even if the guest catches it. */
  fatal?: SandboxErrorKind;
}

export type HostFunction = (call: HostCall) => Promise<unknown>;

/**
 * `timeout`, `memory` and `limit` mean a limit ended the run (its message names the limit and its value);
 * `runtime` is the guest's own error.
 */
export type SandboxErrorKind = 'timeout' | 'memory' | 'runtime' | 'limit' | 'egress' | 'policy';

/**
 * `result` is the guest's return value copied as JSON (serialised inside the guest): `undefined` when the
 * value has no JSON form (undefined, a function, a symbol), as with `JSON.stringify`.
 */
export type RunResult =
  | { ok: true; result: unknown; logs: string[]; durationMs: number }
  | { ok: false; error: { kind: SandboxErrorKind; message: string }; logs: string[]; durationMs: number };

/** What a caller may follow or do while a run is in progress; a sandbox that cannot ignores them. */
export interface RunHooks {
  /** Each console line as the guest writes it (still returned in `logs` at the end). */
  onLog?(line: string): void;
  /** Ends the run early (kind `runtime`, "stopped"): at the guest's next poll, or by ending its worker. */
  signal?: AbortSignal;
}

export interface Sandbox {
  /** Runs one snippet in a fresh context. Never throws for guest faults: they come back as `ok: false`. */
  run(request: RunRequest, host: HostFunction, hooks?: RunHooks): Promise<RunResult>;
  /**
   * True when runs compute on other threads or processes (a pool), so the caller's event loop keeps turning
   * while one computes and a stop reaches it at once. Only then may a run start beside its type-check.
   */
  readonly offThread?: boolean;
  close(): Promise<void>;
}
