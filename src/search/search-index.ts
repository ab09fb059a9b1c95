/** BM25F ranking over operations with coverage, intent, title-precision and exact-name boosts. */
import type { Operation } from '../catalog/types.ts';
import { analyzeQuery, type QueryPlan } from './analyze.ts';
import { apiMentions } from './api-mentions.ts';
import { createExactMatcher } from './exact-match.ts';
import { operationTraits } from './operation-traits.ts';
import { buildPostings } from './postings.ts';
import { intentFactor, shapeFactor } from './query-fit.ts';
import { selectTop, tieRanks } from './select-top.ts';
import type { SearchHit, SearchIndex, SearchOptions } from './types.ts';

const DEFAULT_LIMIT = 10;
/**
 * A related word weighted below this (WordNet's, mostly) whose weight times idf is below MIN_IMPACT is
 * skipped: a weak link to a common word ("get", "list") cannot change the ranking, but walking its
 * thousand postings doubled the search time.
 */
const WEAK_TERM = 0.5;
const MIN_IMPACT = 1;
/** Share of the score that does not depend on how many query words a document matched. */
const COVERAGE_FLOOR = 0.3;
/** Up to this much extra when the title and the query say the same thing. */
const TITLE_BOOST = 0.5;
const DEPRECATED = 0.8;
const PHRASE_BOOST = 0.15;
const WORD_FORM_BOOST = 0.1;
/** Up to this much extra when the title's head noun is the query's ("List commits" for "recent commits"). */
const HEAD_BOOST = 0.1;
/** Operations of an API the query names ("create a jira ticket"). */
const NAMED_API_BOOST = 2;

function normalizeLimit(limit: number | undefined): number {
  if (limit === undefined || Number.isNaN(limit)) return DEFAULT_LIMIT;
  return Math.max(0, Math.floor(limit));
}

