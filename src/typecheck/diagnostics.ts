/** TypeScript diagnostics as duet's: the snippet's own lines, API interfaces named as the globals, suggestions. */
import ts from 'typescript';
import type { Api } from '../catalog/types.ts';
import type { Diagnostic } from '../execute/types.ts';
import { suggestOperations } from '../search/suggest-operations.ts';

/** TypeScript's "Property 'x' does not exist on type 'y'" (2551 with its own "Did you mean"). */
const NO_SUCH_PROPERTY = new Set([2339, 2551]);
const CANNOT_FIND_NAME = 2304;

/** Types quoted in messages past this length are cut: an agent needs the gist, not 2 KB of a schema. */
const MAX_TYPE_CHARS = 100;

export interface MapContext {
  /** The wrapped file the snippet was compiled in; its line 1 is the wrapper's, line 2 the snippet's first. */
  file: ts.SourceFile;
  lines: number;
  apis: ReadonlyMap<string, Api>;
  fetch: boolean;
}

/** `github$Api` reads as `typeof github`, the way the snippet knows it. */
function rename(message: string, apis: ReadonlyMap<string, Api>): string {
  return message.replace(/\b([A-Za-z_$][\w$]*?)\$Api\b/g, (whole, name: string) =>
    apis.has(name) ? `typeof ${name}` : whole,
  );
}

function shortenTypes(message: string): string {
  return message.replace(/'([^'\n]*)'/g, (whole, type: string) =>
    type.length <= MAX_TYPE_CHARS ? whole : `'${type.slice(0, MAX_TYPE_CHARS).trimEnd()} ...'`,
  );
}

function explain(diagnostic: ts.Diagnostic, message: string, context: MapContext): string {
  if (NO_SUCH_PROPERTY.has(diagnostic.code)) {
    // On an API global TypeScript knows only the operations the snippet named; we know them all.
    const match = /^(Property '([^']+)' does not exist on type 'typeof ([\w$]+)'\.)/.exec(message);
    const api = match && context.apis.get(match[3]);
    if (api) {
      const names = suggestOperations(api, match[2]);
      return names.length > 0
        ? `${match[1]} Did you mean ${names.map((n) => `'${n}'`).join(', ')}?`
        : match[1];
    }
  }
  if (diagnostic.code === CANNOT_FIND_NAME && !context.fetch && /'fetch'/.test(message)) {
    return `${message} (fetch is not enabled on this server: it needs --allow-fetch)`;
  }
  return message;
}

export function toDiagnostic(diagnostic: ts.Diagnostic, context: MapContext): Diagnostic {
  const text = shortenTypes(
    rename(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'), context.apis),
  );
  const out: Diagnostic = { message: explain(diagnostic, text, context) };
  if (diagnostic.file === context.file && diagnostic.start !== undefined) {
    const { line, character } = context.file.getLineAndCharacterOfPosition(diagnostic.start);
    // Wrapper line 0 is the prefix, so the 0-based wrapper line is the 1-based snippet line.
    out.line = Math.min(context.lines, Math.max(1, line));
    out.column = line < 1 ? 1 : character + 1;
  }
  return out;
}
