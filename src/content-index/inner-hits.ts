/**
 * `inner_hits` of a collapsed search (collapse.ts): for each hit of the page, each definition
 * runs the search's query kept to the hit's group, with its own `from`, `size`, `sort` and
 * `_source`: at most page size × 5 definitions searches, each of at most 100 hits.
 */
import { groupQuery } from './collapse.js';
import type { SearchRequest } from './search-request.js';
import { parseSort } from './sort.js';
import { parseSourceFilter } from './source-filter.js';

/** A page of hits and each hit's collapse key (search.ts's ScrollPage). */
interface CollapsedPage {
  response: { hits: Record<string, unknown> };
  groups?: unknown[];
}

export function addInnerHits(page: CollapsedPage, req: SearchRequest, search: (sub: SearchRequest) => { hits: Record<string, unknown> }): void {
  const collapse = req.collapse!;
  const hits = page.response.hits.hits as Record<string, unknown>[];
  hits.forEach((hit, i) => {
    const inner: Record<string, unknown> = {};
    for (const ih of collapse.innerHits ?? []) {
      const sub: SearchRequest = {
        ...req,
        query: groupQuery(req.query, collapse.field, page.groups![i]),
        from: ih.from,
        size: ih.size,
        sort: parseSort(ih.sort),
        source: ih.source === undefined ? req.source : parseSourceFilter(ih.source),
        totalCap: Infinity,
        trackTotal: true,
        totalAsInt: false,
        collapse: undefined,
        aggs: undefined,
        aggQuery: undefined,
        suggest: undefined,
        searchAfter: undefined,
        fields: undefined,
      };
      inner[ih.name] = { hits: search(sub).hits };
    }
    hit.inner_hits = inner;
  });
}
