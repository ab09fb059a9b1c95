/** Turns the CLI's repeatable NAME=VALUE flags into duet's config (specs, base URLs, headers), on any runtime. */
import { type Api, type BuiltApiCache, loadMcpApi, loadSpec } from '../catalog/index.ts';
import type { UpstreamConfig } from '../execute/executor.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

const NAMED = /^([A-Za-z_$][\w$]*)=(.+)$/s;

/** `NAME=VALUE` (NAME optional when `nameOptional`), e.g. `github=./api.github.com.json`. */
export function splitNamed(
  flag: string,
  text: string,
  nameOptional = false,
): { name?: string; value: string } {
  const match = NAMED.exec(text);
  // A Windows drive letter or URL scheme is not a name: `C:\x` and `https://...` have no '='.
  if (match) return { name: match[1], value: match[2] };
  if (nameOptional) return { value: text };
  throw new UsageError(`--${flag} ${text}: expected NAME=VALUE, e.g. --${flag} github=...`);
}

/** Loads every `--spec [NAME=]PATH_OR_URL`; `readSource` is the runtime's file-or-URL reader. */
export async function loadApis(
  specs: string[] = [],
  readSource: (source: string) => Promise<string>,
  /** Where built APIs are kept between starts (see BuiltApiCache). */
  cache?: BuiltApiCache,
): Promise<Api[]> {
  return Promise.all(
    specs.map((text) => {
      const { name, value } = splitNamed('spec', text, true);
      return loadSpec(value, readSource, { name }, cache);
    }),
  );
}

export function buildUpstreams(
  baseUrls: string[] = [],
  headers: string[] = [],
): Record<string, UpstreamConfig> {
  const upstreams: Record<string, UpstreamConfig> = {};
  const get = (name: string) => (upstreams[name] ??= {});
  for (const text of baseUrls) {
    const { name, value } = splitNamed('base-url', text);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`--base-url ${text}: '${value}' is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`--base-url ${text}: only http and https URLs are supported`);
    }
    get(name!).baseUrl = value;
  }
  for (const text of headers) {
    const { name, value } = splitNamed('header', text);
    const colon = value.indexOf(':');
    const header = value.slice(0, colon).trim();
    const headerValue = value.slice(colon + 1).trim();
    if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header) || /[\r\n\0]/.test(headerValue)) {
      throw new UsageError(
        `--header ${name}=...: expected 'NAME=Header-Name: value' (e.g. github=Authorization: token X)`,
      );
    }
    get(name!).headers = { ...upstreams[name!]?.headers, [header]: headerValue };
  }
  return upstreams;
}

/** Connects every `--mcp NAME=URL` and imports its tools; `--header NAME=...` for that NAME goes to the MCP server. */
export async function loadMcpApis(
  flags: string[] = [],
  upstreams: Record<string, UpstreamConfig> = {},
): Promise<Api[]> {
  return Promise.all(
    flags.map((text) => {
      const { name, value } = splitNamed('mcp', text);
      if (!/^https?:\/\//i.test(value))
        throw new UsageError(`--mcp ${text}: expected NAME=http(s)://... (Streamable HTTP)`);
      return loadMcpApi(name!, value, { headers: upstreams[name!]?.headers });
    }),
  );
}
