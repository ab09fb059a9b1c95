/** Picks the best `limit` documents by score, ties broken by a fixed per-document rank. */
import type { Operation } from '../catalog/types.ts';

/** Ordinal of each operation in (api, name, path, method) order: ties resolve the same for any input order. */
export function tieRanks(operations: readonly Operation[]): Int32Array {
  const keys = operations.map((op) => [op.api, op.name, op.path, op.method]);
  const order = operations.map((_, i) => i);
  order.sort((a, b) => {
    for (let i = 0; i < 4; i++) if (keys[a][i] !== keys[b][i]) return keys[a][i] < keys[b][i] ? -1 : 1;
    return a - b;
  });
  const ranks = new Int32Array(operations.length);
  order.forEach((doc, rank) => {
    ranks[doc] = rank;
  });
  return ranks;
}

export function selectTop(
  candidates: number[],
  scores: Float64Array,
  ranks: Int32Array,
  limit: number,
): number[] {
  const better = (a: number, b: number) =>
    scores[a] > scores[b] || (scores[a] === scores[b] && ranks[a] < ranks[b]);
  if (limit >= 64 || limit >= candidates.length) {
    return candidates.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0)).slice(0, limit);
  }
  // Insertion into a short sorted list: O(n * limit), cheaper than sorting every candidate for small limits.
  const top: number[] = [];
  for (const d of candidates) {
    if (top.length === limit && !better(d, top[limit - 1])) continue;
    let i = top.length === limit ? limit - 1 : top.length;
    while (i > 0 && better(d, top[i - 1])) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = d;
  }
  return top;
}
