/** The duet Worker in real workerd (Miniflare from Node): HTTP contract, sessions as Durable Objects, restarts, deploy bundle. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../adapters/cloudflare/bundle-worker.ts';
import { serveWorkerd, type WorkerdServer } from '../adapters/cloudflare/serve-local.ts';
import { readWorkerConfig } from '../adapters/cloudflare/worker-config.ts';
import { guardWorkerd } from '../adapters/cloudflare/workerd-guard.ts';
import {
  readWranglerConfig,
  TYPECHECK_WRANGLER_CONFIG,
  WRANGLER_CONFIG,
} from '../adapters/cloudflare/wrangler-config.ts';
import { type Client, client, INCREMENT, postAlone } from './runtimes/workerd/http-client.ts';
import { githubSpecPath } from './support/github.ts';
import { startUpstream } from './support/upstream.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'duet-workerd-'));
let server: WorkerdServer;
let api: Client;

beforeAll(async () => {
  server = await serveWorkerd({ port: 0, dataDir, signals: false });
  api = client(server.url);
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('duet Worker on workerd', () => {
  it('answers /healthz, /openapi.json and /docs', async () => {
    expect(await api.get('/healthz')).toEqual({ status: 200, body: { ok: true } });
    const spec = await api.get('/openapi.json');
    expect(spec.body.paths['/v1/execute']).toBeDefined();
    const docs = await fetch(`${server.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('<html');
  });

  it('searches the demo API', async () => {
    const { status, body } = await api.post('/v1/search', { query: 'add a new task', limit: 2 });
    expect(status).toBe(200);
    expect(body.results[0]).toMatchObject({ api: 'demo', name: 'createTask', method: 'POST' });
    expect(body.results[0].declaration).toContain('createTask(');
  });

  it('executes against the demo API in the QuickJS sandbox', async () => {
    const body = await api.execute(
      'const t = await demo.createTask({ body: { title: "on workerd" } }); console.log(t.id); return (await demo.listTasks({})).map((x) => x.title);',
    );
    expect(body).toMatchObject({ ok: true, logs: [expect.stringMatching(/^t\d+$/)] });
    expect(body.result).toContain('on workerd');
    expect(body.calls.map((c: any) => [c.name, c.status])).toEqual([
      ['createTask', 201],
      ['listTasks', 200],
    ]);
    expect((await api.execute('throw new TypeError("nope")')).error.kind).toBe('runtime');
    // Type-checked in the checker Worker (test/cloudflare-typecheck.test.ts has the rest): a misspelt or
    // Octokit-style operation is refused before it runs, naming what was meant.
    const misspelt = (await api.execute('return await demo.createTsk({ body: { title: "x" } })')).error;
    expect(misspelt).toMatchObject({ kind: 'typecheck' });
    expect(misspelt.message).toContain("Did you mean 'createTask'?");
    expect((await api.execute('return await demo.tasks.list()')).error).toMatchObject({
      kind: 'typecheck',
      message: expect.stringContaining("Did you mean 'listTasks'?"),
    });
    expect((await api.execute('return 1 +')).error.kind).toBe('typecheck');
  });

  it('ends runaway snippets with the sandbox limits, and serves the next run', async () => {
    const loop = (await api.post('/v1/execute', { code: 'while (true) {}', timeoutMs: 300 })).body;
    expect(loop).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    const hog = await api.execute('const a = []; for (;;) a.push(new Array(1e5).fill(1));');
    expect(hog).toMatchObject({ ok: false, error: { kind: 'memory' } });
    const deep = await api.execute('function f() { return f() + 1; } return f();');
    expect(deep).toMatchObject({ ok: false, error: { kind: 'limit' } });
    expect((await api.execute('return 2 + 2')).result).toBe(4);
  });

  it('gives a run without a session a fresh, empty state', async () => {
    await api.execute('await state.put("k", 1)');
    expect((await api.execute('return (await state.get("k")) ?? null')).result).toBe(null);
  });

  it("keeps a session's state across requests and shows it", async () => {
    expect((await api.get('/v1/sessions/counter/state')).status).toBe(404);
    expect((await api.execute(INCREMENT, 'counter')).result).toBe(1);
    expect((await api.execute(INCREMENT, 'counter')).result).toBe(2);
    expect(await api.get('/v1/sessions/counter/state')).toEqual({
      status: 200,
      body: { session: 'counter', state: { n: 2 } },
    });
  });

  it('loses none of 40 concurrent increments on one session', async () => {
    const runs = await Promise.all(Array.from({ length: 40 }, () => api.execute(INCREMENT, 'busy')));
    expect(runs.every((run) => run.ok)).toBe(true);
    expect(runs.map((run) => run.result).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect((await api.get('/v1/sessions/busy/state')).body.state).toEqual({ n: 40 });
  });

  it('keeps two sessions apart', async () => {
    await api.execute('await state.put("owner", "a")', 'tenant-a.s1');
    await api.execute('await state.put("other", 1)', 'tenant-b.s1');
    expect((await api.execute('return (await state.get("owner")) ?? null', 'tenant-b.s1')).result).toBe(null);
    expect((await api.get('/v1/sessions/tenant-a.s1/state')).body.state).toEqual({ owner: 'a' });
    expect((await api.get('/v1/sessions/tenant-b.s1/state')).body.state).toEqual({ other: 1 });
  });

  it("runs MCP execute calls that name a session in that session's object", async () => {
    const mcp = new McpClient({ name: 'duet-test', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
    try {
      const { tools } = await mcp.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['execute', 'search']);
      const call = async (session?: string) => {
        const result = await mcp.callTool({ name: 'execute', arguments: { code: INCREMENT, session } });
        return JSON.parse((result.content as { text: string }[])[0].text).result;
      };
      expect([await call('mcp-s'), await call('mcp-s'), await call()]).toEqual([1, 2, 1]);
      expect((await api.execute(INCREMENT, 'mcp-s')).result).toBe(3);
    } finally {
      await mcp.close();
    }
    const mixed = await api.post('/mcp', [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'execute', arguments: { code: '1', session: 'a' } },
      },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'execute', arguments: { code: '1', session: 'b' } },
      },
    ]);
    expect(mixed).toMatchObject({ status: 400, body: { error: { kind: 'bad_request' } } });
  });

  it('round-trips 1 MiB and 3 MiB values in state', async () => {
    const code = (size: number) =>
      `const v = "x".repeat(${size - 1}) + "!"; await state.put("big${size}", v); return v.length;`;
    const check = (size: number) =>
      `const v = await state.get("big${size}"); return [v.length, v.endsWith("!")];`;
    for (const size of [1024 * 1024, 3 * 1024 * 1024]) {
      expect((await api.execute(code(size), 'large')).result).toBe(size);
      expect((await api.execute(check(size), 'large')).result).toEqual([size, true]);
    }
    const { body } = await api.get('/v1/sessions/large/state');
    expect(body.state[`big${1024 * 1024}`]).toHaveLength(1024 * 1024);
  });

  it('answers bad input with a 4xx JSON error', async () => {
    const malformed = await api.post('/v1/execute', '{"code": "return 1", "session": "x"');
    expect(malformed).toMatchObject({ status: 400, body: { ok: false, error: { kind: 'bad_request' } } });
    const badSession = await api.post('/v1/execute', { code: 'return 1', session: 'no spaces' });
    expect(badSession).toMatchObject({ status: 400, body: { ok: false, error: { kind: 'bad_request' } } });
    expect((await api.post('/v1/search', '{')).status).toBe(400);
    const pad = 'x'.repeat(2 << 20);
    const big = await postAlone(`${server.url}/v1/execute`, JSON.stringify({ code: '1', session: 's', pad }));
    expect(big).toMatchObject({ status: 413, body: { ok: false, error: { kind: 'payload_too_large' } } });
    expect((await api.get('/v1/sessions/no%20such/state')).status).toBe(400);
    expect((await api.get('/nowhere')).status).toBe(404);
  });

  it('keeps state across a restart of workerd on the same data dir', async () => {
    await server.close();
    server = await serveWorkerd({ port: 0, dataDir, signals: false });
    api = client(server.url);
    expect((await api.get('/v1/sessions/busy/state')).body.state).toEqual({ n: 40 });
    expect((await api.execute(INCREMENT, 'busy')).result).toBe(41);
  });

  it('keeps every acknowledged write when the server is killed with SIGKILL mid-stream', async () => {
    const killDir = mkdtempSync(join(tmpdir(), 'duet-workerd-kill-'));
    try {
      const child = await startFixture(killDir);
      const killed = client(child.url);
      for (let i = 0; i < 5; i++) await killed.execute(INCREMENT, 'k');
      let acknowledged = 5;
      let killAt: () => void;
      const tenMore = new Promise<void>((done) => (killAt = done));
      const inFlight = Array.from({ length: 100 }, () =>
        killed.execute(INCREMENT, 'k').then(
          () => ++acknowledged === 15 && killAt(),
          () => undefined,
        ),
      );
      await tenMore;
      child.process.kill('SIGKILL');
      await Promise.all(inFlight);
      const after = await serveWorkerd({ port: 0, dataDir: killDir, signals: false });
      try {
        const { body } = await client(after.url).get('/v1/sessions/k/state');
        expect(body.state.n).toBeGreaterThanOrEqual(acknowledged);
        expect(body.state.n).toBeLessThanOrEqual(105);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(killDir, { recursive: true, force: true });
    }
  });
});

describe('duet Worker configured by DUET_CONFIG', () => {
  it("serves GitHub's spec given as text, calling a real upstream with host-side credentials", async () => {
    const upstream = await startUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'duet-workerd-config-'));
    const github = await serveWorkerd({
      port: 0,
      dataDir: dir,
      signals: false,
      config: {
        specs: [{ name: 'github', text: readFileSync(githubSpecPath, 'utf8') }],
        upstreams: { github: { baseUrl: upstream.url, headers: { Authorization: 'token secret-1' } } },
        allowFetch: [new URL(upstream.url).host],
      },
    });
    try {
      const gh = client(github.url);
      const found = await gh.post('/v1/search', { query: 'create an issue', limit: 1 });
      expect(found.body.results[0]).toMatchObject({ api: 'github', name: 'issuesCreate' });
      const run = await gh.execute(
        `const issue = await github.issuesCreate({ owner: 'o', repo: 'r', body: { title: 'from workerd' } });
         const text = await (await fetch('${upstream.url}/text')).text();
         return [issue.number, text, typeof demo];`,
        'gh',
      );
      expect(run).toMatchObject({ ok: true, result: [1, 'plain words', 'undefined'] });
      const sent = upstream.received.find((r) => r.method === 'POST');
      expect(sent?.headers.authorization).toBe('token secret-1');
      expect(upstream.received.find((r) => r.url === '/text')?.headers.authorization).toBeUndefined();
      const denied = await gh.execute("await fetch('https://example.com/'); return 1");
      expect(denied.error.kind).toBe('egress');
    } finally {
      await github.close();
      await upstream.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a broken config or spec: text that does not parse before starting workerd, the rest before it is ready', async () => {
    const dataDir = tmpdir();
    await expect(
      serveWorkerd({ port: 0, dataDir, signals: false, config: { specs: [{ name: 'x', text: 'nope: [' }] } }),
    ).rejects.toThrow(/DUET_CONFIG.specs\[0\] \(x\)/);
    // Parsed but not OpenAPI: found by the Worker's first request, which serveWorkerd makes itself.
    await expect(
      serveWorkerd({
        port: 0,
        dataDir,
        signals: false,
        config: { specs: [{ name: 'x', text: '{"hello": 1}' }] },
      }),
    ).rejects.toThrow(/DUET_CONFIG.specs\[0\] \(x\): not an OpenAPI or Swagger document/);
    await expect(
      serveWorkerd({ port: 0, dataDir, signals: false, config: { limits: { cpuTicks: 1 } } as never }),
    ).rejects.toThrow(/unknown limit 'cpuTicks'/);
    expect(() => readWorkerConfig('{')).toThrow(/DUET_CONFIG is not valid JSON/);
  });
});

describe('wrangler', () => {
  const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js');
  /** `wrangler deploy --dry-run` of one config: its output and the gzipped size of what it would upload. */
  async function dryRun(config: string, use?: (outdir: string, files: string[]) => Promise<void>) {
    const outdir = mkdtempSync(join(tmpdir(), 'duet-wrangler-'));
    try {
      const args = ['deploy', '--dry-run', '--config', config, '--outdir', outdir];
      const { code, output } = await run(process.execPath, [wrangler, ...args]);
      const files = readdirSync(outdir).filter((name) => !/\.(map|md)$/.test(name));
      const gzipped = files.reduce((sum, name) => sum + gzipSync(readFileSync(join(outdir, name))).length, 0);
      if (code === 0) await use?.(outdir, files);
      return { code, output, files, gzipped };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }

  // Workers' limit is on the compressed upload: 3 MB on the free plan, 10 MB on paid plans.
  it('bundles the Worker for deploy (wrangler deploy --dry-run) within the size limits', async () => {
    const { code, output, gzipped } = await dryRun(WRANGLER_CONFIG);
    expect(code, output).toBe(0);
    expect(output).toContain('env.DUET_SESSIONS (DuetSession)');
    expect(output).toContain('env.TYPECHECK (duet-typecheck)');
    // The compiler stays out of this bundle: it is the checker Worker's.
    expect(gzipped).toBeLessThan(3 * 1000 * 1000);
  });

  it('bundles the checker Worker with the TypeScript compiler and only the lib files it needs; that bundle checks in workerd', async () => {
    let misspelt: any;
    let correct: any;
    const { code, output, files, gzipped } = await dryRun(
      TYPECHECK_WRANGLER_CONFIG,
      async (outdir, files) => {
        // wrangler's own bundle (minified, lib files as Text modules) behind the duet Worker: what a deploy runs.
        const main = readWranglerConfig(WRANGLER_CONFIG);
        const bundle = await bundleWorker(main.main);
        guardWorkerd();
        const mf = new Miniflare({
          workers: [
            {
              name: 'duet',
              modules: bundle.modules,
              modulesRoot: bundle.modulesRoot,
              compatibilityDate: main.compatibilityDate,
              durableObjects: { DUET_SESSIONS: { className: 'DuetSession', useSQLite: true } },
              bindings: { DUET_CONFIG: JSON.stringify({ sandbox: 'quickjs' }) },
              serviceBindings: { TYPECHECK: { name: 'duet-typecheck' } },
            },
            {
              name: 'duet-typecheck',
              modulesRoot: outdir,
              modules: ['worker.js', ...files.filter((name) => name !== 'worker.js')].map((name) => ({
                type: name.endsWith('.d.ts') ? ('Text' as const) : ('ESModule' as const),
                path: join(outdir, name),
              })),
              compatibilityDate: main.compatibilityDate,
            },
          ],
        });
        try {
          const worker = (await mf.getWorker('duet')) as unknown as {
            fetch(url: string, init: RequestInit): Promise<Response>;
          };
          const execute = async (code: string) =>
            (
              await worker.fetch('http://duet/v1/execute', {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ code }),
              })
            ).json();
          misspelt = await execute('const n = 1;\nreturn await demo.listTask({});');
          correct = await execute('return (await demo.listTasks({})).length;');
        } finally {
          await mf.dispose();
        }
      },
    );
    expect(code, output).toBe(0);
    expect(misspelt.error).toMatchObject({ kind: 'typecheck', diagnostics: [{ line: 2 }] });
    expect(misspelt.error.message).toContain("Did you mean 'listTasks'?");
    expect(correct).toMatchObject({ ok: true, result: 0 });
    const libs = files.filter((name) => /lib\.[\w.]+\.d\.ts$/.test(name));
    expect(libs.length).toBeGreaterThan(0);
    expect(libs.length).toBe(
      readFileSync(new URL('../adapters/cloudflare/typecheck/lib-texts.js', import.meta.url), 'utf8').match(
        /^import /gm,
      )?.length,
    );
    expect(libs.some((name) => name.endsWith('lib.dom.d.ts'))).toBe(false);
    expect(gzipped).toBeLessThan(3 * 1000 * 1000);
  });
});

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** serveWorkerd in its own process (Node 22 runs the TypeScript), so it can be killed like a server. */
function startFixture(dir: string): Promise<{ url: string; process: ChildProcess }> {
  const node = join(root, 'node_modules/.bin/node');
  const fixture = join(root, 'test/runtimes/workerd/serve-fixture.ts');
  const child = spawn(node, ['--experimental-transform-types', '--no-warnings', fixture, dir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve({ url: JSON.parse(line).url, process: child });
    });
    child.on('exit', (code) => reject(new Error(`serve fixture exited with ${code}: ${stderr}`)));
  });
}
