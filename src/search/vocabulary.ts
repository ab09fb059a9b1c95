/** Agent vocabulary: abbreviations, noun synonyms and action verbs mapped onto HTTP semantics. */
import { stem } from './porter-stemmer.ts';

/** What an operation does to its resource, in HTTP terms. */
export type Intent = 'create' | 'read' | 'update' | 'delete';

/** Whether a read or delete addresses a whole collection or one item. */
export type Shape = 'collection' | 'item';

/** A term and how much of the query word's weight it carries. */
export type Expansion = readonly [term: string, weight: number];

/**
 * Abbreviations and spelling variants ("e-mail" splits to "mail"), rewritten before stemming on both the
 * index and the query side, so "repo", "repos" and "repository" are literally the same term and need no
 * down-weighted synonym. (A Map, so that words such as "constructor" find no Object.prototype member.)
 */
export const ABBREVIATIONS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    repo: ['repository'],
    repos: ['repositories'],
    org: ['organization'],
    orgs: ['organizations'],
    pr: ['pull', 'request'],
    prs: ['pull', 'requests'],
    msg: ['message'],
    msgs: ['messages'],
    config: ['configuration'],
    configs: ['configurations'],
    env: ['environment'],
    envs: ['environments'],
    info: ['information'],
    dir: ['directory'],
    dirs: ['directories'],
    ref: ['reference'],
    refs: ['references'],
    perm: ['permission'],
    perms: ['permissions'],
    auth: ['authentication'],
    vuln: ['vulnerability'],
    vulns: ['vulnerabilities'],
    dep: ['dependency'],
    deps: ['dependencies'],
    webhook: ['hook'],
    webhooks: ['hooks'],
    email: ['mail'],
    emails: ['mails'],
  }),
);

interface VerbSpec {
  intent: Intent;
  shape?: Shape;
  /** The word says only what to do, never what to do it to ("new", "all"): no term of its own. */
  termless?: boolean;
  /** A generic read ("show", "fetch") that expands to list or get once the query's number is known. */
  readByShape?: boolean;
  expand: readonly Expansion[];
}

const CREATE: VerbSpec = {
  intent: 'create',
  expand: [
    ['create', 0.6],
    ['add', 0.4],
  ],
};
const DELETE: VerbSpec = {
  intent: 'delete',
  expand: [
    ['delete', 0.6],
    ['remove', 0.5],
  ],
};
const UPDATE: VerbSpec = {
  intent: 'update',
  expand: [
    ['update', 0.6],
    ['set', 0.3],
  ],
};
const GET: VerbSpec = { intent: 'read', readByShape: true, expand: [] };
const LIST: VerbSpec = { intent: 'read', shape: 'collection', expand: [['list', 0.6]] };
const SEARCH: VerbSpec = {
  intent: 'read',
  expand: [
    ['search', 0.6],
    ['list', 0.3],
  ],
};

const VERB_WORDS: [VerbSpec, string][] = [
  [
    CREATE,
    'create add open make post submit start insert register upload publish generate write trigger invite send launch fork clone copy duplicate assign attach link associate grant give schedule buy purchase',
  ],
  [{ ...CREATE, termless: true, expand: [['create', 0.7], ...CREATE.expand.slice(1)] }, 'new'],
  [
    DELETE,
    'delete remove destroy erase drop purge unregister revoke discard clear wipe uninstall unlink detach unassign dissociate unwatch unsubscribe cancel',
  ],
  [
    UPDATE,
    'update edit change modify rename set patch replace close reopen alter adjust toggle configure mark',
  ],
  [GET, 'get fetch read retrieve view show display describe load count'],
  [{ intent: 'read', expand: [] }, 'check inspect see download'],
  [LIST, 'list browse enumerate'],
  [{ ...LIST, termless: true, expand: [['list', 0.3]] }, 'all every each'],
  // "details of a run" asks about one thing, whatever the plural says.
  [{ intent: 'read', shape: 'item', termless: true, expand: [] }, 'details detail'],
  [SEARCH, 'search find query lookup locate'],
];

/**
 * Noun synonyms (query side only, weighted below the word itself because they are not exact). Only what
 * WordNet (wordnet.ts) does not give: API usage ("ticket" is an issue) and domain words.
 */
