/** Loading documents by source: read the text (file reader from the adapter, or fetch), parse, build. */

import { type BuildApiOptions, buildApi } from './build-api.ts';
import { errorMessage } from './guards.ts';
import { parseSpecText } from './parse-spec-text.ts';
import { type Api, SpecError } from './types.ts';

export type ReadText = (source: string) => Promise<string>;

export type LoadSpecOptions = Omit<BuildApiOptions, 'source'>;

export function isHttpUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Fetches a document's text; a network failure or non-2xx status is a SpecError naming the URL. */
export async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' },
    });
  } catch (error) {
    throw new SpecError(url, `fetch failed: ${errorMessage(error)}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new SpecError(url, `fetch failed: HTTP ${response.status} ${response.statusText}`.trim());
  }
  try {
    return await response.text();
  } catch (error) {
    throw new SpecError(url, `fetch failed while reading the body: ${errorMessage(error)}`);
  }
}

/** A reader that fetches http(s) sources and hands everything else to the adapter's file reader. */
export function readTextWith(readFile: ReadText): ReadText {
  return (source) => (isHttpUrl(source) ? fetchText(source) : readFile(source));
}

/** An API as built from a document, with the warnings building it gave. */
export interface BuiltApi {
  api: Api;
  warnings: string[];
}

/**
 * Built APIs kept between starts (on Node: in the data directory, per version of the code that builds
 * them), under a key naming everything they were built from. Parsing and building GitHub's spec takes
 * ~0.25 s of a ~0.7 s start; reading the built API back takes ~0.03 s. A cache that fails is no cache.
 */
export interface BuiltApiCache {
  /**
   * What the document at `source` is, cheaply and without reading it (a local file: its path, size and
   * modification time), or undefined when only its text can tell (a URL): its text is then hashed.
   */
  identify?(source: string): Promise<string | undefined>;
  get(key: string): Promise<BuiltApi | undefined>;
  put(key: string, built: BuiltApi): Promise<void>;
}

async function readDocument(source: string, readText: ReadText): Promise<string> {
  try {
    return await readText(source);
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw new SpecError(source, `cannot read: ${errorMessage(error)}`);
  }
}

/** Reads, parses and builds one document; every failure is a SpecError naming the source. */
export async function loadSpec(
  source: string,
  readText: ReadText = fetchText,
  options: LoadSpecOptions = {},
  cache?: BuiltApiCache,
): Promise<Api> {
  if (!cache)
    return buildApi(parseSpecText(await readDocument(source, readText), source), { ...options, source });
  return buildKept(source, readText, options, cache);
}

/** The document's API from the cache, or built and then kept; the warnings are given either way. */
async function buildKept(
  source: string,
  readText: ReadText,
  options: LoadSpecOptions,
  cache: BuiltApiCache,
): Promise<Api> {
  const { onWarning, ...settings } = options;
  const identity = await cache.identify?.(source).catch(() => undefined);
  // Read before the key when the text is the identity, after a miss otherwise.
  let text = identity === undefined ? await readDocument(source, readText) : undefined;
  const key = await builtApiKey({ ...settings, source }, identity ?? text!);
  const kept = await cache.get(key).catch(() => undefined);
  if (kept) {
    for (const warning of kept.warnings) onWarning?.(warning);
    return kept.api;
  }
  text ??= await readDocument(source, readText);
  const warnings: string[] = [];
  const api = buildApi(parseSpecText(text, source), {
    ...settings,
    source,
    onWarning: (warning) => {
      warnings.push(warning);
      onWarning?.(warning);
    },
  });
  await cache.put(key, { api, warnings }).catch(() => undefined);
  return api;
}

/** SHA-256 (hex) of the build settings and what the document is (its identity, or its whole text). */
async function builtApiKey(settings: Omit<BuildApiOptions, 'onWarning'>, document: string): Promise<string> {
  const { source, name, baseUrl, ...others } = settings;
  // A build setting added later must be added to the key: this stops compiling until it is.
  const none: Record<string, never> = others;
  void none;
  const bytes = new TextEncoder().encode(
    `${JSON.stringify([source, name ?? null, baseUrl ?? null])}\n${document}`,
  );
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
