/**
 * The data directory holds the state database, the content index, the node identity and the
 * secret key, so it is private to the user running Tributary (issue 11 item 16): the folder is
 * created 0700 and the files 0600. Files and a folder left more open by an older version (or
 * created under a loose umask) are tightened at start, and each change is reported so the
 * operator sees it in the log. `secret.key` is not touched here: a readable key file stops the
 * server with an error instead (secret-codec.ts), since the key may already have leaked.
 */
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The files Tributary keeps in the data directory (SQLite side files included). */
const SQLITE_SIDE = ['', '-wal', '-shm', '-journal'];
export const PRIVATE_FILES = [...['state.db', 'content.db'].flatMap((f) => SQLITE_SIDE.map((s) => f + s)), 'node.json'];

const posix = process.platform !== 'win32';

/** The data folder cannot be created or written: the message says which folder and what to do. */
export class DataDirError extends Error {}

/**
 * Creates the data directory 0700 (parents as usual) and checks that this process may write in
 * it, so a folder it cannot use stops the server with its name and the fix, not with a raw
 * `EACCES … secret.key.<pid>.tmp` from whichever file came first (issue 12 item 10).
 */
export function makeDataDir(dir: string): void {
  const other = 'choose another folder with --data (or TRIBUTARY_DATA)';
  const fix = `give the user running tributary write access to it, or ${other}`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOTDIR' || err.code === 'EEXIST' ? 'part of the path is a file, not a folder'
      : err.code === 'EACCES' || err.code === 'EPERM' ? 'a parent folder is not writable'
      : err.code === 'EROFS' ? 'the file system is read-only'
      : 'it could not be created';
    const what = err.code === 'ENOTDIR' || err.code === 'EEXIST' ? other : fix;
    throw new DataDirError(`Cannot create the data folder [${dir}]: ${why} (${err.code ?? err.message}); ${what}`, { cause: e });
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DataDirError(`The data folder [${dir}] is not writable by this user (${err.code ?? err.message}); tributary keeps its state, index and keys there: ${fix}`, { cause: e });
  }
}

/**
 * Creates `file` empty with mode 0600 when it does not exist, so that what is written into it
 * later (SQLite, which also gives its -wal and -shm files the database's mode) stays private.
 */
export function createPrivateFile(file: string): void {
  if (file === ':memory:' || existsSync(file)) return;
  try {
    closeSync(openSync(file, 'a', 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/**
 * Removes group and other permissions from the data directory and its files; returns one line
 * per change (or per change it could not make) for the log.
 */
export function tightenDataDir(dir: string): string[] {
  if (!posix || dir === ':memory:' || !existsSync(dir)) return [];
  const notes: string[] = [];
  const tighten = (path: string, mode: number) => {
    let current: number;
    try {
      current = statSync(path).mode & 0o777;
    } catch {
      return;
    }
    if ((current & 0o077) === 0) return;
    try {
      chmodSync(path, mode);
      notes.push(`${path} was readable by other users (mode ${current.toString(8)}); changed to ${mode.toString(8)}`);
    } catch (e) {
      notes.push(`${path} is readable by other users (mode ${current.toString(8)}) and could not be changed (${(e as Error).message}); run: chmod ${mode.toString(8)} ${path}`);
    }
  };
  tighten(dir, 0o700);
  for (const f of PRIVATE_FILES) tighten(join(dir, f), 0o600);
  return notes;
}
