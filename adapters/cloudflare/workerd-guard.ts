/** Makes workerd die with the Node process that started it, even by SIGKILL, so a restart finds its port and files free. */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Miniflare spawns workerd as a plain child, which outlives a killed parent and keeps serving the port
 * and holding the SQLite files. The wrapper starts a watchdog that kills workerd within 0.2 s of the
 * parent (or workerd itself) going away, then execs workerd with the same pid, arguments and fds.
 */
const WRAPPER = `#!/bin/sh
parent=$PPID
self=$$
(
  exec </dev/null >/dev/null 2>&1 3>&-
  while kill -0 "$parent" 2>/dev/null && kill -0 "$self" 2>/dev/null; do sleep 0.2; done
  kill -9 "$self" 2>/dev/null
) &
exec "$DUET_WORKERD_BINARY" "$@"
`;

/** Points Miniflare at the wrapper (once per process); a no-op on Windows or when the user set a binary. */
export function guardWorkerd(): void {
  if (process.platform === 'win32' || process.env.MINIFLARE_WORKERD_PATH) return;
  const require = createRequire(import.meta.resolve('miniflare'));
  process.env.DUET_WORKERD_BINARY = (require('workerd') as { default: string }).default;
  const hash = createHash('sha256').update(WRAPPER).digest('hex').slice(0, 12);
  const path = join(tmpdir(), `duet-workerd-${hash}.sh`);
  if (!existsSync(path)) {
    writeFileSync(`${path}.${process.pid}`, WRAPPER, { mode: 0o755 });
    chmodSync(`${path}.${process.pid}`, 0o755);
    // Renamed into place so a concurrent start never runs a half-written file.
    renameSync(`${path}.${process.pid}`, path);
  }
  process.env.MINIFLARE_WORKERD_PATH = path;
}
