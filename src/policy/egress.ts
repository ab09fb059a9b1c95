/** The egress allowlist: which hosts guest `fetch` may reach (`HOST`, `*.DOMAIN`, `HOST:PORT`). */

export interface EgressRule {
  /** As the URL parser writes it: lower case, IPv4 in dotted decimal, IPv6 in brackets and compressed. */
  host: string;
  /** Absent: the scheme's default port only (80 for http, 443 for https). */
  port?: string;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** An IP literal as the URL parser leaves it (`127.1`, `0x7f.0.0.1` and `2130706433` all become `127.0.0.1`). */
export function isIpLiteral(hostname: string): boolean {
  return IPV4.test(hostname) || hostname.startsWith('[');
}

export function parseEgressRule(text: string): EgressRule {
  const trimmed = text.trim().toLowerCase();
  const usage = `egress: '${text}' is not HOST, *.DOMAIN or HOST:PORT (e.g. api.example.com, *.example.com, localhost:8080)`;
  const wildcard = trimmed.startsWith('*.');
  let url: URL;
  try {
    // The URL parser normalises the host exactly as it will normalise the guest's URLs.
    url = new URL(`http://${wildcard ? trimmed.slice(2) : trimmed}`);
  } catch {
    throw new Error(usage);
  }
  const rest = wildcard ? trimmed.slice(2) : trimmed;
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || rest.includes('/')) {
    throw new Error(usage);
  }
  const explicitPort = /:(\d{1,5})$/.exec(rest)?.[1];
  if (wildcard && isIpLiteral(url.hostname)) {
    throw new Error(`egress: '${text}': a wildcard covers DNS names only, not IP addresses`);
  }
  return { host: wildcard ? `*.${url.hostname}` : url.hostname, port: explicitPort };
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/**
 * True when the URL's host is on the list exactly, as the URL parser normalises it: no alias of a listed
 * host gets through (`localhost.`, `127.1` for `localhost`, `[::ffff:127.0.0.1]` for `127.0.0.1`), a
 * wildcard matches DNS names only, and a rule without a port allows only the scheme's default port.
 */
export function egressAllowed(url: URL, rules: readonly EgressRule[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  const host = url.hostname;
  const port = url.port || defaultPort(url.protocol);
  return rules.some((rule) => {
    const hostMatches = rule.host.startsWith('*.')
      ? !isIpLiteral(host) && host.endsWith(rule.host.slice(1))
      : host === rule.host;
    return hostMatches && port === (rule.port ?? defaultPort(url.protocol));
  });
}
