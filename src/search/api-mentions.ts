/** Queries that name an API ("send a slack message"): which APIs they name, and which names are only names. */
import type { Operation } from '../catalog/types.ts';
import { stem } from './porter-stemmer.ts';
import type { Title } from './postings.ts';

/** An API name found in more of its own titles than this is a word of its domain ("tasks"), not just a name. */
const MAX_TITLE_SHARE = 0.2;

export interface ApiMentions {
  /** Lowercase API names that are only names: the analyser turns them into hints. */
  nameWords: ReadonlySet<string>;
  /** API ids (as in `apiOf`) named by the query. */
  find(query: string): Set<number>;
}

export function apiMentions(
  operations: readonly Operation[],
  apiIds: ReadonlyMap<string, number>,
  titles: readonly Title[],
): ApiMentions {
  const byWord = new Map<string, number>();
  for (const [name, id] of apiIds) byWord.set(name.toLowerCase(), id);
  const counts = new Map<number, { ops: number; named: number }>();
  operations.forEach((op, d) => {
    const id = apiIds.get(op.api)!;
    const count = counts.get(id) ?? { ops: 0, named: 0 };
    count.ops++;
    const name = stem(op.api.toLowerCase());
    if (titles[d].words.some((word) => stem(word) === name)) count.named++;
    counts.set(id, count);
  });
  const nameWords = new Set<string>();
  for (const [word, id] of byWord) {
    const count = counts.get(id)!;
    if (count.named <= MAX_TITLE_SHARE * count.ops) nameWords.add(word);
  }
  return {
    nameWords,
    find(query) {
      const found = new Set<number>();
      if (byWord.size === 0) return found;
      for (const token of query.toLowerCase().split(/[^\p{L}\p{N}_$]+/u)) {
        const id = byWord.get(token);
        if (id !== undefined) found.add(id);
      }
      return found;
    },
  };
}
