/** duet's benchmark on Node: spec load, search latency and execute latency, each beside a baseline. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createWorkerSandbox } from '../adapters/node/sandbox-pool.ts';
import { buildApi, parseSpecText } from '../src/catalog/index.ts';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { createSearchIndex } from '../src/search/index.ts';
import { actorStorageBench } from './actor-storage.ts';
import { sandboxBench } from './sandbox.ts';
import { searchEval } from './search-eval.ts';
import { ms, sample, table } from './stats.ts';
import { typecheckBench } from './typecheck.ts';

const queries = [
  'create an issue',
  'list issues in a repository',
  'delete a repository',
  'merge a pull request',
  'get the authenticated user',
  'star a repo',
  'add a label to an issue',
  'list commits on a branch',
  'create a gist',
  'list organization members',
  'update a release',
  'download a workflow run log',
  'add a collaborator',
  'list webhooks for a repository',
  'create a deploy key',
  'get a file from a repo',
];

async function specLoad(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  const cold = performance.now();
  const api = buildApi(parseSpecText(text, path), { source: path, name: 'github' });
  createSearchIndex(api.operations);
  const coldMs = performance.now() - cold;
  const parse = await sample(5, () => JSON.parse(text), 1);
  const full = await sample(
    5,
    () => createSearchIndex(buildApi(parseSpecText(text, path), { source: path, name: 'github' }).operations),
    1,
  );
  const index = await sample(10, () => createSearchIndex(api.operations), 2);
  return table(
    `GitHub REST spec (${(text.length / 1e6).toFixed(1)} MB, ${api.operations.length} operations): load and index`,
    ['step', 'p50', 'ratio to JSON.parse'],
    [
      ['JSON.parse alone (baseline)', ms(parse.p50), '1.00x'],
      [
        'parse + build catalog + index (cold, first in process)',
        ms(coldMs),
        `${(coldMs / parse.p50).toFixed(2)}x`,
      ],
      ['parse + build catalog + index (warm)', ms(full.p50), `${(full.p50 / parse.p50).toFixed(2)}x`],
      ['search index build only', ms(index.p50), `${(index.p50 / parse.p50).toFixed(2)}x`],
    ],
  );
}

async function searchLatency(path: string): Promise<string> {
  const doc = JSON.parse(await readFile(path, 'utf8'));
  const rows: string[][] = [];
  for (const copies of [1, 3]) {
    const ops = Array.from(
      { length: copies },
      (_, i) => buildApi(doc, { source: path, name: `github${i || ''}` }).operations,
    ).flat();
    const index = createSearchIndex(ops);
    const texts = ops.map((op) => `${op.summary} ${op.path}`.toLowerCase());
    let q = 0;
    // Baseline: the least a search can do, a substring scan of every summary and path.
    const scan = await sample(2000, () => {
      const words = queries[q++ % queries.length].split(' ');
      return texts.filter((t) => words.some((w) => t.includes(w))).length;
    });
    const ranked = await sample(2000, () => index.search(queries[q++ % queries.length], { limit: 10 }));
    rows.push([
      `${ops.length}`,
      ms(scan.p50),
      ms(ranked.p50),
      ms(ranked.p95),
      `${(ranked.p50 / scan.p50).toFixed(2)}x`,
    ]);
  }
  return table(
    'search latency (16 agent-phrased queries, limit 10)',
    ['operations', 'substring scan p50 (baseline)', 'duet search p50', 'duet search p95', 'ratio'],
    rows,
  );
}

async function executeLatency(): Promise<string> {
  const pool = createWorkerSandbox();
  const local = createQuickJSSandbox();
  const viaPool = createDuet({ sandbox: pool });
  const viaLocal = createDuet({ sandbox: local });
  const post = (app: typeof viaPool.app, code: string) =>
    Promise.resolve(
      app.request('/v1/execute', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      }),
    ).then((r) => r.json());
  const health = await sample(2000, () => viaPool.app.request('/healthz'));
  const direct = await sample(1000, () =>
    local.run(
      {
        code: 'return 1 + 1',
        bindings: { apis: {}, state: false, fetch: false },
        limits: {
          timeoutMs: 1000,
          memoryBytes: 32 << 20,
          stackBytes: 256 << 10,
          maxResultBytes: 1 << 20,
          maxLogLines: 100,
          maxLogBytes: 1 << 16,
          maxCalls: 10,
          maxConcurrentCalls: 10,
        },
      },
      async () => undefined,
    ),
  );
  const inProcess = await sample(1000, () => post(viaLocal.app, 'return 1 + 1'));
  const trivial = await sample(1000, () => post(viaPool.app, 'return 1 + 1'));
  const oneCall = await sample(500, () => post(viaPool.app, 'return (await demo.listTasks()).length'));
  await pool.close();
  await local.close();
  const row = (name: string, s: { p50: number; p95: number }) => [
    name,
    ms(s.p50),
    ms(s.p95),
    `${(s.p50 / health.p50).toFixed(1)}x`,
  ];
  return table(
    'execute latency, server time (in-process HTTP requests to the Hono app; fresh QuickJS context per run)',
    ['request', 'p50', 'p95', 'ratio to /healthz'],
    [
      row('GET /healthz (baseline)', health),
      row('QuickJS run in-process, no HTTP (`return 1 + 1`)', direct),
      row('POST /v1/execute, in-process sandbox (`return 1 + 1`)', inProcess),
      row('POST /v1/execute, worker-thread pool (`return 1 + 1`)', trivial),
      row('POST /v1/execute, worker pool + one demo API call', oneCall),
    ],
  );
}

export async function runBench(): Promise<void> {
  const spec = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  console.log(`# duet benchmark — Node ${process.version}, ${new Date().toISOString()}`);
  console.log(await specLoad(spec));
  console.log(await searchLatency(spec));
  console.log(await executeLatency());
  console.log(await searchEval());
  console.log(await typecheckBench());
  console.log(await sandboxBench());
  console.log(await actorStorageBench());
}
