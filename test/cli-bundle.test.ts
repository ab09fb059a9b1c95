/**
 * The CLI as `npm run build` bundles it (adapters/node/build-cli.js): what bin.js loads, that it is the
 * current build, and that a bundle older than dist/ is never run.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { bundledEntry } from '../adapters/node/bundled-entry.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const distNode = join(root, 'dist', 'adapters', 'node');
const bin = join(root, 'adapters', 'node', 'bin.js');
const githubSpec = join(root, 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json');
const temp = mkdtempSync(join(tmpdir(), 'duet-cli-bundle-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A module hook that prints every file module the process loads, one per line on stderr. */
const hook = join(temp, 'count-modules.mjs');
writeFileSync(
  hook,
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`import { writeSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) writeSync(2, 'LOADED ' + url + '\\\\n');
  return next(url, context);
}\`));
`,
);

/** Runs bin.js with the hook: its standard output and the files every thread of it loaded. */
async function duet(args: string[], input?: string): Promise<{ stdout: string; loaded: string[] }> {
  const child = run(process.execPath, ['--import', hook, bin, ...args], {
    cwd: temp,
    env: { ...process.env, DUET_DATA: join(temp, 'data') },
  });
  if (input !== undefined) child.child.stdin?.end(input);
  const { stdout, stderr } = await child;
  const loaded = stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED '))
    .map((line) => line.slice('LOADED '.length));
  return { stdout, loaded };
}
const dist = (name: string) => pathToFileURL(join(distNode, name)).href;

describe('the bundled CLI', () => {
  it('is what bin.js runs: duet search loads a few chunk files, not the ~400 modules of dist/', async () => {
    const { stdout, loaded } = await duet(['search', 'create an issue', '--spec', `github=${githubSpec}`]);
    expect(stdout).toContain('github.issuesCreate');
    expect(loaded).toContain(dist('cli-bundle.js'));
    expect(loaded).not.toContain(dist('cli.js'));
    // Unbundled, the same command loaded 376 files.
    expect(loaded.length).toBeLessThan(60);
  });

  it("runs its worker threads' bundles too: duet execute type-checks and runs a snippet", async () => {
    const { stdout, loaded } = await duet(['execute'], 'const n: number = 1 + 1;\nreturn n;');
    expect(stdout.trim()).toBe('2');
    for (const name of ['sandbox-worker-bundle.js', 'typecheck-worker-bundle.js'])
      expect(loaded).toContain(dist(name));
    for (const name of ['sandbox-worker.js', 'typecheck-worker.js', 'worker-loop.js'])
      expect(loaded.filter((url) => url.endsWith(`/${name}`))).toEqual([]);
  });

  it('is the current build: no chunk of an older build is left beside it', () => {
    const chunks = readdirSync(distNode).filter((name) => /^cli-chunk-.*\.js$/.test(name));
    expect(chunks.length).toBeGreaterThan(0);
    // Everything TypeScript compiled is older than the bundle made from it; a chunk left from a build
    // before that one is older than both.
    const compiled = statSync(join(distNode, 'cli.js')).mtimeMs;
    expect(chunks.filter((name) => statSync(join(distNode, name)).mtimeMs < compiled)).toEqual([]);
  });
});

describe('bundledEntry', () => {
  const dir = join(temp, 'dist-node');
  const url = pathToFileURL(`${dir}/`);
  const chosen = () => bundledEntry(new URL('cli.js', url), new URL('cli-bundle.js', url)).href;
  const bundle = () => new URL('cli-bundle.js', url).href;
  const at = (name: string, seconds: number) => {
    writeFileSync(join(dir, name), '');
    utimesSync(join(dir, name), seconds, seconds);
  };

  beforeEach(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    at('cli.js', 1_000);
  });

  it('takes the bundle when it is as new as dist/ or newer (npm pack gives every file one time)', () => {
    at('cli-bundle.js', 1_000);
    expect(chosen()).toBe(bundle());
    at('cli-bundle.js', 2_000);
    expect(chosen()).toBe(bundle());
  });

  it('takes dist/ when the bundle is older (compiled again without bundling) or missing', () => {
    at('cli-bundle.js', 500);
    expect(chosen()).toBe(new URL('cli.js', url).href);
    rmSync(join(dir, 'cli-bundle.js'));
    expect(chosen()).toBe(new URL('cli.js', url).href);
  });
});
