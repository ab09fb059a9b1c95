/** Which operations a snippet names: every identifier-like word, so aliases and destructuring count too. */
import type { Api } from '../catalog/types.ts';

const WORD = /[A-Za-z_$][\w$]*/g;
const namesOf = new WeakMap<Api, Set<string>>();

function operationNames(api: Api): Set<string> {
  let names = namesOf.get(api);
  if (names === undefined) {
    names = new Set(api.operations.map((op) => op.name));
    namesOf.set(api, names);
  }
  return names;
}

/**
 * Per API, the sorted names of its operations that occur anywhere in the code (strings and comments
 * included: a name typed more fully than needed costs a little time, one missed would be an unknown property).
 * Looks the snippet's few words up in each API rather than each API's thousand names in the snippet.
 */
export function referencedOperations(code: string, apis: readonly Api[]): Map<Api, string[]> {
  const words = new Set(code.match(WORD));
  const found = new Map<Api, string[]>();
  for (const api of apis) {
    const known = operationNames(api);
    const names = [...words].filter((word) => known.has(word));
    if (names.length > 0) found.set(api, names.sort());
  }
  return found;
}
