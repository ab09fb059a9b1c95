/**
 * Worker bundles made ahead of time and reused: `npm run build` bundles the duet Worker and the checker
 * Worker into dist/workers/, and `duet serve --runtime workerd` loads them instead of running esbuild at
 * every start (1-2 s a Worker, the checker's TypeScript compiler most). A bundle is used only while every
 * file it was made from (sources, packages, the files that became modules, the bundler itself) has the
 * content it had then; otherwise the Worker is bundled again and the new bundle stored for the next start.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker, type WorkerBundle, type WorkerModule } from './bundle-worker.ts';
import { readWranglerConfig, TYPECHECK_WRANGLER_CONFIG, WRANGLER_CONFIG } from './wrangler-config.ts';

/** The package's root: adapters/cloudflare/ is two levels down, from the sources and from dist/ alike. */
export const PACKAGE_ROOT: string = resolve(dirname(WRANGLER_CONFIG), '..', '..');
/** Where `npm run build` puts the bundles of the package's own Workers. */
export const PREBUILT_DIR: string = join(PACKAGE_ROOT, 'dist', 'workers');
/** Where bundles go when the package's dist/ cannot be written (an installed package owned by root). */
export function userCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'duet', 'workers');
}

const FORMAT = 1;

/** What a bundle is made from, as far as a Worker's config says: its entry and whether it is minified. */
export interface BundleTarget {
  name: string;
  /** Absolute path of the entry. */
  main: string;
  minify: boolean;
}

interface Header {
  format: number;
  /** SHA-256 of bundle-worker.ts: new bundling rules make every bundle stale. */
  bundler: string;
  entry: string;
  minify: boolean;
  /** Paths relative to PACKAGE_ROOT, with the SHA-256 of their content when the bundle was made. */
  inputs: [path: string, sha256: string][];
  /** Module names (relative to the entry's directory) and their byte lengths, in the file's order. */
  modules: { type: WorkerModule['type']; name: string; bytes: number }[];
}

export type BundleOrigin = 'stored' | 'bundled';

export interface LoadBundleOptions {
  /** Directories to look in, first to last; a new bundle goes to the first that can be written. */
  dirs?: string[];
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

let bundlerHash: string | undefined;
function bundlerKey(): string {
  if (!bundlerHash) {
    // The sources' bundle-worker.ts, which the package ships: the same key whether this runs from the
    // sources (tests) or from dist/ (the CLI), so both use the bundles `npm run build` made.
    const source = join(PACKAGE_ROOT, 'adapters', 'cloudflare', 'bundle-worker.ts');
    const text = existsSync(source) ? readFileSync(source) : readFileSync(fileURLToPath(import.meta.url));
    bundlerHash = sha256(`${FORMAT}\0${sha256(text)}`);
  }
  return bundlerHash;
}

/** The file a target's bundle is stored in, under `dir`: one per entry and minify setting. */
export function bundleFile(dir: string, target: BundleTarget): string {
  const id = sha256(`${relative(PACKAGE_ROOT, target.main)}\0${target.minify}`).slice(0, 16);
  return join(dir, `${basename(target.name).replace(/[^\w.-]/g, '_')}-${id}.bundle`);
}

/**
 * The stored bundle in `file` if it is current for `target`: same bundler, entry and minify setting, and
 * every input still has the content it had. Any doubt (a missing or unreadable file) is `undefined`.
 */
export function readStoredBundle(file: string, target: BundleTarget): WorkerBundle | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  const newline = data.indexOf(10);
  if (newline < 0) return undefined;
  let header: Header;
  try {
    header = JSON.parse(data.toString('utf8', 0, newline)) as Header;
  } catch {
    return undefined;
  }
  if (
    header.format !== FORMAT ||
    header.bundler !== bundlerKey() ||
    header.entry !== relative(PACKAGE_ROOT, target.main) ||
    header.minify !== target.minify
  ) {
    return undefined;
  }
  for (const [path, hash] of header.inputs) {
    let content: Buffer;
    try {
      content = readFileSync(resolve(PACKAGE_ROOT, path));
    } catch {
      return undefined;
    }
    if (sha256(content) !== hash) return undefined;
  }
  const modulesRoot = dirname(target.main);
  const modules: WorkerModule[] = [];
  let offset = newline + 1;
  for (const { type, name, bytes } of header.modules) {
    const end = offset + bytes;
    if (end > data.length) return undefined;
    const path = join(modulesRoot, name);
    modules.push({
      type,
      path,
      contents:
        type === 'ESModule' || type === 'Text'
          ? data.toString('utf8', offset, end)
          : new Uint8Array(data.subarray(offset, end)),
    });
    offset = end;
  }
  if (offset !== data.length) return undefined;
  return {
    modulesRoot,
    modules,
    inputs: Object.fromEntries(header.inputs.map(([path, hash]) => [resolve(PACKAGE_ROOT, path), hash])),
  };
}

