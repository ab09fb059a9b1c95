/** What the duet Worker and its checker Worker say to each other over the `TYPECHECK` service binding (RPC). */
import type { Diagnostic, TypeCheckOptions } from '../../../src/execute/types.ts';
import type { DuetWorkerConfig } from '../worker-config.ts';

/**
 * The part of `DUET_CONFIG` the catalog is built from. Only this crosses to the checker: upstream
 * credentials, tokens and policy stay in the duet Worker.
 */
export type CatalogSource = Pick<DuetWorkerConfig, 'specs' | 'demo'>;

export interface CheckRequest extends TypeCheckOptions {
  /** SHA-256 (hex) of the catalog source's JSON: which catalog to check against. */
  catalog: string;
  /**
   * The source itself, sent only after the checker answered `unknownCatalog`: a spec given as text can be
   * megabytes, too much to send with every check.
   */
  source?: CatalogSource;
}

export type CheckAnswer = { diagnostics: Diagnostic[] } | { unknownCatalog: true };

/** The checker Worker's entrypoint as the duet Worker sees it through the binding. */
export interface TypeCheckService {
  check(code: string, request: CheckRequest): Promise<CheckAnswer>;
}

/** The key of a catalog source: SHA-256 of its JSON, computed alike on both sides (Web Crypto). */
export async function catalogKey(source: CatalogSource): Promise<string> {
  const json = JSON.stringify({ specs: source.specs, demo: source.demo });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(json));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
