/** Base URLs from `servers` (OpenAPI 3) or `host` + `basePath` + `schemes` (Swagger 2). */

import { asArray, asString, isRecord, type JsonObject, stringArray } from './guards.ts';

function isHttpUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/**
 * Drops trailing slashes (paths start with `/`). A relative URL is resolved against the document's URL
 * when it was fetched, and otherwise kept relative for the caller to complete.
 */
export function finishBaseUrl(url: string, source: string): string | undefined {
  let result = url.trim();
  if (result !== '' && !isHttpUrl(result) && !result.startsWith('//') && isHttpUrl(source)) {
    try {
      result = new URL(result, source).href;
    } catch {
      // Unresolvable (e.g. an unsubstituted `{variable}`): keep it as written.
    }
  }
  result = result.replace(/\/+$/, '');
  return result === '' ? undefined : result;
}

/** `servers[0].url` with `{variables}` replaced by their defaults (or first enum value). */
export function serverBaseUrl(document: JsonObject, source: string): string | undefined {
  const server = asArray(document.servers)[0];
  if (!isRecord(server) || typeof server.url !== 'string') return undefined;
  const variables = isRecord(server.variables) ? server.variables : {};
  const url = server.url.replace(/\{([^}]*)\}/g, (match, name: string) => {
    const variable = variables[name];
    if (!isRecord(variable)) return match;
    const value = variable.default ?? asArray(variable.enum)[0];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : match;
  });
  return finishBaseUrl(url, source);
}

export function swaggerBaseUrl(document: JsonObject, source: string): string | undefined {
  const host = asString(document.host).trim();
  let basePath = asString(document.basePath).trim();
  if (basePath !== '' && !basePath.startsWith('/')) basePath = `/${basePath}`;
  const schemes = stringArray(document.schemes).map((scheme) => scheme.toLowerCase());
  const scheme = schemes.includes('https') ? 'https' : (schemes[0] ?? 'https');
  return finishBaseUrl(host === '' ? basePath : `${scheme}://${host}${basePath}`, source);
}
