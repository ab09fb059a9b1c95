/**
 * Background work a Node server does once it listens, out of the way of its first requests: the
 * type-checker loads when the server has gone quiet (loading the compiler blocks the event loop for
 * ~0.5 s, so a health check arriving then would wait), then one full garbage collection returns what
 * parsing the specs left behind (~70 MB for GitHub + Stripe + Slack + Jira, kept otherwise: V8 sees no
 * reason to collect an idle heap).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Duet } from '../../src/duet.ts';
import type { NodeServer } from './serve.ts';

/** A full, compacting collection now, with or without --expose-gc. */
export function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  gc();
}

export async function warmWhenQuiet(
  duet: Pick<Duet, 'warm'>,
  server: Pick<NodeServer, 'whenQuiet'>,
): Promise<void> {
  await server.whenQuiet(100);
  await duet.warm();
  await server.whenQuiet(100);
  collectGarbage();
}
