/** The package version, read once from package.json next to the sources or the build. */
import { readFileSync } from 'node:fs';

function findVersion(): string {
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')).version;
    } catch {}
  }
  return '0.0.0';
}

export const VERSION: string = findVersion();
