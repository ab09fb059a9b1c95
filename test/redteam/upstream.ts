/** The outside world of the red-team suite: one HTTP server on every loopback address, recording each request. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CREDENTIAL = 'Bearer red-team-credential-7f3a';

export interface Outside {
  port: number;
  /** Every request's path and query, in arrival order. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * `/ok` answers, `/redirect?to=URL` redirects, `/secret` must never be reached, `/big` is 9 MiB, `/hang`
 * never answers; any other path echoes what arrived: method, raw URL, `X-Trace`, whether an injected
 * header or the credential came along (never the credential itself), and the body.
 */
export async function startOutside(): Promise<Outside> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push(req.url!);
      const url = new URL(req.url!, 'http://outside');
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (url.pathname === '/ok') return json(200, { ok: true });
      if (url.pathname === '/secret') return json(200, { secret: 'the sandbox reached a host it must not' });
      if (url.pathname === '/redirect') {
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/ok' });
        return res.end();
      }
      if (url.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('x'.repeat(9 * 2 ** 20));
      }
      if (url.pathname === '/hang') return;
      json(200, {
        method: req.method,
        url: req.url,
        trace: req.headers['x-trace'],
        injected: 'x-injected' in req.headers,
        authorized: req.headers.authorization === CREDENTIAL,
        body,
      });
    });
  });
  // '::' takes IPv4 too, so 127.0.0.1, [::1] and localhost all reach it: a refusal is the allowlist's doing.
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
