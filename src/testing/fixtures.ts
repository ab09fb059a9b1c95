/** Actor classes the cases drive. */
import { Actor } from '../actor/actor.ts';

/** Read-modify-write with awaits in between: interleaved turns would lose increments. */
export class Counter extends Actor {
  cached: number | undefined;

  override async onLoad(): Promise<void> {
    await this.storage.put('loads', ((await this.storage.get<number>('loads')) ?? 0) + 1);
  }

  async increment(by = 1): Promise<number> {
    const n = (await this.storage.get<number>('n')) ?? 0;
    await Promise.resolve();
    await this.storage.put('n', n + by);
    this.cached = n + by;
    return n + by;
  }

  async read(): Promise<{ n: number | undefined; cached: number | undefined; loads: number | undefined }> {
    return {
      n: await this.storage.get<number>('n'),
      cached: this.cached,
      loads: await this.storage.get<number>('loads'),
    };
  }
}

/** Records enter/exit of overlapping calls; waits on gates other actors open. */
export class Gate extends Actor {
  static events: string[] = [];
  static gates: Map<string, { promise: Promise<void>; open(): void }> = new Map();

  static gate(name: string): { promise: Promise<void>; open(): void } {
    let entry = Gate.gates.get(name);
    if (!entry) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => {
        open = resolve;
      });
      entry = { promise, open };
      Gate.gates.set(name, entry);
    }
    return entry;
  }

  async step(tag: string): Promise<void> {
    Gate.events.push(`enter ${tag}`);
    await this.storage.put(tag, tag);
    await Promise.resolve();
    Gate.events.push(`exit ${tag}`);
  }

  async wait(gate: string): Promise<string> {
    await Gate.gate(gate).promise;
    return `${this.name} passed ${gate}`;
  }

  async open(gate: string): Promise<void> {
    Gate.gate(gate).open();
  }
}

/** Alarm handlers that log to storage; `flaky` fails its first `failures` runs. */
export class Pinger extends Actor {
  async ping(tag: string): Promise<void> {
    const log = (await this.storage.get<string[]>('log')) ?? [];
    await this.storage.put('log', [...log, tag]);
  }

  async flaky(tag: string, failures: number): Promise<void> {
    const runs = ((await this.storage.get<number>(`runs:${tag}`)) ?? 0) + 1;
    await this.storage.put(`runs:${tag}`, runs);
    if (runs <= failures) throw new Error(`flaky ${tag} fails run ${runs} on purpose`);
    await this.ping(tag);
  }

  async log(): Promise<string[]> {
    return (await this.storage.get<string[]>('log')) ?? [];
  }

  async plan(delays: Record<string, number>): Promise<string[]> {
    const ids: string[] = [];
    for (const [tag, delay] of Object.entries(delays))
      ids.push(await this.schedule.after(delay, 'ping', tag));
    return ids;
  }
}

/** The SIGKILL writer's actor: each write is a key plus a `last` pointer, in one transaction. */
export class AckWriter extends Actor {
  async write(i: number, bytes: number): Promise<void> {
    await this.storage.transaction(async (tx) => {
      await tx.put(`k${String(i).padStart(8, '0')}`, { i, data: new Uint8Array(bytes).fill(i % 251) });
      await tx.put('last', i);
    });
  }
}

/** No methods: cases reach its storage through `namespace.run`. */
export class Box extends Actor {}
