/** The checks every sandbox applies to a result serialised inside the guest: size and nesting. */
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth.ts';
import type { SandboxLimits } from './types.ts';
import { utf8Length } from './utf8-length.ts';

/**
 * `text` is the guest's JSON (undefined for an undefined result, or when the guest measured it too long to
 * hand over: then `tooLongBytes` is its size). A failure, or the JSON to return.
 */
export function checkResultJson(
  text: string | undefined,
  tooLongBytes: number,
  limits: SandboxLimits,
): { kind: 'limit'; message: string } | { resultJson: string | undefined } {
  const bytes = text === undefined ? tooLongBytes : utf8Length(text);
  if (bytes > limits.maxResultBytes) {
    return {
      kind: 'limit',
      message: `result is ${bytes} bytes of JSON, over the ${limits.maxResultBytes}-byte limit`,
    };
  }
  if (text !== undefined && jsonTooDeep(text)) {
    return { kind: 'limit', message: `result nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  return { resultJson: text };
}
