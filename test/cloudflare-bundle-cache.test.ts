/** Worker bundles built ahead of time (bundle-cache.ts): used only while every input is unchanged, rebuilt otherwise. */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BundleTarget,
  bundleFile,
  loadWorkerBundle,
  packageWorkers,
  readStoredBundle,
} from '../adapters/cloudflare/bundle-cache.ts';
import { bundleWorker, type WorkerBundle } from '../adapters/cloudflare/bundle-worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'duet-bundle-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mainText = (bundle: WorkerBundle) => bundle.modules[0]!.contents as string;

describe('stored Worker bundles', () => {
  const project = join(dir, 'project');
  const cache = join(dir, 'cache');
  const target: BundleTarget = { name: 'fixture', main: join(project, 'entry.ts'), minify: false };
  const dep = join(project, 'dep.ts');
  const options = { dirs: [cache] };

  it('bundles when nothing is stored, then reuses the stored bundle', async () => {
    mkdirSync(project, { recursive: true });
    writeFileSync(dep, "export const word: string = 'alpha';\n");
    writeFileSync(
      target.main,
      "import { word } from './dep.ts';\nexport default { fetch: () => new Response(word) };\n",
    );
    const first = await loadWorkerBundle(target, options);
    expect(first.origin).toBe('bundled');
    expect(first.file).toBe(bundleFile(cache, target));
    expect(mainText(first.bundle)).toContain('"alpha"');
    const second = await loadWorkerBundle(target, options);
    expect(second.origin).toBe('stored');
    expect(second.bundle.modules.map((m) => [m.type, m.path])).toEqual(
      first.bundle.modules.map((m) => [m.type, m.path]),
    );
    expect(mainText(second.bundle)).toBe(mainText(first.bundle));
  });

  it('bundles again when an input changed, even with the same size and modification time', async () => {
    // npm installs every package file with the same fixed mtime: only the content tells an upgrade apart.
    const before = statSync(dep);
    writeFileSync(dep, "export const word: string = 'omega';\n");
    utimesSync(dep, before.atime, before.mtime);
    expect(statSync(dep).size).toBe(before.size);
    const changed = await loadWorkerBundle(target, options);
    expect(changed.origin).toBe('bundled');
    expect(mainText(changed.bundle)).toContain('"omega"');
    expect(mainText(changed.bundle)).not.toContain('"alpha"');
    expect((await loadWorkerBundle(target, options)).origin).toBe('stored');
  });

  it('bundles again when the stored file is missing, cut short, or made with another minify setting', async () => {
    rmSync(bundleFile(cache, target));
    expect((await loadWorkerBundle(target, options)).origin).toBe('bundled');
    truncateSync(bundleFile(cache, target), statSync(bundleFile(cache, target)).size - 1);
    const cut = await loadWorkerBundle(target, options);
    expect(cut.origin).toBe('bundled');
    expect(mainText(cut.bundle)).toContain('"omega"');
    // The same file name under another minify setting is not taken for this one.
    const minified = { ...target, minify: true };
    writeFileSync(bundleFile(cache, minified), readFileSync(bundleFile(cache, target)));
    expect((await loadWorkerBundle(minified, options)).origin).toBe('bundled');
  });

  it('bundles again when an input is gone', async () => {
    writeFileSync(join(project, 'other.ts'), "export const word: string = 'beta';\n");
    writeFileSync(dep, "export { word } from './other.ts';\n");
    expect(mainText((await loadWorkerBundle(target, options)).bundle)).toContain('"beta"');
    expect(readStoredBundle(bundleFile(cache, target), target)).toBeDefined();
    rmSync(join(project, 'other.ts'));
    expect(readStoredBundle(bundleFile(cache, target), target)).toBeUndefined();
    writeFileSync(dep, "export const word: string = 'gamma';\n");
    const again = await loadWorkerBundle(target, options);
    expect(again.origin).toBe('bundled');
    expect(mainText(again.bundle)).toContain('"gamma"');
  });
});

describe("the package's Workers", () => {
  it('start with what esbuild makes of the sources now: a prebuilt bundle is used only when current', async () => {
    // dist/workers/ as `npm run build` left it, or bundled afresh if the sources changed since.
    // Another round only if the sources changed between the two (someone editing while this runs).
    const [duet] = packageWorkers();
    let used: WorkerBundle | undefined;
    let fresh: WorkerBundle | undefined;
    for (let round = 0; round < 3; round++) {
      fresh = await bundleWorker(duet!.main, { minify: duet!.minify });
      used = (await loadWorkerBundle(duet!)).bundle;
      if (JSON.stringify(used.inputs) === JSON.stringify(fresh.inputs)) break;
    }
    expect(mainText(used!)).toBe(mainText(fresh!));
    const summary = (bundle: WorkerBundle) =>
      bundle.modules.map((m) => [
        m.type,
        m.path,
        typeof m.contents === 'string' ? m.contents.length : m.contents.byteLength,
      ]);
    expect(summary(used!)).toEqual(summary(fresh!));
  });
});
