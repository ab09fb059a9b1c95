/**
 * Where the CLI keeps durable state: a per-user directory by platform convention (never the working
 * directory, which for desktop MCP clients is `/`), opened only when a session needs it, and one clear
 * line when it cannot be made.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDataDir } from '../adapters/node/data-dir.ts';
import { assertBuilt, bin, runCli } from './support/cli.ts';
import { track } from './support/processes.ts';

beforeAll(assertBuilt);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'duet-data-dir-'));
  dirs.push(dir);
  return dir;
};

/** A user's environment: a home and XDG_DATA_HOME of its own, no DUET_DATA. */
function userEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  delete env.DUET_DATA;
  return { ...env, HOME: home, XDG_DATA_HOME: join(home, 'xdg'), ...extra };
}

async function mcpClient(env: Record<string, string>, cwd: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, 'mcp'],
    env,
    cwd,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'duet-test', version: '1.0.0' });
  await client.connect(transport);
  if (transport.pid) track(transport.pid);
  return client;
}

const text = (result: unknown) => (result as { content: { text: string }[] }).content[0].text;
const parse = (result: unknown) => JSON.parse(text(result));

describe('duet mcp, started where a desktop client starts it', () => {
  it('searches and executes without creating anything; a session keeps its state in the per-user directory', async () => {
    const home = fresh();
    const cwd = fresh();
    const perUser = join(home, 'xdg', 'duet');
    const client = await mcpClient(userEnv(home), cwd);
    try {
      const found = parse(
        await client.callTool({ name: 'search', arguments: { query: 'create a task', limit: 1 } }),
      );
      expect(found.results[0]).toMatchObject({ api: 'demo', name: 'createTask' });
      const run = parse(await client.callTool({ name: 'execute', arguments: { code: 'return 6 * 7' } }));
      expect(run).toMatchObject({ ok: true, result: 42 });
      // Nothing was created: not in the working directory, not even the per-user directory.
      expect(readdirSync(cwd)).toEqual([]);
      expect(existsSync(perUser)).toBe(false);

      const first = parse(
        await client.callTool({
          name: 'execute',
          arguments: { code: "await state.put('n', 1); return 'kept'", session: 'mine' },
        }),
      );
      expect(first).toMatchObject({ ok: true, result: 'kept' });
      expect(existsSync(join(perUser, 'actors.sqlite'))).toBe(true);
      const again = parse(
        await client.callTool({
          name: 'execute',
          arguments: { code: "return await state.get('n')", session: 'mine' },
        }),
      );
      expect(again).toMatchObject({ ok: true, result: 1 });
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      await client.close();
    }
    // And the CLI reads what the MCP server wrote there.
    const listed = await runCli(['sessions', '--json'], undefined, { env: userEnv(home), cwd });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).sessions).toMatchObject([{ tenant: '', session: 'mine', runs: 2 }]);
  });

  // /proc: a directory nobody, root included, can create anything in (Node 20's recursive mkdir even
  // loops forever there), like the `/` of a desktop session for a user who is not root.
  it.runIf(process.platform === 'linux')('serves from a working directory nobody can write', async () => {
    const client = await mcpClient(userEnv(fresh()), '/proc');
    try {
      const found = parse(
        await client.callTool({ name: 'search', arguments: { query: 'list tasks', limit: 1 } }),
      );
      expect(found.results[0]).toMatchObject({ api: 'demo' });
      const run = parse(await client.callTool({ name: 'execute', arguments: { code: 'return 1 + 1' } }));
      expect(run).toMatchObject({ ok: true, result: 2 });
    } finally {
      await client.close();
    }
  });

  it.runIf(process.platform === 'linux')(
    'answers a session it cannot store with a tool error naming the directory, and keeps serving',
    async () => {
      const home = fresh();
      const client = await mcpClient(userEnv(home, { DUET_DATA: '/proc/duet-nope' }), home);
      try {
        const failed = await client.callTool({
          name: 'execute',
          arguments: { code: 'return 1', session: 's1' },
        });
        expect(failed.isError).toBe(true);
        expect(text(failed)).toContain(
          'cannot create data directory /proc/duet-nope: the file system does not allow it; pass --data DIR or set DUET_DATA',
        );
        const run = parse(await client.callTool({ name: 'execute', arguments: { code: 'return 2' } }));
        expect(run).toMatchObject({ ok: true, result: 2 });
      } finally {
        await client.close();
      }
    },
  );
});

describe('a data directory that cannot be created', () => {
  // /sys refuses mkdir even to root; elsewhere a path under a file does.
  const bad = process.platform === 'linux' ? '/sys/duet-test' : '/dev/null/duet-test';
  const reason = process.platform === 'linux' ? 'permission denied' : 'a part of the path is a file';

  for (const [name, args, input] of [
    ['execute --session', ['execute', '--session', 's1', '--data', bad], 'return 1'],
    ['serve', ['serve', '--port', '0', '--data', bad], ''],
    ['serve --runtime bun', ['serve', '--port', '0', '--runtime', 'bun', '--data', bad], ''],
  ] as const) {
    it(`${name}: one line saying how to fix it, a non-zero exit, no stack`, async () => {
      const out = await runCli([...args], input);
      expect(out.code).not.toBe(0);
      expect(out.stderr).toBe(
        `duet: cannot create data directory ${bad}: ${reason}; pass --data DIR or set DUET_DATA\n`,
      );
    });
  }

  it('DUET_DATA names the directory, --data wins over it', async () => {
    const home = fresh();
    const fromEnv = join(home, 'from-env');
    const fromFlag = join(home, 'from-flag');
    const env = userEnv(home, { DUET_DATA: fromEnv });
    const one = await runCli(['execute', '--session', 'a'], 'return 1', { env });
    expect(one.code, one.stderr).toBe(0);
    expect(existsSync(join(fromEnv, 'actors.sqlite'))).toBe(true);
    const two = await runCli(['execute', '--session', 'a', '--data', fromFlag], 'return 2', { env });
    expect(two.code, two.stderr).toBe(0);
    expect(existsSync(join(fromFlag, 'actors.sqlite'))).toBe(true);
    expect(existsSync(join(home, 'xdg'))).toBe(false);
  });

  it('execute without --session creates nothing', async () => {
    const home = fresh();
    const out = await runCli(['execute'], 'return 3', { env: userEnv(home), cwd: home });
    expect(out.code, out.stderr).toBe(0);
    expect(readdirSync(home)).toEqual([]);
  });
});

describe('the per-user default', () => {
  it('follows each platform’s convention; DUET_DATA overrides', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux', '/home/u')).toBe('/x/data/duet');
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/duet');
    // A relative XDG_DATA_HOME is invalid by the XDG spec and ignored.
    expect(defaultDataDir({ XDG_DATA_HOME: 'rel' }, 'freebsd', '/home/u')).toBe('/home/u/.local/share/duet');
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/duet');
    expect(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Local\\duet',
    );
    expect(defaultDataDir({ DUET_DATA: '/srv/duet', XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe(
      '/srv/duet',
    );
  });

  it('is what every command’s help names; no help mentions ./.duet', async () => {
    const env = userEnv('/home/someone');
    for (const command of ['serve', 'execute', 'mcp', 'sessions', 'audit']) {
      const out = await runCli([command, '--help'], undefined, { env });
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('/home/someone/xdg/duet');
      expect(out.stdout).not.toContain('./.duet');
    }
  });
});
