/**
 * Parts of a request that are values to pass, not words to match: quoted text ("post 'deploy finished'"),
 * names ("add Maria to ..."), channel and user handles, emoji codes, addresses. Handles say what kind of
 * thing they name, so they become that word ("#design" is a channel).
 */

/** `'on vacation'`, `"deploy finished"`, `“Done”`: opened after a space, closed before a space or punctuation. */
const QUOTED = /(^|[\s(])(?:'[^'\n]{1,80}'|"[^"\n]{1,80}"|“[^”\n]{1,80}”|‘[^’\n]{1,80}’)(?=$|[\s.,;:!?)])/g;
const EMAIL = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const URL = /\bhttps?:\/\/\S+/g;
/** Slack and most chat tools write channels as #name and people as @name; emoji as :name:. */
const CHANNEL = /(^|\s)#[\p{L}\p{N}][\p{L}\p{N}_.-]*/gu;
const MENTION = /(^|\s)@[\p{L}\p{N}][\p{L}\p{N}_.-]*/gu;
const EMOJI = /(^|\s):[a-z0-9_+-]+:(?=$|[\s.,;!?])/g;
/** A capitalised word after a lowercase word or a comma: a name ("invite Dana", "songs by Taylor Swift"). */
const NAME = /(?<=[\p{Ll}\p{N},]\s+|\b[A-Z][a-z]+\s+)([A-Z][a-z]+)(?='s\b|\b)/gu;

export interface QueryValues {
  /** The query with values taken out and handles replaced by the kind of thing they name. */
  text: string;
  /** Lowercase words that were written as names: weak evidence, and not expanded to related words. */
  names: Set<string>;
}

export function extractValues(query: string): QueryValues {
  const names = new Set<string>();
  let text = query
    .replace(URL, ' url ')
    .replace(EMAIL, ' email ')
    .replace(QUOTED, '$1 ')
    .replace(CHANNEL, '$1channel')
    .replace(MENTION, '$1user')
    .replace(EMOJI, '$1emoji');
  // Names are kept (a product name can be a word the catalog has) but marked.
  for (const [, name] of text.matchAll(NAME)) names.add(name.toLowerCase());
  text = text.replace(/\s+/g, ' ');
  return { text, names };
}
