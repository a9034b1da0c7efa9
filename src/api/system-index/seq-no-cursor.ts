/**
 * The change cursor over `.elastic-connectors`: a `_search` of exactly this shape
 *
 *   {"query": {"range": {"_seq_no": {"gt": N}}}, "sort": [{"_seq_no": "asc"}], "size": n,
 *    "seq_no_primary_term": true}
 *
 * (sort also as `["_seq_no"]` or `[{"_seq_no": {"order": "asc"}}]`; `from` 0 or absent) is
 * answered from the store's `_seq_no` index (ConnectorStore.changedSince): the connectors
 * written after sequence number N, oldest write first, soft-deleted ones included, without
 * walking the rest. The in-process worker learns new and changed connectors this way
 * (runtime/worker/connector-loop.ts); it is plain Query DSL, which Elasticsearch answers too.
 * Any other query goes the general way (search.ts).
 */
import { isPlainObject } from '../../domain/shared/json.js';

/** N of the cursor query, or null when the body is not of that shape. */
export function seqNoCursor(b: Record<string, unknown>, from: number): number | null {
  if (from !== 0) return null;
  const q = b.query;
  if (!isPlainObject(q) || Object.keys(q).length !== 1 || !isPlainObject(q.range)) return null;
  const r = q.range;
  if (Object.keys(r).length !== 1 || !isPlainObject(r._seq_no)) return null;
  const bounds = r._seq_no;
  if (Object.keys(bounds).length !== 1 || !Number.isSafeInteger(bounds.gt) || (bounds.gt as number) < -1) return null;
  const sort = b.sort;
  if (!Array.isArray(sort) || sort.length !== 1) return null;
  const s = sort[0];
  const asc = s === '_seq_no' || (isPlainObject(s) && Object.keys(s).length === 1 && (s._seq_no === 'asc' || (isPlainObject(s._seq_no) && Object.keys(s._seq_no).length === 1 && s._seq_no.order === 'asc')));
  return asc ? (bounds.gt as number) : null;
}
