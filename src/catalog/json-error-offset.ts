/** Finds where JSON text first goes wrong, since not every runtime's JSON.parse says where. */

const whitespace = new Set([' ', '\t', '\n', '\r']);
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const escapePattern = /["\\/bfnrt]|u[0-9a-fA-F]{4}/y;

/**
 * The offset of the first syntax error in `text`, or undefined when it is valid JSON. Only called after
 * JSON.parse failed, so it favours simplicity over speed; it never recurses, so depth cannot overflow it.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const closers: string[] = [];
  let state: 'value' | 'key' | 'colon' | 'after' = 'value';
  let i = 0;
  const skipWhitespace = () => {
    while (i < text.length && whitespace.has(text[i]!)) i++;
  };
  /** Moves past a string starting at `i`; false leaves `i` at the offending character. */
  const skipString = (): boolean => {
    for (i++; i < text.length; i++) {
      const char = text[i]!;
      if (char === '"') {
        i++;
        return true;
      }
      if (char < ' ') return false;
      if (char === '\\') {
        escapePattern.lastIndex = i + 1;
        if (!escapePattern.test(text)) return false;
        i = escapePattern.lastIndex - 1;
      }
    }
    return false;
  };
  for (;;) {
    skipWhitespace();
    if (i >= text.length) return state === 'after' && closers.length === 0 ? undefined : i;
    const char = text[i]!;
    if (state === 'key') {
      if (char !== '"' || !skipString()) return i;
      state = 'colon';
    } else if (state === 'colon') {
      if (char !== ':') return i;
      i++;
      state = 'value';
    } else if (state === 'after') {
      const closer = closers.at(-1);
      if (closer === undefined) return i;
      if (char === closer) {
        closers.pop();
        i++;
      } else if (char === ',') {
        i++;
        state = closer === '}' ? 'key' : 'value';
      } else {
        return i;
      }
    } else if (char === '{' || char === '[') {
      const closer = char === '{' ? '}' : ']';
      i++;
      skipWhitespace();
      if (text[i] === closer) {
        i++;
        state = 'after';
      } else {
        closers.push(closer);
        state = char === '{' ? 'key' : 'value';
      }
    } else if (char === '"') {
      if (!skipString()) return i;
      state = 'after';
    } else {
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
      if (literal) {
        i += literal.length;
      } else {
        numberPattern.lastIndex = i;
        if (!numberPattern.test(text)) return i;
        i = numberPattern.lastIndex;
      }
      state = 'after';
    }
  }
}
