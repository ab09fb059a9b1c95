/** Deciding whether a snippet is checked as TypeScript or as JavaScript, with one parse where that is enough. */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { correctSnippets, wrongSnippets } from '../bench/typecheck-corpus.ts';
import { parseSnippetText, usesTypeScriptSyntax } from '../src/typecheck/snippet-language.ts';

const wrap = (code: string) => `(async () => {\n${code}\n})();\n`;

/** Counts the parses, so the one-parse path is seen to be taken. */
function countingParse() {
  const parses: string[] = [];
  const parse = (path: string, text: string, kind?: ts.ScriptKind) => {
    parses.push(path);
    return ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, false, kind);
  };
  return { parse, parses };
}

/** What the checker decided before the JavaScript-first parse: the TypeScript parse alone decides. */
const decidedOnTypeScriptParse = (code: string): 'ts' | 'js' =>
  usesTypeScriptSyntax(ts.createSourceFile('/s.ts', wrap(code), ts.ScriptTarget.ES2022)) ? 'ts' : 'js';

const TYPESCRIPT_ONLY = [
  'let a: number = 1; return a;',
  'const x = y!.z; return x;',
  'return (x as any).y;',
  'interface A { b: number }\nreturn 1;',
  'type T = string; return 1;',
  'enum E { A } return E.A;',
  'function f(x?: number) { return x } return f();',
  'return [1].map((x): number => x);',
  'const o = {} satisfies object; return o;',
  'class A { private x = 1; readonly y = 2 } return new A();',
  'abstract class B {} return 1;',
  'declare const q: number; return q;',
  'namespace N { export const a = 1 } return N.a;',
  'class C implements D {} return 1;',
  'class E { x!: number } return 1;',
  'const f = function (this: Window) {}; return 1;',
  // With `<`: generic calls, assertions and generic arrows, which a .js parse reads otherwise.
  'const m = new Map<string, number>(); return m.size;',
  'return <any>globalThis;',
  'const id = <T,>(x: T) => x; return id(1);',
  'const n = f<number>(1); return n;',
];

const JAVASCRIPT = [
  'return 1 + 1;',
  'const out = {}; out.total = 1; return out;',
  'let best = null; for (const x of [1, 2]) if (best === null || x > best) best = x; return best;',
  'for (let i = 0; i < 3; i++) {} return a < b && c > d;',
  'const list = []; list.push(1); return list;',
];

describe('parseSnippetText', () => {
  it('decides as the TypeScript parse decides, on every snippet of both corpora and on TypeScript-only syntax', () => {
    const snippets = [
      ...TYPESCRIPT_ONLY,
      ...JAVASCRIPT,
      ...(['typecheck-corpus', 'typecheck-corpus-heldout'] as const).flatMap((corpus) => [
        ...correctSnippets(corpus).map((s) => s.code),
        ...wrongSnippets(corpus).map((s) => s.code),
      ]),
    ];
    expect(snippets.length).toBeGreaterThan(350);
    const disagreements = snippets.filter((code) => {
      const file = parseSnippetText(wrap(code), '/snippet', countingParse().parse);
      return (file.fileName.endsWith('.ts') ? 'ts' : 'js') !== decidedOnTypeScriptParse(code);
    });
    expect(disagreements).toEqual([]);
    for (const code of TYPESCRIPT_ONLY)
      expect(parseSnippetText(wrap(code), '/snippet', countingParse().parse).fileName, code).toBe(
        '/snippet.ts',
      );
  });

  it('parses plain JavaScript without `<` once, as JavaScript', () => {
    const { parse, parses } = countingParse();
    const file = parseSnippetText(wrap('const out = {}; out.total = 1; return out;'), '/snippet-1', parse);
    expect(file.fileName).toBe('/snippet-1.js');
    expect(parses).toEqual(['/snippet-1.js']);
  });

  it('decides code with `<` on the TypeScript parse', () => {
    const comparison = countingParse();
    expect(parseSnippetText(wrap('return 1 < 2;'), '/s', comparison.parse).fileName).toBe('/s.js');
    expect(comparison.parses).toEqual(['/s.ts', '/s.js']);
    const generic = countingParse();
    expect(parseSnippetText(wrap('return new Set<number>();'), '/s', generic.parse).fileName).toBe('/s.ts');
    expect(generic.parses).toEqual(['/s.ts']);
  });
});
