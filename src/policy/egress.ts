/** The egress allowlist: which hosts guest `fetch` may reach (`HOST` or `HOST:PORT`). */

export interface EgressRule {
  host: string;
  port?: string;
}

export function parseEgressRule(text: string): EgressRule {
  const trimmed = text.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+|\*\.[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(trimmed);
  if (!match)
    throw new Error(`egress: '${text}' is not HOST or HOST:PORT (e.g. api.example.com or localhost:8080)`);
  return { host: match[1], port: match[2] };
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
}

/** True when the URL's exact host (and port, when the rule names one) is on the list. */
export function egressAllowed(url: URL, rules: EgressRule[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return rules.some((rule) => {
    const hostMatches = rule.host.startsWith('*.') ? host.endsWith(rule.host.slice(1)) : host === rule.host;
    return hostMatches && (rule.port === undefined || rule.port === defaultPort(url));
  });
}
