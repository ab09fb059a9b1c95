/** "Did you mean" for an unknown operation: close spellings first, else operations whose words match. */
import type { Api } from '../catalog/types.ts';
import { createSearchIndex } from './search-index.ts';
import type { SearchIndex } from './types.ts';

const MAX_SUGGESTIONS = 3;
const indexes = new WeakMap<Api, SearchIndex>();

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2] + 1);
      current.push(d);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

/**
 * Up to three operation names for `name`: those within a typo's distance, or, for a guess such as
 * `createIssue` or `getRepo`, the best search hits for its words (`issuesCreate`, `reposGet`).
 */
export function suggestOperations(api: Api, name: string): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored = api.operations.map((op) => ({ name: op.name, distance: editDistance(name, op.name) }));
  const best = Math.min(...scored.map((c) => c.distance));
  // Only the closest: one transposed letter says nothing about names three edits away.
  const close = scored
    .filter((c) => c.distance <= limit && c.distance === best)
    .sort((x, y) => (x.name < y.name ? -1 : 1))
    .slice(0, MAX_SUGGESTIONS)
    .map((c) => c.name);
  if (close.length > 0) return close;
  let index = indexes.get(api);
  if (index === undefined) {
    index = createSearchIndex(api.operations);
    indexes.set(api, index);
  }
  return index.search(name, { limit: MAX_SUGGESTIONS }).map((hit) => hit.operation.name);
}