/** Builds a ranked index over the operations (any mix of APIs). */
export function createSearchIndex(operations: Operation[]): SearchIndex {
  const ops = operations.slice();
  const n = ops.length;
  const { terms: postings, titles } = buildPostings(ops);
  const traits = ops.map(operationTraits);
  const ranks = tieRanks(ops);
  const matchExact = createExactMatcher(ops);
  const apiIds = new Map<string, number>();
  const apiOf = new Int32Array(n);
  ops.forEach((op, d) => {
    if (!apiIds.has(op.api)) apiIds.set(op.api, apiIds.size);
    apiOf[d] = apiIds.get(op.api)!;
  });
  const mentions = apiMentions(ops, apiIds, titles);
  const analyzeOptions = {
    apiWords: mentions.nameWords,
    knownTerm: (term: string) => postings.has(term),
  };

  function headMatch(plan: QueryPlan, d: number): number {
    const head = titles[d].head;
    if (plan.head === undefined || head === undefined) return 0;
    for (const [term, weight] of plan.head.terms) if (term === head) return weight;
    return 0;
  }

  // Scratch buffers reused across queries (JS runs one query at a time), reset through the touched lists.
  const scores = new Float64Array(n);
  const coverage = new Float64Array(n);
  const groupBest = new Float64Array(n);
  const groupCover = new Float64Array(n);
  const touched = new Int32Array(n);
  const groupTouched = new Int32Array(n);
  const seen = new Uint8Array(n);
  const queryWeight = new Float64Array(postings.size);
  const termGroup = new Int32Array(postings.size).fill(-1);
  const groupStamp: number[] = [];
  let stamp = 0;

  /**
   * F1 of the title against the query: precision says the title asks for nothing the query did not
   * ("List commits" over "List commits on a pull request"), recall that it names everything the query did.
   */
  function titleMatch(d: number, groupShare: number[], totalShare: number): number {
    const { ids } = titles[d];
    if (ids.length === 0 || totalShare === 0) return 0;
    stamp++;
    let precision = 0;
    let recall = 0;
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i];
      const w = queryWeight[t];
      if (w === 0) continue;
      precision += w;
      const g = termGroup[t];
      if (groupStamp[g] !== stamp) {
        groupStamp[g] = stamp;
        recall += groupShare[g] * w;
      }
    }
    precision /= ids.length;
    recall /= totalShare;
    return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }

  /**
   * Phrase and word-form evidence, computed only for documents that could still reach the top `limit`
   * with the largest bonus: adjacent query words adjacent in the title ("review comments"), and query
   * words found unstemmed ("workflows" in "List repository workflows"). Returns those documents.
   */
  function rerank(plan: QueryPlan, candidates: number[], top: number[], limit: number): number[] {
    const named = plan.groups.filter((g) => g.term !== undefined && !g.hint && !g.verb);
    if (named.length === 0 || top.length === 0) return top;
    // Unordered: "events for a repository" names the same thing as "repository events".
    const pairs = new Set<number>();
    for (let i = 1; i < named.length; i++) {
      const a = postings.get(named[i - 1].term!);
      const b = postings.get(named[i].term!);
      if (a && b) pairs.add(Math.min(a.id, b.id) * postings.size + Math.max(a.id, b.id));
    }
    // Only plural words: their form says "many", which the stem has lost.
    const words = named.filter((g) => g.plural).map((g) => g.word!);
    const threshold = scores[top[top.length - 1]] / (1 + PHRASE_BOOST + WORD_FORM_BOOST);
    const pool = top.length < limit ? candidates : candidates.filter((d) => scores[d] >= threshold);
    for (const d of pool) {
      const { sequence, words: titleWords } = titles[d];
      let phrase = 0;
      if (pairs.size > 0) {
        for (let i = 1; i < sequence.length; i++) {
          const a = sequence[i - 1];
          const b = sequence[i];
          if (pairs.has(Math.min(a, b) * postings.size + Math.max(a, b))) phrase++;
        }
      }
      let forms = 0;
      for (const w of words) if (titleWords.includes(w)) forms++;
      scores[d] *=
        1 +
        (pairs.size > 0 ? (PHRASE_BOOST * Math.min(phrase, pairs.size)) / pairs.size : 0) +
        (words.length > 0 ? (WORD_FORM_BOOST * forms) / words.length : 0);
    }
    return pool;
  }

  function search(query: string, options?: SearchOptions): SearchHit[] {
    const limit = normalizeLimit(options?.limit);
    if (limit === 0 || typeof query !== 'string') return [];
    const api = options?.api;
    const apiFilter = api === undefined ? -1 : (apiIds.get(api) ?? -2);
    if (apiFilter === -2) return [];

    const plan = analyzeQuery(query, analyzeOptions);
    const named = mentions.find(query);
    const exact = matchExact(query);
    const usedTerms: number[] = [];
    let touchedCount = 0;
    try {
      let totalImportance = 0;
      let totalShare = 0;

      const groupShare: number[] = [];
      plan.groups.forEach((group, g) => {
        const gw = group.weight;
        let groupCount = 0;
        let importance = 0;
        let maxWeight = 0;
        for (const [term, weight] of group.terms) {
          const posting = postings.get(term);
          if (!posting) continue;
          if (weight < WEAK_TERM && weight * posting.idf < MIN_IMPACT) continue;
          if (queryWeight[posting.id] === 0) {
            usedTerms.push(posting.id);
            termGroup[posting.id] = g;
          }
          queryWeight[posting.id] = Math.max(queryWeight[posting.id], weight);
          importance = Math.max(importance, posting.idf * weight);
          maxWeight = Math.max(maxWeight, weight);
          const { docs, impacts, strengths } = posting;
          for (let i = 0; i < docs.length; i++) {
            const d = docs[i];
            const value = gw * weight * impacts[i];
            if (groupBest[d] === 0) groupTouched[groupCount++] = d;
            if (value > groupBest[d]) groupBest[d] = value;
            const cover = weight * strengths[i];
            if (cover > groupCover[d]) groupCover[d] = cover;
          }
        }
        // Synonyms compete inside a group (the best counts): "repo" + "repository" is not double credit.
        for (let i = 0; i < groupCount; i++) {
          const d = groupTouched[i];
          if (seen[d] === 0) {
            seen[d] = 1;
            touched[touchedCount++] = d;
          }
          scores[d] += groupBest[d];
          if (!group.hint) coverage[d] += (gw * importance * groupCover[d]) / maxWeight;
          groupBest[d] = 0;
          groupCover[d] = 0;
        }
        // Words no operation contains cannot tell operations apart, so they dilute neither measure.
        const counts = !group.hint && maxWeight > 0;
        if (counts) totalImportance += gw * importance;
        groupShare.push(counts ? gw : 0);
        if (counts) totalShare += gw;
      });
      for (const d of exact.keys()) {
        if (seen[d] === 0) {
          seen[d] = 1;
          touched[touchedCount++] = d;
        }
      }

      const candidates: number[] = [];
      for (let i = 0; i < touchedCount; i++) {
        const d = touched[i];
        if (apiFilter >= 0 && apiOf[d] !== apiFilter) continue;
        const op = ops[d];
        const covered = totalImportance > 0 ? coverage[d] / totalImportance : 0;
        let score = scores[d] * (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * covered);
        score *= intentFactor(plan, traits[d]) * shapeFactor(plan, op, traits[d]);
        score *= 1 + TITLE_BOOST * titleMatch(d, groupShare, totalShare);
        score *= 1 + HEAD_BOOST * headMatch(plan, d);
        if (op.deprecated) score *= DEPRECATED;
        if (named.has(apiOf[d])) score *= NAMED_API_BOOST;
        scores[d] = score;
        candidates.push(d);
      }

      const pool = rerank(plan, candidates, selectTop(candidates, scores, ranks, limit), limit);
      let maxScore = 0;
      for (const d of pool) if (scores[d] > maxScore) maxScore = scores[d];
      // Exact tiers sit above every ranked score, ordered among themselves by that score.
      for (const [d, tier] of exact) {
        if (apiFilter >= 0 && apiOf[d] !== apiFilter) continue;
        if (!pool.includes(d)) pool.push(d);
        scores[d] += tier * (maxScore + 1);
      }
      return selectTop(pool, scores, ranks, limit).map((d) =>
        exact.has(d)
          ? { operation: ops[d], score: scores[d], exact: true }
          : { operation: ops[d], score: scores[d] },
      );
    } finally {
      // The scratch buffers must be clean for the next query whatever happened in this one.
      for (let i = 0; i < touchedCount; i++) {
        const d = touched[i];
        scores[d] = 0;
        coverage[d] = 0;
        groupBest[d] = 0;
        groupCover[d] = 0;
        seen[d] = 0;
      }
      for (const id of usedTerms) {
        queryWeight[id] = 0;
        termGroup[id] = -1;
      }
    }
  }

  return { search, size: n };
}
