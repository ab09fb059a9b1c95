/** Recognises operation names, operationIds and `METHOD /path` that agents paste into a query. */
import type { Operation } from '../catalog/types.ts';

/** Match strength: higher tiers rank above lower ones and above every fuzzy match. */
export type Tier = 1 | 2 | 3;
/** The action part of an operationId (`list-for-repo`): often shared by several operations. */
const ACTION: Tier = 1;
/** A path without a method, or with another method. */
const PATH: Tier = 2;
/** The full name, the operationId, or method + path. */
const EXACT: Tier = 3;

/** Exact lookups only make sense for short input; prose this long is left to ranked search. */
const MAX_EXACT_QUERY = 512;
const MAX_TOKENS = 32;
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
// Identifier-looking tokens: camel humps or word-joining punctuation, never a plain English word.
const IDENTIFIER_LIKE = /[a-z0-9][A-Z]|[A-Za-z0-9][/_.-][A-Za-z0-9]/;
// Quotes and prose punctuation around a pasted name; braces stay, they belong to path templates.
const QUOTES = /^[`'"(<]+|[`'")>,.;:!?]+$/g;

function compact(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function normalizePath(path: string): string {
  let p = path.split(/[?#]/, 1)[0].toLowerCase();
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** `/repos/{owner}/{repo}` and `/repos/{o}/{r}` share a key: parameter names do not matter. */
function templateKey(path: string): string {
  return normalizePath(path).replace(/\{[^}/]*\}/g, '{}');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface PathPattern {
  doc: number;
  method: string;
  pattern: RegExp;
  /** Literal segments: a concrete path matching more of them is the more specific template. */
  literals: number;
}

function addTo(map: Map<string, number[]>, key: string, doc: number): void {
  if (key === '') return;
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== doc) list.push(doc);
  } else map.set(key, [doc]);
}

export type ExactMatcher = (query: string) => Map<number, Tier>;

export function createExactMatcher(operations: readonly Operation[]): ExactMatcher {
  const byIdentifier = new Map<string, number[]>();
  const byAction = new Map<string, number[]>();
  const byTemplate = new Map<string, number[]>();
  let patternsBySegments: Map<number, PathPattern[]> | undefined;

  operations.forEach((op, doc) => {
    addTo(byIdentifier, compact(op.name), doc);
    if (op.operationId) {
      addTo(byIdentifier, compact(op.operationId), doc);
      const slash = op.operationId.lastIndexOf('/');
      if (slash >= 0) addTo(byAction, compact(op.operationId.slice(slash + 1)), doc);
    }
    addTo(byTemplate, templateKey(op.path), doc);
  });

  /** Template regexes, compiled on the first concrete path a query holds (most catalogs never see one). */
  function pathPatterns(): Map<number, PathPattern[]> {
    if (patternsBySegments) return patternsBySegments;
    const bySegments = new Map<number, PathPattern[]>();
    operations.forEach((op, doc) => {
      const segments = templateKey(op.path).split('/');
      const source = segments.map((s) => escapeRegExp(s).replace(/\\\{\\\}/g, '[^/]+')).join('/');
      const pattern: PathPattern = {
        doc,
        method: op.method,
        pattern: new RegExp(`^${source}$`),
        literals: segments.filter((s) => s !== '' && !s.includes('{')).length,
      };
      const bucket = bySegments.get(segments.length);
      if (bucket) bucket.push(pattern);
      else bySegments.set(segments.length, [pattern]);
    });
    patternsBySegments = bySegments;
    return bySegments;
  }

  function matchPath(path: string, method: string | undefined, found: Map<number, Tier>): void {
    const add = (doc: number, opMethod: string) => {
      // A path alone names every method on it; only method + path pins one operation.
      const tier = method === opMethod ? EXACT : PATH;
      if ((found.get(doc) ?? 0) < tier) found.set(doc, tier);
    };
    const template = byTemplate.get(templateKey(path));
    if (template) {
      for (const doc of template) add(doc, operations[doc].method);
      return;
    }
    // A concrete path (`/repos/octocat/hello/issues`): the templates it fits with most literal segments.
    const normalized = normalizePath(path);
    const candidates = pathPatterns().get(normalized.split('/').length) ?? [];
    let best = 0;
    let matches: PathPattern[] = [];
    for (const p of candidates) {
      if (p.literals < best || !p.pattern.test(normalized)) continue;
      if (p.literals > best) {
        best = p.literals;
        matches = [];
      }
      matches.push(p);
    }
    for (const p of matches) add(p.doc, p.method);
  }

  return (query) => {
    const found = new Map<number, Tier>();
    const trimmed = query.trim();
    if (trimmed === '' || trimmed.length > MAX_EXACT_QUERY) return found;
    const raise = (docs: number[] | undefined, tier: Tier) => {
      for (const doc of docs ?? []) if ((found.get(doc) ?? 0) < tier) found.set(doc, tier);
    };

    raise(byIdentifier.get(compact(trimmed)), EXACT);
    const tokens = trimmed.split(/\s+/, MAX_TOKENS).map((t) => t.replace(QUOTES, ''));
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token.startsWith('/')) {
        const previous = i > 0 ? tokens[i - 1].toLowerCase() : undefined;
        matchPath(token, previous && HTTP_METHODS.has(previous) ? previous : undefined, found);
      } else if (IDENTIFIER_LIKE.test(token)) {
        const key = compact(token);
        raise(byIdentifier.get(key), EXACT);
        raise(byAction.get(key), ACTION);
      }
    }
    return found;
  };
}
