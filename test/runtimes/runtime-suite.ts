/** Runs a runtime's conformance runner as a child process and turns its results into one test per case. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CaseResult, conformanceCases } from '../../src/testing/index.ts';
import { RESULTS_MARKER, type RunnerOutput } from './print-results.ts';

export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url));

export interface RuntimeRunner {
  /** Suite title, e.g. `Node 22 (node:sqlite)`. */
  label: string;
  /** The runtime binary and its arguments, ending with the runner script. */
  command: string;
  args: string[];
  /** Whole-run timeout (default 180 s). */
  timeoutMs?: number;
}

export function describeRuntime(runner: RuntimeRunner): void {
  describe(runner.label, () => {
    let output: RunnerOutput;
    let failure: string | undefined;
    beforeAll(async () => {
      try {
        output = await run(runner);
      } catch (error) {
        failure = (error as Error).message;
      }
    }, runner.timeoutMs ?? 180_000);
    for (const testCase of conformanceCases) {
      it(testCase.name, (ctx) => {
        if (failure) throw new Error(failure);
        const result: CaseResult | undefined = output.results.find((r) => r.name === testCase.name);
        expect(result, `${output.target} reported no result for this case`).toBeDefined();
        if (result!.status === 'skipped') ctx.skip(result!.message);
        if (result!.status === 'failed') throw new Error(`${output.target}: ${result!.message}`);
        expect(result!.status).toBe('passed');
      });
    }
  });
}

function run(runner: RuntimeRunner): Promise<RunnerOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(runner.command, runner.args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (error) =>
      reject(new Error(`${runner.label}: could not start ${runner.command}: ${error.message}`)),
    );
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULTS_MARKER));
      if (!line) {
        reject(
          new Error(
            `${runner.label}: the runner exited with ${code} and printed no results.\n${stderr.slice(-4000)}`,
          ),
        );
        return;
      }
      resolve(JSON.parse(line.slice(RESULTS_MARKER.length)) as RunnerOutput);
    });
  });
}
