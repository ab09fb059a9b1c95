/** Value encoding shared by every driver: JSON plus Date, Uint8Array, Map, Set, bigint, undefined, NaN/±Infinity/-0. */

// Record layout. Plain JSON is stored as its UTF-8 text, which never starts with a byte below 0x20,
// so the first byte tells the formats apart without a header on the common path.
export const TAGGED = 0x01; // [0x01][u32 json bytes][json with $t tags][Uint8Array attachments]
export const BYTES = 0x02; // [0x02][the bytes of a top-level Uint8Array]
export const CHUNKED = 0x09; // a manifest pointing at chunks (see chunked-commit.ts)

const MAX_DEPTH = 500;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeValue(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) {
    const out = new Uint8Array(value.length + 1);
    out[0] = BYTES;
    out.set(value, 1);
    return out;
  }
  if (isPlain(value, 0)) return encoder.encode(JSON.stringify(value));
  const attachments: Uint8Array[] = [];
  const state = { offset: 0, attachments, path: ['$'] };
  const json = encoder.encode(JSON.stringify(toTagged(value, state, 0)));
  const out = new Uint8Array(5 + json.length + state.offset);
  out[0] = TAGGED;
  new DataView(out.buffer).setUint32(1, json.length);
  out.set(json, 5);
  let at = 5 + json.length;
  for (const bytes of attachments) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

export function decodeValue(record: Uint8Array): unknown {
  const first = record[0];
  if (first === BYTES) return record.slice(1);
  if (first === TAGGED) {
    const length = new DataView(record.buffer, record.byteOffset, record.byteLength).getUint32(1);
    const tree = JSON.parse(decoder.decode(record.subarray(5, 5 + length)));
    return fromTagged(tree, record.subarray(5 + length));
  }
  if (first === undefined || first < 0x20) {
    throw new Error(
      `duet actor storage: unknown record format 0x${(first ?? 0).toString(16)}; was this key written by another program?`,
    );
  }
  return JSON.parse(decoder.decode(record));
}

/** True when JSON.stringify + JSON.parse gives the value back unchanged. */
function isPlain(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) throw tooDeep();
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
          if (value[i] === undefined || !isPlain(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if ((proto !== Object.prototype && proto !== null) || Object.hasOwn(value, '$t')) return false;
      for (const key in value) if (!isPlain((value as Record<string, unknown>)[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

interface TagState {
  offset: number;
  attachments: Uint8Array[];
  path: string[];
}

function toTagged(value: unknown, state: TagState, depth: number): unknown {
  if (depth > MAX_DEPTH) throw tooDeep();
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'undefined':
      return { $t: 'undef' };
    case 'bigint':
      return { $t: 'big', v: value.toString() };
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { $t: 'num', v: Object.is(value, -0) ? '-0' : String(value) };
    case 'object': {
      if (value === null) return null;
      const each = (v: unknown, step: string) => {
        state.path.push(step);
        const out = toTagged(v, state, depth + 1);
        state.path.pop();
        return out;
      };
      if (Array.isArray(value)) return Array.from(value, (v, i) => each(v, `[${i}]`));
      if (value instanceof Uint8Array) {
        state.attachments.push(value);
        state.offset += value.length;
        return { $t: 'u8', o: state.offset - value.length, n: value.length };
      }
      if (value instanceof Date)
        return { $t: 'date', v: Number.isNaN(value.getTime()) ? null : value.getTime() };
      if (value instanceof Map)
        return {
          $t: 'map',
          v: Array.from(value, ([k, v], i) => [each(k, `<key ${i}>`), each(v, `<value ${i}>`)]),
        };
      if (value instanceof Set) return { $t: 'set', v: Array.from(value, (v, i) => each(v, `<item ${i}>`)) };
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        throw unsupported(proto?.constructor?.name ?? 'object', state.path);
      // No prototype: a "__proto__" key stays an ordinary key instead of setting one.
      const out: Record<string, unknown> = Object.create(null);
      for (const key in value) out[key] = each((value as Record<string, unknown>)[key], `.${key}`);
      // A user object that has its own "$t" key is wrapped so it is not mistaken for a tag.
      return Object.hasOwn(value, '$t') ? { $t: 'obj', v: out } : out;
    }
    default:
      throw unsupported(typeof value, state.path);
  }
}

function fromTagged(node: unknown, attachments: Uint8Array): unknown {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) return node.map((v) => fromTagged(v, attachments));
  const tagged = node as { $t?: string; v?: any; o?: number; n?: number };
  switch (tagged.$t) {
    case undefined:
      return reviveObject(node as Record<string, unknown>, attachments);
    case 'obj':
      return reviveObject(tagged.v, attachments);
    case 'undef':
      return undefined;
    case 'big':
      return BigInt(tagged.v);
    case 'num':
      return tagged.v === '-0' ? -0 : Number(tagged.v);
    case 'date':
      return new Date(tagged.v ?? Number.NaN);
    case 'u8':
      return attachments.slice(tagged.o, tagged.o! + tagged.n!);
    case 'map':
      return new Map(
        tagged.v.map(([k, v]: [unknown, unknown]) => [
          fromTagged(k, attachments),
          fromTagged(v, attachments),
        ]),
      );
    case 'set':
      return new Set(tagged.v.map((v: unknown) => fromTagged(v, attachments)));
    default:
      throw new Error(
        `duet actor storage: unknown tag '${tagged.$t}' in a stored value; was it written by a newer duet?`,
      );
  }
}

function reviveObject(node: Record<string, unknown>, attachments: Uint8Array): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // defineProperty keeps a stored "__proto__" key an own property instead of setting the prototype.
  for (const key of Object.keys(node))
    Object.defineProperty(out, key, {
      value: fromTagged(node[key], attachments),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

function unsupported(kind: string, path: string[]): Error {
  return new TypeError(
    `duet actor storage: cannot store a ${kind} at ${path.join('')}; store JSON values, Date, Uint8Array, Map, Set, bigint or undefined (convert class instances to plain objects)`,
  );
}

function tooDeep(): Error {
  return new TypeError(
    `duet actor storage: value nested deeper than ${MAX_DEPTH} levels or cyclic; store a tree, not a graph`,
  );
}
