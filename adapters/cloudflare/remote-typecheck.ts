/**
 * The duet Worker's type-checker: the checker Worker (typecheck/worker.ts) over the `TYPECHECK` service
 * binding. A checker that is down, failing or slow must not fail an execute: the snippet then runs with
 * the syntax check alone (which the executor has already done), and the outage is logged once.
 */
import type { Diagnostic, TypeChecker, TypeCheckOptions } from '../../src/execute/types.ts';
import { type CatalogSource, catalogKey, type TypeCheckService } from './typecheck/protocol.ts';

export interface RemoteTypeCheckerOptions {
  /**
   * How long a check may take before the snippet runs unchecked. The first check includes the checker
   * Worker's start: evaluating the compiler, parsing the lib files and building the catalog (GitHub's
   * spec: ~1 s locally). Default 10 s.
   */
  timeoutMs?: number;
  /** After a failure, checks are skipped (syntax only) for this long before the checker is tried again. Default 30 s. */
  retryAfterMs?: number;
  /** Where the outage and recovery lines go (default `console.error`). */
  log?: (line: string) => void;
}

export const REMOTE_TYPECHECK_TIMEOUT_MS = 10_000;
export const REMOTE_TYPECHECK_RETRY_AFTER_MS = 30_000;

export function remoteTypeChecker(
  service: TypeCheckService,
  source: CatalogSource,
  options: RemoteTypeCheckerOptions = {},
): TypeChecker {
  const timeoutMs = options.timeoutMs ?? REMOTE_TYPECHECK_TIMEOUT_MS;
  const retryAfterMs = options.retryAfterMs ?? REMOTE_TYPECHECK_RETRY_AFTER_MS;
  const log = options.log ?? ((line: string) => console.error(line));
  let key: Promise<string> | undefined;
  let failing = false;
  let skipUntil = 0;

  async function ask(code: string, fetch: boolean): Promise<Diagnostic[]> {
    key ??= catalogKey(source).catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    const catalog = await key;
    let answer = await service.check(code, { fetch, catalog });
    // A new checker isolate (first check, eviction, redeploy) has not seen this catalog: send it once.
    if ('unknownCatalog' in answer) answer = await service.check(code, { fetch, catalog, source });
    if ('unknownCatalog' in answer) throw new Error('the checker Worker did not take the catalog');
    return answer.diagnostics;
  }

  return {
    async check(code: string, checkOptions: TypeCheckOptions = {}): Promise<Diagnostic[]> {
      if (Date.now() < skipUntil) return [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const diagnostics = await Promise.race([
          ask(code, checkOptions.fetch ?? false),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        if (failing) {
          failing = false;
          log(JSON.stringify({ level: 'info', msg: 'type-check: the checker Worker answers again' }));
        }
        return diagnostics;
      } catch (error) {
        // Once per outage, not once per execute: a checker that is down would otherwise flood the logs.
        if (!failing) {
          failing = true;
          log(
            JSON.stringify({
              level: 'warn',
              msg: `type-check: the checker Worker failed; snippets get the syntax check only for ${retryAfterMs} ms at a time until it answers`,
              error: String(error),
            }),
          );
        }
        skipUntil = Date.now() + retryAfterMs;
        return [];
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
