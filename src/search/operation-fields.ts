/** The weighted text fields an operation is indexed under (BM25F), and how each is extracted. */
import type { Operation } from '../catalog/types.ts';
import { indexTerms, indexWords } from './analyze.ts';
import { operationTitle } from './operation-title.ts';
import { stem } from './porter-stemmer.ts';
import { splitWords } from './split-words.ts';
import { STOPWORDS } from './stopwords.ts';
import { VERBS } from './vocabulary.ts';

export interface FieldSpec {
  /** How much one occurrence in this field counts relative to the others. */
  weight: number;
  /** BM25 length normalisation: 0 ignores field length, 1 fully normalises. */
  b: number;
}

/** Descriptions are long and drift off topic; their opening states what the operation is for. */
const DESCRIPTION_CHARS = 300;
const URL = /\bhttps?:\/\/\S+/g;
const MARKDOWN_LINK_TARGET = /\]\([^)]*\)/g;
const HTML_TAG = /<[^>]*>/g;

export const FIELDS = {
  name: { weight: 3, b: 0.3 },
  summary: { weight: 3, b: 0.5 },
  path: { weight: 2, b: 0.3 },
  tags: { weight: 1.5, b: 0.3 },
  pathParams: { weight: 0.6, b: 0.3 },
  description: { weight: 0.6, b: 0.75 },
  params: { weight: 0.5, b: 0.5 },
  body: { weight: 0.5, b: 0.5 },
} satisfies Record<string, FieldSpec>;

export type FieldName = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

function descriptionHead(description: string): string {
  // Links shrink when stripped, so read a little more than needed before cutting.
  const text = description
    .slice(0, DESCRIPTION_CHARS * 3)
    .replace(HTML_TAG, ' ')
    .replace(MARKDOWN_LINK_TARGET, ']')
    .replace(URL, ' ');
  if (text.length <= DESCRIPTION_CHARS) return text;
  const cut = text.lastIndexOf(' ', DESCRIPTION_CHARS);
  return text.slice(0, cut > 0 ? cut : DESCRIPTION_CHARS);
}

/**
 * Every field counts a term once: "List workflow runs for a workflow" is not more about workflows, and a
 * description that repeats a word five times would otherwise outweigh the title.
 */
function distinct(terms: string[]): string[] {
  return [...new Set(terms)];
}

/** Enough of a schema to say what an operation takes; deeper levels and long enums are detail. */
const MAX_ENUM = 12;
const MAX_SCHEMA_WORDS = 80;
const SCHEMA_DEPTH = 2;

/**
 * Property names and enum values of the request body (two levels) and enum values of the parameters:
 * what a request sets says what it does ("action: approve | deny", "state_reason: not_planned").
 */
function schemaWords(op: Operation): string {
  const words: string[] = [];
  const enums = (schema: unknown) => {
    const values = (schema as { enum?: unknown[] } | undefined)?.enum;
    if (!Array.isArray(values) || values.length > MAX_ENUM) return;
    for (const v of values) if (typeof v === 'string') words.push(v);
  };
  const walk = (schema: unknown, depth: number) => {
    if (!schema || typeof schema !== 'object' || words.length > MAX_SCHEMA_WORDS) return;
    const s = schema as {
      properties?: Record<string, unknown>;
      items?: unknown;
      allOf?: unknown[];
      anyOf?: unknown[];
      oneOf?: unknown[];
    };
    enums(s);
    for (const part of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) walk(part, depth);
    if (s.items) walk(s.items, depth);
    if (depth >= SCHEMA_DEPTH || !s.properties) return;
    for (const [name, child] of Object.entries(s.properties)) {
      words.push(name);
      walk(child, depth + 1);
    }
  };
  for (const p of op.parameters) enums(p.schema);
  walk(op.requestBody?.schema, 0);
  return words.slice(0, MAX_SCHEMA_WORDS).join(' ');
}

export interface OperationText {
  /** Terms per field; path parameters are split out because `{owner}` says less than a literal `issues`. */
  fields: Record<FieldName, string[]>;
  /** The title (summary, else the description's first sentence, else name) as unstemmed words in reading order. */
  titleWords: string[];
  /** Stem of the title's head noun: "branches" in "List branches for HEAD commit". */
  head?: string;
}

/**
 * The last word of the title's first run of content words after its verb: English noun compounds put the
 * head last ("issue property keys"), and a preposition starts a qualifier ("branches for HEAD commit").
 */
export function titleHead(title: string): string | undefined {
  let head: string | undefined;
  for (const word of splitWords(title)) {
    if (word === 's') continue; // the possessive: "a repository's content"
    const content = word.length > 1 && !STOPWORDS.has(word) && !/^\d+$/.test(word);
    if (!content) {
      if (head !== undefined) break;
      continue;
    }
    if (head === undefined && VERBS.has(stem(word))) continue;
    head = word;
  }
  return head === undefined ? undefined : stem(head);
}

/** "Get all projects", "Get several albums", "Returns a list of customers": a list, whatever the verb says. */
const LISTING =
  /^(?:get|gets|retrieve|retrieves|return|returns|fetch|fetches)\s+(?:all|multiple|several|(?:a|the)\s+(?:list|collection)\s+of)\b/i;

export function listsMany(op: Operation, title: string): boolean {
  return op.method === 'get' && LISTING.test(title);
}

export function operationText(op: Operation): OperationText {
  const literal: string[] = [];
  const params: string[] = [];
  for (const segment of op.path.split('/')) {
    // `{base}...{head}` mixes both kinds in one segment.
    literal.push(segment.replace(/\{[^}]*\}/g, ' '));
    for (const [, name] of segment.matchAll(/\{([^}]*)\}/g)) params.push(name);
  }
  const title = operationTitle(op);
  const summaryWords = indexWords(title);
  const fields = {
    name: distinct(indexTerms(op.operationId ?? op.name)),
    // APIs that say "Get all" never say "list", which is what agents ask for.
    summary: distinct([...summaryWords.map(stem), ...(listsMany(op, title) ? [stem('list')] : [])]),
    path: distinct(indexTerms(literal.join(' '))),
    tags: distinct(indexTerms(op.tags.join(' '))),
    pathParams: distinct(indexTerms(params.join(' '))),
    description: distinct(indexTerms(descriptionHead(op.description))),
    params: distinct(
      indexTerms(
        op.parameters
          .filter((p) => p.in !== 'path')
          .map((p) => p.name)
          .join(' '),
      ),
    ),
    body: distinct(indexTerms(schemaWords(op))),
  };
  return {
    fields,
    titleWords: summaryWords.length > 0 ? summaryWords : indexWords(op.name),
    head: titleHead(summaryWords.length > 0 ? title : op.name),
  };
}
