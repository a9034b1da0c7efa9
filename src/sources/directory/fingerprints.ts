/**
 * Deletion detection for incremental syncs of the `directory` source, in memory and cursor
 * space bounded by the number of folders, not files (docs/sources/directory.md):
 *
 * - Every folder gets a fingerprint of the set of its entries' names: their count and the XOR
 *   of a 64-bit hash per name. The cursor keeps one short string per folder (≤ MAX_TRACKED
 *   folders; above that the cursor holds none and every incremental sync re-enumerates).
 * - An incremental walk splits each folder's entries into "new" (born after the previous
 *   walk started: birth time, or change time where the file system has no birth time) and
 *   "old". The folder lost nothing exactly when the old names' fingerprint equals the stored
 *   one (count and hash). Any difference — a delete, a rename, a folder gone, a file moved in
 *   with an old birth time — makes the run re-enumerate everything, so the runtime's
 *   mark-and-sweep deletes what is gone. False alarms only cost time; a real deletion is
 *   never missed (up to a 64-bit hash collision).
 */
import { createHash } from 'node:crypto';

export const MAX_TRACKED = 10_000;

export class DirPrint {
  count = 0;
  private hi = 0;
  private lo = 0;
  newCount = 0;
  private newHi = 0;
  private newLo = 0;

  add(name: string, isNew: boolean): void {
    const h = createHash('sha1').update(name).digest();
    const hi = h.readUInt32BE(0);
    const lo = h.readUInt32BE(4);
    this.count++;
    this.hi ^= hi;
    this.lo ^= lo;
    if (isNew) {
      this.newCount++;
      this.newHi ^= hi;
      this.newLo ^= lo;
    }
  }

  /** Fingerprint of every entry, as stored in the cursor. */
  all(): string {
    return print(this.count, this.hi, this.lo);
  }

  /** Fingerprint of the entries that existed before the previous walk. */
  old(): string {
    return print(this.count - this.newCount, this.hi ^ this.newHi, this.lo ^ this.newLo);
  }
}

function print(count: number, hi: number, lo: number): string {
  return count.toString(36) + '.' + ((hi >>> 0).toString(36)) + '.' + ((lo >>> 0).toString(36));
}

export function dirKey(relDir: string): string {
  return createHash('sha1').update(relDir).digest('base64url').slice(0, 12);
}

/** Folder fingerprints of one walk, kept while they fit under MAX_TRACKED. */
export class PrintBook {
  private readonly prints = new Map<string, string>();
  overflow = false;

  set(relDir: string, p: DirPrint): void {
    if (this.overflow) return;
    if (this.prints.size >= MAX_TRACKED) {
      this.overflow = true;
      this.prints.clear();
      return;
    }
    this.prints.set(dirKey(relDir), p.all());
  }

  encode(): string | null {
    if (this.overflow) return null;
    return [...this.prints].map(([k, v]) => `${k}:${v}`).join(',');
  }
}

/** The previous walk's fingerprints, checked folder by folder. */
export class PreviousPrints {
  private readonly prints = new Map<string, string>();
  private matched = 0;

  constructor(encoded: string) {
    for (const item of encoded ? encoded.split(',') : []) {
      const i = item.indexOf(':');
      if (i > 0) this.prints.set(item.slice(0, i), item.slice(i + 1));
    }
  }

  /** True when the folder still has every entry it had (new entries allowed). */
  unchanged(relDir: string, p: DirPrint, dirIsNew: boolean): boolean {
    const prev = this.prints.get(dirKey(relDir));
    if (prev === undefined) return dirIsNew;
    this.matched++;
    return prev === p.old();
  }

  /** After the walk: every previously known folder was seen again. */
  allSeen(): boolean {
    return this.matched === this.prints.size;
  }
}
