/**
 * A `.elastic-connectors` search that is the connectors list in another form
 * (domain/connector-list-filter.ts: status, service type, text, live only, in list order)
 * answered by the store's list (`ConnectorStore.list`: the list indexes, a page read, a count
 * capped at 10 000) instead of a walk over every connector. The UI's connectors list filtered
 * by status reads it (docs/ui.md). The documents are the same as the walk would find, in the
 * same order; the total is Elasticsearch's default `track_total_hits`: exact up to 10 000,
 * then `gte` (with `track_total_hits: true` such a search walks, to count them all).
 */
import { connectorListFilter } from '../../domain/connector-list-filter.js';
import { MAX_COUNT } from '../../store/list-query.js';
import type { AppContext } from '../app-context.js';

export interface PushedHit {
  id: string;
  /** The stored document as JSON. */
  json: string;
}

export interface PushedResult {
  total: number;
  relation: 'eq' | 'gte';
  hits: PushedHit[];
}

/** `{"id":<id>,…source}` (store/mutation.ts withId) split back into the id and the source. */
function splitId(row: string): PushedHit {
  const m = /^\{"id":("(?:[^"\\]|\\.)*")(,|\})/.exec(row);
  if (!m) throw new Error('store list row without a leading id');
  return { id: JSON.parse(m[1]) as string, json: m[2] === ',' ? `{${row.slice(m[0].length)}` : '{}' };
}

/**
 * The page `from`/`size` of the search, or null when the search is not a list (or asks for
 * what the list cannot give: an exact total beyond 10 000).
 */
export async function listPushdown(app: AppContext, b: { query?: unknown; sort?: unknown }, from: number, size: number, exactTotal: boolean): Promise<PushedResult | null> {
  const f = connectorListFilter(b.query, b.sort);
  if (!f) return null;
  if (f.none) return { total: 0, relation: 'eq', hits: [] };
  const list = await app.store.connectors.list({
    from, size, statuses: f.statuses, serviceTypes: f.serviceTypes, query: f.text, includeDeleted: f.includeDeleted,
  });
  if (list.count >= MAX_COUNT && exactTotal) return null;
  return { total: list.count, relation: list.count >= MAX_COUNT ? 'gte' : 'eq', hits: list.results.map(splitId) };
}
