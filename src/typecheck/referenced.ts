/** Which operations a snippet names: every identifier-like word, so aliases and destructuring count too. */
import type { Api } from '../catalog/types.ts';

const WORD = /[A-Za-z_$][\w$]*/g;

/**
 * Per API, the sorted names of its operations that occur anywhere in the code (strings and comments
 * included: a name typed more fully than needed costs a little time, one missed would be an unknown property).
 */
export function referencedOperations(code: string, apis: readonly Api[]): Map<Api, string[]> {
  const words = new Set(code.match(WORD));
  const found = new Map<Api, string[]>();
  for (const api of apis) {
    const names: string[] = [];
    for (const op of api.operations) if (words.has(op.name)) names.push(op.name);
    if (names.length > 0) found.set(api, names.sort());
  }
  return found;
}
