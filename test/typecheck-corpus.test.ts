/**
 * The type-checker on snippets written blind, in the style models write (test/fixtures/typecheck-corpus):
 * correct code must pass (false rejections cost the agent a turn each), wrong code must be caught.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeLibFiles } from '../adapters/node/typecheck-libs.ts';
import {
  type Corpus,
  type CorpusResult,
  corpusCatalog,
  correctSnippets,
  runCorpus,
  wrongSnippets,
} from '../bench/typecheck-corpus.ts';
import { createTypeChecker } from '../src/typecheck/index.ts';

describe.each([
  // Written blind, then used to calibrate the checker: 0 refused, 83/83 caught.
  ['typecheck-corpus', 'demo + GitHub'],
  // Written blind afterwards over other APIs and never tuned on: 1/100 refused, 51/52 caught.
  ['typecheck-corpus-heldout', 'Stripe + Slack'],
] as [Corpus, string][])('type-check corpus %s (%s)', (corpus) => {
  let result: CorpusResult;
  beforeAll(async () => {
    result = await runCorpus(corpus);
  }, 120_000);

  it('refuses at most 3% of correct snippets', () => {
    expect(result.correct).toBeGreaterThanOrEqual(100);
    const refused = result.falseRejections.map(
      ({ snippet, diagnostics }) => `${snippet.id}: ${diagnostics.map((d) => d.message).join(' | ')}`,
    );
    expect(refused.length / result.correct, refused.join('\n')).toBeLessThanOrEqual(0.03);
  });

  it('catches at least 95% of wrong snippets', () => {
    expect(result.wrong).toBeGreaterThanOrEqual(50);
    const missed = result.missed.map((snippet) => `${snippet.id} (${snippet.mistake})`);
    expect((result.wrong - result.missed.length) / result.wrong, missed.join('\n')).toBeGreaterThanOrEqual(
      0.95,
    );
  });
});

describe.each(['typecheck-corpus', 'typecheck-corpus-heldout'] as Corpus[])(
  'a checker kept from an earlier snippet, corpus %s',
  (corpus) => {
    it('gives every snippet the diagnostics a program built for it gives', async () => {
      const catalog = await corpusCatalog(corpus);
      const fresh = createTypeChecker(catalog, { libFiles: nodeLibFiles, checksPerProgram: 1 });
      const kept = createTypeChecker(catalog, { libFiles: nodeLibFiles });
      const snippets = [...correctSnippets(corpus), ...wrongSnippets(corpus)];
      let caught = 0;
      for (const { id, code } of snippets) {
        // The same operations just before: the second check is made by the kept checker (or falls back).
        kept.check(`${code}\n// the same operations, once before`);
        const expected = fresh.check(code);
        if (expected.length > 0) caught++;
        expect(kept.check(code), id).toEqual(expected);
      }
      expect(caught).toBeGreaterThan(40);
      expect(fresh.stats().programs).toBe(snippets.length);
      // Each snippet was checked twice, and at most one program was built per snippet: the second check
      // (and the first, after a snippet over the same operations) used the kept checker.
      expect(kept.stats().checks).toBe(2 * snippets.length);
      expect(kept.stats().programs).toBeLessThanOrEqual(snippets.length);
    }, 120_000);
  },
);
