/** Seeded random operations for model-based cases: the same seed gives the same sequence everywhere. */

export interface Random {
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: tiny, fast and good enough to shuffle test inputs. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (below) => Math.floor(next() * below),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

// Characters where UTF-16 order and code point order disagree, separators the core uses, NUL.
const UNITS = ['a', 'b', 'z', '\0', '\x01', '/', '%', 'é', '\uE000', '\uFFFF', '😀', '𐀀'];

export function randomKey(random: Random): string {
  let key = '';
  for (let n = random.int(4); n >= 0; n--) key += random.pick(UNITS);
  return key;
}

export function randomValue(random: Random, bigBytes = 0): unknown {
  switch (random.int(9)) {
    case 0:
      return random.int(1000) - 500;
    case 1:
      return `s${random.int(100)}${random.pick(UNITS)}`;
    case 2:
      return {
        n: random.int(10),
        at: new Date(1_700_000_000_000 + random.int(1e6)),
        tags: ['x', random.int(5)],
      };
    case 3:
      return new Uint8Array(random.int(40)).map((_, i) => (i * 7 + random.int(3)) % 256);
    case 4:
      return [1, undefined, null, 'x', Number.NaN];
    case 5:
      return new Map<unknown, unknown>([
        [random.int(3), 'a'],
        ['k', new Set([1, 2])],
      ]);
    case 6:
      return BigInt(random.int(1e6)) * 10n ** 20n;
    case 7:
      return bigBytes > 0 ? new Uint8Array(bigBytes + random.int(bigBytes)).fill(random.int(256)) : true;
    default:
      return null;
  }
}
