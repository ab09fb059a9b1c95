/** Unit checks of the actor core that the conformance suite does not isolate: order, codec, typing, errors. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  Actor,
  type ActorStub,
  compareKeys,
  createActorSystem,
  decodeValue,
  encodeValue,
  manualClock,
  memoryDriver,
  prefixEnd,
} from '../../src/actor/index.ts';
import { codePointOrder } from '../../src/testing/index.ts';
import { randomKey, seeded } from '../../src/testing/random.ts';

class Greeter extends Actor {
  async greet(who: string, times = 1): Promise<string> {
    return `hi ${who}`.repeat(times);
  }
  count(): number {
    return 1;
  }
  async later(): Promise<string> {
    return this.schedule.after(10, 'greet', 'later');
  }
}

describe('key order', () => {
  it('compareKeys agrees with code point order on random strings with astral characters', () => {
    const random = seeded(42);
    for (let i = 0; i < 5000; i++) {
      const a = randomKey(random);
      const b = randomKey(random);
      expect(Math.sign(compareKeys(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(
        Math.sign(codePointOrder(a, b)),
      );
    }
  });

  it('prefixEnd bounds exactly the keys with the prefix', () => {
    const random = seeded(7);
    for (let i = 0; i < 3000; i++) {
      const prefix = Array.from(randomKey(random)).slice(0, 2).join('');
      const key = randomKey(random);
      const end = prefixEnd(prefix);
      const inRange = compareKeys(key, prefix) >= 0 && (end === undefined || compareKeys(key, end) < 0);
      expect(inRange, `${JSON.stringify(key)} in prefix ${JSON.stringify(prefix)}`).toBe(
        key.startsWith(prefix),
      );
    }
    expect(prefixEnd('a\u{10FFFF}')).toBe('b');
    expect(prefixEnd('\u{10FFFF}')).toBeUndefined();
    expect(prefixEnd('\uD7FF')).toBe('\uE000');
  });
});

describe('codec', () => {
  it('stores plain JSON as its text, so the database stays readable', () => {
    expect(new TextDecoder().decode(encodeValue({ a: [1, 'x'] }))).toBe('{"a":[1,"x"]}');
  });

  it('stores a top-level Uint8Array without base64', () => {
    expect(encodeValue(new Uint8Array(1000)).length).toBe(1001);
    expect(encodeValue({ b: new Uint8Array(1000) }).length).toBeLessThan(1100);
  });

  it('refuses records it does not know instead of guessing', () => {
    expect(() => decodeValue(new Uint8Array([0x05, 1]))).toThrow(/unknown record format 0x5/);
  });
});

describe('actor system', () => {
  it('types stubs from the class: methods only, results as promises', () => {
    const system = createActorSystem({
      driver: memoryDriver(),
      actors: { greeters: Greeter },
      clock: manualClock(),
    });
    const stub = system.namespace('greeters').get('g');
    expectTypeOf(stub).toEqualTypeOf<ActorStub<Greeter>>();
    expectTypeOf(stub.greet).toEqualTypeOf<(who: string, times?: number) => Promise<string>>();
    expectTypeOf(stub.count).toEqualTypeOf<() => Promise<number>>();
    expectTypeOf(stub).not.toHaveProperty('storage');
    expectTypeOf(stub).not.toHaveProperty('ctx');
    // @ts-expect-error: arguments are checked
    void (() => stub.greet(42));
  });

  it('stubs are not thenable, so returning one from async code does not call it', async () => {
    const system = createActorSystem({
      driver: memoryDriver(),
      actors: { greeters: Greeter },
      clock: manualClock(),
    });
    const stub = system.namespace('greeters').get('g');
    expect(await (async () => stub)()).toBe(stub);
    expect(await stub.greet('you', 2)).toBe('hi youhi you');
    expect(await stub.count()).toBe(1);
  });

  it('checks a scheduled method exists when scheduling, not when it fires', async () => {
    const system = createActorSystem({
      driver: memoryDriver(),
      actors: { greeters: Greeter },
      clock: manualClock(),
    });
    const greeters = system.namespace('greeters');
    await expect(greeters.run('g', (g) => g.schedule.after(5, 'nope' as 'greet'))).rejects.toThrow(
      /no callable method 'nope'.*count, greet, later/,
    );
    await expect(greeters.get('g').later()).resolves.toMatch(/-/);
  });

  it('keeps schedules of an unregistered namespace, retries them, then drops them with a report', async () => {
    const clock = manualClock();
    const driver = memoryDriver();
    const first = createActorSystem({ driver, actors: { greeters: Greeter }, clock });
    await first.namespace('greeters').run('g', (g) => g.schedule.after(0, 'greet', 'x'));
    await first.close();
    const errors: string[] = [];
    const second = createActorSystem({
      driver,
      actors: {},
      clock,
      retry: { maxAttempts: 2, baseMs: 10 },
      onError: (_, c) => errors.push(c),
    });
    await second.ready;
    await clock.advance(0);
    await clock.advance(10);
    expect(errors).toEqual([
      expect.stringMatching(/attempt 1: will retry/),
      expect.stringMatching(/dropped after 2 attempts/),
    ]);
    expect(await second.runDueAlarms()).toBe(0);
  });

  it('refuses calls after close and names the fix', async () => {
    const system = createActorSystem({
      driver: memoryDriver(),
      actors: { greeters: Greeter },
      clock: manualClock(),
    });
    await system.close();
    await expect(system.namespace('greeters').get('g').greet('x')).rejects.toThrow(
      /closed; create a new one/,
    );
    await expect(system.namespace('greeters').run('', () => 1)).rejects.toThrow(
      /actor name must be a non-empty/,
    );
  });

  it('rejects keys longer than the driver takes, naming the limit', async () => {
    const driver = memoryDriver({ limits: { maxKeyBytes: 64 } });
    const system = createActorSystem({ driver, actors: { greeters: Greeter }, clock: manualClock() });
    await expect(
      system.namespace('greeters').run('g', (g) => g.storage.put('k'.repeat(100), 1)),
    ).rejects.toThrow(/over the driver's 64; use shorter keys/);
  });
});

describe('storage errors', () => {
  it('bad keys and values reject (never throw synchronously)', async () => {
    const system = createActorSystem({
      driver: memoryDriver(),
      actors: { greeters: Greeter },
      clock: manualClock(),
    });
    const storage = await system.namespace('greeters').run('g', (g) => g.storage);
    for (const call of [
      () => storage.get('\ud800'),
      () => storage.put('k', Symbol('s')),
      () => storage.putMany({ k: () => 1 }),
      () => storage.deleteMany(['\udc00']),
      () => storage.delete(1 as unknown as string),
      () => storage.list({ prefix: '\ud800' }),
    ]) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }).not.toThrow();
      await expect(promise).rejects.toThrow(/duet actor storage/);
    }
  });
});
