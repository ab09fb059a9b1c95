/**
 * The CLI as `npm run build` bundles it (adapters/node/build-cli.js): what bin.js loads, that it is the
 * current build, and that a bundle older than dist/ is never run.
 */
import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cliEntry } from '../adapters/node/cli-entry.js';

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

describe('the bundled CLI', () => {
  it('is what bin.js runs: duet search loads a few chunk files, not the ~400 modules of dist/', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', hook, bin, 'search', 'create an issue', '--spec', `github=${githubSpec}`],
      { cwd: temp, env: { ...process.env, DUET_DATA: join(temp, 'data') } },
    );
    expect(stdout).toContain('github.issuesCreate');
    const loaded = stderr
      .split('\n')
      .filter((line) => line.startsWith('LOADED '))
      .map((line) => line.slice('LOADED '.length));
    expect(loaded).toContain(pathToFileURL(join(distNode, 'cli-bundle.js')).href);
    expect(loaded).not.toContain(pathToFileURL(join(distNode, 'cli.js')).href);
    // Unbundled, the same command loaded 376 files.
    expect(loaded.length).toBeLessThan(60);
  });

  it('is the current build: no chunk of an older build is left beside it', () => {
    const chunks = readdirSync(distNode).filter((name) => /^cli-chunk-.*\.js$/.test(name));
    expect(chunks.length).toBeGreaterThan(0);
    const referenced = new Set<string>();
    for (const file of ['cli-bundle.js', ...chunks]) {
      for (const match of readFileSync(join(distNode, file), 'utf8').matchAll(
        /["']\.\/(cli-chunk-[\w-]+\.js)["']/g,
      ))
        referenced.add(match[1]);
    }
    expect(chunks.filter((name) => !referenced.has(name))).toEqual([]);
  });
});

describe('cliEntry', () => {
  const dir = join(temp, 'dist-node');
  const url = pathToFileURL(`${dir}/`);
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
    expect(cliEntry(url).href).toBe(new URL('cli-bundle.js', url).href);
    at('cli-bundle.js', 2_000);
    expect(cliEntry(url).href).toBe(new URL('cli-bundle.js', url).href);
  });

  it('takes dist/ when the bundle is older (compiled again without bundling) or missing', () => {
    at('cli-bundle.js', 500);
    expect(cliEntry(url).href).toBe(new URL('cli.js', url).href);
    rmSync(join(dir, 'cli-bundle.js'));
    expect(cliEntry(url).href).toBe(new URL('cli.js', url).href);
  });
});
