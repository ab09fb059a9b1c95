/**
 * One process per data directory, on every runtime with SQLite: the lock is SQLite's own (a POSIX lock the
 * kernel drops with the process), so a server killed with -9 leaves no stale lock, and a second process
 * is refused with the first one's pid. The runtime brings the open database and its file calls.
 */

/** In every data directory: an SQLite database one process keeps exclusively locked while it uses the directory. */
export const LOCK_FILE = 'duet.lock';
/** Beside it: the pid of the process holding it, for the refusal message. */
export const PID_FILE = 'duet.pid';

/** The file calls the lock needs (node:fs's, on Node and Bun alike). */
export interface LockFiles {
  readFileSync(path: string, encoding: 'utf8'): string;
  writeFileSync(path: string, text: string): void;
  rmSync(path: string, options: { force: true }): void;
}

/** What the lock needs of an open SQLite database. */
export interface LockDatabase {
  exec(sql: string): void;
  close(): void;
}

/** Takes the directory or throws the refusal naming the holder's pid; returns the release. */
export function takeDataDirLock(dir: string, db: LockDatabase, files: LockFiles, pid: number): () => void {
  const pidFile = `${dir}/${PID_FILE}`;
  try {
    // A server that is just exiting (a restart) gets two seconds to let go before this one is refused.
    db.exec('PRAGMA busy_timeout = 2000');
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock; EXCLUSIVE mode keeps it until the connection closes.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.exec('DELETE FROM holder');
    db.exec(`INSERT INTO holder VALUES (${Math.trunc(pid)})`);
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if (!/locked|busy/i.test((error as Error).message)) throw error;
    let holder = '';
    try {
      holder = files.readFileSync(pidFile, 'utf8').trim();
    } catch {}
    const named = holder ? ` (pid ${holder})` : '';
    throw new Error(`another duet server${named} is using --data ${dir}; stop it or pick another --data`);
  }
  files.writeFileSync(pidFile, `${pid}\n`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    files.rmSync(pidFile, { force: true });
    db.close();
  };
}
