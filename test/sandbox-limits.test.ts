/** Server-wide sandbox limits: `--sandbox-limit NAME=N` parsing, and a real server applying them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLimitFlags } from '../src/sandbox/limit-flags.ts';
import { assertBuilt, runCli, type ServerProcess, startServer } from './support/cli.ts';

describe('parseLimitFlags', () => {
  it('splits limits from pool settings', () => {
    expect(parseLimitFlags(['timeoutMs=5000', 'maxLogLines=10', 'workers=4', 'queue=0', 'cpus=2'])).toEqual({
      limits: { timeoutMs: 5000, maxLogLines: 10 },
      pool: { size: 4, maxQueue: 0, cpus: 2 },
    });
    expect(parseLimitFlags()).toEqual({ limits: {}, pool: {} });
  });

  it('names the flag, the accepted names and the fix', () => {
    expect(() => parseLimitFlags(['timeout=5'])).toThrow(
      /^--sandbox-limit timeout=5: expected NAME=INTEGER with NAME one of timeoutMs, memoryBytes, .*, workers, queue, cpus$/,
    );
    expect(() => parseLimitFlags(['maxCalls=-1'])).toThrow(/expected NAME=INTEGER/);
    expect(() => parseLimitFlags(['maxCalls=0'])).toThrow(
      '--sandbox-limit maxCalls=0: maxCalls must be a positive integer',
    );
  });
});

describe('duet serve --sandbox-limit', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    assertBuilt();
    server = await startServer(['--sandbox-limit', 'maxLogLines=2', '--sandbox-limit', 'maxCalls=1']);
  });
  afterAll(() => server?.stop());
  const execute = async (code: string) =>
    (
      await fetch(`${server.url}/v1/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, typecheck: false }),
      })
    ).json();

  it('applies the limits to every run', async () => {
    expect(await execute("console.log(1); console.log(2); console.log(3); return 'no';")).toMatchObject({
      ok: false,
      error: { kind: 'limit', message: 'log limit of 2 lines exceeded' },
      logs: ['1', '2'],
    });
    expect(await execute('await demo.listTasks(); await demo.listTasks();')).toMatchObject({
      ok: false,
      error: { kind: 'limit', message: 'API call limit of 1 per run exceeded' },
    });
  });

  it('refuses an unknown limit before starting, on every runtime', async () => {
    for (const runtime of ['node', 'bun', 'deno']) {
      const { code, stderr } = await runCli(['serve', '--runtime', runtime, '--sandbox-limit', 'cpu=1']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^duet: --sandbox-limit cpu=1: expected NAME=INTEGER/);
    }
  });
});
