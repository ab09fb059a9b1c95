/** What an operation does (intent from its name's verb and HTTP method) and whether it targets one item. */
import type { Operation } from '../catalog/types.ts';
import { indexTerms } from './analyze.ts';
import { listsMany } from './operation-fields.ts';
import { operationTitle } from './operation-title.ts';
import { stem } from './porter-stemmer.ts';
import { splitWords } from './split-words.ts';
import { type Intent, methodIntent, type Shape, VERBS } from './vocabulary.ts';

export interface OperationTraits {
  /** Intents named by the leading verbs of the name or summary ("create-or-update" gives two). */
  nameIntents: Intent[];
  /** What the method does to what the path addresses (a POST to an item updates it, Stripe-style). */
  methodIntent?: Intent;
  shape: Shape;
  /** Stems of the first word of the name's action and of the summary (`star` for `star-repo-...`). */
  leads: string[];
}

/** The action part of an operationId: `issues/list-for-repo` -> `list-for-repo`. */
function actionPart(op: Operation): string {
  const id = op.operationId ?? op.name;
  const slash = id.lastIndexOf('/');
  return slash >= 0 ? id.slice(slash + 1) : id;
}

/** RPC-style names put the resource first ("conversations.kick", "meetingUpdate", "usersGetPresence"). */
const VERB_REACH = 3;

function leadingIntents(words: string[]): Intent[] {
  const intents: Intent[] = [];
  let start = 0;
  while (start < words.length && start < VERB_REACH && !VERBS.has(stem(words[start]))) start++;
  if (start === VERB_REACH) return intents;
  for (let i = start; i < words.length; i += 2) {
    const verb = VERBS.get(stem(words[i]));
    if (!verb || verb.termless) break;
    if (!intents.includes(verb.intent)) intents.push(verb.intent);
    if (words[i + 1] !== 'or' && words[i + 1] !== 'and') break;
  }
  return intents;
}

function shapeOf(op: Operation, phrases: string[][], title: string): Shape {
  if (listsMany(op, title)) return 'collection';
  for (const words of phrases) {
    if (words[0] === 'list' || words[1] === 'all') return 'collection';
  }
  for (const words of phrases) if (words[0] === 'get') return 'item';
  // A path ending in a parameter addresses one item; a literal ending names a collection.
  return /\}\/?$/.test(op.path) ? 'item' : 'collection';
}

/**
 * The method's intent, refined by the path: a POST to an item (`/v1/customers/{customer}`) updates it,
 * and a POST to an action (`/pulls/{n}/merge`, `.../close`) does what the action's verb says.
 */
function pathIntent(op: Operation): Intent | undefined {
  const intent = methodIntent(op.method);
  if (op.method !== 'post') return intent;
  const segments = op.path.split(/[/.]/).filter((s) => s !== '' && s !== 'json');
  const last = segments[segments.length - 1];
  if (last === undefined) return intent;
  if (last.startsWith('{')) return 'update';
  const verb = VERBS.get(stem(splitWords(last)[0] ?? ''));
  return verb && !verb.termless && segments.length > 1 ? verb.intent : intent;
}

export function operationTraits(op: Operation): OperationTraits {
  const action = actionPart(op);
  const title = operationTitle(op);
  const phrases = [splitWords(action), splitWords(title)];
  const nameIntents: Intent[] = [];
  for (const words of phrases) {
    for (const intent of leadingIntents(words)) if (!nameIntents.includes(intent)) nameIntents.push(intent);
  }
  const leads: string[] = [];
  for (const text of [action, title]) {
    const first = indexTerms(text)[0];
    if (first !== undefined && !leads.includes(first)) leads.push(first);
  }
  return { nameIntents, methodIntent: pathIntent(op), shape: shapeOf(op, phrases, title), leads };
}
