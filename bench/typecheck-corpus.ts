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
const corpusFile = (name: string): CorpusSnippet[] =>
  JSON.parse(readFileSync(`${packageRoot}test/fixtures/typecheck-corpus/${name}`, 'utf8'));

export const correctSnippets = (): CorpusSnippet[] => corpusFile('correct.json');
export const wrongSnippets = (): CorpusSnippet[] => corpusFile('wrong.json');

export async function corpusCatalog(): Promise<Catalog> {
  const path = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  const github = await loadSpec(path, readSource, { name: 'github' });
  return new Catalog([github, buildApi(demoDocument(createDemoApi()), { source: 'demo', name: 'demo' })]);
}

export async function runCorpus(): Promise<CorpusResult> {
  const checker = createTypeChecker(await corpusCatalog(), { libFiles: nodeLibFiles });
  const correct = correctSnippets();
  const wrong = wrongSnippets();
  const falseRejections = correct.flatMap((snippet) => {
    const diagnostics = checker.check(snippet.code);
    return diagnostics.length > 0 ? [{ snippet, diagnostics }] : [];
  });
  const missed = wrong.filter((snippet) => checker.check(snippet.code).length === 0);
  return { correct: correct.length, falseRejections, wrong: wrong.length, missed };
}

const percent = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;

export async function typecheckCorpusReport(verbose = false): Promise<string> {
  const result = await runCorpus();
  const lines = [
    `Type-check corpus (blind, ${result.correct} correct + ${result.wrong} wrong snippets, demo + GitHub):`,
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
  console.log(await typecheckCorpusReport(process.argv.includes('--verbose')));
}
