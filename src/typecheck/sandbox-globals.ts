/** Ambient declarations of the sandbox's own globals (`state`, `console`, optional `fetch`), as the guest sees them. */

// Values in `state` are whatever earlier runs stored: `any`, so reading one back needs no cast.
const STATE = `interface DuetState {
  /** The value stored under \`key\`, or undefined. */
  get<T = any>(key: string): Promise<T | undefined>;
  /** Stores a JSON value under \`key\` for later runs of the same session. */
  put(key: string, value: unknown): Promise<void>;
  /** Removes \`key\`; true when it was there. */
  delete(key: string): Promise<boolean>;
  /** Entries in key order, as a plain object. */
  list(options?: { prefix?: string; limit?: number }): Promise<Record<string, any>>;
}
/** The session's durable key-value store. */
declare const state: DuetState;
`;

const CONSOLE = `interface DuetConsole {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
  debug(...values: unknown[]): void;
}
/** Lines go to the run's \`logs\`. */
declare const console: DuetConsole;
`;

// The guest's Response-like object: no streams, no Blob, no FormData.
const FETCH = `interface DuetHeaders {
  get(name: string): string | null;
  has(name: string): boolean;
  forEach(fn: (value: string, name: string) => void): void;
  keys(): IterableIterator<string>;
  entries(): IterableIterator<[string, string]>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}
interface DuetResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly redirected: boolean;
  readonly headers: DuetHeaders;
  text(): Promise<string>;
  json(): Promise<any>;
}
interface DuetRequestInit {
  method?: string;
  headers?: Record<string, string> | [string, string][];
  body?: string;
}
/** HTTP to the hosts this server allows; every redirect hop is checked again. */
declare function fetch(input: string | { url: string }, init?: DuetRequestInit): Promise<DuetResponse>;
`;

export const SANDBOX_GLOBALS = STATE + CONSOLE;
export const SANDBOX_GLOBALS_WITH_FETCH = STATE + CONSOLE + FETCH;
