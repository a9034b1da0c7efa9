/**
 * Elastic's documents of the `confluence` source (docs/sources/confluence.md "Documents"), the
 * fields of Elastic's connector: `_id` (Confluence's id), `type` (Confluence's content type —
 * `page`, `blogpost`, `comment`, `attachment` — and `Space`), `title`, `_timestamp` (the
 * version's time), `space` (its name), `url`, `author`, `createdDate`, `body`; pages and blog
 * posts add `ancestors` ({title, url} from the space root down) and, with `index_labels`,
 * `labels`; comments and attachments name their page under its type (`page` / `blogpost`);
 * attachments add `size`. Tributary adds `space_key` and `version`.
 *
 * Storage-format XHTML becomes text through the one extraction service (src/extraction/
 * extract-bytes.ts, as HTML); attachments are downloaded — at most `max_file_size` bytes, within
 * a process-wide byte budget — and extracted (shared/object-store-content.ts). Whatever fails
 * or is too big is a per-document failure; the document keeps its metadata.
 */
import { Budget } from '../../extraction/budget.js';
import { extractBytes, ExtractionRefused } from '../../extraction/extract-bytes.js';
import { ExtractionAborted } from '../../extraction/extract-pool.js';
import type { SourceDocument, SyncContext } from '../source.js';
import { SourceError } from '../source.js';
import { MAX_BODY_CHARS, wantsContent, withObjectText } from '../shared/object-store-content.js';
import type { CContent, ConfluenceApi, CSpace } from './client.js';

/** Bytes of attachments held at once by every confluence sync of the process. */
export const DOWNLOAD_BUDGET = new Budget(128 * 1024 * 1024);
/** Characters of storage format read per page (a page of a few MB of XHTML is already extreme). */
export const MAX_STORAGE_CHARS = 8 * 1024 * 1024;

export interface Limits {
  maxFileSize: number;
  timeoutMs: number;
}

/** The time of the content's current version (ISO), when Confluence gives a readable one. */
export function versionTime(c: CContent): string | undefined {
  const t = c.version?.when ?? c.history?.lastUpdated?.when;
  return t && !Number.isNaN(Date.parse(t)) ? new Date(t).toISOString() : undefined;
}

export function webUrl(base: string, link: string | undefined): string {
  return link ? base + (link.startsWith('/') ? link : `/${link}`) : base;
}

export function spaceDocument(s: CSpace, base: string): SourceDocument {
  const created = s.history?.createdDate;
  return {
    _id: String(s.id),
    ...(created && !Number.isNaN(Date.parse(created)) ? { _timestamp: new Date(created).toISOString() } : {}),
    type: 'Space',
    title: s.name ?? s.key,
    space_key: s.key,
    url: webUrl(base, s._links?.webui),
    author: s.history?.createdBy?.displayName ?? null,
    createdDate: created ?? null,
  };
}

/** The metadata of a page, blog post, comment or attachment (no body yet). */
export function contentDocument(c: CContent, base: string, space: { key: string; name: string }, parent?: CContent): SourceDocument {
  const ts = versionTime(c);
  const doc: SourceDocument = {
    _id: c.id,
    ...(ts ? { _timestamp: ts } : {}),
    type: c.type,
    title: c.title ?? '',
    space: space.name,
    space_key: space.key,
    url: webUrl(base, c._links?.webui),
    author: c.history?.createdBy?.displayName ?? c.version?.by?.displayName ?? null,
    createdDate: c.history?.createdDate ?? null,
    version: c.version?.number ?? null,
  };
  if (c.type === 'page' || c.type === 'blogpost') {
    doc.ancestors = (c.ancestors ?? []).slice(0, 100).map((a) => ({ title: a.title ?? '', url: webUrl(base, a._links?.webui) }));
  }
  if (parent) doc[parent.type] = parent.title ?? '';
  if (c.type === 'attachment') doc.size = c.extensions?.fileSize ?? 0;
  return doc;
}

/** Sets `body` from storage-format XHTML, through the extraction service. */
export async function withStorageText(doc: SourceDocument, c: CContent, limits: Limits, ctx: SyncContext): Promise<SourceDocument> {
  let storage = c.body?.storage?.value ?? '';
  if (storage.trim() === '') {
    doc.body = '';
    return doc;
  }
  if (storage.length > MAX_STORAGE_CHARS) {
    storage = storage.slice(0, MAX_STORAGE_CHARS);
    doc.body_truncated = true;
  }
  try {
    const bytes = Buffer.from(`<html><body>${storage}</body></html>`, 'utf8');
    const text = await extractBytes(bytes, { maxBytes: bytes.length + 1, maxChars: MAX_BODY_CHARS, timeoutMs: limits.timeoutMs, signal: ctx.signal, extension: 'html' });
    doc.body = text.content;
    if (text.truncated) doc.body_truncated = true;
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (!(err instanceof Error)) throw err;
    doc.body = '';
    const why = err instanceof ExtractionRefused || err instanceof ExtractionAborted ? err.message : `no extractable text (${err.message})`;
    ctx.reportFailure?.(doc._id, `The body of ${c.type} [${c.title ?? c.id}] was not extracted: ${why.slice(0, 200)}. Indexed without it.`);
  }
  return doc;
}

/** Downloads an attachment and sets its `body`; too big or unreadable → a per-document failure. */
export function withAttachmentText(api: ConfluenceApi, doc: SourceDocument, a: CContent, containerId: string, limits: Limits, ctx: SyncContext): Promise<SourceDocument> {
  const link = a._links?.download;
  const name = a.title ?? a.id;
  if (!link || !wantsContent(name, ctx) || (a.extensions?.fileSize ?? 0) === 0) return Promise.resolve(doc);
  return withObjectText(doc, {
    where: `Attachment [${name}] of content [${containerId}]`,
    key: name,
    size: a.extensions?.fileSize ?? 0,
    download: (maxBytes) => api.download(link, maxBytes, ctx.signal, `downloading attachment [${name}]`),
    perObject: (err: SourceError) => {
      const status = (err.options.cause as { status?: number } | undefined)?.status;
      if (status === 404) return 'gone';
      return status === 403 ? 'HTTP 403: the account may not download it' : null;
    },
  }, DOWNLOAD_BUDGET, limits, ctx);
}
