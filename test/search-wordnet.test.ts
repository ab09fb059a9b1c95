/** The WordNet table: current with its generator, small, and read the way the query analysis needs. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildWordnetTable, renderWordnetTable, WORDNET_TABLE_PATH } from '../bench/build-wordnet-table.ts';
import { analyzeQuery } from '../src/search/analyze.ts';
import { extractValues } from '../src/search/query-values.ts';
import { irregularBase, wordSenses } from '../src/search/wordnet.ts';

function targets(list: readonly (readonly [string, number])[] | undefined): string[] {
  return (list ?? []).map(([term]) => term);
}

describe('the WordNet table', () => {
  it('is what the generator writes today (regenerate with node dist/bench/build-wordnet-table.js)', async () => {
    const committed = await readFile(WORDNET_TABLE_PATH, 'utf8');
    const generated = renderWordnetTable(await buildWordnetTable());
    expect(generated.length).toBe(committed.length);
    expect(generated === committed).toBe(true);
  });

  it('stays under 300 KB, so the Worker bundle and the install stay small', async () => {
    const bytes = Buffer.byteLength(await readFile(WORDNET_TABLE_PATH, 'utf8'));
    expect(bytes).toBeLessThan(300_000);
  });

  it('relates everyday words to API words through synonyms, derived forms and hypernyms', () => {
    expect(targets(wordSenses('give', 'back')?.verb)).toContain('refund');
    expect(targets(wordSenses('phone')?.verb)).toContain('call');
    expect(targets(wordSenses('kick', 'out')?.verb)).toContain('remov');
    expect(targets(wordSenses('shut', 'down')?.verb)).toContain('close');
    expect(targets(wordSenses('react')?.verb)).toContain('reaction');
    // Verb and noun senses are apart: "block" the verb bars, "block" the noun does not.
    expect(targets(wordSenses('block')?.verb)).toContain('bar');
    expect(targets(wordSenses('block')?.other)).not.toContain('bar');
    expect(wordSenses('undo')?.isVerb).toBe(true);
    expect(wordSenses('song')?.isVerb).toBe(false);
  });

  it('finds the base form of inflected and irregular words', () => {
    expect(wordSenses('refunded')).toEqual(wordSenses('refund'));
    expect(wordSenses('shipped')).toEqual(wordSenses('ship'));
    expect(wordSenses('replies')).toEqual(wordSenses('reply'));
    expect(irregularBase('sent')).toBe('send');
    expect(wordSenses('nonexistentword')).toBeUndefined();
  });
});

describe('query analysis with WordNet', () => {
  it('weights related words below the word itself', () => {
    const plan = analyzeQuery('phone the customer');
    const group = plan.groups.find((g) => g.term === 'phone')!;
    const weight = new Map(group.terms);
    expect(weight.get('phone')).toBe(1);
    expect(weight.get('call')).toBeGreaterThan(0);
    expect(weight.get('call')).toBeLessThan(1);
  });

  it('reads an unknown first verb as the request and takes the intent of the verb it is a kind of', () => {
    const plan = analyzeQuery('kick a former employee out of the workspace');
    expect(plan.groups[0].verb).toBe(true);
    expect(plan.intent).toBe('delete');
    // The particle belongs to the verb, not to the words to match.
    expect(plan.groups.some((g) => g.term === 'out')).toBe(false);
    // A verb WordNet does not relate to a known one still says something is done.
    expect(analyzeQuery('phone this number').acts).toBe(true);
  });

  it('keeps the known vocabulary in charge: a later verb does not replace the first', () => {
    expect(analyzeQuery('phone this number and read out a message').intent).not.toBe('read');
    expect(analyzeQuery('list the messages and delete one').intent).toBe('read');
  });
});

describe('values in a request', () => {
  it('drops quoted text and marks names, and turns handles into what they name', () => {
    const { text, names } = extractValues(`post 'deploy finished' in #eng-releases for Dana and @bob :tada:`);
    expect(text).not.toContain('deploy');
    expect(text).toContain('channel');
    expect(text).toContain('user');
    expect(text).toContain('emoji');
    expect([...names]).toEqual(['dana']);
    // Apostrophes inside words are not quotes.
    expect(extractValues(`close this repo's issue, don't merge`).text).toContain('merge');
    expect(extractValues('Get the balance').names.size).toBe(0);
  });
});
