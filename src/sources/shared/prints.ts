/**
 * Deletion detection for incremental syncs of the object-store sources (`s3`,
 * `google_cloud_storage`) in cursor space bounded by the number of "folders" (key prefixes up
 * to the last `/`), not objects (docs/sources/s3.md "Incremental syncs"). A store without a
 * change feed tells changed objects apart by their modification time but not deleted ones, so:
 *
 * - every folder of a bucket gets a fingerprint of its set of keys: their count and the XOR of
 *   a 64-bit hash per key; the cursor keeps them (≤ MAX_FOLDERS; above that none, and every
 *   incremental sync re-enumerates);
 * - an incremental listing splits a folder's keys into "changed" (LastModified after the
 *   previous listing, minus a margin) and the rest. The folder lost nothing when either all
 *   its keys hash to the stored print (the changed ones were overwrites) or the unchanged ones
 *   do (the changed ones are new). Anything else (a deletion; new and overwritten objects in
 *   the same folder) makes the run re-enumerate, so the runtime's mark-and-sweep deletes
 *   what is gone. False alarms cost time; a deletion is never missed (up to a 64-bit collision).
 */
import { createHash } from 'node:crypto';

export const MAX_FOLDERS = 10_000;

class Print {
  count = 0;
  hi = 0;
  lo = 0;
  oldCount = 0;
  oldHi = 0;
  oldLo = 0;

  add(key: string, changed: boolean): void {
    const h = createHash('sha1').update(key).digest();
    const hi = h.readUInt32BE(0);
    const lo = h.readUInt32BE(4);
    this.count++;
    this.hi ^= hi;
    this.lo ^= lo;
    if (!changed) {
      this.oldCount++;
      this.oldHi ^= hi;
      this.oldLo ^= lo;
    }
  }

  static encode(count: number, hi: number, lo: number): string {
    return `${count.toString(36)}.${(hi >>> 0).toString(36)}.${(lo >>> 0).toString(36)}`;
  }
}

function folderId(bucket: string, key: string): string {
  const folder = key.slice(0, key.lastIndexOf('/') + 1);
  return createHash('sha1').update(`${bucket}\u0000${folder}`).digest('base64url').slice(0, 12);
}

/** Fingerprints of one listing; `encode()` gives the cursor's string, null past MAX_FOLDERS. */
export class PrintBook {
  private readonly prints = new Map<string, Print>();
  private overflow = false;

  /**
   * `identity` is what a deletion is about (default the key): a source whose document id
   * changes on overwrite (a new object generation) passes that id, so a replaced version
   * counts as gone.
   */
  add(bucket: string, key: string, changed: boolean, identity: string = key): void {
    if (this.overflow) return;
    const id = folderId(bucket, key);
    let p = this.prints.get(id);
    if (!p) {
      if (this.prints.size >= MAX_FOLDERS) {
        this.overflow = true;
        this.prints.clear();
        return;
      }
      p = new Print();
      this.prints.set(id, p);
    }
    p.add(identity, changed);
  }

  encode(): string | null {
    if (this.overflow) return null;
    return [...this.prints].map(([id, p]) => `${id}:${Print.encode(p.count, p.hi, p.lo)}`).join(',');
  }

  /** Whether every folder of `previous` (an encode() result) lost no key; see the file comment. */
  nothingLost(previous: string): boolean {
    if (this.overflow) return false;
    for (const item of previous === '' ? [] : previous.split(',')) {
      const [id, print] = item.split(':');
      const p = this.prints.get(id);
      if (!p) return false;
      if (print !== Print.encode(p.count, p.hi, p.lo) && print !== Print.encode(p.oldCount, p.oldHi, p.oldLo)) return false;
    }
    return true;
  }
}
