/**
 * Test helper: ZIP archives built byte by byte — stored or deflated with node:zlib, and with
 * uncompressed sizes declared truthfully or not (ZIP bombs) — for the package formats' tests.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipOptions {
  /** Deflate the entries (else stored, as ODF's `mimetype` must be). */
  deflate?: boolean;
  /** Uncompressed sizes to declare instead of the true ones (ZIP bombs), by entry name. */
  declared?: Record<string, number>;
}

/** The fields a local and a central header share, from "version needed" on, written at `at`. */
function shared(b: Buffer, at: number, method: number, crc: number, compressed: number, size: number, nameLength: number): void {
  b.writeUInt16LE(20, at);
  b.writeUInt16LE(method, at + 4);
  b.writeUInt32LE(crc, at + 10);
  b.writeUInt32LE(compressed, at + 14);
  b.writeUInt32LE(size, at + 18);
  b.writeUInt16LE(nameLength, at + 22);
}

/** A ZIP archive, entries in the given order. */
export function zip(entries: Record<string, string | Buffer>, options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const raw = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const deflate = options.deflate === true && name !== 'mimetype';
    const data = deflate ? deflateRawSync(raw) : raw;
    const size = options.declared?.[name] ?? raw.length;
    const fname = Buffer.from(name, 'utf8');
    const crc = crc32(raw);
    const method = deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    shared(local, 4, method, crc, data.length, size, fname.length);
    locals.push(local, fname, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    shared(central, 6, method, crc, data.length, size, fname.length);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, fname);
    offset += 30 + fname.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
