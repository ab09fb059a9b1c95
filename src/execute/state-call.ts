/** The guest's `state` calls, answered from the run's view of the session's state. */
import type { StateStore } from './state.ts';

export async function callState(state: StateStore, op: string, args: unknown[]): Promise<unknown> {
  const [key, value] = args;
  if (op === 'list') {
    const opts = (key ?? {}) as { prefix?: unknown; limit?: unknown };
    if (typeof opts !== 'object') throw { message: 'state.list takes an optional { prefix, limit } object' };
    return state.list({
      prefix: typeof opts.prefix === 'string' ? opts.prefix : undefined,
      limit: typeof opts.limit === 'number' ? opts.limit : undefined,
    });
  }
  if (typeof key !== 'string' || key === '') throw { message: `state.${op} needs a non-empty string key` };
  // The session's host records (audit, plans) live beside its state under a U+0000 prefix.
  if (key.startsWith('\u0000')) throw { message: `state.${op}: keys may not start with U+0000 (reserved)` };
  if (op === 'get') return state.get(key);
  if (op === 'delete') return state.delete(key);
  if (op === 'put') {
    if (value === undefined) throw { message: 'state.put needs a value (use state.delete to remove a key)' };
    await state.put(key, value);
    return undefined;
  }
  throw { message: `state.${op} is not a state operation` };
}
