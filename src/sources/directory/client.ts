/**
 * All file-system I/O of the `directory` source: a streaming walk (`fs.opendir`, one open
 * folder handle per level, entries stat-ed in small parallel chunks, nothing pre-listed) and
 * bounded file reads. Symbolic links are skipped (no cycles, no escaping the root).
 */
import type { Dir, Stats } from 'node:fs';
import { lstat, opendir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError } from '../source.js';
import type { FileFilter } from './globs.js';
import { DirPrint } from './fingerprints.js';

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

/** Checks that the root exists and is a readable folder. */
export async function checkRoot(root: string): Promise<void> {
  let s: Stats;
  try {
    s = await stat(root);
  } catch (err) {
    if (code(err) === 'ENOENT') throw new SourceError(`Folder [${root}] does not exist: check the connector's [path] configuration`);
    throw new SourceError(`Cannot access folder [${root}] (${code(err) ?? (err as Error).message}): check [path] and the worker's permissions`, { cause: err });
  }
  if (!s.isDirectory()) throw new SourceError(`[${root}] is not a folder: set [path] to a folder`);
  try {
    const d = await opendir(root);
    await d.close();
  } catch (err) {
    throw new SourceError(`Cannot read folder [${root}] (${code(err)}): give the worker read permission`, { cause: err });
  }
}

async function openFolder(abs: string, rel: string): Promise<Dir | null> {
  try {
    return await opendir(abs, { bufferSize: CHUNK });
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return null; // removed during the walk
    throw new SourceError(
      `Cannot read folder [${rel || '.'}] (${code(err) ?? (err as Error).message}): give the worker read permission or exclude it with an exclude glob`,
      { cause: err },
    );
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

/** Yields every selected file below `root`, depth first; folder hooks fire as folders end. */
export async function* walk(root: string, o: WalkOptions): AsyncGenerator<FileEntry> {
  const rootStat = await stat(root);
  yield* walkFolder(root, '', rootStat, o);
}

async function* walkFolder(abs: string, rel: string, self: Stats, o: WalkOptions): AsyncGenerator<FileEntry> {
  const dir = await openFolder(abs, rel);
  if (!dir) return;
  const print = new DirPrint();
  try {
    let chunk: string[] = [];
    const flush = async function* (names: string[]): AsyncGenerator<FileEntry> {
      const stats = await Promise.all(names.map((n) => lstatOrNull(join(abs, n))));
      for (let i = 0; i < names.length; i++) {
        const s = stats[i];
        if (!s || s.isSymbolicLink()) continue;
        const childRel = rel ? `${rel}/${names[i]}` : names[i];
        if (s.isDirectory()) {
          if (o.filter.pruned(childRel)) continue;
          print.add(names[i] + '/', o.isNew(s));
          yield* walkFolder(join(abs, names[i]), childRel, s, o);
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
  }
  o.onFolder?.(rel, print, self);
}

/** Reads a whole file (the caller checked its size against the limit). */
export async function readContent(abs: string): Promise<Buffer> {
  return readFile(abs);
}
