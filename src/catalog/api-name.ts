/** Catalog names for APIs: derived from where the document came from, checked against sandbox globals. */

import { isIdentifier, toLowerCamel } from './naming.ts';
import { reservedGlobals } from './reserved-globals.ts';
import { SpecError } from './types.ts';

/** File names that say nothing about the API, so the title or the folder/host names it instead. */
const genericNames = new Set([
  'openapi',
  'swagger',
  'api',
  'apis',
  'spec',
  'schema',
  'index',
  'api-docs',
  'docs',
  'v1',
  'v2',
  'v3',
]);

function splitSource(source: string): { segments: string[]; host?: string } {
  try {
    const url = new URL(source);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      return { segments: url.pathname.split('/').filter(Boolean).map(decodeSegment), host: url.hostname };
    }
  } catch {
    // Not a URL: a file path.
  }
  return { segments: source.split(/[\\/]/).filter(Boolean) };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `api.github.com` -> `github`, `petstore.swagger.io` -> `petstore.swagger`: hosts minus `api.`/`www.` and the TLD. */
function trimDomain(name: string): string {
  const labels = name.replace(/^(api|www)\./i, '').split('.');
  if (labels.length > 1 && /^[a-z]{2,6}$/i.test(labels.at(-1)!)) labels.pop();
  return labels.join('.');
}

function stripExtension(name: string): string {
  return name.replace(/\.(json|ya?ml|txt)$/i, '');
}

/** A sandbox-safe name: reserved names get an `Api` suffix (`console` -> `consoleApi`). */
function safeName(name: string): string {
  return reservedGlobals.has(name) ? `${name}Api` : name;
}

/**
 * The catalog name for a document: its file name without extension (a URL's last path segment), with a
 * leading `api.`/`www.` and the TLD dropped, in lowerCamelCase: `api.github.com.json` -> `github`,
 * `stripe.com.json` -> `stripe`, `petstore.yaml` -> `petstore`. A generic file name (`openapi.json`)
 * defers to the first three words of the title, then the folder or host name, then `api`.
 */
export function apiNameFromSource(source: string, title?: string): string {
  const { segments, host } = splitSource(source);
  const base = stripExtension(segments.at(-1) ?? '');
  const candidates = [
    genericNames.has(base.toLowerCase()) ? '' : trimDomain(base),
    (title ?? '').split(/\s+/).slice(0, 3).join(' '),
    host === undefined ? trimDomain(stripExtension(segments.at(-2) ?? '')) : trimDomain(host),
  ];
  for (const candidate of candidates) {
    const name = toLowerCamel(candidate);
    if (name !== '' && !genericNames.has(name.toLowerCase())) return safeName(name);
  }
  return 'api';
}

/** Why a name cannot be an API global, or undefined when it can. */
export function apiNameProblem(name: string): string | undefined {
  if (!isIdentifier(name)) return `API name '${name}' is not a JavaScript identifier`;
  if (reservedGlobals.has(name)) return `API name '${name}' is reserved in the sandbox; choose another name`;
  return undefined;
}

/** Returns the name when it can be an API global; otherwise throws a SpecError naming the source. */
export function checkApiName(name: string, source: string): string {
  const problem = apiNameProblem(name);
  if (problem !== undefined) throw new SpecError(source, problem);
  return name;
}
