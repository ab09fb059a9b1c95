import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startServer } from './support/cli.ts';
import { githubSpecPath } from './support/github.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

beforeAll(assertBuilt);

describe('duet CLI', () => {
  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('serve');
    // Every command answers --help (and -h, wherever it stands) instead of running: `bench` would
    // otherwise run the whole benchmark, `mcp` wait on stdin, `serve` listen.
    const commands = ['serve', 'search', 'execute', 'mcp', 'sessions', 'audit', 'tokens', 'bench'];
    for (const command of commands) {
      const out = await runCli([command, '--help']);
      expect(out.code, `${command} --help`).toBe(0);
      expect(out.stdout).toContain(`duet ${command}`);
      expect(help.stdout).toContain(`  ${command} `);
    }
    const late = await runCli(['search', 'x', '--limit', '3', '-h']);
    expect(late.stdout).toContain('Usage: duet search');
    expect((await runCli(['help', 'audit'])).stdout).toContain('Usage: duet audit');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('fails clearly on bad usage', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const listed = /Commands: ([^(]+) \(see duet --help\)/.exec(unknown.stderr)?.[1].split(', ') ?? [];
    expect(listed).toEqual(
      expect.arrayContaining(['serve', 'search', 'execute', 'mcp', 'sessions', 'audit', 'tokens', 'bench']),
    );
    const benchFlag = await runCli(['bench', '--quik']);
    expect(benchFlag.code).toBe(2);
    const flag = await runCli(['search', 'x', '--nope']);
    expect(flag.code).toBe(2);
    const missing = await runCli(['search', 'x', '--spec', '/does/not/exist.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('/does/not/exist.json');
    const notYet = await runCli(['serve', '--llm-url', 'http://localhost:1']);
    expect(notYet.code).toBe(2);
    expect(notYet.stderr).toContain('--llm-url');
    const badToken = await runCli(['serve', '--token', 'a']);
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toContain('--token');
    // Code given as the argument, where a file name belongs: the message says where code goes.
    const inline = await runCli(['execute', 'return 1 + 1']);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toContain('cannot read the file return 1 + 1 (ENOENT)');
    expect(inline.stderr).toContain("echo '...' | duet execute");
    const noFile = await runCli(['execute', 'missing-snippet.ts']);
    expect(noFile.stderr).toContain('cannot read the file missing-snippet.ts (ENOENT)');
    expect(noFile.stderr).not.toContain('standard input');
  });

  it('ranks POST /repos/{owner}/{repo}/issues first for "create an issue" over GitHub’s spec', async () => {
    const out = await runCli(['search', 'create an issue', '--spec', `github=${githubSpecPath}`, '--json']);
    expect(out.code, out.stderr).toBe(0);
    const { results } = JSON.parse(out.stdout);
    expect(results[0]).toMatchObject({
      api: 'github',
      name: 'issuesCreate',
      method: 'POST',
      path: '/repos/{owner}/{repo}/issues',
    });
    expect(results[0].declaration).toContain('issuesCreate(');
  });

  it('executes a snippet from standard input against the demo API', async () => {
    const out = await runCli(
      ['execute', '-', '--json'],
      `const t = await demo.createTask({ body: { title: 'cli' } }); return t.title;`,
    );
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ ok: true, result: 'cli' });
    const failed = await runCli(['execute'], "throw new Error('boom');");
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('error (runtime)');
    const unchecked = await runCli(['execute'], 'return nope;');
    expect(unchecked.code).toBe(1);
    expect(unchecked.stderr).toContain("error (typecheck): Cannot find name 'nope'");
  });
});

describe('duet serve, end to end', () => {
  let upstream: Upstream;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(() => upstream.close());

  it('serves GitHub’s spec against a local upstream with a secret header the snippet cannot see', async () => {
    const server = await startServer([
      '--spec',
      `github=${githubSpecPath}`,
      '--base-url',
      `github=${upstream.url}`,
      '--header',
      'github=Authorization: token X-SECRET-123',
    ]);
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      const search = (await (
        await fetch(`${server.url}/v1/search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'create an issue', limit: 3 }),
        })
      ).json()) as any;
      expect(search.results[0].name).toBe('issuesCreate');
      const before = upstream.received.length;
      const res = await fetch(`${server.url}/v1/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: `
            await github.issuesCreate({ owner: 'duet', repo: 'e2e', body: { title: 'from the sandbox' } });
            const issues = await github.issuesListForRepo({ owner: 'duet', repo: 'e2e' });
            const seen = JSON.stringify([Object.getOwnPropertyNames(globalThis), Object.keys(github).length]);
            return { titles: issues.map((i) => i.title), leaked: seen.includes('SECRET') };
          `,
        }),
      });
      const body = (await res.json()) as any;
      expect(body.error).toBeUndefined();
      expect(body.result).toEqual({ titles: ['from the sandbox'], leaked: false });
      const received = upstream.received.slice(before);
      expect(received.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
        'POST /repos/duet/e2e/issues',
        'GET /repos/duet/e2e/issues',
      ]);
      expect(received.every((r) => r.headers.authorization === 'token X-SECRET-123')).toBe(true);
      expect(JSON.stringify(body)).not.toContain('SECRET');
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('serves the bundled demo API with no --spec and answers JSON errors', async () => {
    const server = await startServer([]);
    try {
      // The startup line points a person at the docs.
      expect(server.stderr()).toContain(`"docs":"${server.url}/docs"`);
      expect(server.stderr()).toContain(`(API docs: ${server.url}/docs)`);
      const res = await fetch(`${server.url}/v1/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: `return (await demo.createNote({ body: { title: 'a', text: 'b' } })).title;`,
        }),
      });
      expect((await res.json()) as any).toMatchObject({ ok: true, result: 'a' });
      const bad = await fetch(`${server.url}/v1/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      expect(bad.status).toBe(400);
      const loop = (await (
        await fetch(`${server.url}/v1/execute`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: 'while (true) {}', timeoutMs: 300 }),
        })
      ).json()) as any;
      expect(loop.error.kind).toBe('timeout');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });
});

