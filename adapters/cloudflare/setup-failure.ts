/** The answer when the Worker cannot start its app: a broken DUET_CONFIG or a spec that did not load. */
import { SpecError } from '../../src/catalog/index.ts';
import { WorkerConfigError } from './worker-config.ts';

export function setupFailure(error: unknown): Response {
  const known = error instanceof WorkerConfigError || error instanceof SpecError;
  const message = known ? error.message : `duet worker: cannot start: ${String(error)}`;
  console.error(JSON.stringify({ level: 'error', msg: 'setup failed', error: message }));
  // Not the client's fault, so a 5xx: the operator fixes DUET_CONFIG and redeploys.
  return Response.json({ ok: false, error: { kind: 'internal', message } }, { status: 500 });
}
