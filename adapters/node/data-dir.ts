/**
 * Where duet keeps durable state when no `--data` is given: a per-user directory by platform convention,
 * never the working directory (desktop MCP clients start servers in `/`, where nothing can be written).
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, posix, resolve, win32 } from 'node:path';

/** `DUET_DATA`, else `$XDG_DATA_HOME/duet` or `~/.local/share/duet` (Linux and other Unixes), `~/Library/Application Support/duet` (macOS), `%LOCALAPPDATA%\duet` (Windows). */
export function defaultDataDir(
  env: Record<string, string | undefined> = process.env,
  platform: string = process.platform,
  home: string = homedir(),
): string {
  if (env.DUET_DATA) return env.DUET_DATA;
  if (platform === 'win32')
    return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'duet');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'duet');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and to be ignored.
  const xdg = env.XDG_DATA_HOME;
  return posix.join(xdg && isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share'), 'duet');
}

/** The data directory could not be made; the message is one line saying how to fix it. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file',
  EEXIST: 'a file of that name is in the way',
  ENOSPC: 'no space left on the device',
  // /proc and the like answer ENOENT for a directory whose parent exists.
  ENOENT: 'the file system does not allow it',
};

/**
 * Creates `dir` and its missing parents, one level at a time: `mkdirSync(..., { recursive: true })` loops
 * forever on Node 20 where mkdir answers ENOENT for an existing parent (e.g. under /proc).
 */
export function ensureDataDir(dir: string): string {
  const path = resolve(dir);
  const missing: string[] = [];
  let at = path;
  while (!exists(at) && dirname(at) !== at) {
    missing.unshift(at);
    at = dirname(at);
  }
  try {
    for (const part of missing) mkdirSync(part);
    if (!statSync(path).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'EEXIST' });
    accessSync(path, constants.W_OK);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new DataDirError(
      `cannot create data directory ${path}: ${reasons[code ?? ''] ?? message}; pass --data DIR or set DUET_DATA`,
    );
  }
  return dir;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
