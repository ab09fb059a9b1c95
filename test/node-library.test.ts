/**
 * duet as a Node library, as README's Node section uses it: a project that installed duet imports `duet`
 * and `duet/node` by name (the package's exports), type-checks snippets on the checker's own thread, runs
 * them in the worker pool, and exits on its own once it closes what it opened.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt } from './support/cli.ts';
import { githubSpecPath } from './support/github.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

// The layout `npm install <this checkout>` makes: node_modules/duet links to the package.
const project = mkdtempSync(join(tmpdir(), 'duet-node-user-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
mkdirSync(join(project, 'node_modules'));
symlinkSync(root, join(project, 'node_modules/duet'), 'dir');

const app = `
import { createDuet, loadSpec } from 'duet';
import { createNodeTypeChecker, createWorkerSandbox, openActorSessions, readSource } from 'duet/node';

const github = await loadSpec(${JSON.stringify(githubSpecPath)}, readSource, { name: 'github' });
const sandbox = createWorkerSandbox();
const { sessions, close } = await openActorSessions({ dir: process.argv[2] });
const duet = createDuet({ apis: [github], sandbox, sessions, typeChecker: createNodeTypeChecker });
const refused = await duet.execute({ code: 'const n: number = "one"; return github.reposGett({ owner: "o", repo: "r" })', session: 's1' });
const ran = await duet.execute({ code: 'await state.put("n", 41); return (await state.get("n")) + 1', session: 's1' });
await sandbox.close();
await close();
console.log(JSON.stringify({ refused, ran }));
`;

describe('duet as a Node library in a project that installed it', () => {
  it('imports duet and duet/node by name, type-checks before running, and exits once closed', async () => {
    assertBuilt();
    writeFileSync(join(project, 'app.mjs'), app);
    // No process.exit in the app: it ends only if nothing it started (checker thread, workers) holds it.
    const { stdout } = await run(process.execPath, ['app.mjs', join(project, 'data')], {
      cwd: project,
      timeout: 60_000,
    });
    const { refused, ran } = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(refused.ok).toBe(false);
    expect(refused.error.kind).toBe('typecheck');
    const messages = refused.error.diagnostics.map((d: { message: string }) => d.message);
    expect(messages).toContain("Type 'string' is not assignable to type 'number'.");
    expect(messages.some((m: string) => m.includes("Did you mean 'reposGet'?"))).toBe(true);
    expect(ran).toMatchObject({ ok: true, result: 42 });
  }, 90_000);
});
