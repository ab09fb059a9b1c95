/**
 * Measures the checker Worker in local workerd (Miniflare), for the numbers in ../README.md:
 *   node --experimental-transform-types --no-warnings adapters/cloudflare/typecheck/measure.ts [runs]
 * First the bundling of each Worker (esbuild, as serveWorkerd does it once per process); then per catalog
 * (the demo API; GitHub's spec + the demo): workerd's start-up with and without the checker Worker
 * (bundles already made); the cold check (the first checked execute after start, the duet Worker already set up, so it is
 * the checker's start: compiler evaluation, lib parse, catalog build); then warm executes of the same
 * correct snippets checked and unchecked (`typecheck: false` in the request), and of refused snippets.
 * Beside them, the same checks in this Node process (`createTypeChecker` on the same catalog), measured at
 * the same time, as the reference for a machine's speed and load.
 * Not a test: timings on a shared machine vary; run it on a quiet one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApi, Catalog } from '../../../src/catalog/index.ts';
import { createDemoApi, demoDocument } from '../../../src/demo/tasks-api.ts';
import { bundleWorker } from '../bundle-worker.ts';
import { serveWorkerd } from '../serve-local.ts';
import { type DuetWorkerConfig, loadWorkerApis } from '../worker-config.ts';
import { readWranglerConfig, TYPECHECK_WRANGLER_CONFIG, WRANGLER_CONFIG } from '../wrangler-config.ts';

const RUNS = Number(process.argv[2] ?? 40);
const COLD_STARTS = 3;

// GitHub's calls go to a local server answering `[]` for lists, `{}` otherwise: the run costs the same
// checked or not.
const upstream = createServer((req, res) =>
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(req.method === 'GET' && req.url?.split('?')[0]?.endsWith('/issues') ? '[]' : '{}'),
);
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
const githubSpec = readFileSync(
  new URL(import.meta.resolve('@octokit/openapi/generated/api.github.com.json')),
  'utf8',
);

const catalogs: { name: string; config: DuetWorkerConfig; correct: string[]; refused: string[] }[] = [
  {
    name: 'demo API',
    config: {},
    correct: [
      `const t = await demo.createTask({ body: { title: 'measure' } });\nreturn t.id;`,
      `const tasks = await demo.listTasks({});\nreturn tasks.filter((t) => !t.done).map((t) => t.title);`,
    ],
    refused: [
      `return await demo.createTsk({ body: { title: 'x' } });`,
      `const tasks = demo.listTasks({});\nreturn tasks.length;`,
    ],
  },
  {
    name: 'GitHub + demo',
    config: {
      specs: [{ name: 'github', text: githubSpec }],
      demo: true,
      upstreams: { github: { baseUrl: upstreamUrl } },
    },
    correct: [
      `const issue = await github.issuesCreate({ owner: 'o', repo: 'r', body: { title: 'Hi' } });\nreturn issue.number;`,
      `const repo = await github.reposGet({ owner: 'o', repo: 'r' });\nreturn repo.full_name;`,
      `const list = await github.issuesListForRepo({ owner: 'o', repo: 'r', state: 'open' });\nreturn list.map((i) => i.title);`,
    ],
    refused: [
      `return await github.issuesCraete({ owner: 'o', repo: 'r', body: { title: 't' } });`,
      `const me = await github.usersGetAuthenticated();\nreturn me.username;`,
      `return await github.issues.create({ owner: 'o', repo: 'r', body: { title: 't' } });`,
    ],
  },
];

interface Timed {
  ms: number;
  body: any;
}

async function execute(url: string, code: string, typecheck = true): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(typecheck ? { code } : { code, typecheck: false }),
  });
  const body = await response.json();
  return { ms: performance.now() - started, body };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const fmt = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms`;

async function start(config: DuetWorkerConfig, typecheck: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), 'duet-measure-'));
  const started = performance.now();
  const server = await serveWorkerd({ port: 0, dataDir, signals: false, config, typecheck });
  const readyMs = performance.now() - started;
  return {
    server,
    readyMs,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

console.log('## bundling (esbuild), 3 times each');
for (const path of [WRANGLER_CONFIG, TYPECHECK_WRANGLER_CONFIG]) {
  const wrangler = readWranglerConfig(path);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await bundleWorker(wrangler.main, { minify: wrangler.minify });
    times.push(performance.now() - started);
  }
  console.log(`${wrangler.name}: ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`);
}
// Fills serveWorkerd's per-process bundles, so the start-ups below time workerd alone.
for (const typecheck of [false, true]) await (await start({}, typecheck)).close();

for (const catalog of catalogs) {
  console.log(`\n## ${catalog.name}`);
  const ready = { with: [] as number[], without: [] as number[] };
  const cold: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const without = await start(catalog.config, false);
    ready.without.push(without.readyMs);
    await without.close();
    const checked = await start(catalog.config, true);
    ready.with.push(checked.readyMs);
    // The duet Worker's own set-up (spec parse, app) first, unchecked, so the next execute times the checker.
    const setup = await execute(checked.server.url, 'return 1', false);
    if (!setup.body.ok) throw new Error(JSON.stringify(setup.body));
    const first = await execute(checked.server.url, catalog.refused[0]!);
    if (first.body.error?.kind !== 'typecheck') throw new Error(`not refused: ${JSON.stringify(first.body)}`);
    cold.push(first.ms);
    await checked.close();
  }
  const list = (values: number[]) => values.map((ms) => ms.toFixed(0)).join(', ');
  console.log(
    `serveWorkerd ready (spec check + workerd start): without checker ${list(ready.without)} ms; with ${list(ready.with)} ms`,
  );
  console.log(
    `cold check (first checked execute after start): ${cold.map((ms) => ms.toFixed(0)).join(', ')} ms`,
  );

  await nodeReference(catalog);

  const { server, close } = await start(catalog.config, true);
  try {
    for (const code of [...catalog.correct, ...catalog.refused]) await execute(server.url, code); // warm-up
    const checked: number[] = [];
    const unchecked: number[] = [];
    const refused: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const code = catalog.correct[i % catalog.correct.length]!;
      // Alternated, so drift on a busy machine falls on both alike.
      const a = await execute(server.url, code);
      const b = await execute(server.url, code, false);
      if (!a.body.ok || !b.body.ok) throw new Error(JSON.stringify([a.body, b.body]));
      checked.push(a.ms);
      unchecked.push(b.ms);
      const r = await execute(server.url, catalog.refused[i % catalog.refused.length]!);
      if (r.body.error?.kind !== 'typecheck') throw new Error(JSON.stringify(r.body));
      refused.push(r.ms);
    }
    const difference = checked.map((ms, i) => ms - unchecked[i]!);
    console.log(`warm, ${RUNS} runs each (wall clock from Node):`);
    console.log(`  correct snippet, checked:    ${fmt(checked)}`);
    console.log(`  correct snippet, unchecked:  ${fmt(unchecked)}`);
    console.log(`  difference per pair:        ${fmt(difference)}`);
    console.log(`  refused snippet (check only): ${fmt(refused)}`);
  } finally {
    await close();
  }
}
upstream.close();

/** The Node checker on the catalog the Worker builds from the same config, in this process. */
async function nodeReference(catalog: (typeof catalogs)[number]) {
  const libDir = dirname(fileURLToPath(import.meta.resolve('typescript')));
  const libFiles = (name: string) => {
    try {
      return readFileSync(join(libDir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  const apis = new Catalog(await loadWorkerApis(catalog.config));
  if (catalog.config.demo ?? apis.apis.length === 0) {
    apis.add(buildApi(demoDocument(createDemoApi()), { source: 'duet demo API', name: 'demo' }));
  }
  const started = performance.now();
  const { createTypeChecker } = await import('../../../src/typecheck/index.ts');
  const checker = createTypeChecker(apis, { libFiles });
  checker.check(catalog.refused[0]!);
  const cold = performance.now() - started;
  for (const code of [...catalog.correct, ...catalog.refused]) checker.check(code); // warm-up, as below
  const correct: number[] = [];
  const refused: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    checker.check(catalog.correct[i % catalog.correct.length]!);
    correct.push(performance.now() - t);
    t = performance.now();
    checker.check(catalog.refused[i % catalog.refused.length]!);
    refused.push(performance.now() - t);
  }
  console.log(
    `Node checker in this process: first check ${cold.toFixed(0)} ms (compiler load on the first catalog only); warm, correct ${fmt(correct)}; refused ${fmt(refused)}`,
  );
}
