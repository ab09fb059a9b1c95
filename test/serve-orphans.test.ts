/**
 * `duet serve --runtime bun|deno|workerd` runs the real server as a child of the Node launcher. When the
 * launcher is killed with -9 the child must follow (not live on holding the port and --data), a new
 * server must start on the same port and --data, and a start that fails inside the runtime says why in
 * one line rather than a stack trace.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startServer } from './support/cli.ts';
import { waitGone } from './support/processes.ts';

beforeAll(assertBuilt);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const fresh = (runtime: string) => {
  const dir = mkdtempSync(join(tmpdir(), `duet-orphans-${runtime}-`));
  dirs.push(dir);
  return dir;
};

/** Whether `port` can be bound again; gives the listen error otherwise. */
async function canListen(port: number): Promise<true | string> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Waits (bounded) for `port` to be free: the kernel lets go of a killed server's socket a moment later. */
async function portFree(port: number, timeoutMs: number): Promise<true | string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const free = await canListen(port);
    if (free === true || Date.now() > deadline) return free;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Who holds `port` (Linux), for the failure message. */
function holderOf(port: number): string {
  try {
    return execFileSync('ss', ['-tanp'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(`:${port} `))
      .join('\n');
  } catch {
    return '';
  }
}

async function execute(url: string, code: string, session: string): Promise<any> {
  const res = await fetch(`${url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, session, timeoutMs: 20_000 }),
  });
  return res.json();
}

describe.each(['bun', 'deno', 'workerd'])(
  'duet serve --runtime %s when its launcher is killed',
  (runtime) => {
    it('the server goes with it, and a new one starts on the same port and --data', async () => {
      const data = fresh(runtime);
      // workerd builds and starts two Workers: on a loaded machine that takes a while.
      const slow = { startTimeoutMs: 90_000 };
      const first = await startServer(['--runtime', runtime, '--data', data], slow);
      const port = Number(new URL(first.url).port);
      expect(await execute(first.url, "await state.put('n', 1); return 1", 's')).toMatchObject({ ok: true });
      // The launcher and the runtime's processes under it (workerd: the wrapper, esbuild).
      expect(first.pids.length).toBeGreaterThan(1);

      const tree = await first.killLauncher();
      expect(await waitGone(tree, 15_000), 'processes left after the launcher died').toEqual([]);
      const free = await portFree(port, 10_000);
      expect(free, `${free} ${holderOf(port)}`).toBe(true);

      const second = await startServer(['--runtime', runtime, '--data', data, '--port', String(port)], slow);
      try {
        expect(second.url).toBe(first.url);
        expect(await execute(second.url, "return await state.get('n')", 's')).toMatchObject({
          ok: true,
          result: 1,
        });
      } finally {
        expect(await second.stop('SIGTERM')).toBe(0);
      }
    }, 240_000);
  },
);

describe.each(['bun', 'deno'])('duet serve --runtime %s that cannot start', (runtime) => {
  it('says why in one line when the port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const out = await runCli([
        'serve',
        '--runtime',
        runtime,
        '--port',
        String(port),
        '--data',
        fresh(runtime),
      ]);
      expect(out.code).not.toBe(0);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toContain(`duet serve --runtime ${runtime}: `);
      expect(out.stderr).toContain('pick another with --port');
      expect(out.stderr).not.toMatch(/^\s+at /m);
    } finally {
      holder.close();
    }
  });

  it('says why in one line when its store in --data cannot be opened', async () => {
    const data = fresh(runtime);
    // A directory where the runtime's store file belongs: the store cannot be opened.
    mkdirSync(join(data, runtime === 'deno' ? 'actors.kv' : 'actors.sqlite'));
    const out = await runCli(['serve', '--runtime', runtime, '--port', '0', '--data', data]);
    expect(out.code).not.toBe(0);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain(`duet serve --runtime ${runtime}: `);
    expect(out.stderr).toContain(data);
    expect(out.stderr).not.toMatch(/^\s+at /m);
  });
});
