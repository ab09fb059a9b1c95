/** Durable execute sessions on Deno: actors over Deno KV, a local store in the data directory. */
import { type DurableSessions, sessionsOn } from '../../src/session/index.ts';
import { denoKvDriver } from './kv-driver.ts';

declare const Deno: { mkdir(path: string, options: { recursive: boolean }): Promise<void> };

/** `dir` undefined: the default store (Deno Deploy's managed KV). */
export async function openDenoSessions(dir?: string): Promise<DurableSessions> {
  if (dir === undefined) return sessionsOn(await denoKvDriver());
  await Deno.mkdir(dir, { recursive: true });
  return sessionsOn(await denoKvDriver({ path: `${dir}/actors.kv` }));
}
