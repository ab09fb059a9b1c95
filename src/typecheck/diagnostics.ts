/** TypeScript diagnostics as duet's: the snippet's own lines, API interfaces named as the globals, suggestions. */
import ts from '#typescript';
import { operationSignature } from '../catalog/declarations.ts';
import type { Api } from '../catalog/types.ts';
import type { Diagnostic } from '../execute/types.ts';
import { editDistance, suggestOperations } from '../search/suggest-operations.ts';
import { nodeAt } from './node-at.ts';

/** TypeScript's "Property 'x' does not exist on type 'y'" (2551 with its own "Did you mean"). */
const NO_SUCH_PROPERTY = new Set([2339, 2551]);
const CANNOT_FIND_NAME = 2304;
/** "Expected 1 arguments, but got 2" and its variants. */
const ARGUMENT_COUNT = new Set([2554, 2555, 2556]);
const MAX_LISTED_FIELDS = 8;

/** Types quoted in messages past this length are cut: an agent needs the gist, not 2 KB of a schema. */
const MAX_TYPE_CHARS = 100;

export interface MapContext {
  /** The wrapped file the snippet was compiled in; its line 1 is the wrapper's, line 2 the snippet's first. */
  file: ts.SourceFile;
  lines: number;
  apis: ReadonlyMap<string, Api>;
  fetch: boolean;
  /** The program's checker, for messages that name what does exist. */
  checker: () => ts.TypeChecker;
}

/** `github$Api` reads as `typeof github`, the way the snippet knows it. */
function rename(message: string, apis: ReadonlyMap<string, Api>): string {
  return message.replace(/\b([A-Za-z_$][\w$]*?)\$Api\b/g, (whole, name: string) =>
    apis.has(name) ? `typeof ${name}` : whole,
  );
}

function shortenTypes(message: string): string {
  return message.replace(/'([^'\n]*)'/g, (whole, type: string) =>
    type.length <= MAX_TYPE_CHARS ? whole : `'${type.slice(0, MAX_TYPE_CHARS).trimEnd()} ...'`,
  );
}

function explain(diagnostic: ts.Diagnostic, message: string, context: MapContext): string {
  const node = diagnostic.start === undefined ? undefined : nodeAt(context.file, diagnostic.start);
  if (NO_SUCH_PROPERTY.has(diagnostic.code)) {
    // On an API global TypeScript knows only the operations the snippet named; we know them all.
    const match = /^(Property '([^']+)' does not exist on type 'typeof ([\w$]+)'\.)/.exec(message);
    const api = match && context.apis.get(match[3]);
    if (api) {
      const names = sdkStyleOperation(api, node) ?? suggestOperations(api, match[2]);
      return names.length > 0
        ? `${match[1]} Did you mean ${names.map((n) => `'${n}'`).join(', ')}?${sdkHint(api, node)}`
        : match[1];
    }
    const fields = fieldHint(node, context.checker());
    if (fields) return `${message.split('\n')[0]} ${fields}`;
  }
  if (ARGUMENT_COUNT.has(diagnostic.code)) {
    const hint = signatureHint(node, context);
    if (hint) return `${message} ${hint}`;
  }
  if (diagnostic.code === CANNOT_FIND_NAME && !context.fetch && /'fetch'/.test(message)) {
    return `${message} (fetch is not enabled on this server: it needs --allow-fetch)`;
  }
  return message;
}

