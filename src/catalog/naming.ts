/** Identifier rules: operation method names, schema type names and the checks behind them. */

/** Characters that break words: anything that cannot continue an identifier, plus `_` (`list_items` -> `listItems`). */
const wordBreak = /(?:[^\p{ID_Continue}]|_)+/u;
const identifierPattern = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

export function isIdentifier(name: string): boolean {
  return identifierPattern.test(name);
}

function words(text: string): string[] {
  // An all-caps id like `GET_USER` is shouting, not a run of acronyms: read it as `get_user`.
  const source = /\p{Ll}/u.test(text) ? text : text.toLowerCase();
  return source.split(wordBreak).filter((word) => word !== '');
}

function upperFirst(word: string): string {
  return word.replace(/^./u, (char) => char.toUpperCase());
}

/** `GetUser` -> `getUser`, `HTTPStatus` -> `httpStatus`, `URL` -> `url`, `getHTTPStatus` unchanged. */
function lowerFirstWord(word: string): string {
  const capitals = /^\p{Lu}+/u.exec(word)?.[0];
  if (capitals === undefined) return word;
  const rest = word.slice(capitals.length);
  // In `HTTPStatus` the last capital starts the next word, so it stays.
  if (capitals.length > 1 && /^\p{Ll}/u.test(rest)) {
    return capitals.slice(0, -1).toLowerCase() + word.slice(capitals.length - 1);
  }
  return capitals.toLowerCase() + rest;
}

function startIdentifier(name: string): string {
  return /^\p{ID_Start}/u.test(name) ? name : `_${name}`;
}

/**
 * lowerCamelCase where every non-identifier character (and `_`) is a word break and words keep their
 * inner capitals: `issues/create` -> `issuesCreate`, `repos.get-content` -> `reposGetContent`.
 * A leading digit gets a `_` prefix. Returns '' when the text holds no word at all.
 */
export function toLowerCamel(text: string): string {
  const [first, ...rest] = words(text);
  if (first === undefined) return '';
  return startIdentifier(lowerFirstWord(first) + rest.map(upperFirst).join(''));
}

/** PascalCase by the same word rule, for type names: `full-repository` -> `FullRepository`. */
export function toPascal(text: string): string {
  const name = words(text).map(upperFirst).join('');
  return name === '' ? '' : startIdentifier(name);
}

/**
 * The method name for an operation: from its operationId, or else from the method and path template,
 * every path segment (parameter names included) being a word: `get /users/{id}/repos` -> `getUsersIdRepos`.
 */
export function operationMethodName(operationId: string | undefined, method: string, path: string): string {
  return (operationId && toLowerCamel(operationId)) || toLowerCamel(`${method} ${path}`) || method;
}

/** Hands out names, suffixing repeats with 2, 3, ... in the order they are asked for. */
export class UniqueNames {
  readonly #taken = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const name of taken) this.#taken.add(name);
  }

  claim(base: string): string {
    let name = base;
    for (let n = 2; this.#taken.has(name); n++) name = `${base}${n}`;
    this.#taken.add(name);
    return name;
  }
}
