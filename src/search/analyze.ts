/** Turns operation text and agent queries into stemmed terms, the query side with weights and intent. */
import { stem } from './porter-stemmer.ts';
import { extractValues } from './query-values.ts';
import { splitWords } from './split-words.ts';
import { STOPWORDS } from './stopwords.ts';
import {
  ABBREVIATIONS,
  DETERMINERS,
  type Expansion,
  type Intent,
  PARTICLES,
  PHRASAL_VERBS,
  QUESTION_WORDS,
  REQUEST_FRAMES,
  SELF_HINT,
  SELF_WORDS,
  type Shape,
  SYNONYMS,
  VERBS,
  WHO_HINT,
  WHO_WORDS,
} from './vocabulary.ts';
import { type WordSenses, wordSenses } from './wordnet.ts';

/** A name ("Sarah", "Taylor Swift") is a value to pass; if an operation has the word, it is by chance. */
const NAME_WEIGHT = 0.3;
/** WordNet expansions count for this much of the word they stand in for: related, not the same. */
const WORDNET_WEIGHT = 0.5;
/** A word the catalog has is probably meant as written, so its expansions count for less still. */
const KNOWN_WORD_FACTOR = 0.5;
/** How strongly an unknown verb must relate to a known one ("kick out" -> remove) to take its intent. */
const INFER_INTENT = 0.3;
/** How far a particle may follow its verb ("kick the user out"). */
const PARTICLE_REACH = 4;
/** Words after a verb that show it is used as a verb ("phone them", "undo it"), besides determiners. */
const OBJECT_PRONOUNS: ReadonlySet<string> = new Set(
  'it them him her us me someone everyone everything'.split(' '),
);

/** Long queries are prose pasted by an agent; past this the tail adds noise and cost, not signal. */
const MAX_QUERY_CHARS = 4096;
const MAX_GROUPS = 64;
/** Words after a preposition qualify the object ("issues in a repo"): needed, but not the focus. */
const MODIFIER_WEIGHT = 0.6;
const READ_WEIGHT = 0.7;
/** State adjectives ("open PRs", "public gists") usually become a query parameter, not the operation. */
const FILTER_WEIGHT = 0.5;
const FILTER_WORDS: ReadonlySet<string> = new Set(
  `open opened closed merged draft public private archived
   active inactive pending failed unread latest recent`.split(/\s+/),
);
/**
 * Words after "so (that) I can ..." or "in order to ..." say why the operation is wanted ("list open PRs so
 * I can review them"), not which one: they count for this much and name neither the object nor the number.
 */
const PURPOSE_WEIGHT = 0.3;
/** "so far", "so many": "so" that opens no purpose. */
const NOT_PURPOSE_AFTER_SO: ReadonlySet<string> = new Set('far much many long soon'.split(' '));
const PREPOSITIONS: ReadonlySet<string> = new Set(
  'for in of from on by with to into within at inside under across via about'.split(' '),
);

/** Whether the words from `i` on state a purpose: "so ...", "so that ...", "in order to ...". */
function opensPurpose(words: readonly string[], i: number): boolean {
  const word = words[i];
  if (word === 'so') return i > 0 && i + 1 < words.length && !NOT_PURPOSE_AFTER_SO.has(words[i + 1]);
  return word === 'in' && words[i + 1] === 'order' && words[i + 2] === 'to';
}

