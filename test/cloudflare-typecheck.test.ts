/**
 * The type-check on Workers: the checker Worker behind the duet Worker's TYPECHECK binding, in real workerd
 * (Miniflare), against GitHub's spec and the demo API, with the same diagnostics as the Node checker; and
 * a checker Worker that fails or hangs costing the execute nothing but the type-check.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleWorker } from '../adapters/cloudflare/bundle-worker.ts';
import { serveWorkerd, type WorkerdServer } from '../adapters/cloudflare/serve-local.ts';
import { type DuetWorkerConfig, loadWorkerApis } from '../adapters/cloudflare/worker-config.ts';
import { guardWorkerd } from '../adapters/cloudflare/workerd-guard.ts';
import { readWranglerConfig } from '../adapters/cloudflare/wrangler-config.ts';
import { createNodeTypeChecker, type NodeTypeChecker } from '../adapters/node/typecheck.ts';
import { nodeLibFiles } from '../adapters/node/typecheck-libs.ts';
import { buildApi, Catalog } from '../src/catalog/index.ts';
import { createDemoApi, demoDocument } from '../src/demo/tasks-api.ts';
import { createTypeChecker } from '../src/typecheck/index.ts';
import { type Client, client } from './runtimes/workerd/http-client.ts';
import { githubSpecPath } from './support/github.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

describe("the checker Worker's lib files", () => {
  it('are exactly the lib files the checker reads', () => {
    const read = new Set<string>();
    const recording = (fileName: string) => {
      read.add(fileName);
      return nodeLibFiles(fileName);
    };
    const checker = createTypeChecker(new Catalog(), { libFiles: recording });
    expect(checker.check('return [1, 2].toSorted().at(-1);')).toEqual([]);
    const source = readFileSync(
      new URL('../adapters/cloudflare/typecheck/lib-texts.js', import.meta.url),
      'utf8',
    );
    const imported = [...source.matchAll(/from 'typescript\/lib\/(lib\.[\w.]+\.d\.ts)'/g)].map((m) => m[1]);
    const keyed = [...source.matchAll(/^ {2}'(lib\.[\w.]+\.d\.ts)': /gm)].map((m) => m[1]);
    expect(new Set(imported)).toEqual(read);
    expect(new Set(keyed)).toEqual(read);
  });
});

/** The diagnostics an execute came back with: none when it passed the type-check. */
function diagnosticsOf(response: any) {
  return response.error?.kind === 'typecheck' ? response.error.diagnostics : [];
}

describe('duet serve --runtime workerd type-checks in the checker Worker', () => {
  let upstream: Upstream;
  let dataDir: string;
  let server: WorkerdServer;
  let api: Client;
  let node: NodeTypeChecker;

  beforeAll(async () => {
    upstream = await startUpstream();
    dataDir = mkdtempSync(join(tmpdir(), 'duet-workerd-typecheck-'));
    const config: DuetWorkerConfig = {
      specs: [{ name: 'github', text: readFileSync(githubSpecPath, 'utf8') }],
      demo: true,
      upstreams: { github: { baseUrl: upstream.url } },
      allowFetch: [new URL(upstream.url).host],
    };
    server = await serveWorkerd({ port: 0, dataDir, signals: false, config });
    api = client(server.url);
    // The Node checker on the catalog the Worker builds from the same config (see createDuet).
    const catalog = new Catalog(await loadWorkerApis(config));
    catalog.add(buildApi(demoDocument(createDemoApi()), { source: 'duet demo API', name: 'demo' }));
    node = createNodeTypeChecker(catalog);
  });

  afterAll(async () => {
    await server?.close();
    await upstream?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a misspelt operation with a "did you mean" on its line', async () => {
    const code = `const owner = 'o';\nconst repo = 'r';\nreturn await github.issuesCraete({ owner, repo, body: { title: 't' } });`;
    const run = await api.execute(code);
    expect(run).toMatchObject({ ok: false, error: { kind: 'typecheck' }, calls: [] });
    expect(run.error.diagnostics).toEqual([
      {
        message:
          "Property 'issuesCraete' does not exist on type 'typeof github'. Did you mean 'issuesCreate'?",
        line: 3,
        column: 21,
      },
    ]);
    expect(run.error.diagnostics).toEqual(await node.check(code, { fetch: true }));
    // The check alone (POST /v1/check) goes to the checker Worker too.
    expect((await api.post('/v1/check', { code })).body).toEqual({
      diagnostics: run.error.diagnostics,
      checked: 'types',
    });
    // In a session's Durable Object too (it has the same binding).
    const inSession = await api.execute('return await demo.createTsk({ body: { title: "x" } });', 'typed');
    expect(inSession.error).toMatchObject({ kind: 'typecheck' });
    expect(inSession.error.message).toContain("Did you mean 'createTask'?");
  });

  it('runs a correct snippet', async () => {
    const run = await api.execute(
      `const issue = await github.issuesCreate({ owner: 'o', repo: 'r', body: { title: 'typed' } });
       const t = await demo.createTask({ body: { title: 'typed' } });
       const text = await (await fetch('${upstream.url}/text')).text();
       return [issue.number, t.title, text];`,
    );
    expect(run).toMatchObject({ ok: true, result: [1, 'typed', 'plain words'] });
  });

  it('catches a field that does not exist on a response', async () => {
    const code = 'const me = await github.usersGetAuthenticated();\nreturn me.username;';
    const run = await api.execute(code);
    expect(run.error).toMatchObject({ kind: 'typecheck', diagnostics: [{ line: 2 }] });
    expect(run.error.message).toMatch(/^Property 'username' does not exist on type/);
    expect(run.calls).toEqual([]);
  });

  it('gives the same diagnostics as the Node checker', async () => {
    const snippets = [
      `const issue = await github.issuesCreate({ owner: 'octo', repo: 'hello', body: { title: 'Hi' } });\nreturn issue.number;`,
      `return await github.issues.create({ owner: 'o', repo: 'r', body: { title: 't' } });`,
      `return await github.rest.repos.get({ owner: 'o', repo: 'r' });`,
      `return await github.reposGet('o', 'r');`,
      `const tasks = demo.listTasks();\nreturn tasks.length;`,
      `const list = await github.issuesListForRepo({ owner: 'o', repo: 'r', state: 'opened' });\nreturn list.length;`,
      `const n: number = 'seven';\nreturn n;`,
      `return githb.reposGet({ owner: 'o', repo: 'r' });`,
      `const t = await demo.createTask({ body: { title: 'x', done: 'yes' } });\nreturn t.id;`,
      `return (await fetch('${upstream.url}/text')).status;`,
      `const [a] = await demo.listTasks({});\nreturn a?.titel;`,
    ];
    const refused: number[] = [];
    for (const [i, code] of snippets.entries()) {
      const expected = await node.check(code, { fetch: true });
      const run = await api.execute(code);
      expect(diagnosticsOf(run), code).toEqual(expected);
      if (expected.length > 0) refused.push(i);
    }
    // Most of these are mistakes: the comparison is between real diagnostics, not two empty lists.
    expect(refused.length).toBeGreaterThanOrEqual(8);
  });
});

