/**
 * All file-system I/O of the `directory` source: a streaming walk (one open folder per level,
 * entries lstat-ed in small parallel chunks, nothing pre-listed) and bounded, streamed reads.
 * Symbolic links are never followed, and nothing outside the connector's folder is read even
 * when files or folders are swapped while a sync runs (docs/sources/directory.md "Safety"):
 *
 * - folders and files are opened with O_NOFOLLOW | O_NONBLOCK (a symlink fails to open, a FIFO
 *   opens without blocking a libuv thread), then the opened descriptor is checked: fstat says
 *   what it is (files must be regular), and its real location (Linux: /proc/self/fd/N; else
 *   realpath plus a device/inode comparison) must be inside the folder;
 * - a folder is listed through its open descriptor (/proc/self/fd/N on Linux), and a file is
 *   read only from its descriptor.
 */
import { constants, type Dir, type Stats } from 'node:fs';
import { lstat, open, opendir, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { SourceConfigError, SourceError } from '../source.js';
import type { FileFilter } from './globs.js';
import { DirPrint } from './fingerprints.js';
import { checkAllowed, isWithin } from './roots.js';

export interface FileEntry {
  /** Path relative to the root, with `/` separators. */
  rel: string;
  abs: string;
  stat: Stats;
}

export interface WalkOptions {
  filter: FileFilter;
  signal: AbortSignal;
  /** Whether an entry appeared after the previous walk (fingerprints, fingerprints.ts). */
  isNew(stat: Stats): boolean;
  /** Called when a folder is finished, with the fingerprint of its (selected) entries. */
  onFolder?(relDir: string, print: DirPrint, stat: Stats): void;
}

const CHUNK = 32;

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/**
 * Checks that the root exists, is a readable folder and is allowed by the operator's roots
 * (`null` = anywhere). Returns its real path (symlinks resolved): reads stay below it.
 */
export async function checkRoot(root: string, roots: string[] | null): Promise<string> {
  let s: Stats;
  try {
    s = await stat(root);
  } catch (err) {
    if (code(err) === 'ENOENT') throw new SourceError(`Folder [${root}] does not exist: check the connector's [path] configuration`);
    throw new SourceError(`Cannot access folder [${root}] (${code(err) ?? (err as Error).message}): check [path] and the worker's permissions`, { cause: err });
  }
  if (!s.isDirectory()) throw new SourceConfigError(`[${root}] is not a folder: set [path] to a folder`);
  const real = await realpath(root);
  await checkAllowed(real, root, roots);
  try {
    const d = await opendir(real);
    await d.close();
  } catch (err) {
    throw new SourceError(`Cannot read folder [${root}] (${code(err)}): give the worker read permission`, { cause: err });
  }
  return real;
}

const LINUX = process.platform === 'linux';
const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** An error for a file that is not what the walk saw, or not where it was. */
export class UnsafeFileError extends Error {
  constructor(message: string, readonly code: 'ENOTREG' | 'EOUTSIDE') {
    super(message);
  }
}

/** Where an open descriptor really is: its path with every symlink resolved, or null if unknown. */
async function openedPath(fh: FileHandle, abs: string, fdStat: Stats): Promise<string | null> {
  if (LINUX) {
    try {
      return await readlink(`/proc/self/fd/${fh.fd}`);
    } catch {
      // no /proc: fall through
    }
  }
  try {
    const real = await realpath(abs);
    const now = await stat(real);
    return now.dev === fdStat.dev && now.ino === fdStat.ino ? real : null;
  } catch {
    return null;
  }
}

/** Opens `abs` without following a symlink or blocking, and checks the descriptor is inside `realRoot`. */
async function openChecked(abs: string, flags: number, realRoot: string): Promise<{ fh: FileHandle; stat: Stats }> {
  const fh = await open(abs, flags);
  try {
    const s = await fh.stat();
    const where = await openedPath(fh, abs, s);
    if (where === null || !isWithin(where, realRoot)) {
      throw new UnsafeFileError(`is not inside the connector's folder any more (now [${where ?? 'unknown'}])`, 'EOUTSIDE');
    }
    return { fh, stat: s };
  } catch (err) {
    await fh.close().catch(() => {});
    throw err;
  }
}

interface OpenFolder {
  dir: Dir;
  /** Path through which the folder's entries are reached (its descriptor on Linux). */
  base: string;
  fh: FileHandle;
}

async function openFolder(abs: string, rel: string, realRoot: string): Promise<OpenFolder | null> {
  let opened: { fh: FileHandle; stat: Stats };
  try {
    opened = await openChecked(abs, FOLDER_FLAGS, realRoot);
  } catch (err) {
    // removed, replaced by a file or a symlink, or moved out during the walk: not listed
    if (err instanceof UnsafeFileError || ['ENOENT', 'ENOTDIR', 'ELOOP'].includes(code(err) ?? '')) return null;
    throw new SourceError(
      `Cannot read folder [${rel || '.'}] (${code(err) ?? (err as Error).message}): give the worker read permission or exclude it with an exclude glob`,
      { cause: err },
    );
  }
  const base = LINUX ? `/proc/self/fd/${opened.fh.fd}` : abs;
  try {
    return { dir: await opendir(base, { bufferSize: CHUNK }), base, fh: opened.fh };
  } catch (err) {
    await opened.fh.close().catch(() => {});
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return null;
    throw new SourceError(`Cannot read folder [${rel || '.'}] (${code(err) ?? (err as Error).message}): give the worker read permission`, { cause: err });
  }
}

async function lstatOrNull(abs: string): Promise<Stats | null> {
  try {
    return await lstat(abs);
  } catch (err) {
    if (code(err) === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Yields every selected file below `realRoot` (checkRoot's answer), depth first; folder hooks
 * fire as folders end.
 */
export async function* walk(realRoot: string, o: WalkOptions): AsyncGenerator<FileEntry> {
  const rootStat = await stat(realRoot);
  yield* walkFolder(realRoot, '', rootStat, o, realRoot);
}

async function* walkFolder(abs: string, rel: string, self: Stats, o: WalkOptions, realRoot: string): AsyncGenerator<FileEntry> {
  const opened = await openFolder(abs, rel, realRoot);
  if (!opened) return;
  const { dir, base } = opened;
  const print = new DirPrint();
  try {
    let chunk: string[] = [];
    const flush = async function* (names: string[]): AsyncGenerator<FileEntry> {
      const stats = await Promise.all(names.map((n) => lstatOrNull(join(base, n))));
      for (let i = 0; i < names.length; i++) {
        const s = stats[i];
        if (!s || s.isSymbolicLink()) continue;
        const childRel = rel ? `${rel}/${names[i]}` : names[i];
        if (s.isDirectory()) {
          if (o.filter.pruned(childRel)) continue;
          print.add(names[i] + '/', o.isNew(s));
          yield* walkFolder(join(abs, names[i]), childRel, s, o, realRoot);
        } else if (s.isFile() && o.filter.file(childRel)) {
          print.add(names[i], o.isNew(s));
          yield { rel: childRel, abs: join(abs, names[i]), stat: s };
        }
      }
    };
    for await (const d of dir) {
      if (o.signal.aborted) throw o.signal.reason;
      if (d.isSymbolicLink()) continue;
      chunk.push(d.name);
      if (chunk.length >= CHUNK) {
        yield* flush(chunk);
        chunk = [];
      }
    }
    if (chunk.length) yield* flush(chunk);
  } finally {
    // `for await` closes the handle when it ends; an early exit (abort, error) lands here.
    try {
      await dir.close();
    } catch {
      // already closed
    }
    await opened.fh.close().catch(() => {});
  }
  o.onFolder?.(rel, print, self);
}

/** An opened file, checked: regular, inside the folder. Close it. */
export interface OpenFile {
  fh: FileHandle;
  stat: Stats;
}

/**
 * Opens a file the walk listed, for reading: refuses (UnsafeFileError) what is no longer a
 * regular file inside `realRoot`; a symlink put in its place fails with ELOOP.
 */
export async function openFile(abs: string, realRoot: string): Promise<OpenFile> {
  const f = await openChecked(abs, FILE_FLAGS, realRoot);
  if (!f.stat.isFile()) {
    await f.fh.close().catch(() => {});
    throw new UnsafeFileError('is not a regular file any more', 'ENOTREG');
  }
  return f;
}

const READ_CHUNK = 64 * 1024;

/**
 * UTF-8 text of the file, streamed in 64 KiB reads and cut at `maxChars` characters (or
 * `maxBytes` bytes, should the file have grown): a huge file costs one chunk and the kept
 * text, and is not read further than needed.
 */
export async function readText(f: OpenFile, maxChars: number, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  const parts: string[] = [];
  let length = 0;
  let first = true;
  let position = 0;
  for (;;) {
    if (position >= maxBytes) return { text: parts.join('') + decoder.end(), truncated: true };
    const { bytesRead } = await f.fh.read(buf, 0, Math.min(READ_CHUNK, maxBytes - position), position);
    position += bytesRead;
    let s = bytesRead === 0 ? decoder.end() : decoder.write(buf.subarray(0, bytesRead));
    if (first && s.length > 0) {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      first = false;
    }
    if (length + s.length > maxChars) {
      parts.push(s.slice(0, maxChars - length));
      return { text: parts.join(''), truncated: true };
    }
    parts.push(s);
    length += s.length;
    if (bytesRead === 0) return { text: parts.join(''), truncated: false };
  }
}
