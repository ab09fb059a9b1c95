/** Where the duet package lives and its version: found from this file in the sources or in dist/. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  for (const up of ['../../', '../../../']) {
    const dir = new URL(up, import.meta.url);
    try {
      if (JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')).name === 'duet')
        return fileURLToPath(dir);
    } catch {}
  }
  throw new Error(`duet: cannot find its own package.json above ${fileURLToPath(import.meta.url)}`);
}

export const packageRoot: string = findRoot();

export const VERSION: string = JSON.parse(readFileSync(`${packageRoot}package.json`, 'utf8')).version;

/** A runtime binary installed by `npm install` (bun, deno, the Node 22 `node` package), else from PATH. */
export function runtimeBinary(name: string): string {
  const local = `${packageRoot}node_modules/.bin/${name}`;
  return existsSync(local) ? local : name;
}
