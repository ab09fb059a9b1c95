/** The reference model: the simplest possible ordered map, against which adapters are compared. */
import type { ListOptions } from '../actor/actor-storage.ts';

/** Code point order spelled out independently of the core's `compareKeys`, so it can catch it. */
export function codePointOrder(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Sorts on every list and filters by plain string tests: slow, obviously right. */
export class ReferenceModel<V = unknown> {
  readonly entries: Map<string, V> = new Map();

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  put(key: string, value: V): void {
    this.entries.set(key, value);
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  list(options: ListOptions = {}): Map<string, V> {
    const { prefix = '', start, end, limit, reverse } = options;
    const keys = [...this.entries.keys()]
      .filter((k) => k.startsWith(prefix))
      .filter((k) => start === undefined || codePointOrder(k, start) >= 0)
      .filter((k) => end === undefined || codePointOrder(k, end) < 0)
      .sort(codePointOrder);
    if (reverse) keys.reverse();
    return new Map(keys.slice(0, limit ?? keys.length).map((k) => [k, this.entries.get(k)!]));
  }

  clone(): ReferenceModel<V> {
    const copy = new ReferenceModel<V>();
    for (const [k, v] of this.entries) copy.entries.set(k, v);
    return copy;
  }
}
