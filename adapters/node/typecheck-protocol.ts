/** Messages between the Node type-checker (typecheck-thread.ts) and its worker thread. */
import type { Api, JsonSchema, Operation } from '../../src/catalog/types.ts';
import type { Diagnostic } from '../../src/execute/types.ts';

/** The checker's options that cross to the thread (the lib files are read there). */
export interface CheckerInit {
  fetch?: boolean;
  cacheSize?: number;
  cacheChars?: number;
  /** Checks of recent snippets the thread makes while idle after its first, to optimise the compiler (default 400). */
  warmChecks?: number;
}

/** An API as it crosses to the thread: data only (an in-process API's `invoke` stays here). */
export type ApiData = Omit<Api, 'invoke'>;

export type ToChecker =
  /**
   * The catalog's APIs, whenever they change, in parts (catalog-parts.ts): the first part of an API has
   * its `head`; at `apis-end` the thread checks against the APIs from then on.
   */
  | {
      type: 'apis-part';
      index: number;
      head?: Omit<ApiData, 'operations' | 'schemas'>;
      operations: Operation[];
      schemas: [string, JsonSchema][];
    }
  | { type: 'apis-end'; count: number }
  | { type: 'check'; id: number; code: string; fetch: boolean }
  /** What the thread's checker has done (for tests and the bench). */
  | { type: 'stats'; id: number };

export type FromChecker =
  /** The compiler is loaded and the lib files parsed: checks are answered from now on. */
  | { type: 'ready' }
  | { type: 'checked'; id: number; diagnostics: Diagnostic[] }
  /** The checker threw: the snippet runs with the syntax check alone. */
  | { type: 'failed'; id: number; message: string }
  /** Checks made (asked for and made to warm up) and programs built for them. */
  | { type: 'stats'; id: number; checks: number; programs: number };
