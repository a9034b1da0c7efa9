/**
 * The bounded ZIP reader of the package formats (DOCX, XLSX, PPTX, ODT, ODS, ODP), in the
 * extraction threads. yauzl reads the central directory (the archive's own index, not the
 * local headers a crafted file can make disagree with it) and inflates one entry at a time
 * as a stream through Node's zlib, so an entry's text is parsed as it inflates and never held
 * whole. Guards against ZIP bombs before the thread's heap cap and time budget have to:
 *
 * - entries in the central directory: at most `entries` (refused when the archive declares more);
 * - bytes inflated per entry: at most `entryBytes`, judged from the declared size before
 *   reading, and counted while inflating (an entry that inflates past its declared size is
 *   refused: a declared size is a claim, not a bound);
 * - bytes inflated per archive, across the entries read: at most `totalBytes`.
 */
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

export interface ZipLimits {
  entries: number;
  entryBytes: number;
  totalBytes: number;
}

export const ZIP_LIMITS: ZipLimits = { entries: 10_000, entryBytes: 100 * 1024 * 1024, totalBytes: 256 * 1024 * 1024 };

/** An archive over a limit: the reason says which. */
export class ZipRefused extends Error {}

const MiB = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;

export class ZipPackage {
  private inflated = 0;

  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: Map<string, Entry>,
    private readonly limits: ZipLimits,
  ) {}

  /** Opens an archive held in memory and reads its central directory. */
  static async open(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): Promise<ZipPackage> {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, autoClose: false, validateEntrySizes: false, strictFileNames: false, decodeStrings: true });
    if (zip.entryCount > limits.entries) {
      zip.close();
      throw new ZipRefused(`the archive has ${zip.entryCount} entries, more than the ${limits.entries} read`);
    }
    const entries = new Map<string, Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: Entry) => {
        if (!entries.has(e.fileName)) entries.set(e.fileName, e);
        zip.readEntry();
      });
      zip.once('end', resolve);
      zip.once('error', reject);
      zip.readEntry();
    });
    return new ZipPackage(zip, entries, limits);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): IterableIterator<string> {
    return this.entries.keys();
  }

  /**
   * Streams an entry's inflated bytes to `onChunk`, which returns true to stop early (the rest
   * is not inflated). Throws ZipRefused past a limit; does nothing for a missing entry.
   */
  async read(name: string, onChunk: (chunk: Buffer) => boolean | void): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    const { entryBytes, totalBytes } = this.limits;
    if (entry.uncompressedSize > entryBytes) {
      throw new ZipRefused(`entry [${name}] inflates to ${entry.uncompressedSize} bytes, more than the ${MiB(entryBytes)} read per entry`);
    }
    const stream: Readable = await this.zip.openReadStreamPromise(entry);
    let read = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        read += chunk.length;
        this.inflated += chunk.length;
        if (read > entry.uncompressedSize) {
          throw new ZipRefused(`entry [${name}] inflates to more than the ${entry.uncompressedSize} bytes it declares`);
        }
        if (this.inflated > totalBytes) throw new ZipRefused(`the archive inflates to more than the ${MiB(totalBytes)} read per document`);
        if (onChunk(chunk) === true) break;
      }
    } finally {
      stream.destroy();
    }
  }

  /** A small entry as UTF-8 text (at most `maxBytes`, else ZipRefused); '' when missing. */
  async text(name: string, maxBytes = 4 * 1024 * 1024): Promise<string> {
    const entry = this.entries.get(name);
    if (!entry) return '';
    if (entry.uncompressedSize > maxBytes) throw new ZipRefused(`entry [${name}] inflates to ${entry.uncompressedSize} bytes, more than the ${maxBytes} read for it`);
    const parts: Buffer[] = [];
    await this.read(name, (c) => void parts.push(c));
    return Buffer.concat(parts).toString('utf8').replace(/^\ufeff/, '');
  }

  close(): void {
    this.zip.close();
  }
}
