/** A real HTTP server standing in for GitHub's issues API, recording every request it receives. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Upstream {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const received: Received[] = [];
  const issues = new Map<
    string,
    { number: number; title: string; body?: string; state: string; labels: unknown[] }[]
  >();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const url = new URL(req.url!, 'http://x');
      const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(value === undefined ? '' : JSON.stringify(value));
      };
      const match = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(url.pathname);
      if (match) {
        const key = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
        const list = issues.get(key) ?? [];
        issues.set(key, list);
        if (req.method === 'POST') {
          const input = JSON.parse(body);
          if (!input.title) {
            // As GitHub answers a missing title: the reason is in the body.
            return send(422, {
              message: 'Validation Failed',
              errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }],
              documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
            });
          }
          const issue = {
            number: list.length + 1,
            title: input.title,
            body: input.body,
            state: 'open',
            labels: input.labels ?? [],
          };
          list.push(issue);
          return send(201, issue);
        }
        if (req.method === 'GET')
          return send(
            200,
            list.filter(
              (i) =>
                (url.searchParams.get('state') ?? 'open') === 'all' ||
                i.state === (url.searchParams.get('state') ?? 'open'),
            ),
          );
      }
      if (url.pathname === '/redirect') return send(302, undefined, { location: '/elsewhere' });
      if (url.pathname === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('plain words');
      }
      send(404, { message: 'Not Found', path: url.pathname });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
