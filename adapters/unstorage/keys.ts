/**
 * duet keys as unstorage keys. unstorage rewrites keys (`/` and `\` become `:`, `:` runs collapse,
 * leading and trailing `:` go, everything after `?` is dropped) and drivers map them to places with
 * their own rules (fs: `:` is a directory separator, names of at most 255 bytes, maybe a
 * case-insensitive disk). So every key is escaped into lowercase segments that no driver rewrites,
 * and any string key (NUL, `:`, `/`, `?`, upper case, emoji) round-trips. Order is not preserved by
 * the encoding: `list` sorts decoded keys itself.
 *
 * A key splits into components: its first code point (duet's kind letter), then up to three
 * `/`-separated parts (tenant, namespace, actor), then the rest as one leaf. Each component is
 * escaped (`a-z`, `0-9` and `-` as they are, every other UTF-8 byte as `_xx`) and cut into
 * segments of at most 200 characters, each with a marker: `k` starts a directory component, `m`
 * continues one, `l` starts the leaf, `n` continues it. Directories and files never share a name,
 * and a range inside one actor maps to one unstorage base (`getKeys(base)`), which drivers that
 * honour a base (redis, most KV stores) use to narrow the listing.
 */

const SEGMENT = 200;
/** `/`-separated parts after the kind letter that become directories (tenant, namespace, actor). */
const DEPTH = 3;
/** Kinds kept flat: the due index (`q<time>/...`) would leave a directory per due time behind. */
const FLAT_KINDS = new Set(['q']);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const hex = Array.from({ length: 256 }, (_, b) => `_${b.toString(16).padStart(2, '0')}`);

const NOT_PLAIN = /[^a-z0-9-]/gu;
const PLAIN = /^[a-z0-9-]*$/;
const escapeChar = (ch: string): string => {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return hex[c];
  let out = '';
  for (const byte of encoder.encode(ch)) out += hex[byte];
  return out;
};

/** `a-z`, `0-9` and `-` as they are, every other UTF-8 byte as `_xx`. */
function escapeText(text: string): string {
  return PLAIN.test(text) ? text : text.replace(NOT_PLAIN, escapeChar);
}

function segments(component: string, leaf: boolean, out: string[]): void {
  let rest = escapeText(component);
  let first = true;
  // Cut into pieces of at most SEGMENT characters, never inside an `_xx` escape.
  while (rest.length > SEGMENT) {
    let cut = SEGMENT;
    if (rest[cut - 1] === '_') cut -= 1;
    else if (rest[cut - 2] === '_') cut -= 2;
    out.push((first ? 'k' : 'm') + rest.slice(0, cut));
    rest = rest.slice(cut);
    first = false;
  }
  out.push((leaf ? (first ? 'l' : 'n') : first ? 'k' : 'm') + rest);
}

/** The kind letter (first code point) and the rest of a key, or of a prefix. */
function splitKind(key: string): [string, string] {
  const wide = key.length > 1 && key.charCodeAt(0) >= 0xd800 && key.charCodeAt(0) <= 0xdbff ? 2 : 1;
  return [key.slice(0, wide), key.slice(wide)];
}

function components(key: string): string[] {
  const [kind, rest] = splitKind(key);
  const parts = rest.split('/');
  const depth = FLAT_KINDS.has(kind) ? 0 : DEPTH;
  if (parts.length > depth + 1) parts.splice(depth, parts.length - depth, parts.slice(depth).join('/'));
  return [kind, ...parts];
}

/** The unstorage key of a duet key (without the caller's namespace). */
export function encodeKey(key: string): string {
  const out: string[] = [];
  const parts = components(key);
  parts.forEach((part, i) => {
    segments(part, i === parts.length - 1, out);
  });
  return out.join(':');
}

/** The duet key an unstorage key encodes, or undefined when it is not one `encodeKey` makes. */
export function decodeKey(stored: string): string | undefined {
  const segs = stored.split(':');
  const parts: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const marker = seg[0];
    const last = i === segs.length - 1;
    if (marker === 'k' || marker === 'l') parts.push('');
    else if ((marker !== 'm' && marker !== 'n') || parts.length === 0) return undefined;
    if ((marker === 'l' || marker === 'n') !== last) return undefined;
    const text = unescapeText(seg.slice(1));
    if (text === undefined) return undefined;
    parts[parts.length - 1] += text;
  }
  if (parts.length < 2) return undefined;
  const key = parts[0] + parts.slice(1).join('/');
  // Only the canonical spelling counts: anything else was not written by this driver.
  return encodeKey(key) === stored ? key : undefined;
}

function unescapeText(text: string): string | undefined {
  if (PLAIN.test(text)) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) {
      const pair = text.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(pair)) return undefined;
      bytes.push(Number.parseInt(pair, 16));
      i += 2;
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d) bytes.push(c);
    else return undefined;
  }
  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/**
 * The unstorage base that holds every key starting with `prefix`: its kind letter and the whole
 * directory parts it contains ('' when the prefix is empty).
 */
export function encodeBase(prefix: string): string {
  if (prefix === '') return '';
  const [kind, rest] = splitKind(prefix);
  const depth = FLAT_KINDS.has(kind) ? 0 : DEPTH;
  const whole = rest.split('/').slice(0, -1).slice(0, depth);
  const out: string[] = [];
  for (const part of [kind, ...whole]) segments(part, false, out);
  return out.join(':');
}
