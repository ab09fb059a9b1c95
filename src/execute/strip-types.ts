/** Turns a TypeScript snippet (the body of an async function) into plain JavaScript for the sandbox. */
import { transform } from 'sucrase';
import type { Diagnostic } from './types.ts';

export type StripResult = { ok: true; code: string } | { ok: false; diagnostics: Diagnostic[] };

// The snippet is parsed inside a wrapper so that top-level `return` and `await` are legal. Sucrase keeps
// line structure, so stripping the wrapper's first and last line gives back the snippet's own lines.
const PREFIX = '(async () => {\n';
const SUFFIX = '\n})';

export function stripTypes(code: string): StripResult {
  try {
    const out = transform(PREFIX + code + SUFFIX, {
      transforms: ['typescript'],
      disableESTransforms: true,
      production: true,
    }).code;
    return { ok: true, code: out.slice(out.indexOf('\n') + 1, out.lastIndexOf('\n')) };
  } catch (error) {
    const err = error as Error & { loc?: { line: number; column: number } };
    const message = err.message.replace(/\s*\(\d+:\d+\)$/, '');
    const diagnostic: Diagnostic = { message: `syntax error: ${message}` };
    if (err.loc) {
      const lines = code.split('\n').length;
      diagnostic.line = Math.min(lines, Math.max(1, err.loc.line - 1));
      diagnostic.column = err.loc.column + 1;
    }
    return { ok: false, diagnostics: [diagnostic] };
  }
}
