/** `fetch` for the guest: every hop checked against the egress allowlist, no credentials, bounded size. */

import { type EgressRule, egressAllowed } from '../policy/egress.ts';
import type { HostCallError } from '../sandbox/types.ts';
import { readTextBounded } from './read-response.ts';

const MAX_REDIRECTS = 5;

export interface GuestFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface GuestFetchResult {
  url: string;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

function denied(message: string): HostCallError {
  return { message, fatal: 'egress' };
}

export async function guestFetch(
  input: string,
  init: GuestFetchInit | undefined,
  rules: EgressRule[],
  options: { fetch: typeof fetch; maxBytes: number; signal?: AbortSignal },
): Promise<GuestFetchResult> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw { message: `fetch: '${input}' is not an absolute URL` } satisfies HostCallError;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(init?.headers ?? {})) {
    if (/[\r\n\0]/.test(String(value)) || /[\r\n\0]/.test(name)) {
      throw { message: `fetch: header '${name}' contains CR, LF or NUL` } satisfies HostCallError;
    }
    headers.set(name, String(value));
  }
  let method = (init?.method ?? 'GET').toUpperCase();
  let body = init?.body;
  for (let hop = 0; ; hop++) {
    if (!egressAllowed(url, rules)) throw denied(`egress: ${url.host} is not on the fetch allowlist`);
    const response = await options.fetch(url, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: options.signal,
    });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS)
        throw { message: `fetch: more than ${MAX_REDIRECTS} redirects` } satisfies HostCallError;
      url = new URL(location, url);
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    return {
      url: url.href,
      status: response.status,
      statusText: response.statusText,
      headers: Object.fromEntries(response.headers),
      body: await readTextBounded(response, options.maxBytes),
    };
  }
}
