/**
 * What a project that installed duet from npm is told when a command needs what only duet's checkout has:
 * the launcher tools of `duet serve --runtime workerd` (esbuild, miniflare), which npm does not install
 * with the package.
 */
import { describe, expect, it } from 'vitest';
import { withLauncherTools } from '../adapters/node/cli/serve-workerd.ts';

const notFound = (name: string, code = 'ERR_MODULE_NOT_FOUND') =>
  Object.assign(new Error(`Cannot find package '${name}' imported from /p/node_modules/duet/x.js`), { code });

describe('duet serve --runtime workerd without its launcher tools', () => {
  it('names the missing tool and the command that installs them', async () => {
    for (const name of ['esbuild', 'miniflare']) {
      const failed = withLauncherTools(() => Promise.reject(notFound(name)));
      await expect(failed).rejects.toMatchObject({ name: 'UsageError' });
      await expect(failed).rejects.toThrow(`${name} is not installed here: npm install esbuild miniflare`);
    }
    // CommonJS resolution (miniflare is loaded through require) fails with its own code.
    await expect(
      withLauncherTools(() => Promise.reject(notFound('miniflare', 'MODULE_NOT_FOUND'))),
    ).rejects.toThrow('miniflare is not installed here');
  });

  it('passes other failures through unchanged, and results too', async () => {
    const other = notFound('left-pad');
    await expect(withLauncherTools(() => Promise.reject(other))).rejects.toBe(other);
    const port = new Error('listen EADDRINUSE');
    await expect(withLauncherTools(() => Promise.reject(port))).rejects.toBe(port);
    await expect(withLauncherTools(async () => 42)).resolves.toBe(42);
  });
});
