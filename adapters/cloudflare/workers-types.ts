/** The few Cloudflare Workers types this adapter uses, declared locally so the rest of the project keeps its Node types. */

export interface SqlStorageCursor<T> extends Iterable<T> {
  toArray(): T[];
  one(): T;
  raw<R extends unknown[] = unknown[]>(): IterableIterator<R>;
}

export type SqlStorageValue = ArrayBuffer | string | number | null;

export interface SqlStorage {
  exec<T = Record<string, SqlStorageValue>>(
    query: string,
    ...bindings: (string | number | null | ArrayBuffer | Uint8Array)[]
  ): SqlStorageCursor<T>;
  readonly databaseSize: number;
}

export interface DurableObjectStorage {
  readonly sql: SqlStorage;
  transactionSync<T>(fn: () => T): T;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number | Date): Promise<void>;
  deleteAlarm(): Promise<void>;
  sync(): Promise<void>;
}

export interface DurableObjectId {
  toString(): string;
  readonly name?: string;
}

export interface DurableObjectState {
  readonly id: DurableObjectId;
  readonly storage: DurableObjectStorage;
  blockConcurrencyWhile<T>(fn: () => Promise<T>): Promise<T>;
  waitUntil(promise: Promise<unknown>): void;
}

export interface DurableObjectStub {
  fetch(request: Request): Promise<Response>;
}

export interface DurableObjectNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): DurableObjectStub;
}

export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}
