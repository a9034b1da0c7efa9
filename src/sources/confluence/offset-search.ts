/**
 * Offset pages (`start`, `limit`) of Confluence: CQL searches on Server and Data Center, and the
 * children lists (`/child/comment`, `/child/attachment`) everywhere. When content before the current offset is deleted between two requests, a plain
 * offset walk would skip as many items (and a full sync's sweep would then delete them from the
 * index). Each request here starts `OVERLAP` items before the end of the previous page; the
 * previous page's ids found in the answer tell where it really ended, and what follows is new.
 * When none is found (more deletions than the overlap), the walk steps back until one is, or to
 * the start. Items inserted before the offset (only under an ORDER BY other than creation) may
 * come twice; none is skipped. Cloud pages by cursor and needs none of this.
 */
import { SourceError } from '../source.js';
import { MAX_PAGES, type AtlassianClient, type Query } from '../shared/atlassian/client.js';

export const OVERLAP = 5;

export async function* overlappingPages<T extends { id: string }>(
  client: AtlassianClient,
  path: string,
  query: Query,
  limit: number,
  o: { signal: AbortSignal; what: string },
): AsyncGenerator<T[]> {
  const overlap = Math.min(OVERLAP, limit - 1);
  let start = 0;
  let previous = new Set<string>();
  for (let n = 0; n < MAX_PAGES; n++) {
    const body = await client.getJson<{ results?: T[]; _links?: { next?: string } }>(path, { ...query, limit, start }, o);
    const results = Array.isArray(body?.results) ? body.results.filter((c) => c && typeof c.id === 'string') : [];
    let from = 0;
    if (previous.size) {
      let last = -1;
      results.forEach((c, i) => {
        if (previous.has(c.id)) last = i;
      });
      if (last < 0 && start > 0 && results.length) {
        start = Math.max(0, start - (limit - overlap)); // shifted by more than the overlap: step back
        continue;
      }
      from = last + 1;
    }
    const fresh = results.slice(from).filter((c) => !previous.has(c.id));
    if (fresh.length) yield fresh;
    if (results.length < limit && !body?._links?.next) return;
    if (results.length === 0) return;
    previous = new Set(results.map((c) => c.id));
    start += results.length - overlap;
  }
  throw new SourceError(`${client.where} returned more than ${MAX_PAGES} pages while ${o.what}: stopping (a paging loop?).`);
}