function isNumber(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isContentWord(word: string): boolean {
  return word.length > 1 && !STOPWORDS.has(word) && !isNumber(word);
}

/** Words after abbreviation expansion ("pr" -> "pull", "request"). */
function expandAbbreviation(word: string): readonly string[] {
  return ABBREVIATIONS.get(word) ?? [word];
}

/** Content words of operation text before stemming, abbreviations spelled out, in order. */
export function indexWords(text: string): string[] {
  const words: string[] = [];
  for (const word of splitWords(text)) {
    if (isContentWord(word)) words.push(...expandAbbreviation(word));
  }
  return words;
}

/** Stemmed index terms of a piece of operation text, in order, repeats kept (they are term frequency). */
export function indexTerms(text: string): string[] {
  return indexWords(text).map(stem);
}

/** One query word and the terms that may stand in for it; a document scores its best-matching term. */
export interface QueryGroup {
  terms: Expansion[];
  /** 1 for the words that say what is wanted, less for qualifiers after a preposition. */
  weight: number;
  /** Hints (e.g. "my" -> authenticated) add score but are not required for full coverage. */
  hint: boolean;
  /** The query's leading verb ("list", "create"): the request, not part of a name to match as a phrase. */
  verb?: boolean;
  /** The query word's own stem and surface form (absent for hints and words like "all"). */
  term?: string;
  word?: string;
  plural?: boolean;
}

export interface QueryPlan {
  groups: QueryGroup[];
  /** The first word that names something, usually the verb: matched against operations' leading verb. */
  lead?: string;
  /** The query opens with a verb outside the vocabulary ("star a repo"): it changes something. */
  acts?: boolean;
  intent?: Intent;
  shape?: Shape;
  /** The group of the object's head noun ("commits" in "recent commits on a branch"). */
  head?: QueryGroup;
}

function isPluralWord(word: string, stemmed: string): boolean {
  return (
    word.length >= 3 &&
    word.endsWith('s') &&
    !word.endsWith('ss') &&
    !word.endsWith('us') &&
    !word.endsWith('is') &&
    stemmed !== word
  );
}

function addTerm(terms: Expansion[], term: string, weight: number): void {
  const at = terms.findIndex(([t]) => t === term);
  if (at < 0) terms.push([term, weight]);
  else if (terms[at][1] < weight) terms[at] = [term, weight];
}

export interface AnalyzeOptions {
  /**
   * Words that name an API of the catalog ("slack", "stripe"): they say where to look, not what to match,
   * so they become hints instead of words an operation must contain.
   */
  apiWords?: ReadonlySet<string>;
  /** Whether a stem is an index term: lets two query words stand for one compound ("work log" -> worklog). */
  knownTerm?: (term: string) => boolean;
}

/** "set up" -> "create", "pay out" -> "payout": two-word verbs become the one word they mean. */
function joinPhrasalVerbs(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const joined = i + 1 < words.length ? PHRASAL_VERBS.get(`${words[i]} ${words[i + 1]}`) : undefined;
    if (joined === undefined) out.push(words[i]);
    else {
      out.push(joined);
      i++;
    }
  }
  return out;
}

/**
 * Two-word verbs WordNet knows ("kick out", "give back", "call off"), also with the object between
 * ("kick a former employee out"): the verb's index -> [the phrase's senses, the particle's index].
 */
function findPhrasalVerbs(words: string[]): Map<number, [WordSenses, number]> {
  const found = new Map<number, [WordSenses, number]>();
  const taken = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    if (taken.has(i) || PARTICLES.has(words[i]) || !isContentWord(words[i])) continue;
    for (let j = i + 1; j < words.length && j <= i + PARTICLE_REACH; j++) {
      if (!PARTICLES.has(words[j]) || taken.has(j)) continue;
      const senses = wordSenses(words[i], words[j]);
      if (senses?.isVerb) {
        found.set(i, [senses, j]);
        taken.add(j);
        break;
      }
    }
  }
  return found;
}

/** Adds WordNet's related stems, weighted below the word itself; less still when the catalog has the word. */
function addRelated(
  terms: Expansion[],
  related: readonly Expansion[],
  term: string,
  options: AnalyzeOptions,
) {
  if (related.length === 0) return;
  const factor = WORDNET_WEIGHT * (options.knownTerm?.(term) ? KNOWN_WORD_FACTOR : 1);
  for (const [t, w] of related) if (t !== term) addTerm(terms, t, factor * w);
}

/** Shortest compound worth trying: shorter joins ("update" from "up" + "date") are accidents. */
const MIN_COMPOUND = 6;
const COMPOUND_WEIGHT = 0.9;

