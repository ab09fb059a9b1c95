/** A tiny assertion kit with no dependencies, so the suite runs unchanged on every runtime. */

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Deep equality over JSON values, Date, Uint8Array, Map (in order), Set, bigint, undefined, NaN and -0. */
export function equal(actual: unknown, expected: unknown, message = 'values differ'): void {
  const difference = diff(actual, expected, '$');
  if (difference) throw new AssertionError(`${message}: ${difference}`);
}

export async function rejects(
  promise: Promise<unknown> | (() => Promise<unknown>),
  pattern: RegExp,
  message: string,
): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    const text = String((error as Error)?.message ?? error);
    assert(pattern.test(text), `${message}: the error '${text}' does not match ${pattern}`);
    return error;
  }
  throw new AssertionError(`${message}: expected a rejection matching ${pattern}, but it resolved`);
}

export function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (Object.is(value, -0)) return '-0';
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 120)}…` : text;
  } catch {
    return String(value);
  }
}

function diff(a: unknown, b: unknown, path: string): string | undefined {
  if (Object.is(a, b)) return undefined;
  const mismatch = () => `at ${path}: got ${show(a)}, expected ${show(b)}`;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return mismatch();
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
    return `at ${path}: got a ${a.constructor?.name ?? 'null-prototype object'}, expected a ${b.constructor?.name ?? 'null-prototype object'}`;
  }
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime()) ? undefined : mismatch();
  if (a instanceof Uint8Array) {
    const other = b as Uint8Array;
    if (a.length !== other.length) return `at ${path}: ${a.length} bytes, expected ${other.length}`;
    for (let i = 0; i < a.length; i++)
      if (a[i] !== other[i]) return `at ${path}[${i}]: byte ${a[i]}, expected ${other[i]}`;
    return undefined;
  }
  if (a instanceof Map || a instanceof Set || Array.isArray(a)) {
    const left = a instanceof Map ? [...a] : [...(a as Iterable<unknown>)];
    const right = b instanceof Map ? [...b] : [...(b as Iterable<unknown>)];
    if (left.length !== right.length)
      return `at ${path}: ${left.length} items ${show(left.map((x) => (Array.isArray(x) && a instanceof Map ? x[0] : x)))}, expected ${right.length} ${show(right.map((x) => (Array.isArray(x) && a instanceof Map ? x[0] : x)))}`;
    for (let i = 0; i < left.length; i++) {
      const d = diff(left[i], right[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length || keysA.some((k) => !Object.hasOwn(b, k))) {
    return `at ${path}: keys ${show(keysA)}, expected ${show(keysB)}`;
  }
  for (const key of keysA) {
    const d = diff(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (d) return d;
  }
  return undefined;
}
