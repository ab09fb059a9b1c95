/**
 * duet as a Deno package: a project in another directory imports the core and the Deno adapter through
 * deno.json (its `imports` map the npm packages), and `deno publish --dry-run` accepts the package.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '..');
const deno = join(repoRoot, 'node_modules/.bin/deno');

const project = await mkdtemp(join(tmpdir(), 'duet-deno-user-'));
afterAll(() => rm(project, { recursive: true, force: true }));

const userCode = `
import { createDuet } from '@duet/core';
import { createProcessSandbox, openDenoSessions } from '@duet/core/deno';

const sandbox = createProcessSandbox({ workers: 1 });
const durable = await openDenoSessions(Deno.args[0]);
const duet = createDuet({ sandbox, sessions: durable.sessions });
const found = await duet.search('add a new task', { limit: 1 });
const first = await duet.execute({ code: "await state.put('n', 41); return 1", session: 's1' });
const second = await duet.execute({
  code: "const t = await demo.createTask({ body: { title: 'from deno' } }); return (await state.get('n')) + 1 + ':' + t.title",
  session: 's1',
});
console.log(JSON.stringify({ found: found.ok ? found.results[0].name : found, first: first.ok, second: second.result }));
await sandbox.close();
await durable.close();
`;

describe('duet imported from a separate Deno project', () => {
  it('resolves the core and the Deno adapter, searches and executes with durable sessions', async () => {
    await writeFile(
      join(project, 'deno.json'),
      JSON.stringify({ links: [repoRoot], imports: { '@duet/core': 'jsr:@duet/core@^0.1.0' } }),
    );
    await writeFile(join(project, 'main.ts'), userCode);
    const { stdout } = await run(
      deno,
      ['run', '--quiet', '-A', '--unstable-kv', 'main.ts', join(project, 'data')],
      { cwd: project, timeout: 120_000 },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      found: 'createTask',
      first: true,
      second: '42:from deno',
    });
  });

  it('passes deno publish --dry-run (explicit public types, imports, license)', async () => {
    const { stdout, stderr } = await run(deno, ['publish', '--dry-run', '--allow-dirty'], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 240_000,
    });
    expect(`${stdout}${stderr}`).toContain('Success Dry run complete');
  }, 300_000);
});
