/**
 * The data folder's lock: a `tributary serve` that opens the embedded content index
 * (`<data>/content.db`) holds it for the life of the process, so a second one on the same folder
 * is refused at start instead of corrupting the index (issue 11 item 15: two processes gave
 * `database is locked`, a stale field registry, duplicate `_seq_no`s and lost `if_seq_no` updates).
 *
 * The lock is an exclusive SQLite lock on a dedicated, empty database, `<data>/content.lock`
 * (`locking_mode=EXCLUSIVE`, then `BEGIN EXCLUSIVE; COMMIT`: SQLite keeps the EXCLUSIVE lock until
 * the connection closes). Underneath it is an OS lock (POSIX `fcntl` byte-range lock; `LockFileEx` on
 * Windows), which the kernel drops when the process ends however it ends, kill -9 included. So
 * there is nothing to go stale: the file stays, but a lock file's *presence* means nothing, and a
 * restart after a crash just takes the lock again. This is why it is not a pid file or a
 * `proper-lockfile`-style directory: a pid file from a killed container's pid 1 looks alive to the
 * next container's pid 1, and an mtime-based lock blocks restarts until it expires. SQLite also
 * arbitrates between connections of one process, so a second `serve()` in the same process is
 * refused too. better-sqlite3 is already the state store's and the index's driver: no new
 * dependency. Like every SQLite lock it needs a local file system (not NFS/SMB).
 */
import { createPrivateFile, makeDataDir } from './data-dir.js';
import { join } from 'node:path';
import Database from '../store/sqlite/driver.js';

export const LOCK_FILE = 'content.lock';

export interface DataFolderLock {
  readonly file: string;
  release(): void;
}

export class DataFolderInUseError extends Error {}

/** Takes the lock at once (no waiting) or throws DataFolderInUseError with what to do. */
export function lockDataFolder(dataDir: string): DataFolderLock {
  makeDataDir(dataDir);
  const file = join(dataDir, LOCK_FILE);
  createPrivateFile(file);
  // timeout 0: better-sqlite3 would otherwise retry a busy lock for 5 s.
  const db = new Database(file, { timeout: 0 });
  try {
    // No journal and no rows: the file holds nothing a crash could leave half-written; only
    // the lock matters.
    db.pragma('journal_mode = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY' || (e as { code?: string }).code === 'SQLITE_LOCKED') {
      throw new DataFolderInUseError(
        `Data folder [${dataDir}] is in use by another tributary serve process (it holds ${file}): ` +
          'the embedded content index serves one process only. Stop the other process, or give this one its own --data folder ' +
          '(several servers share state through PostgreSQL, each with its own data folder: docs/postgres.md).',
      );
    }
    throw e;
  }
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}