const SYNONYM_WORDS: [string, Expansion[]][] = [
  ['ticket bug', [['issue', 0.8]]],
  [
    'people person persons',
    [
      ['user', 0.6],
      ['member', 0.8],
    ],
  ],
  ['member', [['user', 0.4]]],
  ['user', [['member', 0.4]]],
  ['file', [['content', 0.6]]],
  [
    'folder',
    [
      ['directory', 0.9],
      ['content', 0.4],
    ],
  ],
  ['directory', [['content', 0.4]]],
  ['favorite favourite bookmark', [['star', 0.8]]],
  [
    'subscribe subscription',
    [
      ['watch', 0.5],
      ['subscription', 0.7],
    ],
  ],
  ['watch unwatch', [['subscription', 0.6]]],
  ['access', [['permission', 0.5]]],
  ['permission', [['access', 0.5]]],
  [
    'pipeline ci build',
    [
      ['workflow', 0.6],
      ['action', 0.3],
    ],
  ],
  ['group', [['team', 0.6]]],
  ['snippet paste', [['gist', 0.7]]],
  ['trigger', [['dispatch', 0.6]]],
  ['version', [['release', 0.5]]],
  ['approve', [['review', 0.7]]],
  ['reply', [['comment', 0.6]]],
  ['note', [['comment', 0.4]]],
  ['credential', [['secret', 0.5]]],
  ['collaborator', [['contributor', 0.5]]],
  ['contributor', [['collaborator', 0.5]]],
  ['find lookup locate', [['search', 0.6]]],
  ['sms mms', [['message', 0.7]]],
  // What WordNet cannot know: the words of API domains for everyday things (music, chat, kanban, people).
  ['song tune', [['track', 0.9]]],
  ['band singer musician', [['artist', 0.9]]],
  [
    'text texting',
    [
      ['message', 0.8],
      ['sms', 0.6],
    ],
  ],
  ['todo', [['task', 0.9]]],
  ['column', [['section', 0.6]]],
  ['board', [['project', 0.5]]],
  [
    'employee engineer teammate coworker colleague hire',
    [
      ['user', 0.6],
      ['member', 0.6],
    ],
  ],
  ['photo picture image', [['media', 0.6]]],
  ['emoji', [['reaction', 0.6]]],
  ['online offline away', [['presence', 0.7]]],
  ['diff', [['compare', 0.8]]],
  ['money funds credit', [['balance', 0.6]]],
  [
    'notify notification alert',
    [
      ['hook', 0.5],
      ['event', 0.4],
    ],
  ],
  // Slack calls channels conversations; Jira moves issues through transitions; git branches are refs.
  ['channel', [['conversation', 0.7]]],
  ['move', [['transition', 0.5]]],
  ['branch tag', [['reference', 0.4]]],
];

/**
 * Two-word verbs, read as one word before anything else: "set up a webhook" creates, it does not set;
 * "pay out" is a payout. (Keys are the two words as the tokenizer yields them.)
 */
export const PHRASAL_VERBS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'set up': 'create',
    'kick off': 'trigger',
    'hang up': 'terminate',
    'sign up': 'register',
    'turn on': 'enable',
    'turn off': 'disable',
    'pay out': 'payout',
    'check out': 'checkout',
    'log in': 'login',
    'sign in': 'login',
    'look up': 'lookup',
    'clean up': 'delete',
  }),
);

/** Second words of two-word verbs ("kick out", "give back"): WordNet lists those verbs with these. */
export const PARTICLES: ReadonlySet<string> = new Set(
  'up down out off in on back over away through about along around'.split(' '),
);

/** A query opening with one of these asks for information ("how" is not one: "how do I create ..."). */
export const QUESTION_WORDS: ReadonlySet<string> = new Set(['who', 'whom', 'which', 'what', 'whose']);

/** "who" asks for people: a hint towards operations about members, users and participants. */
export const WHO_WORDS: ReadonlySet<string> = new Set(['who', 'whom']);

/** Words that point at the caller ("my repos"): they hint at the API's authenticated-user operations. */
export const SELF_WORDS: ReadonlySet<string> = new Set(['my', 'me', 'mine', 'myself', 'own', 'i']);
/** "I" after these frames a request ("how do I", "can I") rather than naming the caller ("repos I starred"). */
export const REQUEST_FRAMES: ReadonlySet<string> = new Set(
  'how do does did can could should would will may might must shall what where when why'.split(' '),
);
/** A word followed by one of these is being used as a verb ("watch a repo", "protect the branch"). */
export const DETERMINERS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'this',
  'that',
  'my',
  'our',
  'your',
  'all',
]);
export const SELF_HINT: readonly Expansion[] = [['authent', 0.6]];

export interface Verb {
  intent: Intent;
  shape?: Shape;
  termless: boolean;
  readByShape: boolean;
  /** Stemmed expansions, without the verb's own stem. */
  expand: readonly Expansion[];
}

function stemExpansions(list: readonly Expansion[], own?: string): Expansion[] {
  return list.map(([word, weight]) => [stem(word), weight] as const).filter(([term]) => term !== own);
}

/** Verbs keyed by stem, so "created", "creating" and "creation" all read as create. */
export const VERBS: ReadonlyMap<string, Verb> = (() => {
  const map = new Map<string, Verb>();
  for (const [spec, words] of VERB_WORDS) {
    for (const word of words.split(' ')) {
      const own = stem(word);
      map.set(own, {
        intent: spec.intent,
        shape: spec.shape,
        termless: spec.termless === true,
        readByShape: spec.readByShape === true,
        expand: stemExpansions(spec.expand, own),
      });
    }
  }
  return map;
})();

/** Stemmed, like SELF_HINT. */
export const WHO_HINT: readonly Expansion[] = stemExpansions([
  ['member', 0.5],
  ['user', 0.4],
  ['participant', 0.5],
]);

/** Noun synonyms keyed by stem. */
export const SYNONYMS: ReadonlyMap<string, readonly Expansion[]> = (() => {
  const map = new Map<string, Expansion[]>();
  for (const [words, expansions] of SYNONYM_WORDS) {
    for (const word of words.split(' ')) {
      const own = stem(word);
      map.set(own, [...(map.get(own) ?? []), ...stemExpansions(expansions, own)]);
    }
  }
  return map;
})();

/** The intent an HTTP method implies when the operation's name has no recognisable verb. */
export function methodIntent(method: string): Intent | undefined {
  switch (method) {
    case 'get':
    case 'head':
      return 'read';
    case 'post':
      return 'create';
    case 'put':
    case 'patch':
      return 'update';
    case 'delete':
      return 'delete';
    default:
      return undefined;
  }
}
