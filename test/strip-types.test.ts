import { describe, expect, it } from 'vitest';
import { stripTypes } from '../src/execute/strip-types.ts';

describe('stripTypes', () => {
  it('strips types, type arguments included, which JavaScript would read as comparisons', () => {
    const generic = 'const f = (x) => x;\nconst T = 1;\nreturn f<T>(2);';
    expect(stripTypes(generic)).toEqual({
      ok: true,
      code: 'const f = (x) => x;\nconst T = 1;\nreturn f(2);',
    });
    const typed = stripTypes('const n: number = 1;\nreturn n as number;');
    expect(typed).toEqual({ ok: true, code: 'const n = 1;\nreturn n ;' });
  });

  it('keeps plain JavaScript as it is and reports a syntax error on its own line', () => {
    const plain = "const repo = await github.reposGet({ owner: 'o', repo: 'r' });\nreturn repo.name;";
    expect(stripTypes(plain)).toEqual({ ok: true, code: plain });
    expect(stripTypes('const a = 1;\nconst b = ;\nreturn a;')).toMatchObject({
      ok: false,
      diagnostics: [{ line: 2, message: expect.stringMatching(/^syntax error/) }],
    });
  });
});
