/**
 * A local upstream for the executes that call APIs (`--base-url NAME=...`): GitHub-shaped answers for
 * the three-call snippet, `{}` for anything else. Loopback only; it counts what it answered.
 */
import { createServer, type Server } from 'node:http';

const answers: [RegExp, unknown][] = [
  [/^\/user$/, { login: 'octocat', id: 1, type: 'User' }],
  [
    /^\/repos\/[^/]+\/[^/]+\/issues(\?.*)?$/,
    Array.from({ length: 5 }, (_, i) => ({ number: i + 1, title: `Issue ${i + 1}`, state: 'open' })),
  ],
  [/^\/repos\/[^/]+\/[^/]+(\?.*)?$/, { id: 7, name: 'hello', full_name: 'octo/hello', stargazers_count: 42 }],
];

export interface Upstream {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

export function startUpstream(): Promise<Upstream> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '/').replace(/^\/(github|stripe|slack|jira)(?=\/)/, '');
      const body = answers.find(([pattern]) => pattern.test(path))?.[1] ?? {};
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests: () => count,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
