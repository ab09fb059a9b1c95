/** One conformance "place": a SQLite-backed Durable Object whose storage the suite reaches through the DO driver, over RPC. */
import { DurableObject } from 'cloudflare:workers';
import { durableObjectDriver } from '../../../adapters/cloudflare/do-driver.ts';
import type { DurableObjectState } from '../../../adapters/cloudflare/workers-types.ts';
import type { KeyRange, StorageDriver, WriteEntry } from '../../../src/actor/driver.ts';

/**
 * The driver runs here, inside the object, on its `ctx.storage`, exactly as in the duet Worker's
 * session objects; the suite's actor system calls it from the Worker's request.
 */
export class Place extends DurableObject {
  readonly #driver: StorageDriver;
  readonly #state: DurableObjectState;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx as never, env as never);
    this.#state = ctx;
    this.#driver = durableObjectDriver(ctx.storage);
  }

  get(keys: string[]): Promise<(Uint8Array | undefined)[]> {
    return this.#driver.get(keys);
  }

  list(range: KeyRange): Promise<[string, Uint8Array][]> {
    return this.#driver.list(range);
  }

  write(entries: WriteEntry[]): Promise<void> {
    return this.#driver.write(entries);
  }

  setAlarm(at: number | null): Promise<void> {
    return this.#driver.setAlarm!(at);
  }

  alarmAt(): Promise<number | null> {
    return this.#state.storage.getAlarm();
  }

  /** A restart: the object is thrown away and the next call builds a new one from storage. */
  restart(): void {
    (this.#state as unknown as { abort(reason?: string): void }).abort('restart');
  }

  /** The wake-up: in the duet Worker it runs the actor system's due schedules; here the suite drives them. */
  async alarm(): Promise<void> {}
}
