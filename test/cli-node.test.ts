/**
 * `npx duet` runs on the user's Node, quietly. The checkout's devDependency `node` (Node 22, for the
 * tests) comes first on PATH under npx, so without care every `npx duet` ran on it and printed
 * node:sqlite's ExperimentalWarning.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, bin } from './support/cli.ts';
import { track, waitGone } from './support/processes.ts';

beforeAll(assertBuilt);

const root = fileURLToPath(new URL('..', import.meta.url));
const bundledNode = join(root, 'node_modules', '.bin', 'node');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'duet-node-'));
  dirs.push(dir);
  return dir;
};

function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: options.env ?? process.env });
    if (child.pid) track(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A process that never reads stdin may be gone before the write lands.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

describe('npx duet', () => {
  it('prints the version, runs a snippet, and prints nothing on stderr', async () => {
    const out = await run('npx', ['duet', '--version']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(out.stderr).toBe('');
    const executed = await run('npx', ['duet', 'execute'], {
      env: { ...process.env, DUET_DATA: fresh() },
      input: 'return 1 + 2',
    });
    expect(executed.code, executed.stderr).toBe(0);
    expect(executed.stdout.trim()).toBe('3');
    expect(executed.stderr).toBe('');
  });

  it('runs a session on Node 22 (node:sqlite) without printing a warning', async () => {
    // PATH holds no other node, so the CLI stays on the bundled Node 22 and opens node:sqlite.
    const env = { ...process.env, PATH: join(root, 'node_modules', '.bin'), DUET_DATA: fresh() };
    const out = await run(bundledNode, [bin, 'execute', '--session', 's1'], {
      env,
      input: "await state.put('k', 1); return 'stored'",
    });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim()).toBe('"stored"');
    expect(out.stderr).toBe('');
    // Other warnings still show.
    const other = await run(bundledNode, ['-e', "process.emitWarning('kept', 'ExperimentalWarning')"], {
      env,
    });
    expect(other.stderr).toContain('kept');
  });

  it.runIf(process.platform === 'linux')(
    'serves on the first node on PATH outside node_modules, and stops when npx is stopped',
    async () => {
      const child = spawn('npx', ['duet', 'serve', '--port', '0', '--data', fresh()], { cwd: root });
      track(child.pid!);
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (d) => {
          stderr += d;
          if (stderr.includes('"url":"')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`npx duet serve exited with ${code}:\n${stderr}`)));
      });
      const pids = track(child.pid!);
      const executables = pids
        .filter((pid) => /(\.bin\/duet|bin\.js) serve/.test(cmdline(pid)))
        .map((pid) => realpathSync(`/proc/${pid}/exe`));
      expect(executables.length).toBe(1);
      expect(executables[0]).not.toBe(realpathSync(bundledNode));
      expect(executables[0].startsWith(realpathSync(join(root, 'node_modules')))).toBe(false);
      // Moved off npm's Node by execve, it took glibc's fixed malloc threshold along (see below).
      const server = pids.find((pid) => /(\.bin\/duet|bin\.js) serve/.test(cmdline(pid)))!;
      expect(environ(server)).toEqual(expect.arrayContaining(['MALLOC_TRIM_THRESHOLD_=131072']));
      // npm passes SIGTERM to the shell it runs duet in, not to duet: the server must stop all the same.
      child.kill('SIGTERM');
      expect(await waitGone(pids, 15_000), 'left running after npx was stopped').toEqual([]);
    },
  );
});

describe('duet serve and glibc malloc', () => {
  /** Starts `bin.js serve` on the bundled Node 22 (it has process.execve) and waits for its URL. */
  async function serveOnNode22(extraEnv: NodeJS.ProcessEnv) {
    const env: NodeJS.ProcessEnv = { ...process.env, DUET_NODE_REEXEC: '1', ...extraEnv };
    for (const key of [
      'MALLOC_TRIM_THRESHOLD_',
      'MALLOC_MMAP_THRESHOLD_',
      'MALLOC_ARENA_MAX',
      'GLIBC_TUNABLES',
    ])
      if (!(key in extraEnv)) delete env[key];
    const child = spawn(bundledNode, [bin, 'serve', '--port', '0', '--data', fresh()], { cwd: root, env });
    track(child.pid!);
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const found = /"url":"([^"]+)"/.exec(stderr);
        if (found) resolve(found[1]!);
      });
      child.on('exit', (code) => reject(new Error(`duet serve exited with ${code}:\n${stderr}`)));
    });
    return { child, url };
  }

  it.runIf(process.platform === 'linux')(
    'restarts the server in place with a fixed trim threshold, unless the user set malloc up',
    async () => {
      const { child, url } = await serveOnNode22({});
      // The same process (pid), now started with the variable, serving.
      expect(environ(child.pid!)).toEqual(expect.arrayContaining(['MALLOC_TRIM_THRESHOLD_=131072']));
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await waitGone([child.pid!], 15_000)).toEqual([]);

      const own = await serveOnNode22({ MALLOC_ARENA_MAX: '2' });
      expect(environ(own.child.pid!)).toContain('MALLOC_ARENA_MAX=2');
      expect(environ(own.child.pid!).filter((v) => v.startsWith('MALLOC_TRIM_THRESHOLD_='))).toEqual([]);
      own.child.kill('SIGTERM');
      expect(await waitGone([own.child.pid!], 15_000)).toEqual([]);
    },
  );
});

function environ(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
