/**
 * What a project that installs duet from npm gets: every package the shipped code loads at run time must
 * be one of duet's `dependencies`, since `npm install duet` installs no devDependencies. (The type-checker's
 * `typescript` was a devDependency: installed as a package, duet checked nothing but the syntax.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * Loaded only by `duet serve --runtime workerd`, which bundles and starts workerd through these tools: a
 * project that wants that launcher installs them itself (the message says so); the Worker deployed with
 * wrangler never loads them.
 */
const LAUNCHER_TOOLS: Record<string, string> = {
  esbuild: 'bundles the Worker for duet serve --runtime workerd',
  miniflare: 'runs workerd for duet serve --runtime workerd',
  workerd: 'the workerd binary, found through miniflare',
};
/** Shipped measurement scripts a developer runs by hand in the checkout (they say so in their header). */
const DEV_SCRIPTS = new Set(['adapters/cloudflare/typecheck/measure.ts']);
/** Provided by the platform the file runs on, never installed. */
const PLATFORM = /^(node|cloudflare|bun):|^bun$/;

/** Files `npm pack` ships that run: the package's `files`, less tests, type-only and build-time files. */
function shippedCode(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        // The console's browser code is bundled into dist at build time.
        if (name !== 'client') walk(path);
      } else if (/\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'adapters'));
  return out.filter((file) => {
    const path = relative(root, file);
    return !path.startsWith('adapters/node/build-console') && !DEV_SCRIPTS.has(path);
  });
}

/** Bare package names a file loads: static and dynamic imports, require and resolve calls. */
function loadedPackages(source: string): string[] {
  const names: string[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifier =
    /(?:^|[^\w.])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:\bimport|\brequire|createRequire\([^)]*\)|(?:require|meta|\))\.resolve)\(\s*['"]([^'"]+)['"]/gm;
  for (const match of code.matchAll(specifier)) {
    const spec = match[1] ?? match[2];
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('#')) continue;
    const parts = spec.split('/');
    names.push(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  return names;
}

describe('the published package', () => {
  const files = shippedCode();

  it('finds the shipped code and what it loads (the scan itself works)', () => {
    expect(files.length).toBeGreaterThan(100);
    const loaded = new Set(files.flatMap((f) => loadedPackages(readFileSync(f, 'utf8'))));
    for (const name of ['hono', 'sucrase', 'typescript', 'better-sqlite3', 'node:fs', 'esbuild', 'miniflare'])
      expect(loaded, name).toContain(name);
  });

  it("lists every package its code loads at run time in dependencies, package.json's imports included", () => {
    const dependencies = new Set(Object.keys(pkg.dependencies));
    const missing: string[] = [];
    for (const file of files) {
      for (const name of loadedPackages(readFileSync(file, 'utf8'))) {
        if (PLATFORM.test(name) || name in LAUNCHER_TOOLS || dependencies.has(name)) continue;
        missing.push(`${relative(root, file)}: ${name}`);
      }
    }
    // The `#typescript` import map points at a package on every runtime but Node.
    for (const [, target] of Object.entries(pkg.imports['#typescript'] as Record<string, string>)) {
      if (!target.startsWith('.') && !dependencies.has(target))
        missing.push(`imports #typescript: ${target}`);
    }
    expect(missing).toEqual([]);
  });

  it('ships the type-checker with the code that loads it', () => {
    expect(pkg.dependencies.typescript).toBeDefined();
    expect(pkg.devDependencies.typescript).toBeUndefined();
  });
});
