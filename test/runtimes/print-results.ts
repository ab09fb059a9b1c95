/** The line a runtime runner prints for runtime-suite.ts to read: a marker, then JSON. Runtime-free. */
import type { CaseResult } from '../../src/testing/index.ts';

export const RESULTS_MARKER = 'DUET_CONFORMANCE ';

export interface RunnerOutput {
  target: string;
  results: CaseResult[];
}

export function printResults(target: string, results: CaseResult[], print: (line: string) => void): void {
  print(RESULTS_MARKER + JSON.stringify({ target, results } satisfies RunnerOutput));
}
