/**
 * How the `confluence` source turns Confluence content into documents (datasource.ts drives it):
 *
 *   space walk   — the space document; then a CQL search of the space's pages and blog posts
 *                  (oldest first, `SEARCH_PAGE` per request, body and permissions expanded);
 *                  `concurrent_downloads` bodies extracted at once; after each page its comments
 *                  and attachments (only when the expansion counted some), attachments
 *                  downloaded and extracted `concurrent_downloads` at once.
 *   search       — the hits of a CQL query of any content type (advanced rules, incremental
 *                  syncs), each with its container's permissions expanded; no children walked.
 *
 * One search page and `concurrent_downloads` documents are held at a time.
 */
import type { SourceDocument, SyncContext } from '../source.js';
import { mapOrdered } from '../shared/parallel.js';
import { contentAccess, spaceAccess, withAccess, type Access } from './access.js';
import { CONTENT_EXPAND, SEARCH_EXPAND, type CContent, type ConfluenceApi, type CSpace } from './client.js';
import type { ConfluenceSettings } from './config.js';
import { contentDocument, spaceDocument, withAttachmentText, withStorageText, type Limits } from './documents.js';

interface SpaceInfo {
  key: string;
  name: string;
  access: Access;
}

/** Told of each content item yielded (the cursor's window), and asked whether to skip it. */
export interface Tracker {
  known(id: string, when: string | undefined): boolean;
  note(id: string, when: string | undefined): void;
}

export function versionTime(c: CContent): string | undefined {
  const t = c.version?.when ?? c.history?.lastUpdated?.when;
  return t && !Number.isNaN(Date.parse(t)) ? new Date(t).toISOString() : undefined;
}

/** The cursor's key of a space (spaces have no versions: their creation time stands in). */
export function spaceMark(sp: CSpace): string {
  return `space:${sp.id}`;
}

/** A CQL string literal. */
export function cqlString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

async function* flat<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const p of pages) yield* p;
}

/** The items of `pages`, the next page requested as soon as one arrives (two pages held at most). */
async function* ahead<T>(pages: AsyncIterator<T[]>): AsyncGenerator<T> {
  let next = pages.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = pages.next();
      next.catch(() => {}); // surfaces when awaited
      yield* r.value;
    }
  } finally {
    await pages.return?.(undefined).catch(() => {});
  }
}

export class ContentReader {
  /** Access and name per space key, for search hits (bounded by the spaces of the site). */
  private readonly spaces = new Map<string, SpaceInfo>();

  constructor(
    private readonly api: ConfluenceApi,
    private readonly s: ConfluenceSettings,
    private readonly limits: Limits,
  ) {}

  private spaceInfo(sp: CSpace | undefined): SpaceInfo {
    const key = sp?.key ?? '';
    let info = this.spaces.get(key);
    if (!info) {
      info = { key, name: sp?.name ?? key, access: this.s.dls && sp ? spaceAccess(sp) : null };
      if (this.spaces.size < 100_000) this.spaces.set(key, info);
    }
    return info;
  }

  spaceDocument(sp: CSpace): SourceDocument {
    const info: SpaceInfo = { key: sp.key, name: sp.name ?? sp.key, access: this.s.dls ? spaceAccess(sp) : null };
    this.spaces.set(sp.key, info);
    return withAccess(spaceDocument(sp, this.api.webBase), info.access);
  }

  private access(c: CContent, space: SpaceInfo): Access {
    return this.s.dls ? contentAccess(c, space.access) : null;
  }

  /** A page or blog post with its body (and labels). */
  private async pageDocument(c: CContent, space: SpaceInfo, ctx: SyncContext): Promise<SourceDocument> {
    const doc = contentDocument(c, this.api.webBase, space);
    if (this.s.indexLabels) doc.labels = await this.api.labels(c.id, ctx.signal);
    await withStorageText(doc, c, this.limits, ctx);
    return withAccess(doc, this.access(c, space));
  }

  /** A comment or attachment of `parent`, with its text. */
  private async childDocument(c: CContent, parent: CContent, access: Access, space: SpaceInfo, ctx: SyncContext): Promise<SourceDocument> {
    const doc = contentDocument(c, this.api.webBase, space, parent);
    if (c.type === 'attachment') await withAttachmentText(this.api, doc, c, parent.id, this.limits, ctx);
    else await withStorageText(doc, c, this.limits, ctx);
    return withAccess(doc, access);
  }

  /** The space document, then its pages and blog posts, each followed by its comments and attachments. */
  async *walkSpace(sp: CSpace, ctx: SyncContext, track: Tracker): AsyncGenerator<SourceDocument> {
    track.note(spaceMark(sp), sp.history?.createdDate);
    yield this.spaceDocument(sp);
    const space = this.spaces.get(sp.key)!;
    const cql = `space = ${cqlString(sp.key)} AND type in (page, blogpost) ORDER BY created asc`;
    const hits = ahead(this.api.search(cql, CONTENT_EXPAND, ctx.signal, `listing the pages and blog posts of space [${sp.key}]`));
    const n = this.s.concurrentDownloads;
    // Each task also starts the first request of the page's children lists, so they arrive with it.
    const task = async (c: CContent) => {
      const kids = (['comment', 'attachment'] as const).filter((k) => (c.children?.[k]?.size ?? 0) > 0).map((k) => {
        const it = this.api.children(c.id, k, ctx.signal);
        const first = it.next();
        first.catch(() => {}); // surfaces when awaited below
        return { it, first };
      });
      return [await this.pageDocument(c, space, ctx), c, kids] as const;
    };
    for await (const [doc, c, kids] of mapOrdered(hits, n, task)) {
      track.note(c.id, versionTime(c));
      yield doc;
      const access = this.access(c, space);
      for (const { it, first } of kids) {
        const pages = (async function* () {
          for (let r = await first; !r.done; r = await it.next()) yield r.value;
        })();
        for await (const [d, k] of mapOrdered(flat(pages), n, async (k) => [await this.childDocument(k, c, access, space, ctx), k] as const)) {
          track.note(k.id, versionTime(k));
          yield d;
        }
      }
    }
  }

  /** The hits of a CQL query (any content type), skipping what `track` knows already. */
  async *search(cql: string, ctx: SyncContext, track: Tracker, what: string): AsyncGenerator<SourceDocument> {
    const hits = ahead(this.api.search(cql, SEARCH_EXPAND, ctx.signal, what));
    const fresh = async function* (this: ContentReader) {
      for await (const c of hits) {
        if (c.type === 'space' || !c.id) continue;
        if (!track.known(c.id, versionTime(c))) yield c;
        else track.note(c.id, versionTime(c));
      }
    }.call(this);
    for await (const [doc, c] of mapOrdered(fresh, this.s.concurrentDownloads, async (c) => [await this.hitDocument(c, ctx), c] as const)) {
      track.note(c.id, versionTime(c));
      if (doc) yield doc;
    }
  }

  private async hitDocument(c: CContent, ctx: SyncContext): Promise<SourceDocument | null> {
    const space = this.spaceInfo(c.space);
    if (c.type === 'page' || c.type === 'blogpost') return this.pageDocument(c, space, ctx);
    if (c.type !== 'comment' && c.type !== 'attachment') return null;
    const parent = c.container ?? { id: '', type: 'page' };
    return this.childDocument(c, parent, this.access(parent, space), space, ctx);
  }
}
