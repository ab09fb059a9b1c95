/** Runs the conformance suite on this Node against the SQLite driver; prints one JSON line of results. */
import { runConformance } from '../../../src/testing/index.ts';
import { printResults } from '../print-results.ts';
import { nodeSqliteTarget } from './target.ts';

const target = await nodeSqliteTarget();
const only = process.argv[2];
const results = await runConformance(target, {
  only: only ? (name) => name.includes(only) : undefined,
  onResult: (r) =>
    process.stderr.write(
      `${r.status.padEnd(7)} ${r.name} (${r.ms} ms)${r.status === 'failed' ? `\n${r.message}` : ''}\n`,
    ),
});
printResults(target.name, results, (line) => process.stdout.write(`${line}\n`));
