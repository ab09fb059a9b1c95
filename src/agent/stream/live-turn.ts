/**
 * A turn running in this process: its chunks (the kept ones and those of the step in progress) and the
 * clients reading them. Readers pull: a response stream waits on a plain promise the loop resolves, so no
 * I/O object crosses from the loop's request to a reader's (workerd forbids that between requests).
 */
import { SSE_DONE, sseFrame, type UIChunk } from './chunks.ts';

export class LiveTurn {
  readonly turnId: string;
  readonly segment: number;
  /** Every chunk of the turn so far; a chunk's index is its sequence number. */
  readonly chunks: UIChunk[];
  /** The first chunk of this segment: a reader of an earlier segment resumes no later than here. */
  readonly resumedAt: number;
  /** Chunks below this are kept in the session. */
  kept: number;
  readonly abort: AbortController = new AbortController();
  #ended = false;
  #wake: (() => void) | undefined;
  #changed: Promise<void>;
  /** Resolves when the loop has stopped running this segment. */
  settled: Promise<void> = Promise.resolve();

  constructor(turnId: string, segment: number, kept: UIChunk[]) {
    this.turnId = turnId;
    this.segment = segment;
    this.chunks = [...kept];
    this.kept = kept.length;
    this.resumedAt = kept.length;
    this.#changed = new Promise((resolve) => (this.#wake = resolve));
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(...chunks: UIChunk[]): void {
    this.chunks.push(...chunks);
    this.#notify();
  }

  /** No more chunks in this segment (the turn finished, paused or stopped). */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** The chunks not kept yet, marked kept (the caller commits them). */
  takeUnkept(): { from: number; chunks: UIChunk[] } {
    const from = this.kept;
    const chunks = this.chunks.slice(from);
    this.kept = this.chunks.length;
    return { from, chunks };
  }

  #notify(): void {
    const wake = this.#wake;
    this.#changed = new Promise((resolve) => (this.#wake = resolve));
    wake?.();
  }

  /**
   * The SSE body for a reader from chunk `from` on: each chunk with id `SEGMENT:SEQ`, then `[DONE]` once
   * the segment ends. A reader that goes away leaves the turn running.
   */
  readable(from: number): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    let next = Math.max(0, from);
    let cancelled = false;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        for (;;) {
          if (cancelled) return;
          if (next < this.chunks.length) {
            let text = '';
            for (; next < this.chunks.length; next++)
              text += sseFrame(this.chunks[next], `${this.segment}:${next}`);
            controller.enqueue(encoder.encode(text));
            return;
          }
          if (this.#ended) {
            controller.enqueue(encoder.encode(SSE_DONE));
            controller.close();
            return;
          }
          await this.#changed;
        }
      },
      cancel: () => {
        cancelled = true;
      },
    });
  }

  /** Where a reader that last saw event id `lastEventId` (`SEGMENT:SEQ`) picks up; from the start without one. */
  resumeFrom(lastEventId: string | undefined): number {
    const match = /^(\d+):(\d+)$/.exec(lastEventId?.trim() ?? '');
    if (!match) return 0;
    const [segment, seq] = [Number(match[1]), Number(match[2])];
    // Chunks an earlier segment streamed past `resumedAt` were lost with it; this segment made them again.
    return segment === this.segment ? seq + 1 : Math.min(seq + 1, this.resumedAt);
  }
}

/** The live turns of one process, by tenant and session. */
export class LiveTurns {
  readonly #turns = new Map<string, LiveTurn>();

  static key(tenant: string, session: string): string {
    return JSON.stringify([tenant, session]);
  }

  get(tenant: string, session: string): LiveTurn | undefined {
    return this.#turns.get(LiveTurns.key(tenant, session));
  }

  set(tenant: string, session: string, live: LiveTurn): void {
    this.#turns.set(LiveTurns.key(tenant, session), live);
  }

  delete(tenant: string, session: string, live: LiveTurn): void {
    const key = LiveTurns.key(tenant, session);
    if (this.#turns.get(key) === live) this.#turns.delete(key);
  }

  /** Resolves when every turn running now has settled (a Durable Object's alarm waits for this). */
  async idle(): Promise<void> {
    while (this.#turns.size > 0) await Promise.all([...this.#turns.values()].map((live) => live.settled));
  }
}
