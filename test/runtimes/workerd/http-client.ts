/** Tiny JSON client for a duet server under test. */
import { request } from 'node:http';

export interface Client {
  url: string;
  get(path: string): Promise<{ status: number; body: any }>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  execute(code: string, session?: string): Promise<any>;
}

export function client(url: string): Client {
  const read = async (res: Response) => ({ status: res.status, body: await res.json() });
  const post: Client['post'] = async (path, body, headers = { 'content-type': 'application/json' }) =>
    read(
      await fetch(url + path, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  return {
    url,
    get: async (path) => read(await fetch(url + path)),
    post,
    async execute(code, session) {
      const { status, body } = await post(
        '/v1/execute',
        session === undefined ? { code } : { code, session },
      );
      if (status !== 200) throw new Error(`execute answered ${status}: ${JSON.stringify(body)}`);
      return body;
    },
  };
}

/**
 * POSTs on a connection of its own: a server that answers 413 before reading the body may reset the
 * connection, which must not fail the next request that a pooled client would send on it.
 */
export function postAlone(url: string, body: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A snippet that adds one to `state.n` and returns the new value. */
export const INCREMENT = 'const n = ((await state.get("n")) ?? 0) + 1; await state.put("n", n); return n;';
