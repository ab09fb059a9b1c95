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

/** Reads, parses and builds one document; every failure is a SpecError naming the source. */
export async function loadSpec(
  source: string,
  readText: ReadText = fetchText,
  options: LoadSpecOptions = {},
): Promise<Api> {
  let text: string;
  try {
    text = await readText(source);
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw new SpecError(source, `cannot read: ${errorMessage(error)}`);
  }
  return buildApi(parseSpecText(text, source), { ...options, source });
}
