/**
 * The package as npm publishes it: `npm pack` of this checkout installed into a fresh project (npm's own
 * install, dependencies only), then used from there as README says: the CLI, the server with its console
 * and API explorer, and the type-check. (Installed this way, duet once checked nothing but the syntax:
 * the compiler was a devDependency.) Install scripts are skipped (no native build), so it runs on Node 22
 * and its built-in SQLite.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, type ServerProcess, startServer } from './support/cli.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const project = mkdtempSync(join(tmpdir(), 'duet-packed-'));
const installed = join(project, 'node_modules/duet/adapters/node/bin.js');
// The checkout's Node 22 (the `node` devDependency), whatever runs the tests: with install scripts skipped
// better-sqlite3 has no native build, and Node 22 keeps sessions in its built-in SQLite instead.
const node22 = join(root, 'node_modules/node/bin/node');
const user = { bin: installed, cwd: project, execPath: node22 };
let server: ServerProcess | undefined;

beforeAll(async () => {
  assertBuilt();
  await run('npm', ['pack', '--pack-destination', project, '--ignore-scripts', '--silent'], { cwd: root });
  const tarball = readdirSync(project).find((name) => name.endsWith('.tgz'))!;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'duet-user', private: true }));
  // The cache npm ci filled has every dependency; the registry only if it does not.
  await run(
    'npm',
    [
      'install',
      `./${tarball}`,
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--silent',
    ],
    { cwd: project, timeout: 240_000 },
  );
}, 300_000);

afterAll(async () => {
  await server?.stop();
  rmSync(project, { recursive: true, force: true });
});

describe('duet installed from its packed package', () => {
  it('type-checks and runs snippets from the command line', async () => {
    const refused = await runCli(['execute'], 'const n: number = "x"; return demo.nope()', user);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Type 'string' is not assignable to type 'number'.");
    expect(refused.stderr).toContain("Property 'nope' does not exist");
    const ran = await runCli(['execute'], 'return (await demo.listTasks()).length + 42', user);
    expect(ran).toMatchObject({ code: 0, stdout: '42\n' });
  }, 60_000);

  it('serves search, checked executes, the console and the API explorer', async () => {
    server = await startServer(['--data', join(project, 'data')], user);
    const post = (path: string, body: unknown) =>
      fetch(`${server!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<any>);
    const found = await post('/v1/search', { query: 'add a new task', limit: 1 });
    expect(found.results[0].name).toBe('createTask');
    const refused = await post('/v1/execute', { code: 'return demo.createTask({ title: 1 })' });
    expect(refused.error.kind).toBe('typecheck');
    const ran = await post('/v1/execute', {
      code: "return (await demo.createTask({ body: { title: 't' } })).title",
    });
    expect(ran).toMatchObject({ ok: true, result: 't' });
    for (const page of ['/console', '/docs']) {
      const html = await (await fetch(`${server.url}${page}`)).text();
      // Every script and stylesheet the page names is served from the installed package.
      const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css)[^"]*)"/g)].map((m) => m[1]);
      expect(assets.length, page).toBeGreaterThan(0);
      for (const asset of assets) {
        const response = await fetch(new URL(asset, `${server.url}${page}`));
        expect(response.status, asset).toBe(200);
        expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(1000);
      }
    }
  }, 90_000);
});
