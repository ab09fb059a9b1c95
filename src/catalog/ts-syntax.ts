/** Small TypeScript text helpers: property keys, doc comments, unions and intersections. */

import { isIdentifier } from './naming.ts';

/** `owner` stays bare; `X-GitHub-Api-Version` becomes `'X-GitHub-Api-Version'`. */
export function propertyKey(name: string): string {
  if (isIdentifier(name)) return name;
  return `'${JSON.stringify(name).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

const maxDocLength = 160;

/**
 * A one-line doc comment from a description, or '' when it is empty or too long to be a useful hint.
 * Only the first paragraph is kept, whitespace collapsed, `*\/` defused.
 */
export function docComment(text: string | undefined, limit = maxDocLength): string {
  if (!text) return '';
  const firstParagraph = text
    .split(/\n\s*\n/)[0]!
    .replace(/\s+/g, ' ')
    .trim();
  if (firstParagraph === '' || firstParagraph.length > limit) return '';
  return `/** ${firstParagraph.replaceAll('*/', '*\\/')} */`;
}

/** Where `|` or `&` occur outside brackets, braces, parentheses, quotes and comments. */
function topLevelOperators(type: string): { union: boolean; intersection: boolean } {
  let depth = 0;
  let quote = '';
  const found = { union: false, intersection: false };
  for (let i = 0; i < type.length; i++) {
    const char = type[i]!;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = '';
    } else if (char === '/' && type[i + 1] === '*') {
      const end = type.indexOf('*/', i + 2);
      i = end === -1 ? type.length : end + 1;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '{' || char === '[' || char === '(' || char === '<') depth++;
    else if (char === '}' || char === ']' || char === ')' || char === '>') depth--;
    else if (depth === 0 && char === '|') found.union = true;
    else if (depth === 0 && char === '&') found.intersection = true;
  }
  return found;
}

export function union(members: readonly string[]): string {
  const unique = [...new Set(members)].filter((member) => member !== 'never');
  if (unique.includes('unknown')) return 'unknown';
  if (unique.length === 0) return 'never';
  return unique.join(' | ');
}

export function intersection(members: readonly string[]): string {
  const unique = [...new Set(members)].filter((member) => member !== 'unknown');
  if (unique.length === 0) return 'unknown';
  if (unique.length === 1) return unique[0]!;
  return unique.map((member) => (topLevelOperators(member).union ? `(${member})` : member)).join(' & ');
}

/** `T[]`, parenthesising unions and intersections. */
export function arrayOf(element: string): string {
  const { union: hasUnion, intersection: hasIntersection } = topLevelOperators(element);
  return hasUnion || hasIntersection ? `(${element})[]` : `${element}[]`;
}
