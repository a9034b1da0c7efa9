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
import { contentExpand, searchExpand, type CContent, type ConfluenceApi, type CSpace } from './client.js';
import type { ConfluenceSettings } from './config.js';
import { contentDocument, spaceDocument, versionTime, withAttachmentText, withStorageText, type Limits } from './documents.js';

interface SpaceInfo {
  key: string;
  name: string;
  access: Access;
}

/** A page or blog post, or a child (comment, attachment) of one with the page's readers. */
interface Work {
  c: CContent;
  parent?: CContent;
  access?: Access;
}

/** Told of each content item yielded (the cursor's window), and asked whether to skip it. */
export interface Tracker {
  known(id: string, when: string | undefined): boolean;
  note(id: string, when: string | undefined): void;
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

/** Spaces whose name and readers are kept for search hits. */
const MAX_SPACES_KEPT = 10_000;

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
      if (this.spaces.size < MAX_SPACES_KEPT) this.spaces.set(key, info);
    }
    return info;
  }

  spaceDocument(sp: CSpace): SourceDocument {
    const info: SpaceInfo = { key: sp.key, name: sp.name ?? sp.key, access: this.s.dls ? spaceAccess(sp) : null };
    if (this.spaces.size >= MAX_SPACES_KEPT) this.spaces.clear(); // a cache: search hits read it again when needed
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
    const hits = ahead(this.api.search(cql, contentExpand(this.s.dls), ctx.signal, `listing the pages and blog posts of space [${sp.key}]`));
    const n = this.s.concurrentDownloads;
    const work = mapOrdered(this.work(hits, space, ctx), n, async (w) => [w.parent ? await this.childDocument(w.c, w.parent, w.access ?? null, space, ctx) : await this.pageDocument(w.c, space, ctx), w.c] as const);
    for await (const [doc, c] of work) {
      track.note(c.id, versionTime(c));
      yield doc;
    }
  }

  /**
   * Pages and blog posts, each followed by its comments and attachments. The children lists of
   * the next `concurrent_downloads` hits are requested as they come into view, so their latency
   * overlaps the work on the ones before (at most that many hits and their first children
   * pages held).
   */
  private async *work(hits: AsyncIterable<CContent>, space: SpaceInfo, ctx: SyncContext): AsyncGenerator<Work> {
    const upcoming: { c: CContent; kids: { it: AsyncGenerator<CContent[]>; first: Promise<IteratorResult<CContent[]>> }[] }[] = [];
    const source = hits[Symbol.asyncIterator]();
    let done = false;
    for (;;) {
      while (!done && upcoming.length < this.s.concurrentDownloads) {
        const r = await source.next();
        if (r.done) done = true;
        else {
          const c = r.value;
          const kids = (['comment', 'attachment'] as const).filter((k) => (c.children?.[k]?.size ?? 0) > 0).map((k) => {
            const it = this.api.children(c.id, k, ctx.signal);
            const first = it.next();
            first.catch(() => {}); // surfaces when awaited below
            return { it, first };
          });
          upcoming.push({ c, kids });
        }
      }
      const head = upcoming.shift();
      if (!head) return;
      yield { c: head.c };
      const access = this.access(head.c, space);
      for (const { it, first } of head.kids) {
        for (let r = await first; !r.done; r = await it.next()) for (const k of r.value) yield { c: k, parent: head.c, access };
      }
    }
  }

  /** The hits of a CQL query (any content type), skipping what `track` knows already. */
  async *search(cql: string, ctx: SyncContext, track: Tracker, what: string): AsyncGenerator<SourceDocument> {
    const hits = ahead(this.api.search(cql, searchExpand(this.s.dls), ctx.signal, what));
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
