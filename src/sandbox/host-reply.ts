/** The host side of a guest call: JSON text in, a HostFunction invoked, JSON text (or an error) out. */
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth.ts';
import type { HostCall, HostCallError, HostFunction, SandboxErrorKind } from './types.ts';

/** What the guest gets back for one call; plain strings so it crosses postMessage and the WASM boundary cheaply. */
export type HostReply =
  | { ok: true; json: string | undefined }
  | {
      ok: false;
      /** `{message, status?, body?}` as JSON; the guest turns it into an Error. */
      errorJson: string;
      /** The run ends with this error even if the guest catches the rejection. */
      fatal?: { kind: SandboxErrorKind; message: string };
    };

/** A host call answer for the guest from `call` (JSON the guest serialised). Never rejects. */
export async function answerHostCall(host: HostFunction, callJson: string): Promise<HostReply> {
  if (jsonTooDeep(callJson))
    return failure({ message: `call arguments nest deeper than ${MAX_JSON_DEPTH} levels` });
  let value: unknown;
  try {
    value = await host(JSON.parse(callJson) as HostCall);
  } catch (error) {
    return failure(toHostCallError(error));
  }
  if (value === undefined) return { ok: true, json: undefined };
  let json: string | undefined;
  try {
    json = JSON.stringify(value) as string | undefined;
  } catch (error) {
    return failure({
      message: `the host answered with a value that is not JSON-serialisable: ${String(error)}`,
    });
  }
  if (json === undefined) return { ok: true, json: undefined };
  // The guest's JSON.parse recurses on the native stack too.
  if (jsonTooDeep(json))
    return failure({ message: `the host answer nests deeper than ${MAX_JSON_DEPTH} levels` });
  return { ok: true, json };
}

const KINDS: ReadonlySet<string> = new Set(['timeout', 'memory', 'runtime', 'limit', 'egress', 'policy']);

/** Accepts a HostCallError-shaped object, an Error or anything else a HostFunction rejects with. */
export function toHostCallError(error: unknown): HostCallError {
  if (error === null || typeof error !== 'object') return { message: String(error) };
  const source = error as Partial<Record<keyof HostCallError, unknown>>;
  const result: HostCallError = {
    message: typeof source.message === 'string' ? source.message : String(error),
  };
  if (typeof source.status === 'number') result.status = source.status;
  if (source.body !== undefined) result.body = source.body;
  if (typeof source.fatal === 'string' && KINDS.has(source.fatal))
    result.fatal = source.fatal as SandboxErrorKind;
  return result;
}

function failure(error: HostCallError): HostReply {
  const { message, status, body, fatal } = error;
  let errorJson: string;
  try {
    errorJson = JSON.stringify({ message, status, body });
    if (jsonTooDeep(errorJson)) throw new Error('too deep');
  } catch {
    // A body that cannot be serialised (circular, too deep) is dropped rather than failing the call.
    errorJson = JSON.stringify({ message, status });
  }
  return fatal ? { ok: false, errorJson, fatal: { kind: fatal, message } } : { ok: false, errorJson };
}
