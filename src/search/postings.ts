/** Inverted postings with BM25F impacts precomputed at build time, so a query only adds numbers up. */
import type { Operation } from '../catalog/types.ts';
import { FIELD_NAMES, FIELDS, type FieldName, operationText } from './operation-fields.ts';
import { stem } from './porter-stemmer.ts';

const K1 = 1.2;
/** Fields that say what an operation is; a term found only elsewhere counts less towards coverage. */
const STRONG_FIELDS: ReadonlySet<FieldName> = new Set(['name', 'summary', 'path', 'tags']);
const WEAK_MATCH = 0.4;

export interface Posting {
  /** Dense id, used to index per-query typed arrays. */
  id: number;
  idf: number;
  docs: Int32Array;
  /** idf-weighted, saturated BM25F contribution of the term to each doc. */
  impacts: Float32Array;
  /** 1 when the term is in a strong field of the doc, less when only in description or parameters. */
  strengths: Float32Array;
}

/** An operation's title (its summary, else its name) in the forms the ranking compares with a query. */
export interface Title {
  /** Distinct term ids. */
  ids: Int32Array;
  /** Term ids in reading order, for adjacent-pair (phrase) matches. */
  sequence: Int32Array;
  /** Unstemmed words: "workflows" in the query is closer to "List workflows" than to "workflow runs". */
  words: string[];
  /** Stem of the head noun, if the title has one. */
  head?: string;
}

export interface Postings {
  terms: Map<string, Posting>;
  titles: Title[];
}

export function buildPostings(operations: readonly Operation[]): Postings {
  const n = operations.length;
  const texts = operations.map(operationText);
  const fields = texts.map((t) => t.fields);
  const avgLength = FIELD_NAMES.map((f) => {
    let total = 0;
    for (const doc of fields) total += doc[f].length;
    return n > 0 ? total / n || 1 : 1;
  });

  interface Draft {
    docs: number[];
    tfs: number[];
    strengths: number[];
  }
  const drafts = new Map<string, Draft>();
  // Per document: the term's weighted, length-normalised frequency summed over fields (BM25F), and
  // whether any strong field holds it (stored as a negative sign to avoid a second map).
  const pseudoTf = new Map<string, number>();
  fields.forEach((doc, d) => {
    pseudoTf.clear();
    FIELD_NAMES.forEach((f, i) => {
      const terms = doc[f];
      if (terms.length === 0) return;
      const { weight, b } = FIELDS[f];
      const unit = weight / (1 - b + (b * terms.length) / avgLength[i]);
      const isStrong = STRONG_FIELDS.has(f);
      for (const term of terms) {
        const previous = pseudoTf.get(term);
        if (previous === undefined) pseudoTf.set(term, isStrong ? -unit : unit);
        else pseudoTf.set(term, previous < 0 || isStrong ? -(Math.abs(previous) + unit) : previous + unit);
      }
    });
    for (const [term, signed] of pseudoTf) {
      let draft = drafts.get(term);
      if (!draft) {
        draft = { docs: [], tfs: [], strengths: [] };
        drafts.set(term, draft);
      }
      draft.docs.push(d);
      draft.tfs.push(Math.abs(signed));
      draft.strengths.push(signed < 0 ? 1 : WEAK_MATCH);
    }
  });

  const terms = new Map<string, Posting>();
  for (const [term, { docs, tfs, strengths }] of drafts) {
    const idf = Math.log(1 + (n - docs.length + 0.5) / (docs.length + 0.5));
    const impacts = new Float32Array(docs.length);
    for (let i = 0; i < docs.length; i++) impacts[i] = (idf * tfs[i] * (K1 + 1)) / (K1 + tfs[i]);
    terms.set(term, {
      id: terms.size,
      idf,
      docs: Int32Array.from(docs),
      impacts,
      strengths: Float32Array.from(strengths),
    });
  }

  const titles = texts.map(({ titleWords: words, head }): Title => {
    // Every title word is also in the name or summary field, so each has a posting.
    const sequence = Int32Array.from(words, (w) => terms.get(stem(w))!.id);
    return { ids: Int32Array.from(new Set(sequence)), sequence, words, head };
  });
  return { terms, titles };
}
