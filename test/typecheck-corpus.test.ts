/**
 * The type-checker on snippets written blind, in the style models write (test/fixtures/typecheck-corpus):
 * correct code must pass (false rejections cost the agent a turn each), wrong code must be caught.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Corpus, type CorpusResult, runCorpus } from '../bench/typecheck-corpus.ts';

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
