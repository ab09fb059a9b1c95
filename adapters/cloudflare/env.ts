/** The bindings the duet Worker expects (see wrangler.jsonc). */
import type { WorkerLoader } from './loader-sandbox.ts';
import type { TypeCheckService } from './typecheck/protocol.ts';
import type { DuetWorkerConfig } from './worker-config.ts';
import type { WorkersAiBinding } from './workers-ai-model.ts';
import type { DurableObjectNamespace } from './workers-types.ts';

export interface DuetEnv {
  /** The session objects: one per tenant and session, SQLite-backed. */
  DUET_SESSIONS: DurableObjectNamespace;
  /** JSON text (a var or secret) or a JSON var; absent: the demo API. */
  DUET_CONFIG?: string | DuetWorkerConfig;
  /** A `worker_loaders` binding: snippets then run in Dynamic Workers (see `DUET_CONFIG.sandbox`). */
  LOADER?: WorkerLoader;
  /**
   * A service binding to the checker Worker (typecheck/wrangler.jsonc): snippets are type-checked there
   * before they run. Without it only their syntax is checked.
   */
  TYPECHECK?: TypeCheckService;
  /** The Workers AI binding, for `DUET_CONFIG.model.provider: 'workers-ai'` (the agent's model). */
  AI?: WorkersAiBinding;
}
