/** An operation's title: its summary, else its description's first sentence (Stripe, Slack, Twilio have no summaries). */
import type { Operation } from '../catalog/types.ts';

const MAX_TITLE_CHARS = 120;
const HTML_TAG = /<[^>]*>/g;
const MARKDOWN_LINK_TARGET = /\]\([^)]*\)/g;
const URL = /\bhttps?:\/\/\S+/g;
const titles = new WeakMap<Operation, string>();

function firstSentence(description: string): string {
  const text = description
    .slice(0, MAX_TITLE_CHARS * 4)
    .replace(HTML_TAG, ' ')
    .replace(MARKDOWN_LINK_TARGET, ']')
    .replace(URL, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = /^(.+?[.!?])(?:\s|$)/.exec(text)?.[1] ?? text;
  if (sentence.length <= MAX_TITLE_CHARS) return sentence;
  const cut = sentence.lastIndexOf(' ', MAX_TITLE_CHARS);
  return sentence.slice(0, cut > 0 ? cut : MAX_TITLE_CHARS);
}

export function operationTitle(op: Operation): string {
  if (op.summary.trim() !== '') return op.summary;
  let title = titles.get(op);
  if (title === undefined) {
    title = firstSentence(op.description);
    titles.set(op, title);
  }
  return title;
}
