/** The line a server prints once it listens; no server code, so launchers print it too. */
import type { Duet } from '../duet.ts';

/**
 * The one log line a server prints once it listens; tools (and tests) read `url` from it. It names the
 * pages a person opens next (`/console`, `/docs`), so a user who only sees the terminal finds them.
 */
export function listeningLine(url: string, duet: Pick<Duet, 'catalog'> | undefined, runtime: string): string {
  const apis = duet?.catalog.apis
    .map((api) => `${api.name} (${api.operations.length} operations)`)
    .join(', ');
  const docs = `${url}/docs`;
  const page = `${url}/console`;
  return JSON.stringify({
    level: 'info',
    msg: `duet listening on ${url}: open ${page} (API docs: ${docs})`,
    url,
    console: page,
    docs,
    runtime,
    ...(apis !== undefined && { apis }),
  });
}
