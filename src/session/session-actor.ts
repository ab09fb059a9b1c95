/** A session as an actor: its storage holds the guest's `state` and the host's records; `wake` is its one method. */
import { Actor } from '../actor/actor.ts';
import type { WakeHandler } from '../execute/state.ts';

/**
 * The host's records (audit trail, plans, the agent's conversation) share the session actor's storage
 * under this prefix. Guest keys may not start with U+0000, so `state` can neither see nor touch them.
 */
export const RECORDS_PREFIX = '\u0000duet/';

/** Where the session store puts its wake handler in the actor system's `services`. */
export const SESSION_WAKE = 'duet.session.wake';

/** The pending wake: its schedule and delay (set again by each wake until cancelled). */
export const WAKE_RECORD: string = `${RECORDS_PREFIX}session/wake`;

export interface WakeRecord {
  id: string;
  delayMs: number;
}

/** A session: the executor runs snippets in its turns; a scheduled `wake` calls the store's wake handler. */
export class SessionActor extends Actor {
  /**
   * Sets the next wake, then calls the handler after this turn (the handler opens turns of its own: calling
   * it inside this one would wait for itself). No handler (a server without one, or one starting up): the
   * schedule fails and is retried with backoff, so a handler registered a moment later still runs.
   */
  async wake(): Promise<void> {
    const pending = (await this.storage.get(WAKE_RECORD)) as WakeRecord | undefined;
    if (!pending) return;
    const handler = this.ctx.services[SESSION_WAKE] as WakeHandler | undefined;
    if (!handler) {
      throw new Error(
        `duet session ${this.name}: a wake came due but this server registered no wake handler (no agent configured); it is retried`,
      );
    }
    const id = await this.schedule.after(pending.delayMs, 'wake');
    await this.storage.put(WAKE_RECORD, { id, delayMs: pending.delayMs } satisfies WakeRecord);
    const scope = { tenant: this.ctx.address.tenant };
    void Promise.resolve().then(() => handler(this.name, scope));
  }
}
