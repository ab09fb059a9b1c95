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

/** Headers the transport owns or that would address a proxy: a snippet setting them is refused. */
const FORBIDDEN_HEADER =
  /^(host|connection|content-length|transfer-encoding|te|trailer|upgrade|keep-alive|expect|proxy-.*)$/i;
/** Dropped when a redirect leaves the origin, as browsers do, so a hop elsewhere cannot read them. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function origin(url: URL): string {
  return `${url.protocol}//${url.host}`;
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
    if (FORBIDDEN_HEADER.test(name)) {
      throw {
        message: `fetch: header '${name}' is set by the host, not the snippet`,
      } satisfies HostCallError;
    }
    try {
      headers.set(name, String(value));
    } catch {
      throw { message: `fetch: '${name}' is not a valid header name or value` } satisfies HostCallError;
    }
  }
  let method = (init?.method ?? 'GET').toUpperCase();
  let body = init?.body === undefined || init.body === null ? undefined : String(init.body);
  for (let hop = 0; ; hop++) {
    if (!egressAllowed(url, rules)) {
      const where = `${url.protocol}//${url.host}`;
      throw denied(
        hop === 0
          ? `egress: ${where} is not on the fetch allowlist`
          : `egress: a redirect led to ${where}, which is not on the fetch allowlist`,
      );
    }
    let response: Response;
    try {
      response = await options.fetch(url, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: options.signal,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw {
        message: `fetch: ${method} ${url.href} failed: ${cause ?? (error as Error).message ?? String(error)}`,
      } satisfies HostCallError;
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS)
        throw { message: `fetch: more than ${MAX_REDIRECTS} redirects` } satisfies HostCallError;
      const next = new URL(location, url);
      if (origin(next) !== origin(url)) for (const name of ORIGIN_BOUND_HEADERS) headers.delete(name);
      url = next;
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    let text: string;
    try {
      text = await readTextBounded(response, options.maxBytes);
    } catch (error) {
      throw { message: `fetch: ${url.href}: ${(error as Error).message}` } satisfies HostCallError;
    }
    return {
      url: url.href,
      status: response.status,
      statusText: response.statusText,
      headers: Object.fromEntries(response.headers),
      body: text,
    };
  }
}
