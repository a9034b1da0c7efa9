/**
 * `_delete_by_query` of the embedded index: the request's checks, then batches of matching
 * rowids (selected on a search thread: the query may read every document) deleted one
 * transaction per batch, yielding to the event loop between batches.
 */
import { errors } from '../domain/errors.js';
import { deleteByRowid } from './documents.js';
import type { IndexHandle } from './index-handle.js';
import { bodyObject, requestQuery, type SearchParams } from './search-request.js';

export interface DeleteByQueryHost {
  /** The current handle of an index (undefined if it is gone). */
  handle(name: string): IndexHandle | undefined;
  /** Up to `limit` matching rowids above `after`, in rowid order. */
  select(h: IndexHandle, query: unknown, after: number, limit: number): number[] | Promise<number[]>;
  /** Runs `fn` in a write transaction. */
  write<T>(fn: () => T): T;
}

export async function deleteByQuery(host: DeleteByQueryHost, h: IndexHandle, rawBody: unknown, params: SearchParams = {}) {
  const started = performance.now();
  const body = bodyObject(rawBody);
  for (const k of Object.keys(body)) {
    if (k !== 'query' && k !== 'max_docs') throw errors.parsing(`[${k}] is not supported by _delete_by_query here`);
  }
  if (body.query === undefined && params.q === undefined) throw errors.validation(['query is missing']);
  const query = requestQuery(body, params);
  const max = params.max_docs ?? body.max_docs;
  const maxDocs = max === undefined ? Infinity : Number(max);
  if (!Number.isInteger(maxDocs) && maxDocs !== Infinity) throw errors.parsing(`[max_docs] must be an integer, got [${String(max)}]`);
  if (maxDocs < 1) throw errors.validation([`maxDocs should be greater than 0 if provided, got [${maxDocs}]`]);
  const size = Number(params.scroll_size ?? 1000);
  if (!Number.isInteger(size) || size < 1) throw errors.illegalArgument(`[scroll_size] must be a positive integer, got [${String(params.scroll_size)}]`);
  const batch = Math.min(10_000, size);
  let deleted = 0;
  let batches = 0;
  let after = 0;
  for (let cur = h; deleted < maxDocs; ) {
    const limit = Math.min(batch, maxDocs - deleted);
    const rows = await host.select(cur, query, after, limit);
    if (rows.length === 0) break;
    const target = cur;
    host.write(() => {
      for (const r of rows) if (deleteByRowid(target, r)) deleted++;
    });
    after = rows[rows.length - 1];
    batches++;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const now = host.handle(h.name); // the index may have been deleted or re-created meanwhile
    if (!now || now.id !== h.id) break;
    cur = now;
  }
  return {
    took: Math.round(performance.now() - started), timed_out: false, total: deleted, deleted, batches,
    version_conflicts: 0, noops: 0, retries: { bulk: 0, search: 0 }, throttled_millis: 0,
    requests_per_second: -1.0, throttled_until_millis: 0, failures: [],
  };
}