describe('duet serve --runtime: the same server on Bun and Deno', () => {
  for (const runtime of ['bun', 'deno']) {
    it(`serves search and execute on ${runtime}`, async () => {
      const server = await startServer(['--runtime', runtime, '--spec', `github=${githubSpecPath}`]);
      try {
        expect(server.stderr()).toContain(`"runtime":"${runtime}"`);
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        const search = (await (
          await fetch(`${server.url}/v1/search`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: 'create an issue', limit: 1 }),
          })
        ).json()) as any;
        expect(search.results[0]).toMatchObject({ name: 'issuesCreate', method: 'POST' });
        const execute = (await (
          await fetch(`${server.url}/v1/execute`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              code: `await state.put('k', [1, 'two']); return { k: await state.get('k'), t: typeof github.issuesCreate };`,
              session: 'rt',
            }),
          })
        ).json()) as any;
        expect(execute).toMatchObject({ ok: true, result: { k: [1, 'two'], t: 'function' } });
        const misspelt = (await (
          await fetch(`${server.url}/v1/execute`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code: `return await github.issuesCreat({ owner: 'o', repo: 'r' });` }),
          })
        ).json()) as any;
        expect(misspelt.error.kind).toBe('typecheck');
        expect(misspelt.error.message).toContain('issuesCreate');
        const bad = await fetch(`${server.url}/v1/execute`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{nope',
        });
        expect(bad.status).toBe(400);
      } finally {
        expect(await server.stop('SIGTERM')).toBe(0);
      }
    });
  }
});

describe('duet sessions and duet audit', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('list the sessions a running server keeps and print their audit trails', async () => {
    const data = mkdtempSync(join(tmpdir(), 'duet-sessions-'));
    dirs.push(data);
    const server = await startServer(['--data', data, '--token', 'acme=secret-acme-token']);
    try {
      const run = async (session: string, code: string) =>
        (await fetch(`${server.url}/v1/execute`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer secret-acme-token' },
          body: JSON.stringify({ code, session }),
        }).then((r) => r.json())) as any;
      expect(await run('alpha', "await state.put('n', 1); return 1")).toMatchObject({ ok: true });
      expect(await run('alpha', "throw new Error('boom')")).toMatchObject({ ok: false });
      expect(await run('beta', 'return 2')).toMatchObject({ ok: true });

      // Read while the server holds --data.
      const listed = await runCli(['sessions', '--data', data, '--json']);
      expect(listed.code, listed.stderr).toBe(0);
      const { sessions } = JSON.parse(listed.stdout);
      expect(sessions).toMatchObject([
        { tenant: 'acme', session: 'alpha', runs: 2 },
        { tenant: 'acme', session: 'beta', runs: 1 },
      ]);
      expect(Date.parse(sessions[0].lastActivity)).toBeGreaterThan(Date.now() - 600_000);
      const table = await runCli(['sessions', '--data', data]);
      expect(table.stdout.split('\n')[0]).toMatch(/^TENANT\s+SESSION\s+RUNS\s+LAST RUN$/);
      expect(table.stdout).toMatch(/^acme\s+alpha\s+2\s+\d{4}-/m);
      expect((await runCli(['sessions', '--data', data, '--tenant', 'other', '--json'])).stdout).toContain(
        '"sessions": []',
      );

      const jsonl = await runCli(['audit', 'alpha', '--data', data, '--tenant', 'acme', '--jsonl']);
      expect(jsonl.code, jsonl.stderr).toBe(0);
      const entries = jsonl.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(entries.map((e) => [e.seq, e.ok, e.session])).toEqual([
        [1, true, 'alpha'],
        [2, false, 'alpha'],
      ]);
      const json = JSON.parse(
        (await runCli(['audit', 'alpha', '--data', data, '--tenant', 'acme', '--json'])).stdout,
      );
      expect(json.entries).toEqual(entries);
      const text = await runCli(['audit', 'alpha', '--data', data, '--tenant', 'acme']);
      expect(text.stdout).toMatch(/^#1 .* run .* ok$/m);
      expect(text.stdout).toContain("throw new Error('boom')");
      const missing = await runCli(['audit', 'alpha', '--data', data]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("no session 'alpha' in");
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    const nothing = await runCli(['sessions', '--data', join(data, 'nope')]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain(`no sessions in ${join(data, 'nope')}`);
  });
});
