/** Splits free text and identifiers (camelCase, snake_case, kebab-case, paths) into lowercase words. */

const NON_ASCII = /[^\x00-\x7f]/;
const RUN = /[\p{L}\p{N}\p{M}]+/gu;
const ASCII_ALNUM = /^[A-Za-z0-9]+$/;

const OTHER = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;

function kind(code: number): number {
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 65 && code <= 90) return UPPER;
  if (code >= 48 && code <= 57) return DIGIT;
  return OTHER;
}

/**
 * Words of ASCII text in one pass over char codes: a new word at each lower-to-upper hump ("issuesCreate")
 * and before the last capital of an acronym ("HTTPServer"), except acronym plurals ("PRs", "APIs").
 */
function splitAscii(text: string, words: string[]): void {
  const n = text.length;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const k = i < n ? kind(text.charCodeAt(i)) : OTHER;
    if (k === OTHER) {
      if (start >= 0) words.push(text.slice(start, i).toLowerCase());
      start = -1;
      continue;
    }
    if (start < 0) {
      start = i;
      continue;
    }
    if (k !== UPPER) continue;
    const prev = kind(text.charCodeAt(i - 1));
    let boundary = prev === LOWER || prev === DIGIT;
    if (prev === UPPER && i + 1 < n && kind(text.charCodeAt(i + 1)) === LOWER) {
      // "HTTPServer" -> HTTP|Server, but "PRs" and "APIs" are acronym plurals, not a new hump.
      const pluralAcronym =
        text.charCodeAt(i + 1) === 115 && (i + 2 >= n || kind(text.charCodeAt(i + 2)) !== LOWER);
      boundary = !pluralAcronym;
    }
    if (boundary) {
      words.push(text.slice(start, i).toLowerCase());
      start = i;
    }
  }
}

/** `issuesCreate`, `list-for-repo`, `/repos/{owner}/{repo}` and prose all become lowercase words. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  if (!NON_ASCII.test(text)) {
    splitAscii(text, words);
    return words;
  }
  for (const [run] of text.matchAll(RUN)) {
    if (!ASCII_ALNUM.test(run)) {
      // No reliable case humps outside ASCII identifiers: keep the run whole.
      words.push(run.toLowerCase());
      continue;
    }
    splitAscii(run, words);
  }
  return words;
}
