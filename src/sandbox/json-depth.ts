/** Nesting-depth check on JSON text, so deep values are refused before any recursive host code meets them. */

/** Deeper values are refused at the boundary: V8's JSON.stringify and structuredClone recurse on the host stack. */
export const MAX_JSON_DEPTH = 512;

/** True when `text` (valid JSON) nests arrays/objects deeper than `max`. Linear, no allocation. */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  // Each level needs at least one bracket, so short texts cannot be too deep.
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}
