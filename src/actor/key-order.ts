/** Key order shared by every driver: Unicode code point order, i.e. UTF-8 byte order. */

/** Negative, zero or positive like `a < b`, but by code point (JS `<` compares UTF-16 units). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Units differ: surrogates (astral code points) must sort above U+E000..U+FFFF.
    return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when the string has no lone surrogate, so it has a UTF-8 form every backend can store. */
export function isWellFormed(text: string): boolean {
  return nativeWellFormed ? nativeWellFormed.call(text) : !loneSurrogate.test(text);
}

// ES2024; every runtime duet targets has it, but the regex keeps older ones correct.
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** UTF-8 byte length of a well-formed string without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    // A surrogate pair is two units and four bytes; other units above U+07FF are three bytes.
    bytes += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}

/**
 * The smallest key above every key that starts with `prefix`, or undefined when there is none
 * (an empty prefix, or one made only of U+10FFFF).
 */
export function prefixEnd(prefix: string): string | undefined {
  let rest = prefix;
  while (rest.length > 0) {
    const last = rest.codePointAt(rest.length - 1 - (isLowSurrogateAt(rest, rest.length - 1) ? 1 : 0))!;
    rest = rest.slice(0, rest.length - (last > 0xffff ? 2 : 1));
    if (last === 0x10ffff) continue;
    // Skip the surrogate block: no well-formed key has a code point there.
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    return rest + String.fromCodePoint(next);
  }
  return undefined;
}

function isLowSurrogateAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff && i > 0;
}

/** Intersects a prefix with optional bounds into one `[start, end)` range. */
export function rangeOf(options: { prefix?: string; start?: string; end?: string }): {
  start?: string;
  end?: string;
} {
  let { start, end } = options;
  const prefix = options.prefix ?? '';
  if (prefix !== '') {
    if (start === undefined || compareKeys(start, prefix) < 0) start = prefix;
    const pe = prefixEnd(prefix);
    if (pe !== undefined && (end === undefined || compareKeys(pe, end) < 0)) end = pe;
  }
  return { start, end };
}
