/** Ownership of actors on a store several processes share: a lease per actor, every write fenced by it. */
import type { StorageDriver } from './driver.ts';

/**
 * The optional driver capability of shared backends (PostgreSQL). The actor system takes an actor's
 * lease when it activates the actor, writes only through the lease's driver, confirms the lease before
 * each turn and gives it back when the actor leaves memory. Single-process backends leave it out.
 */
export interface ActorOwnership {
  /**
   * The lease on `actor` (its storage key prefix) for this process: a fresh one (a higher epoch than any
   * before, so earlier holders are fenced off), or the live one this process already holds. Rejects with
   * an `OwnershipError` naming the holder when another live process has it.
   */
  acquire(actor: string): Promise<ActorLease>;
  /** Other processes write schedules too: the system looks at the due index at least this often (ms). */
  readonly pollMs: number;
}

export interface ActorLease {
  /** Reads as the store; every write is refused by the store once another process took the actor over. */
  readonly driver: StorageDriver;
  /** False once the lease is known lost (a refused write, a failed renewal) or released. */
  readonly held: boolean;
  /** Resolves while the lease is held (renewing it first when close to expiry); rejects with an `OwnershipError` otherwise. */
  confirm(): Promise<void>;
  /** Gives the actor up (eviction, shutdown). */
  release(): Promise<void>;
}

/** Who holds an actor, as far as the store says. */
export interface LeaseHolder {
  /** The holder's node id. */
  node: string;
  /** Where the holder serves requests, when it registered an address. */
  url?: string;
  epoch: number;
  /** How long the lease runs without renewal, by the store's clock. */
  expiresInMs: number;
}

/** This process does not (or no longer) own the actor: another process does, or its lease lapsed. */
export class OwnershipError extends Error {
  override name = 'OwnershipError';
  /** The actor's storage key prefix. */
  readonly actor: string;
  readonly holder?: LeaseHolder;

  constructor(message: string, actor: string, holder?: LeaseHolder) {
    super(message);
    this.actor = actor;
    this.holder = holder;
  }
}

/** Also recognises the error across module copies (source and dist loaded side by side). */
export function isOwnershipError(error: unknown): error is OwnershipError {
  return (
    error instanceof OwnershipError ||
    (error instanceof Error &&
      error.name === 'OwnershipError' &&
      typeof (error as OwnershipError).actor === 'string')
  );
}