/**
 * Two query words that the catalog writes as one ("log work" -> worklog, "user name" -> username), in
 * either order: the compound joins both words' groups, so an operation naming it covers both.
 */
function addCompounds(groups: QueryGroup[], knownTerm: (term: string) => boolean): void {
  const named = groups.filter((g) => g.word !== undefined && !g.hint);
  for (let i = 0; i < named.length; i++) {
    for (let j = 0; j < named.length; j++) {
      if (i === j) continue;
      const a = named[i];
      const b = named[j];
      const joined = a.word! + b.word!;
      if (joined.length < MIN_COMPOUND) continue;
      const term = stem(joined);
      if (term === a.term || term === b.term || !knownTerm(term)) continue;
      addTerm(a.terms, term, COMPOUND_WEIGHT);
      addTerm(b.terms, term, COMPOUND_WEIGHT);
    }
  }
}

/** Parses an agent query: weighted term groups, the verb's intent and whether it wants one item or many. */
export function analyzeQuery(query: string, options: AnalyzeOptions = {}): QueryPlan {
  const values = extractValues(query.length > MAX_QUERY_CHARS ? query.slice(0, MAX_QUERY_CHARS) : query);
  const words = joinPhrasalVerbs(splitWords(values.text));
  const plan: QueryPlan = { groups: [] };
  const phrasal = findPhrasalVerbs(words);
  const particles = new Set([...phrasal.values()].map(([, j]) => j));
  // Set once the request's verb is found (known or not): later verbs are plain words.
  let leadDone = false;
  const seen = new Set<string>();
  let verbGroup: QueryGroup | undefined;
  let readVerb = false;
  let verbShape: Shape | undefined;
  let quantifierShape: Shape | undefined;
  let nounShape: Shape | undefined;
  let selfHinted = false;
  let whoHinted = false;
  let modifier = false;
  let purpose = false;
  // The object's head noun: the last word of the first run of content words ("recent commits" on ...).
  let headRun: 'before' | 'in' | 'after' = 'before';

  // "who starred my repo", "which repos have I starred": a question asks to read, whatever verb follows.
  if (words.length > 1 && QUESTION_WORDS.has(words[0])) plan.intent = 'read';

  for (let i = 0; i < words.length; i++) {
    const raw = words[i];
    if (plan.groups.length >= MAX_GROUPS) break;
    if (PREPOSITIONS.has(raw)) modifier = true;
    if (!purpose && leadDone && opensPurpose(words, i)) purpose = true;
    if (
      SELF_WORDS.has(raw) &&
      !selfHinted &&
      !purpose &&
      (raw !== 'i' || (i > 0 && !REQUEST_FRAMES.has(words[i - 1])))
    ) {
      selfHinted = true;
      plan.groups.push({ terms: [...SELF_HINT], weight: 1, hint: true });
    }
    if (WHO_WORDS.has(raw) && !whoHinted && !purpose) {
      whoHinted = true;
      plan.groups.push({ terms: [...WHO_HINT], weight: 1, hint: true });
    }
    if (!isContentWord(raw) || particles.has(i)) {
      if (headRun === 'in') headRun = 'after';
      continue;
    }
    if (options.apiWords?.has(raw)) {
      const term = stem(raw);
      if (!seen.has(term)) plan.groups.push({ terms: [[term, 1]], weight: 1, hint: true });
      seen.add(term);
      continue;
    }
    if (plan.lead === undefined && !VERBS.has(stem(raw)) && DETERMINERS.has(words[i + 1])) {
      // "watch a repo", "merge the PR": a verb we do not know, so something is done, not just read.
      plan.acts = true;
    }

    for (const word of expandAbbreviation(raw)) {
      const term = stem(word);
      if (seen.has(term)) continue;
      seen.add(term);
      const terms: Expansion[] = [];
      const name = values.names.has(word);
      const weight = purpose
        ? PURPOSE_WEIGHT
        : name
          ? NAME_WEIGHT
          : modifier
            ? MODIFIER_WEIGHT
            : FILTER_WORDS.has(word)
              ? FILTER_WEIGHT
              : 1;
      const group: QueryGroup = { terms, weight, hint: false };
      // "give back" is not "give": a two-word verb stands for itself.
      const verb = phrasal.has(i) ? undefined : VERBS.get(term);
      const senses = name ? undefined : (phrasal.get(i)?.[0] ?? wordSenses(word));
      const first = !leadDone && plan.intent === undefined;
      // A first word that can be a verb and is used as one ("undo a payment", "kick X out", "phone them")
      // is the request even though the vocabulary does not know it.
      const unknownVerb =
        first &&
        verb === undefined &&
        senses?.isVerb === true &&
        (phrasal.has(i) ||
          DETERMINERS.has(words[i + 1]) ||
          OBJECT_PRONOUNS.has(words[i + 1]) ||
          (senses.other.length === 0 && !options.knownTerm?.(term)));
      const leading = verb !== undefined && plan.intent === undefined && !leadDone;
      if (first) leadDone = true;
      if (unknownVerb) {
        plan.acts = true;
        verbGroup = group;
        group.verb = true;
        group.weight = 1;
        modifier = false;
        // It takes the intent of a known verb WordNet relates it to ("kick out" is a kind of remove); not a
        // read: a verb used on an object ("phone them", a kind of "get" hold of) mostly does something.
        for (const [t, w] of senses.verb) {
          const known = VERBS.get(t);
          if (!known || known.termless || known.intent === 'read' || w < INFER_INTENT) continue;
          plan.intent = known.intent;
          for (const [e, ew] of known.expand) addTerm(terms, e, ew * w);
          break;
        }
      }
      if (leading) {
        // Only the leading verb is the request; later ones ("list open issues") are plain words.
        plan.intent = verb.intent;
        if (verb.termless) quantifierShape ??= verb.shape;
        else verbShape = verb.shape;
        readVerb = verb.readByShape;
        verbGroup = group;
        group.verb = true;
        group.weight = 1;
        modifier = false;
        for (const [t, w] of verb.expand) addTerm(terms, t, w);
      } else if (verb?.termless) {
        quantifierShape ??= verb.shape;
      } else if (!verb && !name && !unknownVerb && !modifier && !purpose && nounShape !== 'collection') {
        // A plural object asks for many ("get a repo's issues"), singular objects for one; qualifiers
        // after a preposition ("the key for repository secrets") say nothing about the number wanted.
        nounShape = isPluralWord(word, term) ? 'collection' : 'item';
      }
      if (!verb?.termless) {
        addTerm(terms, term, 1);
        group.term = term;
        group.word = word;
        group.plural = isPluralWord(word, term);
        plan.lead ??= term;
      }
      for (const [t, w] of SYNONYMS.get(term) ?? []) addTerm(terms, t, w);
      if (senses && !verb) {
        const asVerb = unknownVerb || senses.other.length === 0;
        addRelated(terms, asVerb ? senses.verb : senses.other, term, options);
      }
      if (terms.length > 0) {
        if (!leading && !unknownVerb && !name && !purpose && !verb?.termless && headRun !== 'after') {
          headRun = 'in';
          plan.head = group;
        }
        plan.groups.push(group);
      }
    }
  }

  plan.shape = verbShape ?? quantifierShape ?? nounShape;
  if (readVerb && verbGroup) {
    // "show", "get", "fetch" mean list for many ("get repositories") and get for one ("show a PR"); the
    // word itself is generic, so the operation verb it stands for is the better evidence.
    const canonical = plan.shape === 'collection' ? 'list' : 'get';
    verbGroup.terms = verbGroup.terms.map(([t, w]) => [t, t === canonical ? 1 : Math.min(w, READ_WEIGHT)]);
    addTerm(verbGroup.terms, canonical, 1);
  }
  if (options.knownTerm) addCompounds(plan.groups, options.knownTerm);
  return plan;
}
