/** Turns spec text into a plain value: JSON when it looks like JSON, YAML otherwise. */

import { parseDocument } from 'yaml';
import { errorMessage } from './guards.ts';
import { jsonErrorOffset } from './json-error-offset.ts';
import { SpecError } from './types.ts';

/** Bounds alias expansion ("billion laughs") while leaving room for specs that share pieces by anchor. */
const maxAliasCount = 1000;
/**
 * Text that looks like JSON but fails JSON.parse is retried as YAML (flow-style YAML, trailing commas),
 * unless the source says `.json` or the text is big (YAML is slow on big inputs).
 */
const yamlRetryLimit = 2_000_000;

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function parseYaml(text: string, source: string): unknown {
  let document: ReturnType<typeof parseDocument>;
  try {
    // YAML 1.1 merge keys (`<<: *base`) are common in hand-written specs; duplicate keys are tolerated as JSON.parse does.
    document = parseDocument(text, { merge: true, uniqueKeys: false, prettyErrors: true });
  } catch (error) {
    throw new SpecError(source, `invalid YAML: ${errorMessage(error)}`);
  }
  const [error] = document.errors;
  if (error) {
    const where = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new SpecError(source, `invalid YAML${where}: ${message}`);
  }
  try {
    return document.toJS({ maxAliasCount });
  } catch (error) {
    throw new SpecError(source, `invalid YAML: ${errorMessage(error)}`);
  }
}

/**
 * Parses an OpenAPI/Swagger document's text. JSON is detected by its first character; anything else is
 * read as YAML. Syntax errors become a SpecError naming the source and, when known, the line.
 */
export function parseSpecText(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = /\S/.exec(body)?.[0];
  if (first === undefined) throw new SpecError(source, 'empty document');
  if (first !== '{' && first !== '[') return parseYaml(body, source);
  try {
    return JSON.parse(body);
  } catch (jsonError) {
    if (body.length <= yamlRetryLimit && !/\.json$/i.test(source.split(/[?#]/)[0]!)) {
      try {
        return parseYaml(body, source);
      } catch {
        // Report the JSON error: the text was meant to be JSON.
      }
    }
    const offset = jsonErrorOffset(body);
    const where = offset === undefined ? '' : ` at ${lineAndColumn(body, offset)}`;
    // V8 quotes the whole input in some messages; the location says enough.
    const message = errorMessage(jsonError).replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '');
    throw new SpecError(source, `invalid JSON${where}: ${message}`);
  }
}
