/**
 * One server per SQLite --data: a second `duet serve` on the same directory is refused with the first
 * one's pid, on Node and on Bun; a server killed with -9 leaves no stale lock behind.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../adapters/node/sqlite-open.ts';
import { assertBuilt, runCli, type ServerProcess, startServer } from './support/cli.ts';

describe('one duet server per --data', () => {
  const running: ServerProcess[] = [];
  const dirs: string[] = [];
  beforeAll(() => assertBuilt());
  afterEach(async () => {
    // SIGTERM: under --runtime bun the Node launcher passes it on to the Bun child (SIGKILL would orphan it).
    for (const server of running.splice(0)) await server.stop('SIGTERM');
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'duet-lock-'));
    dirs.push(dir);
    return dir;
  };

  for (const runtime of ['node', 'bun'] as const) {
    it(`${runtime}: a second server on the same --data is refused; a kill -9 leaves no stale lock`, async () => {
      const dir = await freshDir();
      const first = await startServer(['--runtime', runtime, '--data', dir]);
      running.push(first);
      const second = await runCli(['serve', '--port', '0', '--runtime', runtime, '--data', dir]);
      expect(second.code).not.toBe(0);
      // Under --runtime bun the pid is the Bun child's, not the Node launcher's.
      expect(second.stderr).toMatch(
        new RegExp(
          `another duet server \\(pid \\d+\\) is using --data ${dir}; stop it or pick another --data`,
        ),
      );
      if (runtime === 'node') expect(second.stderr).toContain(`(pid ${first.child.pid})`);
      // Another directory is fine meanwhile.
      const other = await startServer(['--runtime', runtime, '--data', await freshDir()]);
      running.push(other);
      // kill -9 of the process holding the directory (the Bun child under --runtime bun).
      const holder = Number(await readFile(join(dir, 'duet.pid'), 'utf8'));
      expect(second.stderr).toContain(`(pid ${holder})`);
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      process.kill(holder, 'SIGKILL');
      await exited;
      running.splice(running.indexOf(first), 1);
      const restarted = await startServer(['--runtime', runtime, '--data', dir]);
      running.push(restarted);
      expect((await fetch(`${restarted.url}/healthz`)).status).toBe(200);
    });
  }

  it('in one process: a second lock on a directory is refused until the first is released', async () => {
    const dir = await freshDir();
    const lock = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toThrow(
      `another duet server (pid ${process.pid}) is using --data ${dir}`,
    );
    lock.release();
    (await lockDataDir(dir)).release();
  });
});
