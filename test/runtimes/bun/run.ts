/** Runs the conformance suite on Bun against bun:sqlite: `bun run test/runtimes/bun/run.ts [filter]`. */
import { runConformance } from '../../../src/testing/index.ts';
import { printResults } from '../print-results.ts';
import { bunSqliteTarget } from './target.ts';

const target = bunSqliteTarget();
const only = process.argv[2];
const results = await runConformance(target, {
  only: only ? (name) => name.includes(only) : undefined,
  onResult: (r) =>
    process.stderr.write(
      `${r.status.padEnd(7)} ${r.name} (${r.ms} ms)${r.status === 'failed' ? `\n${r.message}` : ''}\n`,
    ),
});
printResults(target.name, results, (line) => process.stdout.write(`${line}\n`));