describe('a checker Worker that fails', () => {
  let mf: Miniflare;
  let output = '';
  const post = async (worker: string, code: string) => {
    const target = (await mf.getWorker(worker)) as unknown as {
      fetch(url: string, init: RequestInit): Promise<Response>;
    };
    const response = await target.fetch('http://duet/v1/execute', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    return (await response.json()) as any;
  };

  beforeAll(async () => {
    const wrangler = readWranglerConfig();
    const bundle = await bundleWorker(wrangler.main);
    guardWorkerd();
    // Real Workers behind the binding: one whose check throws, one that answers after a minute.
    const checker = (body: string) => ({
      modules: [
        {
          type: 'ESModule' as const,
          path: 'checker.js',
          contents: `import { WorkerEntrypoint } from 'cloudflare:workers';
            export default class extends WorkerEntrypoint { async check() { ${body} } }`,
        },
      ],
      compatibilityDate: wrangler.compatibilityDate,
    });
    const duet = (name: string, service: string, config: DuetWorkerConfig) => ({
      name,
      modules: bundle.modules,
      modulesRoot: bundle.modulesRoot,
      compatibilityDate: wrangler.compatibilityDate,
      compatibilityFlags: wrangler.compatibilityFlags,
      durableObjects: { DUET_SESSIONS: { className: 'DuetSession', useSQLite: true } },
      bindings: { DUET_CONFIG: JSON.stringify({ sandbox: 'quickjs', ...config }) },
      serviceBindings: { TYPECHECK: { name: service } },
    });
    mf = new Miniflare({
      workers: [
        duet('with-failing', 'failing', { typecheck: { retryAfterMs: 0 } }),
        duet('with-hanging', 'hanging', { typecheck: { timeoutMs: 300, retryAfterMs: 0 } }),
        { name: 'failing', ...checker("throw new Error('checker down');") },
        { name: 'hanging', ...checker('await new Promise((resolve) => setTimeout(resolve, 60_000));') },
      ],
      handleRuntimeStdio(stdout: Readable, stderr: Readable) {
        stdout.on('data', (chunk: Buffer) => (output += chunk));
        stderr.on('data', (chunk: Buffer) => (output += chunk));
      },
    });
    await mf.ready;
  });

  afterAll(async () => {
    await mf?.dispose();
  });

  for (const [worker, cause] of [
    ['with-failing', 'checker down'],
    ['with-hanging', 'no answer within 300 ms'],
  ] as const) {
    it(`runs snippets syntax-checked and logs the outage once (${worker})`, async () => {
      expect(await post(worker, 'return 1 +')).toMatchObject({ ok: false, error: { kind: 'typecheck' } });
      expect(await post(worker, 'return 2 + 2')).toMatchObject({ ok: true, result: 4 });
      // Unchecked, a misspelt operation fails when it runs, still naming the operation that was meant.
      const misspelt = await post(worker, 'return await demo.createTsk({ body: { title: "x" } })');
      expect(misspelt.error).toMatchObject({ kind: 'runtime' });
      expect(misspelt.error.message).toContain('did you mean demo.createTask?');
      expect((await post(worker, 'return 3')).result).toBe(3);
      const lines = (text: string) => output.split('\n').filter((line) => line.includes(text));
      // workerd's output arrives on its own pipes: wait for the four runs' log lines, then count warnings.
      await vi.waitFor(
        () => {
          expect(lines('"msg":"execute"').length).toBeGreaterThanOrEqual(4);
          expect(lines('the checker Worker failed').length).toBeGreaterThanOrEqual(1);
        },
        { timeout: 10_000 },
      );
      const warnings = lines('the checker Worker failed');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(cause);
      output = '';
    });
  }
});