export function toDiagnostic(diagnostic: ts.Diagnostic, context: MapContext): Diagnostic {
  const text = shortenTypes(
    rename(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'), context.apis),
  );
  const out: Diagnostic = { message: explain(diagnostic, text, context) };
  if (diagnostic.file === context.file && diagnostic.start !== undefined) {
    const { line, character } = context.file.getLineAndCharacterOfPosition(diagnostic.start);
    // Wrapper line 0 is the prefix, so the 0-based wrapper line is the 1-based snippet line.
    out.line = Math.min(context.lines, Math.max(1, line));
    out.column = line < 1 ? 1 : character + 1;
  }
  return out;
}

/** `github.issues.create` -> ['issues', 'create']: the names accessed after the API global. */
function accessChain(node: ts.Node | undefined): string[] {
  const words: string[] = [];
  let at = node && ts.isIdentifier(node) ? node.parent : undefined;
  while (at && ts.isPropertyAccessExpression(at)) {
    words.push(at.name.text);
    at = at.parent;
  }
  return words;
}

/** Same words in any order, plural or not: `issues.create` and `issuesCreate`, `tasks.list` and `listTasks`. */
const wordKey = (names: string[]) =>
  names
    .flatMap((name) => name.split(/(?=[A-Z])|_/))
    .map((word) => word.toLowerCase().replace(/s$/, ''))
    .filter(Boolean)
    .sort()
    .join(' ');

/** Octokit/SDK style (`github.issues.create`, `github.rest.repos.get`): the operation with those words. */
function sdkStyleOperation(api: Api, node: ts.Node | undefined): string[] | undefined {
  const chain = accessChain(node);
  if (chain.length < 2) return undefined;
  for (const words of [chain, chain.slice(1)]) {
    const key = wordKey(words);
    const found = api.operations.filter((op) => wordKey([op.name]) === key).map((op) => op.name);
    if (found.length > 0) return found.slice(0, 3);
  }
  return undefined;
}

function sdkHint(api: Api, node: ts.Node | undefined): string {
  return accessChain(node).length >= 2
    ? ` Each operation is a method of ${api.name} itself, called with one argument object: ${api.name}.NAME({ ... }).`
    : '';
}

/** For a call of an API operation with the wrong number of arguments: its signature. */
function signatureHint(node: ts.Node | undefined, context: MapContext): string | undefined {
  let call = node;
  while (call && !ts.isCallExpression(call)) call = call.parent;
  if (!call || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const target = call.expression;
  if (!ts.isIdentifier(target.expression)) return undefined;
  const api = context.apis.get(target.expression.text);
  const op = api?.operations.find((candidate) => candidate.name === target.name.text);
  if (!api || !op) return undefined;
  const signature = operationSignature(api, op).split('\n').at(-1)!;
  return `${api.name}.${op.name} takes one argument object (path, query and header parameters by name, the request body under \`body\`): ${signature}`;
}

/**
 * For a field that does not exist: a forgotten `await` (the field is on the promised value), or the
 * fields that do exist, closest first (`username` -> `login`, `name`, ...).
 */
function fieldHint(node: ts.Node | undefined, checker: ts.TypeChecker): string | undefined {
  if (!node || !ts.isIdentifier(node) || !ts.isPropertyAccessExpression(node.parent)) return undefined;
  const wanted = node.text;
  const type = checker.getTypeAtLocation(node.parent.expression);
  const awaited = checker.getAwaitedType(type);
  if (awaited && awaited !== type && checker.getPropertyOfType(awaited, wanted))
    return `The value is a Promise: did you forget \`await\`?`;
  // Listing the methods of a string or number would be noise: the field lists are for API data.
  if (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike))
    return undefined;
  const fields = checker
    .getPropertiesOfType(checker.getApparentType(type))
    .map((symbol) => symbol.getName())
    .filter((name) => !name.startsWith('__'));
  if (fields.length === 0 || type.getSymbol()?.getName() === 'Promise') return undefined;
  const ranked = fields
    .map((name) => ({ name, score: closeness(wanted, name) }))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, MAX_LISTED_FIELDS)
    .map(({ name }) => name);
  const more = fields.length > ranked.length ? `, ... (${fields.length} fields)` : '';
  return `Fields it has, closest first: ${ranked.join(', ')}${more}.`;
}

/** Lower is closer: a shared word counts most, then spelling. */
function closeness(wanted: string, name: string): number {
  const words = (text: string) => new Set(text.split(/(?=[A-Z])|_/).map((w) => w.toLowerCase()));
  const shared = [...words(wanted)].filter((word) => words(name).has(word)).length;
  return editDistance(wanted, name) - 10 * shared - (IDENTITY_FIELDS.has(name) ? 3 : 0);
}

/** What a model usually means by `username`, `user_name`, `handle`: the identity fields. */
const IDENTITY_FIELDS = new Set(['login', 'name', 'id', 'email']);