/**
 * Stores `bundle` in `file`, written aside and renamed into place so that a concurrent start reads the old
 * file or the new one, never half of one. The inputs' hashes are of what esbuild bundled (bundle-worker.ts).
 */
export function writeStoredBundle(file: string, target: BundleTarget, bundle: WorkerBundle): void {
  const bodies = bundle.modules.map((module) =>
    typeof module.contents === 'string' ? Buffer.from(module.contents, 'utf8') : module.contents,
  );
  const header: Header = {
    format: FORMAT,
    bundler: bundlerKey(),
    entry: relative(PACKAGE_ROOT, target.main),
    minify: target.minify,
    inputs: Object.entries(bundle.inputs).map(([path, hash]) => [relative(PACKAGE_ROOT, path), hash]),
    modules: bundle.modules.map((module, i) => ({
      type: module.type,
      name: relative(bundle.modulesRoot, module.path),
      bytes: bodies[i]!.byteLength,
    })),
  };
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...bodies]));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * The target's bundle: a stored one that is current (from `npm run build` or an earlier start), or a new
 * one from esbuild, then stored in the first directory that takes it.
 */
export async function loadWorkerBundle(
  target: BundleTarget,
  options: LoadBundleOptions = {},
): Promise<{ bundle: WorkerBundle; origin: BundleOrigin; file?: string }> {
  const dirs = options.dirs ?? [PREBUILT_DIR, userCacheDir()];
  for (const dir of dirs) {
    const file = bundleFile(dir, target);
    const bundle = readStoredBundle(file, target);
    if (bundle) return { bundle, origin: 'stored', file };
  }
  const bundle = await bundleWorker(target.main, { minify: target.minify });
  for (const dir of dirs) {
    const file = bundleFile(dir, target);
    try {
      writeStoredBundle(file, target, bundle);
      return { bundle, origin: 'bundled', file };
    } catch {
      // Not writable here (an installed package): the next directory, or bundle again next time.
    }
  }
  return { bundle, origin: 'bundled' };
}

/** The package's own Workers: the duet Worker and its checker Worker (`duet-typecheck`). */
export function packageWorkers(): BundleTarget[] {
  return [WRANGLER_CONFIG, TYPECHECK_WRANGLER_CONFIG].map((path) => readWranglerConfig(path));
}

/** `npm run build`: the package's Workers bundled into dist/workers/ (kept when still current). */
export async function buildPackageWorkers(): Promise<
  { name: string; origin: BundleOrigin; file?: string }[]
> {
  return Promise.all(
    packageWorkers().map(async (target) => {
      const { origin, file } = await loadWorkerBundle(target, { dirs: [PREBUILT_DIR] });
      return { name: target.name, origin, file };
    }),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    for (const { name, origin, file } of await buildPackageWorkers()) {
      const where = file ? relative(process.cwd(), file) : 'nowhere (dist/workers/ is not writable)';
      console.log(`duet build: Worker ${name} ${origin === 'stored' ? 'is current' : 'bundled'}: ${where}`);
    }
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    // An install without dev dependencies: `duet serve --runtime workerd` needs esbuild and Miniflare.
    console.warn('duet build: esbuild is not installed; the Workers are not prebuilt');
  }
}
