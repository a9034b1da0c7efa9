/**
 * The `directory` source (docs/sources/directory.md): one document per file below a folder.
 *
 *   walk (client.ts: opendir per level, lstat in chunks) → include/exclude globs (globs.ts)
 *     → basic rules pushed down when no rule reads `body` → read + text (extract.ts: format
 *     by extension and content, plain text streamed, markup and documents in the extraction
 *     threads; 8 files in flight, ≤ max_file_size each, ≤ 64 MiB of whole files in all)
 *     → { _id: sha256(relative path), … }
 *
 * Reads stay inside the connector's folder, and the folder inside the operator's
 * `sources.directory.roots` (roots.ts, client.ts), checked at ping, at every sync and per file.
 *
 * Incremental syncs yield files whose modification or change time is after the previous
 * walk started, and detect deletions with per-folder fingerprints (fingerprints.ts); when
 * something is gone they re-enumerate, and the runtime's mark-and-sweep removes it.
 */
import { createOrExplain } from '../shared/misconfigured-source.js';
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { basename, extname } from 'node:path';
import type { ConfigValues, RulesValidation, Source, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { OPEN_POLICY, SourceError } from '../source.js';
import { checkRoot, openFile, UnsafeFileError, walk, type FileEntry } from './client.js';
import { directoryConfigSchema, MAX_BODY_CHARS, MAX_FILE_SIZE_LIMIT, readDirectorySettings, type DirectorySettings } from './config.js';
import { DEFAULT_EXTRACT_TIMEOUT_MS, ExtractionAborted, ExtractionRefused } from '../../extraction/extract-pool.js';
import { readFileText, textKind } from './extract.js';
import { PreviousPrints, PrintBook } from './fingerprints.js';
import { advancedGlobs, fileFilter, validateGlobRules, type FileFilter } from './globs.js';
import { MAX_REMEMBERED_CHANGES, objectDocuments, parseCursor, sweepAfterThisRun, type ObjectStoreCursor } from '../shared/object-store-sync.js';

/** Margin for coarse file-system timestamps and clock steps between walks. */
const SKEW_MS = 2000;
const READ_CONCURRENCY = 8;
/** The cursor of the object stores' incremental syncs, with folder prints of fingerprints.ts. */
export type DirectoryCursor = ObjectStoreCursor;

export function documentId(rel: string): string {
  return createHash('sha256').update(rel).digest('hex').slice(0, 32);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function bornAt(s: Stats): number {
  return s.birthtimeMs > 0 ? s.birthtimeMs : s.ctimeMs;
}

class DirectorySource implements Source {
  private cursor: DirectoryCursor | null = null;

  /** The folder with symlinks resolved, as checked at the start of the current sync. */
  private realRoot = '';

  constructor(
    private readonly s: DirectorySettings,
    private readonly policy: SourcePolicy,
  ) {}

  async ping(): Promise<void> {
    await checkRoot(this.s.root, this.policy.directoryRoots);
  }

  private async start(): Promise<void> {
    this.realRoot = await checkRoot(this.s.root, this.policy.directoryRoots);
  }

  private filter(ctx: SyncContext): FileFilter {
    const sets = [{ include: this.s.include, exclude: this.s.exclude }];
    const adv = advancedGlobs(ctx.advancedRules);
    if (adv) {
      const v = validateGlobRules(ctx.advancedRules);
      if (!v.valid) throw new SourceError(`Invalid advanced sync rules: ${v.messages.join('; ')}`);
      sets.push(adv);
    }
    return fileFilter(sets);
  }

  private selection(ctx: SyncContext): string {
    // Rules too: after a rule change, an incremental sync re-enumerates and sweeps.
    const rules = (ctx.basicRules ?? []).map((r) => [r.order, r.policy, r.field, r.rule, r.value]);
    const key = JSON.stringify([this.s.root, this.s.include, this.s.exclude, ctx.advancedRules ?? {}, rules]);
    return createHash('sha1').update(key).digest('base64url').slice(0, 16);
  }

  /** Basic rules evaluated before reading a file, when none looks at the content. */
  private metadata(e: FileEntry): SourceDocument {
    const ext = extname(e.rel).slice(1).toLowerCase();
    const slash = e.rel.lastIndexOf('/');
    return {
      _id: documentId(e.rel),
      _timestamp: iso(e.stat.mtimeMs),
      title: basename(e.rel),
      path: e.rel,
      directory: slash < 0 ? '' : e.rel.slice(0, slash),
      extension: ext,
      size: e.stat.size,
      last_modified: iso(e.stat.mtimeMs),
      created_at: iso(bornAt(e.stat)),
    };
  }

  private async withContent(doc: SourceDocument, e: FileEntry, ctx: SyncContext): Promise<SourceDocument> {
    const ext = doc.extension as string;
    const kind = textKind(ext);
    const binary = ctx.pipeline?.extract_binary_content ?? true;
    // No extension (README, LICENSE): the first bytes decide, and what is not text is skipped quietly.
    const guessing = ext === '';
    if (!guessing && (kind === null || (kind === 'binary' && !binary))) return doc;
    const tooBig = (size: number | string) =>
      guessing || ctx.reportFailure?.(doc._id, `File [${e.rel}] is ${size} bytes, over [max_file_size] ${this.s.maxFileSize}: indexed without its content. Raise [max_file_size] or exclude the file.`);
    if (e.stat.size > this.s.maxFileSize) {
      tooBig(e.stat.size);
      return doc;
    }
    try {
      const f = await openFile(e.abs, this.realRoot);
      try {
        const text = await readFileText(f, ext, {
          maxBytes: this.s.maxFileSize,
          maxChars: MAX_BODY_CHARS,
          timeoutMs: this.policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS,
          signal: ctx.signal,
          documents: binary,
        });
        if (text === 'too-big') tooBig(`over ${this.s.maxFileSize}`);
        else if (text !== null) {
          doc.body = text.text;
          if (text.truncated) doc.body_truncated = true;
        }
      } finally {
        await f.fh.close().catch(() => {});
      }
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const c = (err as NodeJS.ErrnoException).code;
      if (c === 'ENOENT') return doc; // deleted during the walk; the next sync sees it gone
      let why: string;
      if (err instanceof UnsafeFileError) why = err.message;
      else if (c === 'ELOOP') why = 'was replaced by a symbolic link (not followed)';
      else if (guessing && !c) return doc; // only guessed it was text
      else if (err instanceof ExtractionAborted || err instanceof ExtractionRefused) why = `was not extracted: ${err.message}`;
      else if (c) why = `cannot be read (${c})`;
      else why = `has no extractable text (${(err as Error).message})`;
      ctx.reportFailure?.(doc._id, `File [${e.rel}] ${why}: indexed without its content.`);
    }
    return doc;
  }

  private documents(entries: AsyncIterable<FileEntry>, ctx: SyncContext): AsyncGenerator<SourceDocument> {
    return objectDocuments(entries, ctx, READ_CONCURRENCY, (e) => this.metadata(e), (e, doc) => this.withContent(doc, e, ctx));
  }

  /** A full walk; leaves the cursor for the next incremental sync. */
  private async *enumerate(ctx: SyncContext, started: number, done: ReadonlySet<string> = new Set()): AsyncGenerator<SourceDocument> {
    const book = new PrintBook();
    const entries = walk(this.realRoot, {
      filter: this.filter(ctx),
      signal: ctx.signal,
      isNew: () => false,
      onFolder: (rel, print) => book.set(rel, print),
    });
    const remaining = async function* (): AsyncGenerator<FileEntry> {
      for await (const e of entries) if (!done.has(e.rel)) yield e;
    };
    yield* this.documents(done.size ? remaining() : entries, ctx);
    this.cursor = { version: 1, started: iso(started), selection: this.selection(ctx), folders: book.encode() };
  }

  async *getDocs(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    await this.start();
    yield* this.enumerate(ctx, Date.now());
  }

  async *getDocsIncrementally(ctx: SyncContext): AsyncGenerator<SourceDocument, Record<string, unknown>> {
    await this.start();
    const started = Date.now();
    const prev = parseCursor(ctx.syncCursor);
    if (!prev || prev.folders === null || prev.selection !== this.selection(ctx)) {
      ctx.log.info(prev ? 'folder selection changed or too many folders to track: re-enumerating' : 'no previous cursor: enumerating every file');
      yield* this.reenumerate(ctx, started);
      return { ...this.cursor! };
    }
    // Changed: modified or changed after the previous walk started (minus a margin for coarse
    // timestamps; re-reading a file is harmless). New: born after that walk started — an
    // entry born earlier was listed by it. Either misjudgement only costs a re-enumeration.
    const bornAfter = Date.parse(prev.started);
    const since = bornAfter - SKEW_MS;
    const before = new PreviousPrints(prev.folders);
    const book = new PrintBook();
    let lost: string | null = null;
    const entries = walk(this.realRoot, {
      filter: this.filter(ctx),
      signal: ctx.signal,
      isNew: (s) => bornAt(s) > bornAfter,
      onFolder: (rel, print, self) => {
        book.set(rel, print);
        if (lost === null && !before.unchanged(rel, print, rel !== '' && bornAt(self) > bornAfter)) lost = rel || '.';
      },
    });
    const seen = new Set<string>();
    const changed = async function* (): AsyncGenerator<FileEntry> {
      for await (const e of entries) {
        if (lost !== null) return;
        if (e.stat.mtimeMs > since || e.stat.ctimeMs > since) {
          if (seen.size >= MAX_REMEMBERED_CHANGES) {
            lost = `(more than ${MAX_REMEMBERED_CHANGES} changed files)`;
            return;
          }
          seen.add(e.rel);
          yield e;
        }
      }
    };
    yield* this.documents(changed(), ctx);
    if (lost === null && !before.allSeen()) lost = '(a folder that no longer exists)';
    if (lost !== null) {
      ctx.log.info(`entries removed or renamed in folder [${lost}]: re-enumerating so deletions are applied`);
      // Files this pass already yielded are not read again: each document counts once.
      yield* this.reenumerate(ctx, started, seen);
      return { ...this.cursor! };
    }
    this.cursor = { version: 1, started: iso(started), selection: this.selection(ctx), folders: book.encode() };
    return { ...this.cursor };
  }

  private async *reenumerate(ctx: SyncContext, started: number, done: ReadonlySet<string> = new Set()): AsyncGenerator<SourceDocument> {
    sweepAfterThisRun(ctx);
    yield* this.enumerate(ctx, started, done);
  }

  cursorAfterFullSync(): Record<string, unknown> | null {
    return this.cursor ? { ...this.cursor } : null;
  }

  async validateAdvancedRules(rules: unknown): Promise<RulesValidation> {
    return validateGlobRules(rules);
  }

  async close(): Promise<void> {}
}

export const directorySource: SourceFactory = {
  serviceType: 'directory',
  displayName: 'Directory',
  configSchema: directoryConfigSchema,
  features: {
    incremental_sync: true,
    document_level_security: false,
    sync_rules: { basic: true, advanced: true },
  },
  create(config: ConfigValues, policy: SourcePolicy = OPEN_POLICY): Source {
    return createOrExplain(() => new DirectorySource(readDirectorySettings(config, policy.directoryMaxFileSize ?? MAX_FILE_SIZE_LIMIT), policy), { validateRules: validateGlobRules });
  },
};
