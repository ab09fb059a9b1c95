/** Splits free text and identifiers (camelCase, snake_case, kebab-case, paths) into lowercase words. */

// An acronym plural ("PRs", "APIs") stays one word; otherwise camel humps and digit runs break words.
const IDENTIFIER_PART = /[A-Z]{2,}s(?![a-z])|[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+[a-z]*/g;
const RUN = /[\p{L}\p{N}\p{M}]+/gu;
const ASCII_ALNUM = /^[A-Za-z0-9]+$/;

/** `issuesCreate`, `list-for-repo`, `/repos/{owner}/{repo}` and prose all become lowercase words. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const [run] of text.matchAll(RUN)) {
    if (!ASCII_ALNUM.test(run)) {
      // No reliable case humps outside ASCII identifiers: keep the run whole.
      words.push(run.toLowerCase());
      continue;
    }
    for (const [part] of run.matchAll(IDENTIFIER_PART)) words.push(part.toLowerCase());
  }
  return words;
}
